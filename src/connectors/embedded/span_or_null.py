"""A span of the text, or null when the model gave null more probability than that span.

Greedy decoding under the span grammar takes, token by token, the best token the grammar allows.
When the model meant a value the text does not hold (a shot's brand, "Lumeo"), it starts with
that value's first letters, and the grammar then forces it along whichever span of the text
begins so ("L", then "LED"): a span the model itself gave a probability of 1e-15. Of the two
answers it weighed, that span and null, the more probable is kept, both among all tokens: the
span's tokens multiplied (`value_confidence`), and null's, the ` null` token at the first
position, where the model chose between them. For a list of spans, its first span (with the
`[` that opened it) stands against null.
"""

from __future__ import annotations

from collections.abc import Sequence

from src.connectors.embedded.answer_grammar import OPENING
from src.domain.confidence.answer import value_confidence, written_items
from src.domain.confidence.tokens import TokenProbability

NULL = " null"
"""The one token null is spelled with after the opening, as the shots' answers spell it."""


def span_or_null(
    text: str, tokens: Sequence[TokenProbability], null_probability: float | None
) -> tuple[str, tuple[TokenProbability, ...]]:
    """The answer, and its tokens: the span's, or null's when null was the more probable."""
    span = value_confidence(tokens, text)
    if text[len(OPENING) :].lstrip().startswith("["):  # a list: its first span's
        items = written_items(tokens, text)
        span = items[0][1] if items else None
    if span is None or null_probability is None or span >= null_probability:
        return text, tuple(tokens)
    null = (TokenProbability(OPENING, 1.0), TokenProbability(NULL, null_probability))
    return OPENING + NULL + "}", (*null, TokenProbability("}", 1.0))
