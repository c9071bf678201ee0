"""The tables of catalogue jobs, as peewee models (their schema:
migrations/007_jobs_and_usage.py)."""

from __future__ import annotations

from peewee import CharField, CompositeKey, DateTimeField, ForeignKeyField, IntegerField, TextField

from src.adapters.driven.storage.tables import BaseTable
from src.domain.model import OutcomeStatus

STATUS_COLUMNS = {status: f"fields_{status.value}" for status in OutcomeStatus}
"""The job's count of fields by status, one column each."""


class JobRow(BaseTable):
    id = CharField(primary_key=True, max_length=32)
    owner = CharField(max_length=128, index=True)
    state = CharField(max_length=16)
    total = IntegerField()
    codes = TextField()
    """The output's field columns, as a JSON list."""
    output_format = CharField(max_length=8)
    llm = CharField(max_length=128, null=True)
    webhook_url = TextField(null=True)
    created_at = DateTimeField()
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    done = IntegerField(default=0)
    failed = IntegerField(default=0)
    fields_ok = IntegerField(default=0)
    fields_not_found = IntegerField(default=0)
    fields_unknown_field = IntegerField(default=0)
    fields_timeout = IntegerField(default=0)
    fields_invalid_output = IntegerField(default=0)
    fields_error = IntegerField(default=0)

    class Meta:
        table_name = "job"


class JobProductRow(BaseTable):
    job = ForeignKeyField(JobRow, column_name="job_id", on_delete="CASCADE")
    position = IntegerField()
    product_id = TextField()
    """The product's id as JSON (a number stays a number in the results)."""
    description = TextField()
    fields = TextField()

    class Meta:
        table_name = "job_product"
        primary_key = CompositeKey("job", "position")


class JobResultRow(BaseTable):
    job = ForeignKeyField(JobRow, column_name="job_id", on_delete="CASCADE")
    product_key = CharField(max_length=255)
    position = IntegerField()
    result = TextField(null=True)
    """`{"llm", "outcomes": [[code, value, status], ...]}`; NULL when the product failed."""
    error = TextField(null=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "job_result"
        primary_key = CompositeKey("job", "product_key")
