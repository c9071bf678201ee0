"""Per-field accept thresholds, chosen on one half of a benchmark and judged on the other.

The benchmark's products are split in two halves, alternately (odd rows choose, even rows
judge), so that no threshold is judged on the values that chose it. On the choosing half, a
field's threshold is the lowest confidence at which the values accepted reach the target
precision, measured on at least `MIN_VALUES` accepted values (a precision of one or two values
says nothing: the model's few answers at confidence 1.0 would make 1.0 the threshold); a field
with fewer than `MIN_VALUES` values there takes the threshold chosen the same way over its LLM's
model answers (see `pooled_threshold`), and a field (or LLM) whose values never reach the target
gets none: its values are always for review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from src.domain.evaluation.calibration import Acceptance, Judged, accepted_at
from src.domain.trust.annotate import needs_review

MIN_VALUES = 5
DEFAULT_TARGET_PRECISION = 0.95


@dataclass(frozen=True, slots=True)
class FieldValue:
    """An answered value of a field in a benchmark row."""

    row: int
    field_code: str
    judged: Judged
    from_model: bool = True
    """Answered by the model, not a pre-pass rule (whose confidence is its measured precision)."""


@dataclass(frozen=True, slots=True)
class ThresholdChoice:
    target_precision: float
    per_field: Mapping[str, float]
    """The chosen thresholds; fields without one are left out."""
    overall: float | None
    """The pooled threshold (see `pooled_threshold`), taken by fields with too few values."""
    held_out: Acceptance
    """What the chosen thresholds gave on the half that did not choose them."""
    held_out_per_field: Mapping[str, Acceptance]


def choosing_half(row: int) -> bool:
    return row % 2 == 1


def lowest_threshold(
    values: Sequence[Judged], target: float, min_accepted: int = 1
) -> float | None:
    """The lowest confidence from which the accepted values, at least `min_accepted` of them,
    are at least `target` right."""
    for threshold in sorted({v.confidence for v in values}):
        point = accepted_at(values, threshold)
        if (
            point.accepted >= min_accepted
            and point.precision is not None
            and point.precision >= target
        ):
            return threshold
    return None


def pooled_threshold(values: Sequence[FieldValue], target: float) -> float | None:
    """The threshold of a field with too few values of its own: the lowest at which the LLM's
    model answers reach `target`. Not over all its values: a pre-pass answer carries its rule's
    measured precision (0.9 and up, and right that often), so pooled with the model's answers
    the pre-pass's lift the precision to the target at a confidence from which the model's are
    right far less often (AE-110k: 0.46 pooled, 0.84 over the model's answers). When the model's
    answers reach the target at no confidence, over all the values (the pre-pass's then set it)."""
    from_model = lowest_threshold([v.judged for v in values if v.from_model], target, MIN_VALUES)
    if from_model is not None:
        return from_model
    return lowest_threshold([v.judged for v in values], target, MIN_VALUES)


def choose_thresholds(
    values: Sequence[FieldValue], fields: Sequence[str], target: float
) -> ThresholdChoice:
    choosing = [v for v in values if choosing_half(v.row)]
    judging = [v for v in values if not choosing_half(v.row)]
    overall = pooled_threshold(choosing, target)
    by_field: dict[str, list[Judged]] = defaultdict(list)
    for value in choosing:
        by_field[value.field_code].append(value.judged)
    per_field: dict[str, float] = {}
    for code in fields:
        own = by_field.get(code, [])
        threshold = lowest_threshold(own, target, MIN_VALUES) if len(own) >= MIN_VALUES else overall
        if threshold is not None:
            per_field[code] = threshold
    held_per_field: dict[str, Acceptance] = {}
    for code in fields:
        held_per_field[code] = _held_out([v for v in judging if v.field_code == code], per_field)
    return ThresholdChoice(
        target, per_field, overall, _held_out(judging, per_field), held_per_field
    )


def _held_out(values: Sequence[FieldValue], thresholds: Mapping[str, float]) -> Acceptance:
    accepted = [
        v for v in values if not needs_review(v.judged.confidence, thresholds.get(v.field_code))
    ]
    return Acceptance(len(values), len(accepted), sum(v.judged.right for v in accepted))
