"""Peewee migrations -- 017_example_words: the word index of the examples, the same table on both
databases (`example_postings`: per field and word, how many of the field's examples hold the
word and the ids of the first 256 of them), in place of SQLite's FTS5 index (migration 013) and
PostgreSQL's pg_trgm GIN index. Reading a word's examples in a field is one B-tree key, however
large the catalogue: at a million examples, FTS5 ranked by bm25 every example holding any of the
text's words, and the trigram index read the lists of all the text's trigrams for every field's
examples (226 and 2,490 ms a lookup). The examples stored are indexed here, in stored order."""

import peewee as pw
from peewee_migrate import Migrator

from src.adapters.driven.storage.example_postings import add_postings

_TABLE = """
CREATE TABLE example_postings (
    field_code VARCHAR(64) NOT NULL REFERENCES field (code) ON DELETE CASCADE,
    word VARCHAR(64) NOT NULL,
    examples INTEGER NOT NULL,
    ids TEXT NOT NULL,
    PRIMARY KEY (field_code, word)
){options}
"""
_SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE example_words USING fts5(field, context, content='', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER example_words_inserted AFTER INSERT ON example "
    "WHEN new.provenance <> 'provisioned' BEGIN "
    "INSERT INTO example_words(rowid, field, context) "
    "VALUES (new.id, 'f' || hex(new.field_code), new.context); END",
    "CREATE TRIGGER example_words_deleted AFTER DELETE ON example BEGIN "
    "INSERT INTO example_words(example_words, rowid, field, context) "
    "VALUES ('delete', old.id, 'f' || hex(old.field_code), old.context); END",
    "CREATE TRIGGER example_words_updated AFTER UPDATE OF field_code, context ON example BEGIN "
    "INSERT INTO example_words(example_words, rowid, field, context) "
    "VALUES ('delete', old.id, 'f' || hex(old.field_code), old.context); "
    "INSERT INTO example_words(rowid, field, context) "
    "VALUES (new.id, 'f' || hex(new.field_code), new.context); END",
    "INSERT INTO example_words(rowid, field, context) "
    "SELECT id, 'f' || hex(field_code), context FROM example",
)
"""Migration 013's FTS5 index, for the rollback."""
_CHUNK = 20000


def _index_stored_examples(database: pw.Database) -> None:
    last = 0
    while rows := database.execute_sql(
        "SELECT id, field_code, context FROM example WHERE id > "
        f"{database.param} ORDER BY id LIMIT {_CHUNK}",
        [last],
    ).fetchall():
        add_postings(database, rows)
        last = rows[-1][0]


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    sqlite = isinstance(database, pw.SqliteDatabase)
    migrator.sql(_TABLE.format(options=" WITHOUT ROWID" if sqlite else ""))
    if sqlite:
        for trigger in ("inserted", "deleted", "updated"):
            migrator.sql(f"DROP TRIGGER example_words_{trigger}")
        migrator.sql("DROP TABLE example_words")
    else:
        migrator.sql("DROP INDEX example_context_trigrams")
    migrator.run(_index_stored_examples, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.sql("DROP TABLE example_postings")
    if isinstance(database, pw.SqliteDatabase):
        for statement in _SQLITE_INDEX:
            migrator.sql(statement)
    else:
        migrator.sql(
            "CREATE INDEX example_context_trigrams ON example USING gin (context gin_trgm_ops)"
        )
