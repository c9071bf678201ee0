"""The confidence of a pre-pass answer: the precision its kind of rule measured on labelled data.

Each kind holds its rule's figure (`FieldKind.prepass_precision`), measured by
`bench/prepass_precision.py` on every labelled value at hand (data/examples.json,
data/benchmark.jsonl and the prototype's labelled examples): the select rule answered 270
values, 269 right; the number rules 190, all right. Each is given as (right + 1) / (answered + 2),
so that a rule that has not yet been seen wrong is not certain by decree.
"""

from __future__ import annotations

from src.domain.model import Field
from src.domain.model.kinds import kind_of


def prepass_confidence(field: Field) -> float | None:
    measured = kind_of(field).prepass_precision
    if measured is None:
        return None
    right, answered = measured
    return (right + 1) / (answered + 2)
