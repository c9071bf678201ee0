"""The evaluation use case: a benchmark through the lookup service, for each named LLM, scored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from src.domain.errors import InvalidRequestError
from src.domain.evaluation.benchmark import BenchmarkRow
from src.domain.evaluation.judge import FactualityJudge
from src.domain.evaluation.matching import matches
from src.domain.evaluation.report import Cost, LLMReport, ScoredPair
from src.domain.evaluation.thresholds import DEFAULT_TARGET_PRECISION
from src.domain.lookup.batch import BatchLookup
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import (
    Field,
    FieldOutcome,
    LookupRequest,
    LookupResult,
    OutcomeSource,
    OutcomeStatus,
)
from src.domain.model.evidence import NO_EVIDENCE
from src.domain.model.kinds import kind_of

Progress = Callable[[str], None]
"""Told the LLM's name after each product is evaluated."""


@dataclass(frozen=True, slots=True)
class EvaluationService:
    """Runs every benchmark row through `FieldLookupService.lookup` (the API's own path) with each
    LLM named, and scores every (product, field) pair with type-aware matching.

    With `exclude_own_examples`, the few-shot examples of a product never come from its own text
    (for benchmarks made of labelled examples that are also in the database). A judge, when
    given, grades the text answers that do not match strictly. Each product has the batch's
    deadline.
    """

    lookup: BatchLookup
    judge: FactualityJudge | None = None

    def evaluate(
        self,
        rows: Sequence[BenchmarkRow],
        llm_names: Sequence[str] = (),
        exclude_own_examples: bool = False,
        progress: Progress | None = None,
        target_precision: float = DEFAULT_TARGET_PRECISION,
    ) -> list[LLMReport]:
        """One report per LLM (the default LLM when none is named), in the order named; each
        chooses per-field accept thresholds for `target_precision` (see `thresholds.py`).

        Raises InvalidRequestError for an unknown LLM, or fields the database does not know.
        """
        llms = self.lookup.llms
        names = list(dict.fromkeys(llms.resolve_name(name) for name in llm_names or (None,)))
        fields = self._known_fields(rows)
        return [
            replace(
                self._evaluate_one(llms.get(name), rows, fields, exclude_own_examples, progress),
                target_precision=target_precision,
            )
            for name in names
        ]

    def _known_fields(self, rows: Sequence[BenchmarkRow]) -> dict[str, Field]:
        known = self.lookup.known_fields(code for row in rows for code in row.field_codes())
        if known.unknown:
            raise InvalidRequestError(
                "the benchmark names fields the database does not know: "
                f"{', '.join(known.unknown)}; provision them first",
                ("benchmark", "expected"),
            )
        return known.fields

    def _evaluate_one(
        self,
        llm: ConfiguredLLM,
        rows: Sequence[BenchmarkRow],
        fields: dict[str, Field],
        exclude_own_examples: bool,
        progress: Progress | None,
    ) -> LLMReport:
        pairs: list[ScoredPair] = []
        cost = Cost()
        for number, row in enumerate(rows, 1):
            exclude = row.description if exclude_own_examples else None
            result = self.lookup.lookup(
                LookupRequest(
                    row.description, row.field_codes(), llm.name, exclude_example_context=exclude
                )
            )
            pairs += [self._scored(number, row, fields[o.field_code], o) for o in result.outcomes]
            cost = _plus(cost, result, llm)
            if progress:
                progress(llm.name)
        judge_name = self.judge.name if self.judge else None
        return LLMReport(
            llm.name,
            llm.strategy,
            llm.chain_of_thought.examples_per_field,
            tuple(pairs),
            cost,
            judge_name,
        )

    def _scored(
        self, number: int, row: BenchmarkRow, field: Field, outcome: FieldOutcome
    ) -> ScoredPair:
        accepted = row.expected[field.code]
        correct = matches(field, accepted, outcome.value)
        grade = None
        judged = kind_of(field).judged and accepted and outcome.value is not None
        if self.judge and judged and not correct:
            question = f"What is the {field.label} of this product? {row.description}"
            expected = " / ".join(str(value) for value in accepted or ())
            grade = self.judge.grade(question, expected, str(outcome.value))
        return ScoredPair(
            number,
            row.description,
            field,
            accepted,
            outcome.value,
            outcome.status,
            correct,
            outcome.raw,
            outcome.source,
            grade,
            outcome.confidence,
            outcome.evidence or NO_EVIDENCE,
        )


def _plus(cost: Cost, result: LookupResult, llm: ConfiguredLLM) -> Cost:
    asked = [
        o
        for o in result.outcomes
        if o.source is OutcomeSource.MODEL
        and o.status is not OutcomeStatus.UNKNOWN_FIELD
        and not o.cached
    ]
    calls = min(len(asked), 1) if llm.scope == "product" else len(asked)
    return cost + Cost(calls, result.usage, result.elapsed_ms / 1000)
