"""The webhook outbox, as a peewee model (its schema: migrations/009_webhook_outbox.py)."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from src.adapters.driven.storage.job_tables import JobRow
from src.adapters.driven.storage.tables import BaseTable


class WebhookDeliveryRow(BaseTable):
    job = ForeignKeyField(JobRow, column_name="job_id", primary_key=True, on_delete="CASCADE")
    url = TextField()
    state = CharField(max_length=16)
    attempts = IntegerField(default=0)
    due_at = DateTimeField()
    """Not tried before this moment (and only once the job is done)."""
    claim = CharField(max_length=32, null=True)
    """Who is trying it now, until `claimed_until`."""
    claimed_until = DateTimeField(null=True)
    detail = TextField(null=True)
    """What the last attempt came to."""

    class Meta:
        table_name = "webhook_outbox"
