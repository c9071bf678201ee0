"""Where a number value was read: the number with its unit as written ("1,5 kW" for 1500 W).

A mention is a number of the text ("1,5", "1 200", "40") with the unit written after it, if any.
It holds the value when it is the value as written (verbatim), or the value once converted from
its unit to the field's ("1,5 kW" is 1500 for a field in W). Numbers that stand alone are tried
first; only when none holds the value are digits inside codes and dimension strings tried
("103" in "60X103"), so a number's evidence always holds its digits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from src.domain.model import Value
from src.domain.model.evidence import Evidence, Span
from src.domain.model.units import KNOWN_UNITS
from src.domain.model.values import parse_number
from src.domain.prompting.prepass.candidates import converted
from src.domain.prompting.prepass.tokens import normalised_unit

_SPACE = "[ \u00a0\u202f]"
_UNIT = r"(?P<unit>°\s?[cfk]\b|[^\W\d_]{1,5}(?:/[^\W\d_]{1,5}|[23](?!\d))?(?![^\W\d_])|%|\"|'')"
_STANDALONE = (
    re.compile(
        rf"(?<![\w.,/-])(?P<number>\d{{1,3}}(?:{_SPACE}\d{{3}})+)(?![\d])(?:{_SPACE}?{_UNIT})?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\w.,/-])(?P<number>\d+(?:[.,]\d+)?)(?![\d])(?:{_SPACE}?{_UNIT})?", re.IGNORECASE
    ),
)
_ANY_DIGITS = re.compile(r"(?<![\d.,])(?P<number>\d+(?:[.,]\d+)?)(?![\d])")
_DIMENSION_UNIT = re.compile(
    rf"(?:{_SPACE}?[x×*]{_SPACE}?\d+(?:[.,]\d+)?)+{_SPACE}?(?P<unit>mm|cm|dm|m)\b", re.IGNORECASE
)
_RELATIVE_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class _Mention:
    number: float | int
    unit: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class _Standalone:
    """A stand-alone number of a text as its pattern found it, before the field's unit is known."""

    number: float | int
    unit: str | None
    """The word after it, normalised (any word: which ones count depends on the field's unit)."""
    start: int
    number_end: int
    end: int
    dimension_unit: str | None
    """For a number followed by "x" ("60X103 mm"): the dimension string's unit, if any."""


def number_evidence(
    unit: str | None, description: str, value: Value, only_in_unit: bool = False
) -> Evidence:
    """Where `value` of a number field in `unit` stands in `description`; with `only_in_unit`,
    only the mentions written in `unit` or in a unit converting to it (not a bare number, not
    one in another unit), when there is a `unit`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return Evidence()
    wanted = normalised_unit(unit)
    for found in _mentions_in_turn(description, wanted):
        mentions = [m for m in found if _in_unit(m, wanted)] if only_in_unit and wanted else found
        verbatim = [m.span for m in mentions if _equal(m.number, value)]
        by_conversion = [
            m.span
            for m in mentions
            if not _equal(m.number, value) and _equal(converted(m.number, m.unit, wanted), value)
        ]
        if verbatim or by_conversion:
            return Evidence(tuple(dict.fromkeys(verbatim + by_conversion)), bool(verbatim))
    return Evidence()


def _mentions_in_turn(description: str, wanted: str | None) -> Iterator[Sequence[_Mention]]:
    """The stand-alone numbers, then (only when asked for: they rarely are) the digits in codes."""
    yield _standalone_mentions(description, wanted)
    yield _digit_mentions(description)


def _standalone_mentions(description: str, wanted: str | None) -> Sequence[_Mention]:
    numbers = _standalone_numbers(description)
    if wanted in numbers.other_words:  # the field's own unit, which no other field would keep
        return _mentions(description, numbers.found, wanted)
    return numbers.mentions


def _mentions(
    description: str, standalone: Sequence[_Standalone], wanted: str | None
) -> tuple[_Mention, ...]:
    mentions: dict[tuple[int, int], _Mention] = {}
    for found in standalone:
        unit = found.unit
        if unit not in KNOWN_UNITS and unit != wanted and unit != "x":
            unit = None
        end = found.end if unit else found.number_end
        if unit == "x":
            unit, end = found.dimension_unit, found.number_end
        span = Span.of(description, found.start, end)
        mentions.setdefault((span.start, span.end), _Mention(found.number, unit, span))
    return tuple(sorted(mentions.values(), key=lambda m: m.span.start))


@dataclass(frozen=True, slots=True)
class _Numbers:
    found: tuple[_Standalone, ...]
    other_words: frozenset[str]
    """The words after numbers that are no known unit: kept only by a field in that unit."""
    mentions: tuple[_Mention, ...]
    """The mentions for a field whose unit is none of `other_words` (nearly every field)."""


@lru_cache(maxsize=256)
def _standalone_numbers(description: str) -> _Numbers:
    """The text's stand-alone numbers, scanned once per text: every number field of a lookup
    (and every lookup of the same text) reads the same ones, each with its own unit."""
    found = []
    for pattern in _STANDALONE:
        for match in pattern.finditer(description):
            number = parse_number(match["number"])
            if number is None:
                continue
            unit = normalised_unit(match["unit"])
            dimension_unit = None
            if unit == "x":
                dimension = _DIMENSION_UNIT.match(description, match.end("number"))
                dimension_unit = normalised_unit(dimension["unit"]) if dimension else None
            found.append(
                _Standalone(
                    number,
                    unit,
                    match.start(),
                    match.end("number"),
                    match.end(),
                    dimension_unit,
                )
            )
    other_words = frozenset(
        f.unit for f in found if f.unit is not None and f.unit not in KNOWN_UNITS and f.unit != "x"
    )
    return _Numbers(tuple(found), other_words, _mentions(description, found, None))


@lru_cache(maxsize=256)
def _digit_mentions(description: str) -> tuple[_Mention, ...]:
    found = []
    for match in _ANY_DIGITS.finditer(description):
        number = parse_number(match["number"])
        if number is not None:
            found.append(_Mention(number, None, Span.of(description, match.start(), match.end())))
    return tuple(found)


def _in_unit(mention: _Mention, wanted: str) -> bool:
    """Whether `mention` is written in the unit `wanted` ("° C" is "°c") or one converting to it."""
    unit = mention.unit.replace(" ", "") if mention.unit else None
    return unit == wanted.replace(" ", "") or converted(mention.number, unit, wanted) is not None


def _equal(number: float | None, value: float) -> bool:
    return number is not None and math.isclose(
        number, value, rel_tol=_RELATIVE_TOLERANCE, abs_tol=1e-9
    )
