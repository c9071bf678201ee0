"""The llama.cpp grammar that holds a model to an answer's JSON schema, and a token budget for
it."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from llama_cpp.llama_grammar import LlamaGrammar, json_schema_to_gbnf

from src.connectors.embedded.span_grammar import span_grammar
from src.domain.model.answers import listed_items
from src.domain.model.kinds import MAX_ITEMS
from src.domain.prompting.chain_of_thought.text_spans import SPANS_OF

log = logging.getLogger(__name__)

_SPACES_ALLOWED = 4
"""The grammar allows a space after `{`, `:` and `}`: room for them beyond the longest answer."""

OPENING = '{"value":'
"""How every `{"value": …}` answer starts: written at the end of the prompt, the model reads it
with the prompt in one batch instead of generating it a token at a time (three of a number's
eight generated tokens), and the grammar holds only what follows."""
_SCHEMA_ROOT = 'root ::= "{" space value-kv "}" space'
_OPENED_SCHEMA_ROOT = 'root ::= space value- "}" space'


@dataclass(frozen=True, slots=True)
class AnswerGrammar:
    grammar: LlamaGrammar | None
    """None when the schema cannot be turned into a grammar safely (see `grammar_is_safe`)."""
    max_tokens: int | None
    """Tokens enough for any answer the schema allows, when it lists them (select, boolean)."""
    spans: bool = False
    """The value is held to spans of a text: a restriction of the text's, not the model's choice,
    so its tokens' probabilities are read among all tokens (see `ShortlistGrammar`)."""
    opening: str = ""
    """The start of every answer, for the prompt to end with (`OPENING`); the grammar holds what
    follows it. Empty when the schema is not a `{"value": …}` object."""
    answers: tuple[Any, ...] | None = None
    """Every value a number's answer may hold, when the schema lists them (the candidates its
    text writes, and null) and the prompt writes the opening: each is scored as a whole (see
    `whole_answers`). Not a select's options: their whole-answer probabilities were less
    calibrated than the greedy path's (docs/quality.md)."""

    listed: bool = False
    """The value is null or a list of spans (several texts): a completion that writes one of
    them again is stopped there (see `finished`)."""

    def answer_texts(self, generated: str) -> tuple[str, ...]:
        """How each of `answers` would follow the opening, spaced as `generated` (the greedy
        answer) is: ` "E27"}`, ` 40}`, ` null}`."""
        space = generated[: len(generated) - len(generated.lstrip())]
        return tuple(
            space + json.dumps(value, ensure_ascii=False) + "}" for value in self.answers or ()
        )

    @classmethod
    def of(cls, schema: Mapping[str, Any]) -> AnswerGrammar:
        spans_of = held_to_spans_of(schema)
        if spans_of is not None:
            most = most_spans(schema)
            rules = span_grammar(spans_of, opened=True, most=most)
            grammar = LlamaGrammar.from_string(rules, verbose=False)
            return cls(grammar, None, spans=True, opening=OPENING, listed=most is not None)
        if not grammar_is_safe(schema):
            log.warning("no grammar for a schema with quotes or backslashes: %s", dict(schema))
            return cls(None, answer_budget(schema))
        rules = json_schema_to_gbnf(json.dumps(schema))
        if _is_value_object(schema) and _SCHEMA_ROOT in rules.splitlines():
            opened = rules.replace(_SCHEMA_ROOT, _OPENED_SCHEMA_ROOT)
            grammar = LlamaGrammar.from_string(opened, verbose=False)
            answers = listed_answers(schema)
            numbers = answers is not None and all(_is_number_or_null(a) for a in answers)
            return cls(
                grammar,
                answer_budget(schema),
                opening=OPENING,
                answers=tuple(answers) if answers is not None and numbers else None,
            )
        grammar = LlamaGrammar.from_string(rules, verbose=False)
        return cls(grammar, answer_budget(schema))

    def finished(self, generated: str) -> bool:
        """Whether the opening and `generated` make a whole JSON answer, after which the grammar
        allows only spaces: the completion can stop there without generating its end. A list of
        spans that writes a span again is finished too: a small model that repeats itself goes
        on repeating until its token budget is spent, and the items before are its answer."""
        answer = self.opening + generated
        if self.listed and _repeats(answer):
            return True
        if self.grammar is None or not answer.rstrip().endswith("}"):
            return False
        try:
            json.loads(answer)
        except ValueError:
            return False
        return True


