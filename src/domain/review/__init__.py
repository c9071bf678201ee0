"""Review: a person accepts, corrects or rejects a proposed value, and every decision becomes a
labelled example (provenance `reviewed`) that the next lookup's few-shot retrieval uses."""

from src.domain.review.model import (
    QueuedProduct,
    QueuedValue,
    ReviewDecision,
    ReviewRequest,
    Verdict,
)
from src.domain.review.queue import ReviewQueue
from src.domain.review.reviewing import Reviewing

__all__ = [
    "QueuedProduct",
    "QueuedValue",
    "ReviewDecision",
    "ReviewQueue",
    "ReviewRequest",
    "Reviewing",
    "Verdict",
]
