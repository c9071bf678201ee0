"""Which values of a lookup go to the review queue, and the reviewed values as lookup results
(for the `enrich` output format)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from src.domain.model import FieldOutcome, LookupResult, OutcomeStatus
from src.domain.review.model import Evidence, QueuedValue, ReviewDecision, text_product_id

PROPOSALS = (OutcomeStatus.OK, OutcomeStatus.NOT_FOUND)
"""The outcomes that propose something: a value, or that the text does not give one."""


class QueueChoice(StrEnum):
    FLAGGED = "flagged"
    """The values the lookup flags `review: true` (low confidence, no evidence)."""
    ALL = "all"
    """Every value proposed (ok or not_found), flagged or not."""
    NONE = "none"


def values_to_review(product_id: str, description: str, result: LookupResult, choice: QueueChoice) -> list[QueuedValue]:
    """The values of `result` that `choice` sends to the queue."""
    if choice is QueueChoice.NONE:
        return []
    return [
        QueuedValue(
            product_id=product_id,
            description=description,
            field_code=outcome.field_code,
            value=outcome.value,
            llm=outcome.llm or result.llm,
            confidence=_confidence(outcome),
            evidence=_evidence(outcome),
        )
        for outcome in result.outcomes
        if outcome.status in PROPOSALS and (choice is QueueChoice.ALL or getattr(outcome, "review", None) is True)
    ]


def reviewed_results(decisions: Sequence[ReviewDecision]) -> list[tuple[str, LookupResult]]:
    """Per product (its id, else the id made from its text), first decided first, each field's
    last decision as an outcome: `ok` with the kept value, `not_found` when none was kept; the
    LLM is the one that proposed the last value decided (`review` when none did)."""
    latest: dict[str, dict[str, ReviewDecision]] = {}
    for decision in decisions:
        product = decision.product_id or text_product_id(decision.description)
        latest.setdefault(product, {})[decision.field_code] = decision
    results = []
    for product, by_field in latest.items():
        chosen = list(by_field.values())
        llm = next((d.llm for d in sorted(chosen, key=lambda d: d.decided_at, reverse=True) if d.llm), None)
        outcomes = tuple(
            FieldOutcome(
                d.field_code, d.kept, OutcomeStatus.OK if d.kept is not None else OutcomeStatus.NOT_FOUND, llm=d.llm
            )
            for d in chosen
        )
        results.append((product, LookupResult(llm or "review", outcomes)))
    return results


# `confidence`, `evidence` and `review` come with issue 12's outcomes; until then they are absent.
def _confidence(outcome: FieldOutcome) -> float | None:
    confidence = getattr(outcome, "confidence", None)
    return float(confidence) if isinstance(confidence, (int, float)) else None


def _evidence(outcome: FieldOutcome) -> tuple[Evidence, ...]:
    spans: Iterable[object] = getattr(outcome, "evidence", None) or ()
    return tuple(
        Evidence(int(_part(span, "start")), int(_part(span, "end")), str(_part(span, "text"))) for span in spans
    )


def _part(span: object, name: str) -> object:
    return span[name] if isinstance(span, dict) else getattr(span, name)
