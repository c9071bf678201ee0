"""Peewee migrations -- 005_reviews: reviewers' decisions, the queue of values waiting for one,
and where each labelled example comes from (`provisioned` from a file, `reviewed` by a person)."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.sql(
        "ALTER TABLE example ADD COLUMN provenance VARCHAR(16) NOT NULL DEFAULT 'provisioned'"
    )

    @migrator.create_model
    class ReviewQueueItem(pw.Model):
        id = pw.AutoField()
        product_id = pw.CharField(max_length=255)
        description = pw.TextField()
        description_hash = pw.CharField(max_length=64)
        field_code = pw.CharField(max_length=64)
        value = pw.TextField(null=True)
        llm = pw.CharField(max_length=64, null=True)
        confidence = pw.FloatField(null=True)
        evidence = pw.TextField(default="[]")
        created_at = pw.DateTimeField(default=datetime.datetime.utcnow)
        decided_at = pw.DateTimeField(null=True, index=True)

        class Meta:
            table_name = "review_queue"
            indexes = ((("product_id", "description_hash", "field_code"), True),)

    @migrator.create_model
    class ReviewDecision(pw.Model):
        id = pw.AutoField()
        queue_item = pw.IntegerField(null=True)
        product_id = pw.CharField(max_length=255, null=True)
        description = pw.TextField()
        field_code = pw.CharField(max_length=64)
        verdict = pw.CharField(max_length=16)
        proposed = pw.TextField(null=True)
        kept = pw.TextField(null=True)
        llm = pw.CharField(max_length=64, null=True)
        confidence = pw.FloatField(null=True)
        reviewer = pw.CharField(max_length=64)
        decided_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "review_decision"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("review_decision")
    migrator.remove_model("review_queue")
    migrator.sql("ALTER TABLE example DROP COLUMN provenance")
