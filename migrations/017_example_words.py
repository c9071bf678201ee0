"""Peewee migrations -- 017_example_words: on PostgreSQL, the example texts indexed by their
words in their field, in place of pg_trgm's GIN index of their trigrams. `example_field_words`
gives a row's keys, its field code and each of its words (lower-cased runs of letters and
digits) joined by a space; a GIN index holds them. A query for one field's examples holding one
word reads that key's list and can stop after the first few, whatever the catalogue's size: the
trigram index made every lookup read the lists of all the text's trigrams, for every field's
examples. The function's cost is declared high: priced as a plain operator, the planner scanned
a small table calling it on every row (150 ms a lookup at 3,000 examples); so priced, it made the
planner start parallel workers for each query (a few ms each), which the table's
`parallel_workers = 0` prevents. SQLite is unchanged (its FTS5 index, migration 013, holds the
words and the field)."""

import peewee as pw
from peewee_migrate import Migrator

_FUNCTION = """
CREATE FUNCTION example_field_words(code text, context text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10000 AS $$
    SELECT coalesce(array_agg(DISTINCT code || ' ' || word), '{}')
    FROM regexp_split_to_table(lower(context), '[^[:alnum:]]+') AS word
    WHERE word <> ''
$$
"""


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("DROP INDEX IF EXISTS example_context_trigrams")
        migrator.sql(_FUNCTION)
        migrator.sql(
            "CREATE INDEX example_field_words ON example "
            "USING gin (example_field_words(field_code, context))"
        )
        migrator.sql("ALTER TABLE example SET (parallel_workers = 0)")


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("ALTER TABLE example RESET (parallel_workers)")
        migrator.sql("DROP INDEX example_field_words")
        migrator.sql("DROP FUNCTION example_field_words(text, text)")
        migrator.sql(
            "CREATE INDEX example_context_trigrams ON example USING gin (context gin_trgm_ops)"
        )
