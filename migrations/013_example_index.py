"""Peewee migrations -- 013_example_index: the indexes example selection takes its candidates
from. Both databases: a field's examples in stored order (`example_field_order`). PostgreSQL:
pg_trgm's GIN index on the example texts. SQLite: a contentless FTS5 index of the words of the
texts, each with its field as one more word (`example_words`), kept by triggers on `example`,
but for the rows provisioning inserts: it indexes them itself, a batch at a time."""

import peewee as pw
from peewee_migrate import Migrator

_WORDS = "'f' || hex({row}.field_code), {row}.context"
"""What the index holds of a row: its field as one word (the hex of its code), and its text."""
_SQLITE = (
    "CREATE VIRTUAL TABLE example_words USING fts5(field, context, content='', "
    "tokenize='unicode61 remove_diacritics 0')",
    # Provisioning indexes its own rows a batch at a time (PeeweeCatalogueStore): a trigger
    # costs several times more per row.
    "CREATE TRIGGER example_words_inserted AFTER INSERT ON example "
    "WHEN new.provenance <> 'provisioned' BEGIN "
    "INSERT INTO example_words(rowid, field, context) "
    f"VALUES (new.id, {_WORDS.format(row='new')}); END",
    "CREATE TRIGGER example_words_deleted AFTER DELETE ON example BEGIN "
    "INSERT INTO example_words(example_words, rowid, field, context) "
    f"VALUES ('delete', old.id, {_WORDS.format(row='old')}); END",
    "CREATE TRIGGER example_words_updated AFTER UPDATE OF field_code, context ON example BEGIN "
    "INSERT INTO example_words(example_words, rowid, field, context) "
    f"VALUES ('delete', old.id, {_WORDS.format(row='old')}); "
    "INSERT INTO example_words(rowid, field, context) "
    f"VALUES (new.id, {_WORDS.format(row='new')}); END",
    "INSERT INTO example_words(rowid, field, context) "
    f"SELECT id, {_WORDS.format(row='example')} FROM example",
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
            migrator.sql(f"DROP TRIGGER example_words_{trigger}")
        migrator.sql("DROP TABLE example_words")
    migrator.sql("DROP INDEX example_field_order")
