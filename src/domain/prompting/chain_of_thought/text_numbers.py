"""Numbers held to the text: a number field answers one of the numbers its product text gives,
by the answer grammar. A small model then can neither invent a number nor copy a shot's. Other
kinds are held to the text as they say (`FieldKind.schema_from_text`): a range to the ranges the
text writes, several options to those the text names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from src.domain.model import Example, Field, Value
from src.domain.model.kinds import kind_of
from src.domain.model.values import ParsedValue
from src.domain.prompting.ports import ChainOfThought
from src.domain.prompting.prepass.candidates import converted, gives_numbers, number_candidates
from src.domain.prompting.prepass.tokens import normalised_unit
from src.domain.prompting.prompt import Prompt


def text_number_schema(field: Field, description: str) -> dict[str, Any] | None:
    """`{"enum": [the text's candidate numbers…, null]}`; `{"enum": [null]}` when the text's
    numbers are none the field may answer (codes, other kinds of units); None when the text
    writes no number at all (the answer is then only typed). Another kind's own narrowing."""
    if not description:
        return None
    kind = kind_of(field)
    if kind.spans_of_text:  # held to spans by `text_span_schema`, when the strategy says so
        return None
    if not kind.numbers_of_text:
        return kind.schema_from_text(field, description, converted_number)
    candidates = number_candidates(field, description)
    if not candidates and not gives_numbers(description):
        return None
    return {"enum": [*candidates, None]}


def converted_number(number: float | int, unit: str | None, wanted: str | None) -> Value:
    """`number` in `unit` written in the unit `wanted`: itself when they are one unit however
    written ("VAC" and "V"); None when they do not convert."""
    written, wanted_unit = normalised_unit(unit), normalised_unit(wanted)
    if written is not None and written == wanted_unit:
        return number
    return converted(number, written, wanted_unit)


class NumbersFromText:
    """Wraps a per-field chain of thought; its number answers are held to the numbers of the
    text (see `number_candidates`), everything else is the wrapped chain of thought's."""

    scope: Literal["field"] = "field"

    def __init__(self, inner: ChainOfThought) -> None:
        self._inner = inner
        self.name = f"{inner.name}+text_numbers"
        self.examples_per_field = inner.examples_per_field

    def prompt(self, field: Field, description: str, examples: Sequence[Example]) -> Prompt:
        return self._inner.prompt(field, description, examples)

    def answer_schema(self, field: Field, description: str = "") -> Mapping[str, Any]:
        schema = self._inner.answer_schema(field, description)
        narrowed = text_number_schema(field, description)
        if narrowed is None:
            return schema
        return {**schema, "properties": {**schema.get("properties", {}), "value": narrowed}}

    def parse(self, field: Field, raw: str) -> ParsedValue:
        return self._inner.parse(field, raw)
