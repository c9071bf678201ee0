"""Peewee migrations -- 012_several_values: a field says whether it holds several values
(`multiple`: a list of options of a select, of texts). Range fields need no column: their type
is the `type` column's "range", their unit the `unit` column."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    # Raw SQL, not add_fields: on SQLite a NOT NULL column added by peewee-migrate rebuilds the
    # table, and dropping the old `field` deletes every example (ON DELETE CASCADE).
    migrator.sql("ALTER TABLE field ADD COLUMN multiple BOOLEAN NOT NULL DEFAULT FALSE")


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.sql("ALTER TABLE field DROP COLUMN multiple")
