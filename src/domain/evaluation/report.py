"""What an evaluation found for one LLM: every scored pair, its scores and what it cost."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from src.domain.confidence.calibration_map import CalibrationMap
from src.domain.evaluation.benchmark import Accepted
from src.domain.evaluation.calibration import Judged
from src.domain.evaluation.held_out_calibration import calibrated, fitted_map, held_out_calibration
from src.domain.evaluation.judge import Grade
from src.domain.evaluation.matching import item_counts
from src.domain.evaluation.metrics import Bucket, PairOutcome, Scores
from src.domain.evaluation.thresholds import (
    DEFAULT_TARGET_PRECISION,
    FieldValue,
    ThresholdChoice,
    choose_thresholds,
)
from src.domain.evaluation.trust_report import calibration_summary
from src.domain.model import Field, OutcomeSource, OutcomeStatus, TokenUsage, Value
from src.domain.model.evidence import NO_EVIDENCE, Evidence
from src.domain.model.sums import Summable


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """One (product, field) pair: what was expected, what the lookup answered, and the verdict."""

    row: int
    description: str
    field: Field
    expected: Accepted
    predicted: Value
    status: OutcomeStatus
    correct: bool
    raw: str | None
    source: OutcomeSource
    grade: Grade | None = None
    """The judge's grade of a text answer that did not match strictly."""
    confidence: float | None = None
    evidence: Evidence = NO_EVIDENCE

    def outcome(self) -> PairOutcome:
        return PairOutcome(self.expected is not None, self.predicted is not None, self.correct)

    @property
    def bucket(self) -> Bucket:
        return self.outcome().bucket


@dataclass(frozen=True, slots=True)
class Cost(Summable):
    """What evaluating one LLM spent: model calls, their tokens, and the seconds they took."""

    calls: int = 0
    tokens: TokenUsage = TokenUsage()
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class LLMReport:
    """The evaluation of one LLM over a benchmark."""

    llm: str
    strategy: str
    k: int
    pairs: tuple[ScoredPair, ...]
    cost: Cost
    judge: str | None = None
    target_precision: float = DEFAULT_TARGET_PRECISION

    def thresholds(self, calibration: CalibrationMap | None = None) -> ThresholdChoice:
        """Per-field thresholds chosen on one half of the benchmark, judged on the other; with
        `calibration`, on the confidences through it (as lookups report them once it is saved)."""
        fields = list(dict.fromkeys(pair.field.code for pair in self.pairs))
        values = self.judged_values()
        if calibration is not None:
            values = calibrated(values, calibration)
        return choose_thresholds(values, fields, self.target_precision)

    def calibration(self) -> CalibrationMap:
        """The calibration map fitted on every answered value (see `calibration_map.py`)."""
        return fitted_map(self.judged_values())

    def judged_values(self) -> list[FieldValue]:
        """The answered values with a confidence: right when they are the expected value."""
        return [
            FieldValue(
                pair.row,
                pair.field.code,
                Judged(pair.confidence, pair.correct),
                from_model=pair.source is OutcomeSource.MODEL,
            )
            for pair in self.pairs
            if pair.predicted is not None and pair.confidence is not None
        ]

    @property
    def overall(self) -> Scores:
        return Scores.of(pair.outcome() for pair in self.pairs)

    def by_type(self) -> dict[str, Scores]:
        return self._grouped(lambda pair: pair.field.type.value)

    def by_field(self) -> dict[str, Scores]:
        return self._grouped(lambda pair: pair.field.code)

    def judged_accuracy(self) -> float:
        """Strictly right pairs, plus the judge's score of the text answers it graded."""
        if not self.pairs:
            return 0.0
        graded = sum(pair.grade.score for pair in self.pairs if pair.grade and not pair.correct)
        return (self.overall.correct + graded) / len(self.pairs)

    def summary(self) -> dict[str, object]:
        """The report as plain data: overall scores, cost, statuses, per type and per field."""
        statuses = Counter(pair.status.value for pair in self.pairs)
        prepass = [pair for pair in self.pairs if pair.source is OutcomeSource.PREPASS]
        data: dict[str, object] = {
            "llm": self.llm,
            "strategy": self.strategy,
            "k": self.k,
            **self.overall.as_dict(),
            "calls": self.cost.calls,
            "prompt_tokens": self.cost.tokens.prompt_tokens,
            "prompt_tokens_read": self.cost.tokens.prompt_tokens_read,
            "completion_tokens": self.cost.tokens.completion_tokens,
            "seconds": round(self.cost.seconds, 2),
            "statuses": dict(sorted(statuses.items())),
            "prepass": {"answered": len(prepass), "correct": sum(p.correct for p in prepass)},
            "by_type": {name: s.as_dict() for name, s in self.by_type().items()},
            "by_field": {code: s.as_dict() for code, s in self.by_field().items()},
            "calibration": calibration_summary(
                self.judged_values(),
                sum(p.predicted is not None for p in self.pairs),
                self.thresholds(),
                held_out_calibration(self.judged_values()),
            ),
        }
        if items := self.item_scores():
            data["items"] = items
        if self.judge:
            grades = Counter(pair.grade.choice for pair in self.pairs if pair.grade)
            data["judge"] = {
                "llm": self.judge,
                "graded": sum(grades.values()),
                "grades": dict(sorted(grades.items())),
                "judged_accuracy": round(self.judged_accuracy(), 4),
            }
        return data

    def item_scores(self) -> dict[str, float | int] | None:
        """For the fields with several values, beside the pairs' scores (a list is right when
        its set is an accepted one): the items answered right, answered and expected, and their
        precision and recall; None without such a field."""
        counted = [
            item_counts(pair.field, pair.expected, pair.predicted)
            for pair in self.pairs
            if pair.field.multiple
        ]
        if not counted:
            return None
        right, answered, expected = (sum(column) for column in zip(*counted, strict=True))
        return {
            "right": right,
            "answered": answered,
            "expected": expected,
            "precision": round(right / answered, 4) if answered else 0.0,
            "recall": round(right / expected, 4) if expected else 0.0,
        }

    def _grouped(self, key: Callable[[ScoredPair], str]) -> dict[str, Scores]:
        groups: dict[str, list[ScoredPair]] = defaultdict(list)
        for pair in self.pairs:
            groups[key(pair)].append(pair)
        return {name: Scores.of(p.outcome() for p in groups[name]) for name in sorted(groups)}
