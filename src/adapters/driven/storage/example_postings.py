"""The word index example selection takes a large field's candidates from, the same table on
both databases (`example_postings`, migration 017): per field and word, how many of the field's
examples hold the word (counted until `LISTED` do) and the ids of the first `LISTED` of them in
stored order. Written with the examples, by whoever inserts them (provisioning, a review's
decision); an example's text never changes once stored. Reading a word's examples is one key of
a B-tree, whatever the catalogue's size."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence

from peewee import Database, SqliteDatabase

from src.adapters.driven.storage.postgres_copy import copy_into_temporary
from src.domain.catalogue.trigrams import words

LISTED = 256
"""The ids a word's posting keeps: the first of the field's examples holding it."""
LONGEST_WORD = 64
"""Longer runs of letters and digits (a URL's, a hash's) are not indexed, nor looked for."""
_ID_DIGITS = 10
_ID_WIDTH = _ID_DIGITS + 1
"""An id is written as 10 digits and a space: a posting's list is text of fixed-width ids, so
that both databases append and cut it with the same `||` and `substr`."""
_ADD = """
INSERT INTO example_postings (field_code, word, examples, ids) {rows}
ON CONFLICT (field_code, word) DO UPDATE SET
    examples = example_postings.examples + EXCLUDED.examples,
    ids = substr(example_postings.ids || EXCLUDED.ids, 1, {width})
WHERE example_postings.examples < {listed}
"""
"""A full list is left as it is: the count says only that at least `LISTED` examples hold the
word, which is all a lookup's weighing reads; most of a large catalogue's words are full."""
_ID_FORMAT = f"%0{_ID_DIGITS}d "
PENDING_IDS = 300_000
PENDING_KEYS = 60_000
"""Ids and keys gathered before their postings are written: a key that comes back batch after
batch is written once for many (some 15 MB held)."""
KEYS_COUNTED = 50_000
"""Keys whose ids given so far (or fullness) a writer remembers; past that it forgets them all
(a catalogue's vocabulary has no bound: part numbers, references): a full key forgotten is
written again, to no effect."""
_POSTED_COLUMNS = (
    ("field_code", "text"),
    ("word", "text"),
    ("examples", "integer"),
    ("ids", "text"),
)
"""The postings copied into PostgreSQL before one statement adds them."""


def indexed_words(text: str) -> list[str]:
    """The words of a text the index holds, each once, in the order they come."""
    found = dict.fromkeys(words(text))
    if max(map(len, found), default=0) > LONGEST_WORD:
        return [word for word in found if len(word) <= LONGEST_WORD]
    return list(found)


def postings_of(
    rows: Iterable[tuple[int, str, str]], full: Container[tuple[str, str]] = frozenset()
) -> dict[tuple[str, str], list[int]]:
    """Per (field code, word), the ids of the rows (id, field code, text) holding it, in order,
    but for the keys `full` holds."""
    found: dict[tuple[str, str], list[int]] = {}
    words_of: dict[str, list[str]] = {}  # a product's text comes once for each of its fields
    for id_, code, text in sorted(rows):
        held = words_of.get(text)
        if held is None:
            held = words_of[text] = indexed_words(text)
        for word in held:
            key = (code, word)
            if key not in full:
                ids = found.get(key)
                if ids is None:
                    found[key] = [id_]
                else:
                    ids.append(id_)
    return found


class PostingsWriter:
    """Adds newly inserted examples (id, field code, text) to the index, within the caller's
    transaction, batch after batch: their postings are gathered and written every `PENDING_IDS`
    ids or `PENDING_KEYS` keys, and by `flush`, which the caller runs before it commits. The ids
    must come after every id indexed before for the lists to stay in stored order (true of one
    writer; concurrent writers may interleave a list a little). A key it has given `LISTED` ids
    is full: it is not written again."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._given: dict[tuple[str, str], int] = {}
        self._full: set[tuple[str, str]] = set()
        self._pending: dict[tuple[str, str], list[int]] = {}
        self._pending_ids = 0

    def add(self, rows: Iterable[tuple[int, str, str]]) -> None:
        if len(self._given) + len(self._full) > KEYS_COUNTED:
            self._given.clear()
            self._full.clear()
        for key, ids in postings_of(rows, self._full).items():
            given = self._given.get(key, 0) + len(ids)
            if given >= LISTED:
                self._full.add(key)
                self._given.pop(key, None)
            else:
                self._given[key] = given
            pending = self._pending.get(key)
            if pending is None:
                self._pending[key] = ids
            else:
                pending.extend(ids)
            self._pending_ids += len(ids)
        if self._pending_ids >= PENDING_IDS or len(self._pending) >= PENDING_KEYS:
            self.flush()

    def flush(self) -> None:
        """Writes the postings gathered. (Two writers never hold rows the other waits for: a
        provisioning or a decision locks its fields' rows first, and keys hold their field.)"""
        values = [
            (
                code,
                word,
                len(ids),
                _ID_FORMAT * min(len(ids), LISTED) % tuple(ids[:LISTED]),
            )
            for (code, word), ids in self._pending.items()
        ]
        self._pending, self._pending_ids = {}, 0
        if not values:
            return
        cursor = self._database.cursor()
        if isinstance(self._database, SqliteDatabase):
            sql = _ADD.format(rows="VALUES (?, ?, ?, ?)", width=LISTED * _ID_WIDTH, listed=LISTED)
            cursor.executemany(sql, values)
        else:
            copy_into_temporary(cursor, "posted_words", _POSTED_COLUMNS, values)
            rows = "SELECT field_code, word, examples, ids FROM posted_words"
            cursor.execute(_ADD.format(rows=rows, width=LISTED * _ID_WIDTH, listed=LISTED))


def add_postings(database: Database, rows: Iterable[tuple[int, str, str]]) -> None:
    """Adds newly inserted examples (id, field code, text) to the index at once."""
    writer = PostingsWriter(database)
    writer.add(rows)
    writer.flush()


def listed_ids(text: str) -> list[int]:
    """The ids of a posting's list, in order."""
    return [int(text[start : start + _ID_DIGITS]) for start in range(0, len(text), _ID_WIDTH)]


def read_postings(
    database: Database, codes: Sequence[str], looked_for: Sequence[str]
) -> dict[tuple[str, str], tuple[int, list[int]]]:
    """Per (field code, word) of these that the index holds: how many examples hold the word (at
    least `LISTED` when its list is full), and the first ids."""
    if not codes or not looked_for:
        return {}
    p = database.param
    sql = (
        "SELECT field_code, word, examples, ids FROM example_postings "
        f"WHERE field_code IN ({', '.join([p] * len(codes))}) "
        f"AND word IN ({', '.join([p] * len(looked_for))})"
    )
    return {
        (code, word): (examples, listed_ids(ids))
        for code, word, examples, ids in database.execute_sql(sql, [*codes, *looked_for])
    }
