"""An outcome's trust signals: its evidence located in the text and its review flag."""

from __future__ import annotations

import pytest

from src.domain.model import Field, FieldOutcome, FieldType, OutcomeStatus
from src.domain.model.evidence import Evidence, Span
from src.domain.trust.annotate import with_trust

SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
TEXT = "Ampoule LED E27 blanc chaud"


def answered(confidence: float | None, **known: object) -> FieldOutcome:
    return FieldOutcome(SOCKET.code, "E27", OutcomeStatus.OK, confidence=confidence, **known)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("confidence", "threshold", "review"),
    [
        (0.9, 0.8, False),
        (0.8, 0.8, False),  # at the threshold: accepted
        (0.79, 0.8, True),
        (None, 0.8, True),  # no measure of its own
        (0.99, None, True),  # no threshold known for the field
    ],
)
def test_a_value_is_for_review_under_its_threshold_or_when_either_is_unknown(
    confidence: float | None, threshold: float | None, review: bool
) -> None:
    trusted = with_trust(
        answered(confidence),
        SOCKET,
        TEXT,
        threshold,
    )

    assert (trusted.value, trusted.confidence, trusted.review) == ("E27", confidence, review)
    assert trusted.evidence == Evidence((Span(12, 15, "E27"),), verbatim=True)


def test_evidence_known_already_is_kept() -> None:
    known = Evidence((Span(0, 7, "Ampoule"),))

    assert with_trust(
        answered(0.9, evidence=known),
        SOCKET,
        TEXT,
        0.5,
    ).evidence == (known)


@pytest.mark.parametrize(
    ("outcome", "field"),
    [
        (FieldOutcome(SOCKET.code, None, OutcomeStatus.NOT_FOUND, confidence=0.9), SOCKET),
        (FieldOutcome("EF999999", "E27", OutcomeStatus.OK, confidence=0.9), None),
    ],
    ids=["no value", "no such field"],
)
def test_an_outcome_without_a_value_or_a_field_has_no_evidence_and_no_review_flag(
    outcome: FieldOutcome, field: Field | None
) -> None:
    flagged = FieldOutcome(
        outcome.field_code,
        outcome.value,
        outcome.status,
        confidence=0.9,
        evidence=Evidence((Span(12, 15, "E27"),)),
        review=True,
    )

    for given in (outcome, flagged):
        trusted = with_trust(
            given,
            field,
            TEXT,
            0.5,
        )
        assert (trusted.evidence, trusted.review) == (Evidence(), None)
