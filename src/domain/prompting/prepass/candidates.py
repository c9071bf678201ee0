"""The numbers a number field may answer, read in the product text: for a grammar that holds a
small model to values the text gives, so it can neither invent nor copy a shot's number.

The numbers that follow the attribute's own words, in a unit of the field's kind (or none), are
the candidates when there are any ("hauteur 1248 mm" for a hauteur), each also converted to the
field's unit when the text gives another unit of that kind (1248 mm is 124.8 for a field in cm):
which of the two a catalogue wants is the convention its examples show, and the model follows
them. Otherwise every number of the text is a candidate, converted likewise (the numbers of
"170 x 75 cm" are in cm), but for the digits of a code ("DOS7585X", "E14", "RAL9016": glued to
a letter before them) and for a number written with a unit of another kind than the field's
("130V" or "15 min" are no length, "11KV" no height): none of these is the field's value.
"""

from __future__ import annotations

import re
from functools import lru_cache

from src.domain.model import Field
from src.domain.model.units import KNOWN_UNITS
from src.domain.model.values import parse_number
from src.domain.prompting.prepass.rules import label_words, unglued, words_before
from src.domain.prompting.prepass.tokens import normalised, normalised_unit, tokens

_ANY_NUMBER = re.compile(
    r"(?<![a-wyz\d.,])(?<![a-z]x)(?P<number>\d+(?:[.,]\d+)?)(?:\s?(?P<unit>[a-z]+))?"
)
"""A number with the letters after it, unless glued to a letter before it (the digits of a code;
an "x" after digits is a dimension string's: "60x103")."""
_DIMENSIONS = re.compile(r"\d+(?:[.,]\d+)?(?:\s?x\s?\d+(?:[.,]\d+)?)+\s?(?P<unit>mm|cm|dm|m)\b")
_SCALES = {
    "length": {"mm": 1, "cm": 10, "dm": 100, "m": 1000},
    "mass": {"g": 1, "kg": 1000},
    "power": {"w": 1, "kw": 1000},
    "volume": {"ml": 1, "cl": 10, "dl": 100, "l": 1000},
    "voltage": {"mv": 1, "v": 1000, "kv": 1_000_000},
    "current": {"ma": 1, "a": 1000},
    "energy": {"wh": 1, "kwh": 1000},
    "time": {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000},
    "frequency": {"hz": 1, "khz": 1000},
    "pressure": {"mbar": 1, "bar": 1000},
}
MAX_CANDIDATES = 40


def number_candidates(field: Field, description: str) -> list[float | int]:
    """The numbers `field` may answer in `description`, most likely first; [] when it has none."""
    return list(_candidates(field, description))


@lru_cache(maxsize=1024)
def _candidates(field: Field, description: str) -> tuple[float | int, ...]:
    """Kept for the texts asked about lately: a lookup reads a field's candidates before asking
    the model (whether any is left, see `fan_out`) and again for the model's answer grammar."""
    groups = label_words(field)
    text = unglued(normalised(description), groups)
    wanted = normalised_unit(field.unit)
    found = tokens(text)
    near = [
        (token.number, token.unit)
        for index, token in enumerate(found)
        if token.number is not None
        and _compatible(token.unit, wanted)
        and words_before(found, index, groups)
    ]
    candidates: list[float | int] = []
    for number, unit in near or _every_number(text, wanted):
        for value in (number, converted(number, unit, wanted)):
            if value is not None and value not in candidates:
                candidates.append(value)
    return tuple(candidates[:MAX_CANDIDATES])


def _every_number(text: str, wanted: str | None) -> list[tuple[float | int, str | None]]:
    """Every number of the text with the unit written after it, but for a code's digits and a
    number in a unit of another kind than `wanted`; the numbers of a dimension string ("170 x
    75 cm") take the unit written after the last one."""
    numbers = []
    for match in _ANY_NUMBER.finditer(text):
        unit = normalised_unit(match["unit"])
        if unit == "x":
            dimensions = _DIMENSIONS.match(text, match.start())
            unit = dimensions["unit"] if dimensions else None
        if wanted and unit in KNOWN_UNITS and not _compatible(unit, wanted):
            continue
        number = parse_number(match["number"])
        if number is not None:
            numbers.append((number, unit))
    return numbers


def gives_numbers(description: str) -> bool:
    """Whether the text writes any number, a code's digits included."""
    return any(character.isdigit() for character in description)


def _compatible(unit: str | None, wanted: str | None) -> bool:
    """A number without a unit, in the field's unit, or in a unit of the same kind."""
    if unit is None or unit == wanted:
        return True
    return any(unit in scale and wanted in scale for scale in _SCALES.values())


def converted(number: float | int, unit: str | None, wanted: str | None) -> float | int | None:
    if not unit or not wanted or unit == wanted:
        return None
    for scale in _SCALES.values():
        if unit in scale and wanted in scale:
            value = round(number * scale[unit] / scale[wanted], 6)
            return int(value) if float(value).is_integer() else value
    return None
