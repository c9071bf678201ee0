"""The shots of a product: labelled products most like it, with their values for the asked fields.

Examples come per field, most similar first; a product labelled for several fields comes back in
several lists. The shots are the products ranked best in any list, then more while an asked
field that has examples is shown by none of them yet (at most twice as many).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from src.domain.model import Example, Value


@dataclass(frozen=True, slots=True)
class ShotProduct:
    """A labelled product text and its values for some of the asked fields, in asked order."""

    context: str
    values: tuple[tuple[str, Value], ...]


def shot_products(
    codes: Sequence[str], examples: Mapping[str, Sequence[Example]], k: int
) -> list[ShotProduct]:
    """Up to `k` products (more, up to 2k, so that every field with examples is shown once)."""
    best_rank: dict[str, int] = {}
    labels: dict[str, dict[str, Value]] = {}
    for code in codes:
        for rank, example in enumerate(examples.get(code, ())):
            best_rank[example.context] = min(rank, best_rank.get(example.context, rank))
            labels.setdefault(example.context, {})[code] = example.value
    ranked = sorted(best_rank, key=lambda context: (best_rank[context], -len(labels[context])))
    chosen = ranked[:k]
    shown = {code for context in chosen for code in labels[context]}
    for context in ranked[k:]:
        if len(chosen) >= 2 * k:
            break
        if set(labels[context]) - shown:
            chosen.append(context)
            shown |= set(labels[context])
    return [
        ShotProduct(
            context,
            tuple((code, labels[context][code]) for code in codes if code in labels[context]),
        )
        for context in chosen
    ]
