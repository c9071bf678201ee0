"""An outcome with its trust signals: where its value stands in the text, and whether a person
should review it."""

from __future__ import annotations

from dataclasses import replace

from src.domain.evidence.locate import locate_evidence
from src.domain.model import Field, FieldOutcome
from src.domain.model.evidence import NO_EVIDENCE, Evidence


def with_trust(
    outcome: FieldOutcome,
    field: Field | None,
    description: str,
    threshold: float | None,
    locate: bool,
) -> FieldOutcome:
    """`outcome` with its evidence located and its review flag set: review when its confidence
    is unknown, no threshold is known, or the confidence is under it. An outcome without a
    value has no evidence and no review flag. Without `locate`, evidence not known yet is left
    None (not searched for: nobody will be shown it)."""
    if outcome.value is None or field is None:
        return _with(outcome, NO_EVIDENCE, None)
    evidence = (
        outcome.evidence
        if outcome.evidence is not None or not locate
        else locate_evidence(field, description, outcome.value)
    )
    return _with(outcome, evidence, needs_review(outcome.confidence, threshold))


def _with(outcome: FieldOutcome, evidence: Evidence | None, review: bool | None) -> FieldOutcome:
    """`outcome` with this evidence and review flag: itself when it has them already."""
    if outcome.evidence == evidence and outcome.review is review:
        return outcome
    return replace(outcome, evidence=evidence, review=review)


def needs_review(confidence: float | None, threshold: float | None) -> bool:
    """Under the threshold, or either is unknown."""
    return confidence is None or threshold is None or confidence < threshold
