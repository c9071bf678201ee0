"""Which values of a lookup go to the review queue, and the reviewed values as lookup results
(for the `enrich` output format)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from src.domain.model import FieldOutcome, LookupResult, OutcomeStatus
from src.domain.model.evidence import Span
from src.domain.review.model import QueuedValue, ReviewDecision, text_product_id
from src.domain.review.teaching import Teaching

PROPOSALS = (OutcomeStatus.OK, OutcomeStatus.NOT_FOUND)
"""The outcomes that propose something: a value, or that the text does not give one."""


class QueueChoice(StrEnum):
    FLAGGED = "flagged"
    """The values the lookup flags `review: true` (low confidence, no evidence)."""
    ALL = "all"
    """Every value proposed (ok or not_found), flagged or not."""
    NONE = "none"


def values_to_review(
    product_id: str, description: str, result: LookupResult, choice: QueueChoice
) -> list[QueuedValue]:
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
            confidence=outcome.confidence,
            evidence=_evidence(outcome),
            items=outcome.items,
        )
        for outcome in result.outcomes
        if outcome.status in PROPOSALS and (choice is QueueChoice.ALL or outcome.review is True)
    ]


def reviewed_results(decisions: Sequence[ReviewDecision]) -> list[tuple[str, LookupResult]]:
    """Per product (its id, else the id made from its text), first decided first, each field's
    last decision as an outcome: `ok` with the kept value, `not_found` when none was kept; the
    LLM is the one that proposed the last value decided (`review` when none did). A kept value
    needs no more review (`review` false), and has no confidence or evidence of its own. A
    correction of the catalogue's own label that waits for an admin is left out: the label
    stands until it is accepted."""
    latest: dict[str, dict[str, ReviewDecision]] = {}
    for decision in decisions:
        if decision.teaching is Teaching.PENDING:
            continue
        product = decision.product_id or text_product_id(decision.description)
        latest.setdefault(product, {})[decision.field_code] = decision
    results = []
    for product, by_field in latest.items():
        chosen = list(by_field.values())
        llm = next(
            (d.llm for d in sorted(chosen, key=lambda d: d.decided_at, reverse=True) if d.llm), None
        )
        outcomes = tuple(
            FieldOutcome(
                d.field_code,
                d.kept,
                OutcomeStatus.OK if d.kept is not None else OutcomeStatus.NOT_FOUND,
                llm=d.llm,
                review=False if d.kept is not None else None,  # a person has checked it
            )
            for d in chosen
        )
        results.append((product, LookupResult(llm or "review", outcomes)))
    return results


def _evidence(outcome: FieldOutcome) -> tuple[Span, ...]:
    """The spans of the text the value was read from (none without evidence)."""
    return outcome.evidence.spans if outcome.evidence else ()
