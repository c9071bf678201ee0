"""The grammar of an answer schema: when it is made, and the token budget of listed answers."""

from __future__ import annotations

import json

from src.connectors.embedded.answer_grammar import (
    OPENING,
    AnswerGrammar,
    answer_budget,
    grammar_is_safe,
)
from src.domain.model import Field, FieldType
from src.domain.prompting.chain_of_thought.json_answer import answer_schema

CULOT = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "borne à vis", "GX8,5"))


def test_a_select_budget_covers_its_longest_answer_spelled_one_character_a_token() -> None:
    longest = json.dumps({"value": "borne à vis"})  # à is written \\u00e0: longer still

    assert answer_budget(answer_schema(CULOT)) == len(longest) + 4


def test_a_boolean_has_a_budget_and_a_number_or_a_text_has_none() -> None:
    boolean = Field("EF000137", "gradable", FieldType.BOOLEAN)

    assert answer_budget(answer_schema(boolean)) == len('{"value": false}') + 4
    assert answer_budget(answer_schema(Field("EF000035", "puissance", FieldType.NUMBER))) is None
    assert answer_budget(answer_schema(Field("EF000009", "ref", FieldType.TEXT))) is None
    assert answer_budget({"type": "object", "properties": {"EF000042": {"enum": ["E27"]}}}) is None


def test_an_option_with_a_quote_gets_no_grammar_rather_than_a_crash() -> None:
    inches = Field("EF000100", "taille", FieldType.SELECT, options=('12"', "14"))

    assert not grammar_is_safe(answer_schema(inches))
    assert AnswerGrammar.of(answer_schema(inches)).grammar is None
    # the budget still holds: its longest answer, the quote escaped
    assert AnswerGrammar.of(answer_schema(inches)).max_tokens == len('{"value": "12\\""}') + 4


def rules(grammar: AnswerGrammar) -> list[str]:
    """The grammar's GBNF rules, as llama.cpp was given them."""
    assert grammar.grammar is not None
    return sorted(grammar.grammar._grammar.splitlines())


def test_ordinary_options_get_a_grammar_of_the_options_after_the_opening() -> None:
    assert grammar_is_safe(answer_schema(CULOT))
    assert rules(AnswerGrammar.of(answer_schema(CULOT))) == [
        'root ::= space value- "}" space',
        'space ::= " "?',
        'value- ::= "\\"E27\\"" | "\\"borne \\u00e0 vis\\"" | "\\"GX8,5\\"" | "null"',
        'value-kv ::= "\\"value\\"" space ":" space value-',
    ]


def test_a_value_answer_opens_in_the_prompt_and_a_whole_product_answer_does_not() -> None:
    product = {
        "type": "object",
        "properties": {"EF000042": {"enum": ["E27", None]}},
        "required": ["EF000042"],
    }

    assert AnswerGrammar.of(answer_schema(CULOT)).opening == OPENING == '{"value":'
    assert AnswerGrammar.of(product).opening == ""
    assert rules(AnswerGrammar.of(product)) == [
        'EF000042 ::= "\\"E27\\"" | "null"',
        'EF000042-kv ::= "\\"EF000042\\"" space ":" space EF000042',
        'root ::= "{" space EF000042-kv "}" space',
        'space ::= " "?',
    ]


def test_an_answer_is_finished_when_its_json_is_whole() -> None:
    text = AnswerGrammar.of(answer_schema(Field("EF000009", "ref", FieldType.TEXT)))

    assert text.finished(' "E27"}') and text.finished(" null} ")
    assert not text.finished(' "a}')  # a brace inside the string
    assert not text.finished(' "a}b"')
    assert not AnswerGrammar(None, None).finished('{"value": 1}')  # no grammar: the stop strings


def number_candidates_schema(*candidates: float | None) -> dict[str, object]:
    return {
        "type": "object",
        "properties": {"value": {"enum": list(candidates)}},
        "required": ["value"],
    }


def test_a_numbers_listed_answers_are_weighed_whole_and_a_selects_are_not() -> None:
    numbers = AnswerGrammar.of(number_candidates_schema(40, 12.5, None))
    boolean = AnswerGrammar.of(answer_schema(Field("EF000137", "gradable", FieldType.BOOLEAN)))

    assert numbers.answers == (40, 12.5, None)
    assert numbers.answer_texts(" 40}") == (" 40}", " 12.5}", " null}")
    assert numbers.answer_texts("40}") == ("40}", "12.5}", "null}")  # spaced as the greedy answer
    assert AnswerGrammar.of(answer_schema(CULOT)).answers is None
    assert boolean.answers is None  # true is no number, though Python counts it as 1
    assert AnswerGrammar.of(answer_schema(Field("EF000035", "p", FieldType.NUMBER))).answers is None
