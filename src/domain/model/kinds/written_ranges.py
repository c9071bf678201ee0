"""Ranges as product texts write them: "100-240V", "100 – 240 V", "from −20 to +40 °C",
"de -20 à +40 °C", "−20…+40 °C", "1,5 à 2,5 mm²", "1 000 – 2 000 W", "1,000-2,000 W" (closed),
"≥ 16 A", "up to 40 °C" (open), each with the unit written after it.

A number's thousands may be written in groups of three digits: after spaces, no-break or narrow
no-break spaces ("1 000", as `parse_number` reads them), or after commas in English ("1,000",
"12,500.5"; never after a leading zero: "0,125" is a French decimal). Other digits after a comma
are decimals ("1,5").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from src.domain.model.answers import DIGIT_GROUPS, parse_number
from src.domain.model.evidence import Span

_SPACE = "[ \u00a0\u202f]"
_COMMA_GROUPS = r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"
_NUMBER = (
    rf"(?<!\d{_SPACE})(?:[-+−]{_SPACE}?)?"
    rf"(?:{DIGIT_GROUPS}(?:[.,]\d+)?|{_COMMA_GROUPS}|\d+(?:[.,]\d+)?)(?!\d)"
)
"""A number, signed or not, never begun inside another's digit groups."""
_COMMA_GROUPED = re.compile(rf"[-+−]?{_SPACE}?{_COMMA_GROUPS}")


def _unit(name: str) -> str:
    return (
        rf"(?:{_SPACE}?(?P<{name}>°{_SPACE}?[CFK]|[^\W\d_]{{1,4}}[23²³]?(?:/[^\W\d_]{{1,4}})?|%))?"
    )


_BETWEEN = rf"{_SPACE}*(?:-|–|—|‒|…|\.\.\.?|~|to|à|a|au|bis|and|et){_SPACE}*"
_CLOSED = re.compile(
    rf"(?<![\w.,])(?:(?:from|de|du|von|entre|between){_SPACE}+)?"
    rf"(?P<low>{_NUMBER}){_unit('low_unit')}{_BETWEEN}"
    rf"(?P<high>{_NUMBER})(?![.,]\d){_unit('high_unit')}(?!\w)",
    re.IGNORECASE,
)
_AT_LEAST = r"≥|>=?|min(?:imum)?\.?|at least|au moins|from|dès|des|à partir de|a partir de"
_AT_MOST = r"≤|<=?|max(?:imum)?\.?|up to|jusqu'à|jusqu’à|jusqu'a|jusqu’a|au plus"
_OPEN = re.compile(
    rf"(?<!\w)(?:(?P<least>{_AT_LEAST})|(?P<most>{_AT_MOST})){_SPACE}*"
    rf"(?P<number>{_NUMBER})(?![.,]\d){_unit('unit')}(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class WrittenRange:
    """A range as a text writes it: its ends (None: open), the unit written after them, where
    the whole range stands and where each end's number does (None at an open end)."""

    low: float | int | None
    high: float | int | None
    unit: str | None
    span: Span
    end_spans: tuple[Span | None, Span | None]

    @property
    def ends(self) -> tuple[float | int | None, float | int | None]:
        return (self.low, self.high)


def read_range(text: str) -> WrittenRange | None:
    """The range `text` writes as a whole ("100-240V", "≥ 16 A"), or None."""
    ranges = [r for r in written_ranges(text) if r.span.start == 0 and r.span.end == len(text)]
    return ranges[0] if ranges else None


def written_ranges(text: str) -> Iterator[WrittenRange]:
    """Every range `text` writes, closed ones ("100-240 V") first, then open ones ("≥ 16 A")."""
    for match in _CLOSED.finditer(text):
        low, high = _number(match["low"]), _number(match["high"])
        unit = match["high_unit"] or match["low_unit"]
        if low is not None and high is not None and low <= high:
            span = Span.of(text, match.start(), match.end())
            ends = (Span.of(text, *match.span("low")), Span.of(text, *match.span("high")))
            yield WrittenRange(low, high, unit_key(unit), span, ends)
    for match in _OPEN.finditer(text):
        number = _number(match["number"])
        if number is None:
            continue
        unit, span, end = (
            unit_key(match["unit"]),
            Span.of(text, *match.span()),
            match.span("number"),
        )
        if match["least"]:
            yield WrittenRange(number, None, unit, span, (Span.of(text, *end), None))
        else:
            yield WrittenRange(None, number, unit, span, (None, Span.of(text, *end)))


def _number(text: str) -> float | int | None:
    """A number as written here, read like every number, its English digit groups joined."""
    return parse_number(text.replace(",", "") if _COMMA_GROUPED.fullmatch(text) else text)


def unit_key(text: str | None) -> str | None:
    """A unit as ranges are compared by it: "mm²" is "mm2", "°C" and "° C" are "°c"."""
    if not text:
        return None
    return re.sub(_SPACE, "", text).replace("²", "2").replace("³", "3").lower()
