"""The confidence of a pre-pass answer: the precision its kind of rule measured on labelled data.

Measured by `bench/prepass_precision.py` on every labelled value at hand (data/examples.json,
data/benchmark.jsonl and the prototype's labelled examples): the select rule answered 270
values, 269 right; the number rules 190, all right. Each is given as (right + 1) / (answered + 2),
so that a rule that has not yet been seen wrong is not certain by decree.
"""

from __future__ import annotations

from src.domain.model import Field, FieldType

MEASURED_PRECISION = {FieldType.SELECT: (269, 270), FieldType.NUMBER: (190, 190)}
"""(right, answered) per kind of rule."""


def prepass_confidence(field: Field) -> float | None:
    measured = MEASURED_PRECISION.get(field.type)
    if measured is None:
        return None
    right, answered = measured
    return (right + 1) / (answered + 2)
