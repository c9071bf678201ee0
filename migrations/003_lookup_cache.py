"""Peewee migrations -- 003_lookup_cache: answers already given, shared by every worker."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    @migrator.create_model
    class LookupCacheEntry(pw.Model):
        key = pw.CharField(primary_key=True, max_length=64)
        value = pw.TextField(null=True)
        status = pw.CharField(max_length=16)
        raw = pw.TextField(null=True)
        created_at = pw.DateTimeField(default=datetime.datetime.utcnow, index=True)

        class Meta:
            table_name = "lookup_cache"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("lookup_cache")
