"""What a decision does to its field's labelled example. The catalogue's own label (an example
provisioned from a file) is kept: a decision that disagrees with it is kept beside it, and the
label goes on teaching the prompts until an admin accepts the correction, or at once when the
service is set so that reviewed decisions win (REVIEWED_DECISIONS_WIN)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from src.domain.model import Value

PROVISIONED = "provisioned"
"""The provenance of an example provisioned from a file: the catalogue's own label."""
REVIEWED = "reviewed"
"""The provenance of an example a reviewer's decision made."""


class Teaching(StrEnum):
    MADE = "made"
    """The decision made its field's example for the text, or changed one a reviewer made."""
    AGREES = "agrees"
    """It agrees with the catalogue's own label: nothing changes."""
    PENDING = "pending"
    """It disagrees with the catalogue's own label, which goes on teaching; the correction
    waits beside it for an admin."""
    ACCEPTED = "accepted"
    """It disagreed with the catalogue's label and was accepted (by an admin, or at once when
    reviewed decisions win): the example holds its value, and the label it replaced is kept
    with the decision."""


@dataclass(frozen=True, slots=True)
class StoredExample:
    """The example already stored for a field and a text."""

    value: Value
    provenance: str


def teaching_of(
    stored: StoredExample | None, kept: Value, reviewed_decisions_win: bool
) -> Teaching:
    """What a decision keeping `kept` does, given the example stored for its field and text."""
    if stored is None or stored.provenance != PROVISIONED:
        return Teaching.MADE
    if stored.value == kept:
        return Teaching.AGREES
    return Teaching.ACCEPTED if reviewed_decisions_win else Teaching.PENDING
