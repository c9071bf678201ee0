"""Peewee migrations -- 015_list_items: each item of a list value keeps its own trust signals
where the whole value's are kept. A cached list answer keeps its items' confidences
(`lookup_cache.item_confidences`, a JSON list in the value's order), and a queued list value its
items' confidence and evidence (`review_queue.items`, a JSON list of objects). Both are NULL for
a value that is not a list."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.sql("ALTER TABLE lookup_cache ADD COLUMN item_confidences TEXT")
    migrator.sql("ALTER TABLE review_queue ADD COLUMN items TEXT")


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.sql("ALTER TABLE review_queue DROP COLUMN items")
    migrator.sql("ALTER TABLE lookup_cache DROP COLUMN item_confidences")
