"""Peewee migrations -- 002_api_keys: API keys (only a hash of each secret), and the request
counts of the rate limit, shared by every worker process."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    @migrator.create_model
    class ApiKey(pw.Model):
        key_id = pw.CharField(primary_key=True, max_length=16)
        name = pw.CharField(max_length=64, unique=True)
        secret_hash = pw.CharField(max_length=64)
        created_at = pw.DateTimeField()
        revoked_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "api_key"

    @migrator.create_model
    class RequestCount(pw.Model):
        key = pw.CharField(primary_key=True, max_length=255)
        count = pw.IntegerField()
        expires_at = pw.DoubleField()

        class Meta:
            table_name = "request_count"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("request_count")
    migrator.remove_model("api_key")
