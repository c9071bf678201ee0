"""What every kind reads the same way in an answer: "not stated" in its many forms, and a number
as a text writes it ("3493,8", "1 200", "40W").

A model saying it does not know gives `not_found`; anything else a kind cannot read gives
`invalid_output`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from src.domain.model import OutcomeStatus, Value
from src.domain.model.text_normalisation import comparison_key

_NOT_FOUND_WORDS = frozenset(
    {
        "",
        "-",
        "?",
        "null",
        "none",
        "nil",
        "n/a",
        "na",
        "nan",
        "unknown",
        "not found",
        "not specified",
        "not stated",
        "not mentioned",
        "i don't know",
        "i do not know",
        "inconnu",
        "inconnue",
        "non precise",
        "non precisee",
        "non specifie",
        "non specifiee",
        "non renseigne",
        "non indique",
        "non communique",
        "je ne sais pas",
        "aucun",
        "aucune",
        "nc",
        "n.c.",
        "nd",
        "n.d.",
    }
)

DIGIT_GROUPS = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
"""Thousands written in groups of three digits after a space, a no-break space or a narrow
no-break space ("1 200", "12 500 000"), as French catalogues write them."""

# One number, optionally signed, with "," or "." decimals and `DIGIT_GROUPS` ("1 200",
# "3493,8"), followed by at most a unit made of non-digits ("W", "mm", "°C", "kWh/an").
_NUMBER_WITH_UNIT = re.compile(
    rf"^(?P<sign>[-+−]?)\s*(?P<digits>{DIGIT_GROUPS}|\d+)"
    r"(?:[.,](?P<decimals>\d+))?\s*(?P<unit>[^\d]{0,12})$"
)


_SEPARATOR = re.compile(r"[\s,]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """A typed value and the status that explains it (None with not_found or invalid_output)."""

    value: Value
    status: OutcomeStatus

    @classmethod
    def ok(cls, value: Value) -> ParsedValue:
        return cls(value, OutcomeStatus.OK)

    @classmethod
    def not_found(cls) -> ParsedValue:
        return cls(None, OutcomeStatus.NOT_FOUND)

    @classmethod
    def invalid(cls) -> ParsedValue:
        return cls(None, OutcomeStatus.INVALID_OUTPUT)


def says_not_found(answer: object) -> bool:
    return answer is None or (
        isinstance(answer, str) and comparison_key(answer) in _NOT_FOUND_WORDS
    )


def parse_number(text: str) -> int | float | None:
    """'3493,8' -> 3493.8, '1 200' -> 1200, '40W' -> 40; None when it is not one number."""
    match = _NUMBER_WITH_UNIT.match(text.strip())
    if match is None:
        return None
    digits = re.sub(r"\D", "", match["digits"])
    sign = "-" if match["sign"] in ("-", "−") else ""
    if match["decimals"] and int(match["decimals"]) != 0:
        return float(f"{sign}{digits}.{match['decimals']}")
    return int(f"{sign}{digits}")


def listed_items(text: str, start: int) -> list[tuple[object, int, int]]:
    """The items of the JSON list whose `[` is `text[start]`, each read as JSON with where it
    starts and ends in `text`, up to the list's end, or the last item written whole when it is
    cut short (a model stopped by its token budget, or repeating itself)."""
    items: list[tuple[object, int, int]] = []
    position = start + 1
    while True:
        separator = _SEPARATOR.match(text, position)
        position = separator.end() if separator else position
        if position >= len(text) or text[position] == "]":
            return items
        try:
            item, end = _DECODER.raw_decode(text, position)
        except ValueError:
            return items
        items.append((item, position, end))
        position = end
