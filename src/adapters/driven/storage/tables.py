"""The tables, as peewee models. Their schema changes only through files in `migrations/`."""

from __future__ import annotations

import datetime

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def naive_utc(moment: datetime.datetime) -> datetime.datetime:
    """How a moment is stored: in UTC, without a zone (both databases keep it so)."""
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)


def aware_utc(moment: datetime.datetime | str | None) -> datetime.datetime | None:
    """A stored moment, back in UTC."""
    if moment is None:
        return None
    if isinstance(moment, str):  # SQLite hands back what it was given when it cannot parse it
        moment = datetime.datetime.fromisoformat(moment)
    return moment.replace(tzinfo=datetime.UTC)


class BaseTable(Model):
    class Meta:
        database = None  # each query runs on its repository's own database: `.execute(database)`
        legacy_table_names = False


class FieldRow(BaseTable):
    code = CharField(primary_key=True, max_length=64)
    label = TextField()
    type = CharField(max_length=16)
    options = TextField(default="[]")
    """The options of a select, as a JSON list."""
    unit = CharField(max_length=32, null=True)
    description = TextField(null=True)
    extract = BooleanField(default=True)
    """A text field's value is a span of the text (see Field.extract)."""
    revision = BigIntegerField(default=0)
    """Raised in the transaction that changes the field's examples (see Field.revision)."""
    multiple = BooleanField(default=False)
    """The field holds several values (see Field.multiple)."""

    class Meta:
        table_name = "field"


class ExampleRow(BaseTable):
    id = AutoField()
    field = ForeignKeyField(FieldRow, column_name="field_code", field="code", on_delete="CASCADE")
    context = TextField()
    context_hash = CharField(max_length=64)
    """sha256 of the context: with the field, what makes an example unique."""
    value = TextField(null=True)
    """The typed value as JSON; NULL when the text does not state it."""
    provenance = CharField(max_length=16, default="provisioned")
    """Where it comes from: `provisioned` (a file), `reviewed` (a person's decision)."""

    class Meta:
        table_name = "example"
        indexes = ((("field", "context_hash"), True),)


class CatalogueVersionRow(BaseTable):
    """One row: raised by every provisioning, in its transaction."""

    id = IntegerField(primary_key=True)
    version = BigIntegerField()

    class Meta:
        table_name = "catalogue_version"


class LookupCacheRow(BaseTable):
    key = CharField(primary_key=True, max_length=64)
    value = TextField(null=True)
    """The answer's value as JSON."""
    status = CharField(max_length=16)
    # The column shadows peewee's Model.raw(), a query method this table never calls; peewee's
    # stubs type the class attribute as the column's value, which the method's type refuses.
    raw = TextField(null=True)  # type: ignore[assignment]
    created_at = DateTimeField(default=utc_now, index=True)
    confidence = DoubleField(null=True)
    item_confidences = TextField(null=True)
    """A list answer's items' confidences, as a JSON list in the value's order (NULL: not a
    list)."""

    class Meta:
        table_name = "lookup_cache"


class ReviewThresholdRow(BaseTable):
    """The lowest confidence at which an LLM's values of a field are accepted without review."""

    llm = CharField(max_length=64)
    field_code = CharField(max_length=64)
    threshold = DoubleField()
    target_precision = DoubleField()
    precision = DoubleField(null=True)
    coverage = DoubleField(null=True)
    created_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "review_threshold"
        primary_key = CompositeKey("llm", "field_code")


class CalibrationRow(BaseTable):
    """One group's logistic map of an LLM's confidences (see `calibration_map.py`)."""

    llm = CharField(max_length=64)
    group_name = CharField(max_length=64)
    slope = DoubleField()
    intercept = DoubleField()
    labelled_values = IntegerField()
    created_at = DateTimeField(default=utc_now)

    class Meta:
        table_name = "calibration_map"
        primary_key = CompositeKey("llm", "group_name")
