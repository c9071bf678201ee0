"""The values of review: a value waiting in the queue, what a reviewer asks, what is kept."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from src.domain.access.roles import DEFAULT_TENANT
from src.domain.model import Value
from src.domain.model.evidence import ListItem, Span
from src.domain.review.teaching import Teaching

ANONYMOUS = "anonymous"
"""Who decided, while no API key exists."""


class Verdict(StrEnum):
    ACCEPT = "accept"
    """The proposed value is right."""
    CORRECT = "correct"
    """The proposed value is wrong; the reviewer gives the right one."""
    REJECT = "reject"
    """The text does not give a value for this field."""


@dataclass(frozen=True, slots=True)
class QueuedValue:
    """A proposed value waiting for a reviewer (or decided already, when `decided_at` is set)."""

    product_id: str
    description: str
    field_code: str
    value: Value
    llm: str | None = None
    confidence: float | None = None
    evidence: tuple[Span, ...] = ()
    """Where in the product text the value is read."""
    items: tuple[ListItem, ...] | None = None
    """A list value's items in its order, each with its confidence, evidence and review flag as
    the lookup gave them (None: not a list, or its items' were not given)."""
    id: int | None = None
    """Given by the queue when the value is stored."""
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class QueuedProduct:
    """One product of the queue and its values still waiting, in the order they were queued."""

    product_id: str
    description: str
    values: tuple[QueuedValue, ...]


@dataclass(frozen=True, slots=True)
class ReviewRequest:
    """A reviewer's decision on one value, as the reviewer sends it."""

    description: str
    field_code: str
    verdict: Verdict
    proposed: Value = None
    corrected: Value = None
    """The value the reviewer gives: needed with CORRECT, ignored otherwise."""
    llm: str | None = None
    confidence: float | None = None
    product_id: str | None = None
    queue_item: int | None = None
    """The queued value this decides, when the reviewer walks the queue."""


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """A stored decision: who decided what, when, on which proposal, in which tenant; `kept`
    (None: the text does not give it) is the labelled example of the field it teaches, as
    `teaching` says (`catalogue_value`: the catalogue's own label it disagrees with, kept)."""

    description: str
    field_code: str
    verdict: Verdict
    proposed: Value
    kept: Value
    reviewer: str
    decided_at: datetime
    llm: str | None = None
    confidence: float | None = None
    product_id: str | None = None
    queue_item: int | None = None
    id: int | None = None
    tenant: str = DEFAULT_TENANT
    teaching: Teaching = Teaching.MADE
    catalogue_value: Value = None
    accepted_by: str | None = None
    accepted_at: datetime | None = None


def text_product_id(description: str) -> str:
    """The id of a product known only by its text (pasted in the page): `text-` and the start
    of the text's SHA-256, the same for the same text."""
    return "text-" + hashlib.sha256(description.encode("utf-8")).hexdigest()[:12]