class AnswerGrammars:
    """The grammars of answer schemas, each made once (but a span's: one text's, not worth
    keeping). Not thread-safe: for one model's completions, which take turns."""

    def __init__(self) -> None:
        self._made: dict[str, AnswerGrammar] = {}

    def of(self, schema: Mapping[str, Any] | None) -> AnswerGrammar:
        if not schema:
            return AnswerGrammar(None, None)
        if held_to_spans_of(schema) is not None:
            return AnswerGrammar.of(schema)
        key = json.dumps(schema, sort_keys=True)
        if key not in self._made:
            self._made[key] = AnswerGrammar.of(schema)
        return self._made[key]


def _repeats(answer: str) -> bool:
    """Whether the list in `answer` holds an item twice (among the items written whole)."""
    opened = answer.find("[")
    if opened < 0:
        return False
    written = [json.dumps(item) for item, _, _ in listed_items(answer, opened)]
    return len(set(written)) < len(written)


def _is_value_object(schema: Mapping[str, Any]) -> bool:
    """Whether `schema` is an object of one required property, `value`."""
    return set(schema.get("properties", {})) == {"value"} and schema.get("required") == ["value"]


def held_to_spans_of(schema: Mapping[str, Any]) -> str | None:
    """The text whose spans the answer's value (or each item of its list) must be, when the
    schema says so."""
    value = schema.get("properties", {}).get("value", {})
    spans_of = value.get(SPANS_OF, _listed(value).get("items", {}).get(SPANS_OF))
    return spans_of if isinstance(spans_of, str) else None


def most_spans(schema: Mapping[str, Any]) -> int | None:
    """The most spans the answer's list holds (its `maxItems`, else `MAX_ITEMS`); None when the
    value is one span, not a list."""
    listed = _listed(schema.get("properties", {}).get("value", {}))
    if not listed:
        return None
    most = listed.get("maxItems")
    return most if isinstance(most, int) and most > 0 else MAX_ITEMS


def _listed(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """The array schema of a value that is null or a list (`{"anyOf": [array, null]}`), or {}."""
    for option in value.get("anyOf", ()):
        if isinstance(option, Mapping) and option.get("type") == "array":
            return option
    return {}


def answer_budget(schema: Mapping[str, Any]) -> int | None:
    """An upper bound of the tokens of any `{"value": …}` the schema allows, when it lists them.

    Counted in characters, not tokens: under a grammar the model may spell an answer in more
    tokens than the tokenizer would cut it into, but never in more tokens than characters.
    """
    candidates = listed_answers(schema)
    if candidates is None:
        return None
    longest = max((len(json.dumps({"value": c})) for c in candidates), default=0)
    return longest + _SPACES_ALLOWED


def listed_answers(schema: Mapping[str, Any]) -> list[Any] | None:
    """Every value a `{"value": …}` schema allows, when it lists them (an enum, a boolean)."""
    value = schema.get("properties", {}).get("value", {})
    types = value.get("type", [])
    types = [types] if isinstance(types, str) else types
    if "enum" in value:
        return list(value["enum"])
    if types and set(types) <= {"boolean", "null"}:
        return [True, False, None] if "null" in types else [True, False]
    return None


def _is_number_or_null(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def grammar_is_safe(schema: object) -> bool:
    """False when a string in the schema holds `"` or `\\`: llama-cpp-python's JSON-schema
    converter escapes them wrongly, and llama.cpp crashes the process (SIGSEGV) on the
    resulting grammar (seen with llama-cpp-python 0.3.36 and an option `12"`)."""
    if isinstance(schema, str):
        return '"' not in schema and "\\" not in schema
    if isinstance(schema, Mapping):
        return all(grammar_is_safe(k) and grammar_is_safe(v) for k, v in schema.items())
    if isinstance(schema, list | tuple):
        return all(grammar_is_safe(item) for item in schema)
    return True
