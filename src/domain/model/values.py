"""The value rules: turn what a model said about a field into a typed value, or say why not.

A number field answers a JSON number ("3493,8", "1 200" and "40W" are read as numbers); a select
answers exactly one of its options, matched case- and accent-insensitively; a boolean answers
true/false (oui/non, yes/no, vrai/faux); a text answers a trimmed string. A model saying it does
not know gives `not_found`; anything else gives `invalid_output`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from src.domain.model import Field, FieldType, OutcomeStatus, Value
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
_TRUE_WORDS = frozenset({"oui", "yes", "true", "vrai", "1", "y", "o", "avec"})
_FALSE_WORDS = frozenset({"non", "no", "false", "faux", "0", "n", "sans"})

# One number, optionally signed, with "," or "." decimals and spaces as thousands separators
# ("1 200", "3493,8"), followed by at most a unit made of non-digits ("W", "mm", "°C", "kWh/an").
_NUMBER_WITH_UNIT = re.compile(
    r"^(?P<sign>[-+−]?)\s*(?P<digits>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)"
    r"(?:[.,](?P<decimals>\d+))?\s*(?P<unit>[^\d]{0,12})$"
)


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


def coerce(field: Field, answer: object) -> ParsedValue:
    """The typed value of `answer` (a JSON value or a string) for `field`."""
    if isinstance(answer, str):
        answer = answer.strip()
    if field.type is FieldType.BOOLEAN:
        return _coerce_boolean(answer)
    if field.type is FieldType.SELECT:
        return _coerce_select(field, answer)
    if says_not_found(answer):
        return ParsedValue.not_found()
    if field.type is FieldType.NUMBER:
        return _coerce_number(answer)
    return _coerce_text(answer)


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


def _coerce_number(answer: object) -> ParsedValue:
    if isinstance(answer, bool):
        return ParsedValue.invalid()
    if isinstance(answer, int):
        return ParsedValue.ok(answer)
    if isinstance(answer, float):
        if not math.isfinite(answer):
            return ParsedValue.invalid()
        return ParsedValue.ok(int(answer) if answer.is_integer() else answer)
    if isinstance(answer, str):
        number = parse_number(answer)
        return ParsedValue.invalid() if number is None else ParsedValue.ok(number)
    return ParsedValue.invalid()


def _coerce_select(field: Field, answer: object) -> ParsedValue:
    if answer is None:
        return ParsedValue.not_found()
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        answer = str(answer)
    if not isinstance(answer, str):
        return ParsedValue.invalid()
    key = comparison_key(answer)
    matches = [option for option in field.options if comparison_key(option) == key]
    if len(matches) == 1:
        return ParsedValue.ok(matches[0])
    return ParsedValue.not_found() if says_not_found(answer) else ParsedValue.invalid()


def _coerce_boolean(answer: object) -> ParsedValue:
    if isinstance(answer, bool):
        return ParsedValue.ok(answer)
    if isinstance(answer, int) and answer in (0, 1):
        return ParsedValue.ok(bool(answer))
    if isinstance(answer, str):
        key = comparison_key(answer)
        if key in _TRUE_WORDS:
            return ParsedValue.ok(True)
        if key in _FALSE_WORDS:
            return ParsedValue.ok(False)
    if says_not_found(answer):
        return ParsedValue.not_found()
    return ParsedValue.invalid()


def _coerce_text(answer: object) -> ParsedValue:
    if isinstance(answer, bool) or not isinstance(answer, (str, int, float)):
        return ParsedValue.invalid()
    return ParsedValue.ok(" ".join(str(answer).split()))  # blank: not found already
