"""Peewee migrations -- 004_catalogue_version: a number that every provisioning raises, so that
processes holding the catalogue in memory know when to read it again."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    @migrator.create_model
    class CatalogueVersion(pw.Model):
        id = pw.IntegerField(primary_key=True)
        version = pw.BigIntegerField()

        class Meta:
            table_name = "catalogue_version"

    migrator.sql("INSERT INTO catalogue_version (id, version) VALUES (1, 0)")


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("catalogue_version")
