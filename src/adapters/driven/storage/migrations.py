"""Applies the peewee-migrate files of `migrations/` to the database."""

from __future__ import annotations

import logging
from pathlib import Path

from peewee import Database
from peewee_migrate import Router

MIGRATIONS_DIR = Path(__file__).resolve().parents[4] / "migrations"


def apply_migrations(database: Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Runs the migrations not yet applied, each in its own transaction; returns their names."""
    quiet = logging.getLogger("peewee_migrate.quiet")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    return Router(database, migrate_dir=directory, logger=quiet).run()


def pending_migrations(database: Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    return list(Router(database, migrate_dir=directory).diff)
