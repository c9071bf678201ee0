"""Scores of scored pairs, as attribute extraction defines them: five buckets per pair.

NN: no value expected, none given; NV: a value given where none is expected; VN: none given
where one is expected; VC: the right value; VW: a wrong value. Micro-averaged over the pairs,
precision = VC / (NV + VC + VW) and recall = VC / (VN + VC + VW) (so a wrong value counts
against both), F1 their harmonic mean; accuracy = (NN + VC) / pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Bucket(StrEnum):
    """Where a (product, field) pair falls: what was expected against what was given."""

    NN = "NN"
    NV = "NV"
    VN = "VN"
    VC = "VC"
    VW = "VW"

    @classmethod
    def of(cls, expected_value: bool, predicted_value: bool, correct: bool) -> Bucket:
        """The bucket of a pair: whether a value was expected, one was given, and it was right."""
        if not expected_value:
            return cls.NV if predicted_value else cls.NN
        if not predicted_value:
            return cls.VN
        return cls.VC if correct else cls.VW


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """What scoring needs to know of one (product, field) pair."""

    expected_value: bool
    """A value was expected (the benchmark does not say null)."""
    predicted_value: bool
    """The lookup answered a value (not null)."""
    correct: bool

    @property
    def bucket(self) -> Bucket:
        return Bucket.of(self.expected_value, self.predicted_value, self.correct)


@dataclass(frozen=True, slots=True)
class Scores:
    """The buckets' counts over a set of pairs, and the ratios they give (0.0 when undefined)."""

    nn: int = 0
    nv: int = 0
    vn: int = 0
    vc: int = 0
    vw: int = 0

    @classmethod
    def of(cls, outcomes: Iterable[PairOutcome]) -> Scores:
        counts = dict.fromkeys(Bucket, 0)
        for outcome in outcomes:
            counts[outcome.bucket] += 1
        return cls(*(counts[bucket] for bucket in Bucket))

    @property
    def pairs(self) -> int:
        return self.nn + self.nv + self.vn + self.vc + self.vw

    @property
    def correct(self) -> int:
        """Right values and right nulls."""
        return self.nn + self.vc

    @property
    def expected_values(self) -> int:
        """Pairs where a value was expected."""
        return self.vn + self.vc + self.vw

    @property
    def accuracy(self) -> float:
        return _ratio(self.correct, self.pairs)

    @property
    def precision(self) -> float:
        return _ratio(self.vc, self.nv + self.vc + self.vw)

    @property
    def recall(self) -> float:
        return _ratio(self.vc, self.vn + self.vc + self.vw)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return _ratio(2 * p * r, p + r)

    def buckets(self) -> dict[str, int]:
        return {bucket.value: getattr(self, bucket.value.lower()) for bucket in Bucket}

    def as_dict(self) -> dict[str, object]:
        return {
            "pairs": self.pairs,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "buckets": self.buckets(),
        }


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0
