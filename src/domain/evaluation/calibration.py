"""How well confidences say which values are right: the expected calibration error over ten
equal-width bins, the reliability table, and the precision/coverage curve.

Over the answered values only (a value was given, with a confidence): a value is right when it
is the expected one (VC), wrong when it is another (VW) or none was expected (NV). Coverage is
the share of these values a threshold accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BINS = 10


@dataclass(frozen=True, slots=True)
class Judged:
    """One answered value: its confidence, and whether it was right."""

    confidence: float
    right: bool


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    low: float
    high: float
    values: int
    mean_confidence: float | None
    accuracy: float | None


@dataclass(frozen=True, slots=True)
class Acceptance:
    """What accepting some of the answered values gives: of `values`, `accepted` are taken
    without review, and `right` of those are right."""

    values: int
    accepted: int
    right: int

    @property
    def coverage(self) -> float:
        return self.accepted / self.values if self.values else 0.0

    @property
    def precision(self) -> float | None:
        return self.right / self.accepted if self.accepted else None


@dataclass(frozen=True, slots=True)
class CurvePoint(Acceptance):
    """What accepting every value with a confidence of at least `threshold` gives."""

    threshold: float


def reliability(values: Sequence[Judged], bins: int = BINS) -> list[ReliabilityBin]:
    """Ten equal-width bins of confidence, [0, 0.1) … [0.9, 1.0]: how many values, their mean
    confidence and how many of them are right."""
    grouped: list[list[Judged]] = [[] for _ in range(bins)]
    for value in values:
        grouped[min(int(value.confidence * bins), bins - 1)].append(value)
    return [
        ReliabilityBin(
            index / bins,
            (index + 1) / bins,
            len(group),
            sum(v.confidence for v in group) / len(group) if group else None,
            sum(v.right for v in group) / len(group) if group else None,
        )
        for index, group in enumerate(grouped)
    ]


def expected_calibration_error(values: Sequence[Judged], bins: int = BINS) -> float | None:
    """Σ over the bins of |accuracy − mean confidence| weighted by the bin's share of values."""
    if not values:
        return None
    return sum(
        b.values / len(values) * abs(b.accuracy - b.mean_confidence)
        for b in reliability(values, bins)
        if b.values and b.accuracy is not None and b.mean_confidence is not None
    )


def accepted_at(values: Sequence[Judged], threshold: float) -> CurvePoint:
    accepted = [v for v in values if v.confidence >= threshold]
    return CurvePoint(len(values), len(accepted), sum(v.right for v in accepted), threshold)


def precision_coverage_curve(values: Sequence[Judged], steps: int = 20) -> list[CurvePoint]:
    """The curve at thresholds 0, 0.05, … 1.0 (with `steps` = 20)."""
    return [accepted_at(values, step / steps) for step in range(steps + 1)]


def right_wrong_auroc(values: Sequence[Judged]) -> float | None:
    """How well confidence orders right values above wrong ones: the probability that a right
    value, drawn at random, has a higher confidence than a wrong one (ties count half). None
    without both right and wrong values."""
    right = sorted(v.confidence for v in values if v.right)
    wrong = sorted(v.confidence for v in values if not v.right)
    if not right or not wrong:
        return None
    above = 0.0
    below = ties = 0
    for confidence in right:
        while below < len(wrong) and wrong[below] < confidence:
            below += 1
        ties = below
        while ties < len(wrong) and wrong[ties] == confidence:
            ties += 1
        above += below + (ties - below) / 2
    return above / (len(right) * len(wrong))
