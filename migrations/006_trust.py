"""Peewee migrations -- 006_trust: a cached answer keeps its confidence, a field says whether its
text value is a span of the text (`extract`), and the accept thresholds `evaluate
--save-thresholds` chose per LLM and field are kept for the review flag."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.add_fields("lookup_cache", confidence=pw.DoubleField(null=True))
    # Raw SQL, not add_fields: on SQLite a NOT NULL column added by peewee-migrate rebuilds the
    # table, and dropping the old `field` deletes every example (ON DELETE CASCADE).
    migrator.sql("ALTER TABLE field ADD COLUMN extract BOOLEAN NOT NULL DEFAULT TRUE")

    @migrator.create_model
    class ReviewThreshold(pw.Model):
        llm = pw.CharField(max_length=64)
        field_code = pw.CharField(max_length=64)
        threshold = pw.DoubleField()
        target_precision = pw.DoubleField()
        precision = pw.DoubleField(null=True)
        coverage = pw.DoubleField(null=True)
        created_at = pw.DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "review_threshold"
            primary_key = pw.CompositeKey("llm", "field_code")


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("review_threshold")
    migrator.sql("ALTER TABLE field DROP COLUMN extract")
    migrator.remove_fields("lookup_cache", "confidence")
