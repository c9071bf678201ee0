"""Peewee migrations -- 013_example_index: the indexes example selection takes its candidates
from. Both databases: a field's examples in stored order (`example_field_order`). PostgreSQL:
pg_trgm's GIN index on the example texts. SQLite: an FTS5 table of the texts and their field
codes with the trigram tokenizer (`example_text`), kept by triggers on `example`, but for the
rows provisioning inserts: it indexes them itself, a batch at a time."""

import peewee as pw
from peewee_migrate import Migrator

_SQLITE = (
    "CREATE VIRTUAL TABLE example_text USING fts5(field_code, context, content='example', "
    "content_rowid='id', tokenize='trigram')",
    # Provisioning indexes its own rows a batch at a time (PeeweeCatalogueStore): a trigger
    # costs several times more per row.
    "CREATE TRIGGER example_text_inserted AFTER INSERT ON example "
    "WHEN new.provenance <> 'provisioned' BEGIN "
    "INSERT INTO example_text(rowid, field_code, context) "
    "VALUES (new.id, new.field_code, new.context); END",
    "CREATE TRIGGER example_text_deleted AFTER DELETE ON example BEGIN "
    "INSERT INTO example_text(example_text, rowid, field_code, context) "
    "VALUES ('delete', old.id, old.field_code, old.context); END",
    "CREATE TRIGGER example_text_updated AFTER UPDATE OF field_code, context ON example BEGIN "
    "INSERT INTO example_text(example_text, rowid, field_code, context) "
    "VALUES ('delete', old.id, old.field_code, old.context); "
    "INSERT INTO example_text(rowid, field_code, context) "
    "VALUES (new.id, new.field_code, new.context); END",
    "INSERT INTO example_text(example_text) VALUES ('rebuild')",
)


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.sql("CREATE INDEX example_field_order ON example (field_code, id)")
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql(
            "CREATE INDEX example_context_trigrams ON example USING gin (context gin_trgm_ops)"
        )
    else:
        for statement in _SQLITE:
            migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("DROP INDEX example_context_trigrams")
    else:
        for trigger in ("inserted", "deleted", "updated"):
            migrator.sql(f"DROP TRIGGER example_text_{trigger}")
        migrator.sql("DROP TABLE example_text")
    migrator.sql("DROP INDEX example_field_order")
