"""The tables of review, as peewee models (their schema: migrations/005_reviews.py)."""

from __future__ import annotations

import json

from peewee import AutoField, CharField, DateTimeField, FloatField, IntegerField, TextField

from src.adapters.driven.storage.tables import BaseTable, utc_now
from src.domain.access.roles import DEFAULT_TENANT
from src.domain.model import Value


class ReviewQueueRow(BaseTable):
    id = AutoField()
    product_id = CharField(max_length=255)
    description = TextField()
    description_hash = CharField(max_length=64)
    field_code = CharField(max_length=64)
    value = TextField(null=True)
    """The proposed value as JSON."""
    llm = CharField(max_length=64, null=True)
    confidence = FloatField(null=True)
    evidence = TextField(default="[]")
    """The spans of the text that give the value, as a JSON list of {start, end, text}."""
    items = TextField(null=True)
    """A list value's items, each with its own trust signals, as a JSON list of {value,
    confidence, evidence, verbatim, review} (NULL: not a list, or none were given)."""
    created_at = DateTimeField(default=utc_now)
    decided_at = DateTimeField(null=True, index=True)
    tenant = CharField(max_length=64, default=DEFAULT_TENANT)
    """The tenant whose queue holds the value."""

    class Meta:
        table_name = "review_queue"
        indexes = ((("tenant", "product_id", "description_hash", "field_code"), True),)


class ReviewDecisionRow(BaseTable):
    id = AutoField()
    queue_item = IntegerField(null=True)
    product_id = CharField(max_length=255, null=True)
    description = TextField()
    field_code = CharField(max_length=64)
    verdict = CharField(max_length=16)
    proposed = TextField(null=True)
    kept = TextField(null=True)
    """The value kept, as JSON; NULL when the text does not give one."""
    llm = CharField(max_length=64, null=True)
    confidence = FloatField(null=True)
    reviewer = CharField(max_length=64)
    decided_at = DateTimeField(index=True)
    tenant = CharField(max_length=64, default=DEFAULT_TENANT)
    teaching = CharField(max_length=16, default="made")
    """What the decision does to its example (src/domain/review/teaching.py)."""
    catalogue_value = TextField(null=True)
    """The catalogue's own label it disagrees with, as JSON, kept."""
    accepted_by = CharField(max_length=64, null=True)
    accepted_at = DateTimeField(null=True)

    class Meta:
        table_name = "review_decision"


def encoded(value: Value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)
