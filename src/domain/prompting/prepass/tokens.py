"""The product text as a pre-pass reads it: words and numbers with their units, accent- and
case-folded.

Only numbers that stand alone are read: not the digits of a code ("E27", "H0500"), of a
dimension string ("60X103"), of a ratio ("198/73", "1/2") or of a list ("2,8-12mm").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from src.domain.model.text_normalisation import strip_accents
from src.domain.model.values import parse_number

_NUMBER = re.compile(
    r"(?<![\w/.,×*+-])"
    r"(?P<number>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])|\d+(?:[.,]\d+)?)"
    r"(?![\d/]|[.,]\d|-\d)"
    r"(?:[ \u00a0\u202f]?(?P<unit>[a-z°µ\"']+(?:/[a-z]+|\([a-z]\)|[23](?![\d]))?))?"
)
_WORD = re.compile(r"[a-zø]+")
_UNIT_ALIASES = {
    "litres": "l",
    "litre": "l",
    "ltr": "l",
    "watts": "w",
    "watt": "w",
    "volts": "v",
    "volt": "v",
    "vac": "v",
    "bars": "bar",
    "degc": "°c",
    "dba": "db(a)",
    "db": "db(a)",
    "trs/min": "tr/min",
    "rpm": "tr/min",
    "tours/min": "tr/min",
    "heures": "h",
    "heure": "h",
    "metres": "m",
    "metre": "m",
    "kilos": "kg",
    "pouces": '"',
    "pouce": '"',
    "''": '"',
    "amperes": "a",
    "ampere": "a",
}


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    word: str | None = None
    number: float | int | None = None
    unit: str | None = None


def normalised(text: str) -> str:
    return strip_accents(text).casefold()


def normalised_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    folded = normalised(unit).strip().rstrip(".")
    return _UNIT_ALIASES.get(folded, folded)


def tokens(text: str) -> list[Token]:
    """Words and stand-alone numbers (with the unit that follows them) in text order."""
    found: list[Token] = []
    taken: list[tuple[int, int]] = []
    for match in _NUMBER.finditer(text):
        value = parse_number(match["number"])
        if value is None:
            continue
        found.append(Token(match.start(), number=value, unit=normalised_unit(match["unit"])))
        taken.append(match.span())
    for match in _WORD.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            found.append(Token(match.start(), word=match.group(0)))
    return sorted(found, key=lambda token: token.start)
