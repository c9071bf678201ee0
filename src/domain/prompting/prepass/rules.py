"""The pre-pass rules, kept to what is reliable; anything doubtful is left to the model.

- A select: exactly one of its options appears in the text as a whole word or phrase (a longer
  option that contains a shorter one wins: "A++" over "A+"). One-letter and generic options
  ("autre", "sans") never count, nor a colour word that names the light ("blanc chaud").
- A number, by its words: the attribute's own words stand just before a number whose unit is the
  field's unit ("hauteur : 1248 mm", "pression de service de 10 bar", "RAL 9016" for a field
  without a unit), and every such number in the text is the same.
- A number, by its unit: the field's unit is specific (W, V, kg, lm, bar…; not a length or a
  volume, which products have several of) and every number the text gives in it is the same.

A unit that differs from the field's (mm in the text, cm in the field) defers to the model: the
pre-pass never converts.
"""

from __future__ import annotations

import math
import re

from src.domain.model import Field, Value
from src.domain.model.kinds import kind_of
from src.domain.model.text_normalisation import comparison_key
from src.domain.prompting.prepass.tokens import Token, normalised, normalised_unit, tokens

_GENERIC_OPTIONS = frozenset({"autre", "autres", "sans", "avec", "oui", "non", "aucun", "divers"})
_LIGHT_COLOUR = re.compile(r"\s+(?:chaud|froid|neutre|du jour|lumiere du jour)\b")
_STOP_WORDS = frozenset(
    {
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "en",
        "et",
        "au",
        "aux",
        "pour",
        "par",
        "avec",
        "sans",
        "selon",
        "max",
        "min",
        "maximal",
        "maximale",
        "minimal",
        "minimale",
        "nominal",
        "nominale",
        "total",
        "totale",
        "hors",
        "tout",
        "type",
        "nombre",
        "numero",
        "valeur",
        "utile",
        "produit",
    }
)
_ALIASES = {"diametre": ("ø",), "hauteur": ("h",)}
_UNIT_IN_LABEL = re.compile(r"\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$")
_SEVERAL_IN_A_PRODUCT = frozenset(
    {"mm", "cm", "m", "dm", "km", "l", "cl", "ml", "dl", "pce", "mod"}
)
_WINDOW = 4
"""How many tokens before a number may hold the attribute's words."""


class TextRulesPrepass:
    """Reads the values that the product text states unambiguously, by the rule each field's
    kind names (the kinds' `PrepassRules`)."""

    name = "prepass"

    def answer(self, field: Field, description: str) -> Value | None:
        return kind_of(field).prepass(field, description, self)

    def option(self, field: Field, description: str) -> str | None:
        return _verbatim_option(field, normalised(description))

    def number(self, field: Field, description: str) -> Value | None:
        return _number(field, normalised(description))


def _verbatim_option(field: Field, text: str) -> str | None:
    spans: list[tuple[int, int, str]] = []
    for option in field.options:
        key = comparison_key(option)
        if len(key) < 2 or key in _GENERIC_OPTIONS:
            continue
        pattern = r"(?<![\w+/-])" + re.escape(key) + r"(?![\w+])"
        for match in re.finditer(pattern, text):
            if _LIGHT_COLOUR.match(text, match.end()):
                continue
            spans.append((match.start(), match.end(), option))
    kept = {
        option
        for start, end, option in spans
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
    }
    return kept.pop() if len(kept) == 1 else None


def _number(field: Field, text: str) -> Value | None:
    unit = normalised_unit(field.unit)
    groups = label_words(field)
    found = tokens(unglued(text, groups))
    by_words = {
        token.number
        for index, token in enumerate(found)
        if token.number is not None and token.unit == unit and words_before(found, index, groups)
    }
    if len(by_words) == 1:
        return by_words.pop()
    if by_words or unit is None or unit in _SEVERAL_IN_A_PRODUCT:
        return None
    by_unit = {token.number for token in found if token.number is not None and token.unit == unit}
    return by_unit.pop() if len(by_unit) == 1 else None


def label_words(field: Field) -> tuple[tuple[str, ...], ...]:
    """The attribute's significant words, each with its abbreviations: (("hauteur", "h"),)."""
    label = normalised(_UNIT_IN_LABEL.sub("", field.label))
    words = [w for w in re.findall(r"[a-z]+", label) if len(w) >= 3 and w not in _STOP_WORDS]
    return tuple((word, *_ALIASES.get(word, ())) for word in dict.fromkeys(words))


def unglued(text: str, groups: tuple[tuple[str, ...], ...]) -> str:
    """ "ral9016" -> "ral 9016": the attribute's word glued to its number, apart."""
    for word in (group[0] for group in groups):
        text = re.sub(rf"\b{re.escape(word)}(?=\d)", word + " ", text)
    return text


def words_before(found: list[Token], index: int, groups: tuple[tuple[str, ...], ...]) -> bool:
    """Whether at least half of the attribute's words (one at least) stand just before token
    `index`, with no other number between."""
    return _groups_before(found, index, groups) >= max(1, math.ceil(len(groups) / 2))


def _groups_before(found: list[Token], index: int, groups: tuple[tuple[str, ...], ...]) -> int:
    """How many of the attribute's words stand in the few words just before token `index`."""
    seen: set[int] = set()
    for token in reversed(found[max(0, index - _WINDOW) : index]):
        if token.number is not None:
            break
        for number, group in enumerate(groups):
            if token.word and any(_same_word(token.word, word) for word in group):
                seen.add(number)
    return len(seen)


def _same_word(seen: str, word: str) -> bool:
    """'emissions' is 'emission', 'capacite' is 'capacité'; short words must be equal."""
    if len(seen) < 4 or len(word) < 4:
        return seen == word
    return seen.startswith(word) or word.startswith(seen)
