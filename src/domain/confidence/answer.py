"""A value's confidence from its tokens: the probability the model gave the value's own tokens.

In a JSON answer (`{"value": "E27"}`, or `{"EF000042": "E27", ...}` for a whole product) the
keys, braces and spaces are the format's, not the model's choice of a value: only the tokens
that spell the value, and the one that ends it (a closing quote, a comma or brace after a
number), count. Their probabilities multiply: under a grammar that allows only the options of a
select, that product is the probability of the chosen option among the options.

Each item of a list answer (a field with `multiple`) has its own: the tokens that chose to write
one more item and those that spell it (`written_items`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

from src.domain.confidence.tokens import TokenProbability
from src.domain.model.answers import listed_items

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BARE = re.compile(r"[^\s,}\]]+")


def value_confidence(
    tokens: Sequence[TokenProbability] | None, raw: str, key: str | None = "value"
) -> float | None:
    """The probability of the value under `key` in `raw` (with `key` None, `raw` is the value
    itself: a shared-prefix answer whose prompt opened the object), or None when the backend
    gave no token probabilities, or they do not spell `raw`, or `raw` has no such key."""
    if not tokens or "".join(token.text for token in tokens)[: len(raw)] != raw:
        return None
    found = _value_span(raw, key)
    if found is None:
        return None
    return _probability(tokens, *found)


def written_items(
    tokens: Sequence[TokenProbability] | None, raw: str, key: str | None = "value"
) -> list[tuple[object, float | None]] | None:
    """Each item of the JSON list under `key` in `raw` (with `key` None, `raw` is the list),
    read as JSON, with the probability of the tokens that wrote it: from where the item before
    it ends (for the first, the `[`: the choice of a list rather than null) to the character
    that ends it, so that the choice of one more item counts for that item. None when the
    backend gave no token probabilities, or they do not spell `raw`, or it holds no such list;
    the items read before a list cut short."""
    if not tokens or "".join(token.text for token in tokens)[: len(raw)] != raw:
        return None
    match = _value_start(key).search(raw)
    if match is None or raw[match.end() : match.end() + 1] != "[":
        return None
    items: list[tuple[object, float | None]] = []
    begin = match.end()
    for item, _, end in listed_items(raw, begin):
        items.append((item, _probability(tokens, begin, end - 1)))
        begin = end
    return items


@lru_cache(maxsize=256)
def _value_start(key: str | None) -> re.Pattern[str]:
    """What precedes the value of `key` in a JSON answer (its key, quoted, and the colon), or
    the spaces before it when `key` is None; compiled once per key."""
    return re.compile(r'"' + re.escape(key) + r'"\s*:\s*' if key is not None else r"\s*")


def _probability(tokens: Sequence[TokenProbability], start: int, end: int) -> float | None:
    """The product of the probabilities of the tokens that write characters `start` to `end`
    (both included) of the answer they spell."""
    probability, position = 1.0, 0
    for token in tokens:
        token_start, position = position, position + len(token.text)
        if position > start and token_start <= end:  # spells the value, or ends it
            probability *= token.probability
        if token_start > end:
            break
    return min(1.0, max(0.0, probability)) if math.isfinite(probability) else None


def _value_span(raw: str, key: str | None) -> tuple[int, int] | None:
    """Where the value of `key` starts in `raw`, and the offset of the character that ends it."""
    match = _value_start(key).search(raw)
    if match is None:
        return None
    start = match.end()
    if start >= len(raw):
        return None
    value = (_STRING if raw[start : start + 1] == '"' else _BARE).match(raw, start)
    if value is None:
        return None
    end = value.end() - 1 if raw[start] == '"' else value.end()
    return start, min(end, len(raw) - 1)
