"""Ranges as product texts write them: "100-240V", "100 – 240 V", "from −20 to +40 °C",
"de -20 à +40 °C", "−20…+40 °C", "1,5 à 2,5 mm²" (closed), "≥ 16 A", "up to 40 °C" (open), each
with the unit written after it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from src.domain.model.answers import parse_number
from src.domain.model.evidence import Span

_NUMBER = r"(?:[-+−][ \u00a0]?)?\d+(?:[.,]\d+)?"
_UNIT = r"(?:[ \u00a0]?(?P<{name}>°[ ]?[CFK]|[^\W\d_]{{1,4}}[23²³]?(?:/[^\W\d_]{{1,4}})?|%))?"
_BETWEEN = r"[ \u00a0]*(?:-|–|—|‒|…|\.\.\.?|~|to|à|a|au|bis|and|et)[ \u00a0]*"
_CLOSED = re.compile(
    r"(?<![\w.,])(?:(?:from|de|du|von|entre|between)[ \u00a0]+)?"
    rf"(?P<low>{_NUMBER}){_UNIT.format(name='low_unit')}{_BETWEEN}"
    rf"(?P<high>{_NUMBER})(?![\d.,]\d){_UNIT.format(name='high_unit')}(?!\w)",
    re.IGNORECASE,
)
_AT_LEAST = r"≥|>=?|min(?:imum)?\.?|at least|au moins|from|dès|des|à partir de|a partir de"
_AT_MOST = r"≤|<=?|max(?:imum)?\.?|up to|jusqu'à|jusqu’à|jusqu'a|jusqu’a|au plus"
_OPEN = re.compile(
    rf"(?<!\w)(?:(?P<least>{_AT_LEAST})|(?P<most>{_AT_MOST}))[ \u00a0]*"
    rf"(?P<number>{_NUMBER})(?![\d.,]\d){_UNIT.format(name='unit')}(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class WrittenRange:
    """A range as a text writes it: its ends (None: open) and the unit written after them."""

    low: float | int | None
    high: float | int | None
    unit: str | None
    span: Span

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
            yield WrittenRange(low, high, unit_key(unit), Span.of(text, match.start(), match.end()))
    for match in _OPEN.finditer(text):
        number = _number(match["number"])
        if number is None:
            continue
        low, high = (number, None) if match["least"] else (None, number)
        yield WrittenRange(low, high, unit_key(match["unit"]), Span.of(text, *match.span()))


def _number(text: str) -> float | int | None:
    return parse_number(text.replace(" ", "").replace("\u00a0", ""))


def unit_key(text: str | None) -> str | None:
    """A unit as ranges are compared by it: "mm²" is "mm2", "°C" is "°c"."""
    return text.replace(" ", "").replace("²", "2").replace("³", "3").lower() if text else None
