"""An outcome with its trust signals: where its value stands in the text, and whether a person
should review it."""

from __future__ import annotations

from dataclasses import replace

from src.domain.evidence.locate import locate_evidence, locate_items
from src.domain.model import Field, FieldOutcome, ListItem
from src.domain.model.evidence import NO_EVIDENCE, Evidence


def with_trust(
    outcome: FieldOutcome,
    field: Field | None,
    description: str,
    threshold: float | None,
) -> FieldOutcome:
    """`outcome` with its evidence located (unless known already) and its review flag set:
    review when its confidence is unknown, no threshold is known, or the confidence is under
    it. An outcome without a value has no evidence and no review flag; a list's items have
    theirs (`_with_items`)."""
    if outcome.value is None or field is None:
        return _with(outcome, NO_EVIDENCE, None)
    if isinstance(outcome.value, list):
        return _with_items(outcome, field, outcome.value, description, threshold)
    evidence = (
        outcome.evidence
        if outcome.evidence is not None
        else locate_evidence(field, description, outcome.value)
    )
    return _with(outcome, evidence, needs_review(outcome.confidence, threshold))


def _with_items(
    outcome: FieldOutcome,
    field: Field,
    value: list[str],
    description: str,
    threshold: float | None,
) -> FieldOutcome:
    """A list's outcome with each item's evidence and review flag. Items without a confidence
    of their own (a pre-pass answer, one read back from a store that keeps only the whole
    value's) take the list's. The list needs review when any item does: its confidence is the
    least of its items'."""
    items = outcome.items
    if items is None or [item.value for item in items] != value:
        items = tuple(ListItem(item, outcome.confidence) for item in value)
    evidence = outcome.evidence
    if any(item.evidence is None for item in items):
        found, whole = locate_items(field, description, value)
        items = tuple(
            item if item.evidence is not None else replace(item, evidence=at)
            for item, at in zip(items, found, strict=True)
        )
        evidence = whole if evidence is None else evidence
    items = tuple(replace(item, review=needs_review(item.confidence, threshold)) for item in items)
    review = needs_review(outcome.confidence, threshold)
    if (outcome.evidence, outcome.review, outcome.items) == (evidence, review, items):
        return outcome
    return replace(outcome, evidence=evidence, review=review, items=items)


def _with(outcome: FieldOutcome, evidence: Evidence | None, review: bool | None) -> FieldOutcome:
    """`outcome` with this evidence and review flag: itself when it has them already."""
    if outcome.evidence == evidence and outcome.review is review:
        return outcome
    return replace(outcome, evidence=evidence, review=review)


def needs_review(confidence: float | None, threshold: float | None) -> bool:
    """Under the threshold, or either is unknown."""
    return confidence is None or threshold is None or confidence < threshold
