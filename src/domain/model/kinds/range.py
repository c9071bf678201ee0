"""A range in the field's unit (ETIM's R features): `{"min": 100, "max": 240}`, None at an open
end ("≥ 16 A" is `{"min": 16, "max": None}`).

Read from a JSON object `{"min", "max"}`, a pair `[100, 240]`, a single number (both ends), or a
text writing a range: "100-240V", "100 – 240 V", "from −20 to +40 °C", "de -20 à +40 °C",
"−20…+40 °C", "1,5 à 2,5 mm²", "1 000 – 2 000 W", "≥ 16 A", "up to 40 °C". The lower end may not
exceed the upper. Like a number, the answer is in the field's unit; its evidence is the whole
range as written in that unit (or with none), also in another unit that converts to it
("0,1-0,24 kV"); else each end written in such a unit, never an equal number in another.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from src.domain.model import Field, RangeValue, Value
from src.domain.model.answers import ParsedValue, says_not_found
from src.domain.model.evidence import Evidence, Span
from src.domain.model.kinds.kind import Converter, FieldKind, TextReader
from src.domain.model.kinds.number import number_answer, numbers_equal
from src.domain.model.kinds.written_ranges import (
    WrittenRange,
    read_range,
    unit_key,
    written_ranges,
)


class RangeKind(FieldKind):
    name = "range"
    measured = True
    structured = True

    def coerce(self, field: Field, answer: object) -> ParsedValue:
        if says_not_found(answer):
            return ParsedValue.not_found()
        if isinstance(answer, str) and answer.startswith(("{", "[")):
            try:
                answer = json.loads(answer)
            except ValueError:
                return ParsedValue.invalid()
        if isinstance(answer, dict):
            if set(answer) - {"min", "max"} or not answer:
                return ParsedValue.invalid()
            return _range(answer.get("min"), answer.get("max"))
        if isinstance(answer, list):
            return _range(*answer) if len(answer) == 2 else ParsedValue.invalid()
        if isinstance(answer, str):
            written = read_range(answer)
            if written is not None:
                return _range(written.low, written.high)
        single = number_answer(answer)
        return _range(single.value, single.value) if single.value is not None else single

    def why_invalid(self, field: Field, answer: object) -> str:
        if isinstance(answer, dict):
            low, high = number_answer(answer.get("min")), number_answer(answer.get("max"))
            lowest, highest = low.value, high.value
            if (
                isinstance(lowest, (int, float))
                and isinstance(highest, (int, float))
                and lowest > highest
            ):
                return f"min {low.value} is above max {high.value}"
        return (
            f'{answer!r} is not a range: {{"min": number or null, "max": number or null}}, '
            "min at most max"
        )

    def instruction(self, field: Field) -> str:
        unit = f" in {field.unit}" if field.unit else ""
        return (
            f'Answer the range as {{"min": lowest, "max": highest}}{unit}, numbers without the '
            "unit; null for an open end."
        )

    def summary(self, field: Field) -> str:
        unit = f" in {field.unit}" if field.unit else ""
        return f'a range {{"min", "max"}}{unit}'

    def value_schema(self, field: Field) -> dict[str, Any]:
        end = {"type": ["number", "null"]}
        return {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {"min": end, "max": end},
                    "required": ["min", "max"],
                    "additionalProperties": False,
                },
                {"type": "null"},
            ]
        }

    def schema_from_text(
        self, field: Field, description: str, convert: Converter
    ) -> dict[str, Any] | None:
        """`{"enum": [the ranges the text writes in the field's unit (or one converting to
        it)…, null]}`; None when it writes none."""
        wanted = unit_key(field.unit)
        found: list[RangeValue] = []
        for written in written_ranges(description):
            ends = _ends_in_unit(convert, written, wanted)
            if ends is None:
                continue
            value: RangeValue = {"min": ends[0], "max": ends[1]}
            if value not in found:
                found.append(value)
        return {"enum": [*found, None]} if found else None

    def evidence(
        self, field: Field, description: str, value: Value, reader: TextReader
    ) -> Evidence:
        if not isinstance(value, dict):
            return Evidence()
        wanted = (value.get("min"), value.get("max"))
        in_unit: list[tuple[WrittenRange, tuple[Any, Any]]] = []
        for written in written_ranges(description):
            ends = _ends_in_unit(reader.converted, written, unit_key(field.unit))
            if ends is not None:
                in_unit.append((written, ends))
        verbatim = [w.span for w, ends in in_unit if ends == w.ends and _ends_equal(ends, wanted)]
        converted = [w.span for w, ends in in_unit if ends != w.ends and _ends_equal(ends, wanted)]
        if verbatim or converted:
            return Evidence(tuple(verbatim + converted), bool(verbatim))
        return Evidence(_end_spans(field, description, wanted, in_unit, reader), verbatim=False)

    def same(self, field: Field, expected: Value, predicted: Value) -> bool:
        if not isinstance(expected, dict) or not isinstance(predicted, dict):
            return False
        return all(
            (expected.get(end) is None and predicted.get(end) is None)
            or numbers_equal(expected.get(end), predicted.get(end))
            for end in _ENDS
        )


def _end_spans(
    field: Field,
    description: str,
    wanted: tuple[Any, Any],
    in_unit: list[tuple[WrittenRange, tuple[Any, Any]]],
    reader: TextReader,
) -> tuple[Span, ...]:
    """Where the text writes each end of a range it does not write whole: a number in the
    field's unit (or one converting to it), else that end of a range written in that unit
    ("240" of "100-240 V" for `{"min": None, "max": 240}`)."""
    spans: list[Span] = []
    for index, end in enumerate(wanted):
        if end is None:
            continue
        mentions = reader.number(field.unit, description, end, only_in_unit=True).spans
        spans += mentions or [
            span
            for written, ends in in_unit
            if (span := written.end_spans[index]) and _ends_equal((ends[index],), (end,))
        ]
    return tuple(dict.fromkeys(spans))


_ENDS: tuple[Literal["min", "max"], ...] = ("min", "max")
_OTHER_UNIT = object()


def _in_unit(
    convert: Converter, end: float | int | None, unit: str | None, wanted: str | None
) -> Any:
    """`end` written in `unit` in the unit `wanted`; `_OTHER_UNIT` when it is of another kind."""
    if end is None or unit is None or wanted is None or unit == wanted:
        return end
    converted = convert(end, unit, wanted)
    return _OTHER_UNIT if converted is None else converted


def _ends_in_unit(
    convert: Converter, written: WrittenRange, wanted: str | None
) -> tuple[Any, Any] | None:
    """The ends of `written` in the unit `wanted`; None when written in a unit of another kind
    (a range without a unit written is taken as in the field's)."""
    ends = tuple(_in_unit(convert, end, written.unit, wanted) for end in written.ends)
    return None if any(end is _OTHER_UNIT for end in ends) else (ends[0], ends[1])


def _ends_equal(ends: tuple[Any, ...], wanted: tuple[Any, ...]) -> bool:
    return all(
        (end is None and want is None) or (end is not None and numbers_equal(want, end))
        for end, want in zip(ends, wanted, strict=True)
    )


def _range(low: object, high: object) -> ParsedValue:
    ends: list[float | int | None] = []
    for end in (low, high):
        if end is None:
            ends.append(None)
            continue
        parsed = number_answer(end.strip() if isinstance(end, str) else end)
        if parsed.value is None or isinstance(parsed.value, bool):
            return ParsedValue.invalid()
        assert isinstance(parsed.value, (int, float))
        ends.append(parsed.value)
    if ends[0] is None and ends[1] is None:
        return ParsedValue.not_found()
    if ends[0] is not None and ends[1] is not None and ends[0] > ends[1]:
        return ParsedValue.invalid()
    value: RangeValue = {"min": ends[0], "max": ends[1]}
    return ParsedValue.ok(value)
