"""Peewee migrations -- 001_catalogue: fields and their labelled examples.

On PostgreSQL, pg_trgm ranks examples by similarity to a description (SQLite gets the same
function from the application when it connects).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    @migrator.create_model
    class Field(pw.Model):
        code = pw.CharField(primary_key=True, max_length=64)
        label = pw.TextField()
        type = pw.CharField(max_length=16)
        options = pw.TextField(default="[]")
        unit = pw.CharField(max_length=32, null=True)
        description = pw.TextField(null=True)

        class Meta:
            table_name = "field"

    @migrator.create_model
    class Example(pw.Model):
        id = pw.AutoField()
        field = pw.ForeignKeyField(
            Field, column_name="field_code", field="code", on_delete="CASCADE"
        )
        context = pw.TextField()
        context_hash = pw.CharField(max_length=64)
        value = pw.TextField(null=True)

        class Meta:
            table_name = "example"
            indexes = ((("field", "context_hash"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("example")
    migrator.remove_model("field")
