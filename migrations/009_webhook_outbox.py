"""Peewee migrations -- 009_webhook_outbox: the webhooks of jobs, kept until delivered (one row
per job with a webhook_url), so that any process delivers them and a dead one loses none. Jobs
not finished yet when it runs get theirs."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    class Job(pw.Model):  # as 007 made it; only its key is referred to
        id = pw.CharField(primary_key=True, max_length=32)

        class Meta:
            table_name = "job"

    @migrator.create_model
    class WebhookOutbox(pw.Model):
        job = pw.ForeignKeyField(Job, column_name="job_id", primary_key=True, on_delete="CASCADE")
        url = pw.TextField()
        state = pw.CharField(max_length=16)
        attempts = pw.IntegerField(default=0)
        due_at = pw.DateTimeField()
        claim = pw.CharField(max_length=32, null=True)
        claimed_until = pw.DateTimeField(null=True)
        detail = pw.TextField(null=True)

        class Meta:
            table_name = "webhook_outbox"
            indexes = ((("state", "due_at"), False),)

    migrator.sql(
        "INSERT INTO webhook_outbox (job_id, url, state, attempts, due_at) "
        "SELECT id, webhook_url, 'pending', 0, created_at FROM job "
        "WHERE webhook_url IS NOT NULL AND state IN ('queued', 'running', 'paused')"
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("webhook_outbox")
