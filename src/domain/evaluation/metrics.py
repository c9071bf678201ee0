"""Scores of scored pairs: accuracy, and precision/recall/F1 as attribute extraction defines them.

A non-null prediction that matches is a true positive; a non-null prediction that does not (a
wrong value, or any value where none was expected) is a false positive; a null prediction where a
value was expected is a false negative. A null prediction where none was expected is correct and
counts in accuracy only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """What scoring needs to know of one (product, field) pair."""

    expected_value: bool
    """A value was expected (the benchmark does not say null)."""
    predicted_value: bool
    """The lookup answered a value (not null)."""
    correct: bool


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts over a set of pairs, and the ratios they give (0.0 when undefined)."""

    pairs: int = 0
    correct: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    expected_values: int = 0
    """Pairs where a value was expected: `recall` and `labelled_accuracy` are over these."""

    @classmethod
    def of(cls, outcomes: Iterable[PairOutcome]) -> Scores:
        pairs = correct = tp = fp = fn = expected = 0
        for outcome in outcomes:
            pairs += 1
            correct += outcome.correct
            expected += outcome.expected_value
            if outcome.predicted_value:
                tp += outcome.correct
                fp += not outcome.correct
            elif outcome.expected_value:
                fn += 1
        return cls(pairs, correct, tp, fp, fn, expected)

    @property
    def accuracy(self) -> float:
        return _ratio(self.correct, self.pairs)

    @property
    def labelled_accuracy(self) -> float:
        """Right values among the pairs that expect one (equal to tp / expected values)."""
        return _ratio(self.true_positives, self.expected_values)

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return _ratio(2 * p * r, p + r)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "pairs": self.pairs,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "labelled_accuracy": round(self.labelled_accuracy, 4),
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0
