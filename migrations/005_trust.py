"""Peewee migrations -- 005_trust: a cached answer keeps its confidence, a field says whether its
text value is a span of the text (`extract`), and the accept thresholds `evaluate
--save-thresholds` chose per LLM and field are kept for the review flag."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.add_fields("lookup_cache", confidence=pw.DoubleField(null=True))
    migrator.add_fields("field", extract=pw.BooleanField(default=True))

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
    migrator.remove_fields("field", "extract")
    migrator.remove_fields("lookup_cache", "confidence")
