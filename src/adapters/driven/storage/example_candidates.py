"""The candidate examples a database offers the selection policy (ExampleCandidates), from the
indexes migration 013 adds.

Per field: its first `bound + 1` examples in stored order (index `example_field_order`). When
that is all of them (at most `bound`), they are the candidates. Otherwise the field's text index
gives `bound` more, with the first `k` stored kept as the fill for texts that share nothing:
- PostgreSQL: pg_trgm's GIN index (`context % text`, similarity at least
  `pg_trgm.similarity_threshold`, 0.3 by default), the most similar first.
- SQLite: the FTS5 word index `example_words`, the examples holding any of the text's six
  longest words, ranked by bm25.

A field of at most `bound` examples offers all of them whatever the text: those are held per
field revision (for the fields asked last) as a `CandidatePool`, so a lookup reads only the
revisions of its fields for them, not their texts again, and the policy ranks them from the
pool's trigram index.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

from peewee import Database, SqliteDatabase

from src.adapters.driven.storage.repositories import (
    PeeweeRepository,
    context_hash,
    decoded_value,
    stored_revisions,
)
from src.domain.catalogue.selection import Candidate, CandidatePool
from src.domain.catalogue.trigrams import words
from src.domain.model import Example

_MATCHED_WORDS = 6
"""The words of a text an SQLite index query looks for, at most: each more costs a few ms a
field of thousands of examples."""

_FIRST = (
    "SELECT id, context, value FROM example WHERE field_code = {p} {exclude} ORDER BY id LIMIT {p}"
)
_FIRST_OF_EACH = """
SELECT asked.code, first.id, first.context, first.value
FROM unnest({p}::text[]) AS asked(code)
CROSS JOIN LATERAL (
    SELECT id, context, value FROM example
    WHERE field_code = asked.code {exclude} ORDER BY id LIMIT {p}
) AS first
"""
_SIMILAR_ON_POSTGRES = """
SELECT field_code, id, context, value FROM (
    SELECT field_code, id, context, value, ROW_NUMBER() OVER (
        PARTITION BY field_code ORDER BY similarity(context, {p}) DESC, id
    ) AS rank
    FROM example
    WHERE field_code = ANY({p}::text[]) AND context %% {p} {exclude}
) AS ranked
WHERE rank <= {p}
"""
_MATCHING_ON_SQLITE = """
SELECT example.id, example.context, example.value FROM (
    SELECT rowid FROM example_words WHERE example_words MATCH {p}
    ORDER BY bm25(example_words, 0.0, 1.0) LIMIT {p}
) AS found JOIN example ON example.id = found.rowid
WHERE example.field_code = {p} {exclude}
"""

Row = tuple[int, str, str | None]
Held = tuple[int, int, CandidatePool, frozenset[str]]
"""A small field's candidates: its revision, the bound they were read for, and the hashes of
their texts (to leave a product's own text out)."""


class PeeweeExampleCandidates(PeeweeRepository):
    """ExampleCandidates on PostgreSQL (pg_trgm's GIN index) or SQLite (an FTS5 word index)."""

    def __init__(self, database: Database, fields_held: int = 256) -> None:
        super().__init__(database)
        self._sqlite = isinstance(database, SqliteDatabase)
        self._fields_held = fields_held
        self._held: OrderedDict[str, Held] = OrderedDict()
        self._lock = threading.Lock()

    def candidates(
        self,
        field_codes: Sequence[str],
        description: str,
        bound: int,
        k: int,
        exclude_context: str | None = None,
        revisions: Mapping[str, int] | None = None,
    ) -> dict[str, Sequence[Candidate]]:
        if not field_codes or k <= 0:
            return {}
        excluded = context_hash(exclude_context) if exclude_context is not None else None
        codes = list(dict.fromkeys(field_codes))
        if revisions is None or not set(codes) <= revisions.keys():
            revisions = self._run(lambda: stored_revisions(self._database, codes))
        with self._lock:
            held = {
                code: self._held[code]
                for code in codes
                if code in self._held and self._held[code][:2] == (revisions.get(code), bound)
            }
        chosen = {
            code: _without(pool, digests, excluded) for code, (_, _, pool, digests) in held.items()
        }
        asked = [code for code in codes if code not in held]
        if asked:
            chosen |= self._read(asked, revisions, description, bound, k, excluded)
        return {code: chosen[code] for code in codes if chosen.get(code)}

    def _read(
        self,
        codes: list[str],
        revisions: Mapping[str, int],
        description: str,
        bound: int,
        k: int,
        excluded: str | None,
    ) -> dict[str, Sequence[Candidate]]:
        """The candidates read from the database (a product's own text left out there when
        asked); a field's are held when they are all its examples (at most `bound`, none left
        out)."""
        read = self._on_sqlite if self._sqlite else self._on_postgres
        rows, whole = self._run(lambda: read(codes, description, bound, k, excluded))
        found = {
            code: [
                Candidate(Example(code, context, decoded_value(value)), id_)
                for id_, context, value in found
            ]
            for code, found in rows.items()
        }
        small = {
            code: (
                revisions[code],
                bound,
                CandidatePool(kept),
                frozenset(context_hash(c.example.context) for c in kept),
            )
            for code, kept in found.items()
            if excluded is None and code in whole and code in revisions
        }
        with self._lock:
            self._held.update(small)
            for code in small:
                self._held.move_to_end(code)
            while len(self._held) > self._fields_held:
                self._held.popitem(last=False)
        return {code: small[code][2] if code in small else kept for code, kept in found.items()}

    def _on_postgres(
        self, codes: list[str], description: str, bound: int, k: int, excluded: str | None
    ) -> tuple[dict[str, list[Row]], set[str]]:
        p, exclude = self._database.param, _exclusion(self._database.param, excluded)
        rows: dict[str, list[Row]] = {code: [] for code in codes}
        first = self._database.execute_sql(
            _FIRST_OF_EACH.format(p=p, exclude=exclude), [codes, *_some(excluded), bound + 1]
        )
        for code, id_, context, value in first:
            rows[code].append((id_, context, value))
        larger = [code for code in codes if len(rows[code]) > bound]
        whole = set(codes) - set(larger)
        for code in larger:
            del rows[code][k:]
        if larger:
            similar = self._database.execute_sql(
                _SIMILAR_ON_POSTGRES.format(p=p, exclude=exclude),
                [description, larger, description, *_some(excluded), bound],
            )
            for code, id_, context, value in similar:
                rows[code].append((id_, context, value))
        return rows, whole

    def _on_sqlite(
        self, codes: list[str], description: str, bound: int, k: int, excluded: str | None
    ) -> tuple[dict[str, list[Row]], set[str]]:
        p, exclude = self._database.param, _exclusion(self._database.param, excluded)
        first_sql = _FIRST.format(p=p, exclude=exclude)
        matching_sql = _MATCHING_ON_SQLITE.format(p=p, exclude=_exclusion(p, excluded, "example."))
        looked_for = _looked_for(description)
        rows: dict[str, list[Row]] = {}
        whole: set[str] = set()
        for code in codes:
            first = self._database.execute_sql(first_sql, [code, *_some(excluded), bound + 1])
            found: list[Row] = first.fetchall()
            if len(found) <= bound:
                whole.add(code)
            else:
                del found[k:]
                if looked_for:
                    query = f"field : {_field_word(code)} AND context : ({looked_for})"
                    params = [query, bound, code, *_some(excluded)]
                    found.extend(self._database.execute_sql(matching_sql, params))
            rows[code] = found
        return rows, whole


def _without(
    pool: CandidatePool, digests: frozenset[str], excluded: str | None
) -> Sequence[Candidate]:
    """A held pool, less the examples of the text hashed `excluded` when it holds any."""
    if excluded is None or excluded not in digests:
        return pool
    return [c for c in pool if context_hash(c.example.context) != excluded]


def _looked_for(description: str) -> str:
    """An FTS5 expression matching the texts that hold any of the description's longest words
    (rarer than short ones: the index's ranking reads fewer texts)."""
    kept = sorted(set(words(description)), key=lambda word: (-len(word), word))
    return " OR ".join(_phrase(word) for word in kept[:_MATCHED_WORDS])


def _field_word(code: str) -> str:
    """The word that stands for a field in the index (migration 013: 'f' || hex(field_code))."""
    return "f" + code.encode("utf-8").hex().upper()


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _exclusion(param: str, excluded: str | None, table: str = "") -> str:
    return f"AND {table}context_hash <> {param}" if excluded is not None else ""


def _some(excluded: str | None) -> list[str]:
    return [excluded] if excluded is not None else []
