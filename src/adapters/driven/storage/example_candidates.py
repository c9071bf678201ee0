"""The candidate examples a database offers the selection policy (ExampleCandidates), from the
word indexes of migrations 013 (SQLite's FTS5 `example_words`) and 017 (PostgreSQL's GIN index of
each example's words in its field).

Per field: its first `bound + 1` examples in stored order (index `example_field_order`). When
that is all of them (at most `bound`), they are the candidates. Otherwise the word index gives
`bound` more, with the first `k` stored kept as the fill for texts that share nothing: for each
of the text's longest words, the first `4 × bound` examples of the field holding it (a query
that stops there, whatever the field's size); each example scores the words it holds, a word
weighing more the fewer examples hold it (1 + ln(4 × bound / found)), and the `bound` best
scored, the first stored among equals, are read. The same words, the same queries and the same
scores on both databases, so both offer the same candidates (the words are `words()`'s, which
both indexes split alike for letters and digits; PostgreSQL's by its ctype locale, SQLite's by
Unicode categories). A word's list is held per field revision, for the words asked last: a
catalogue's words come back lookup after lookup.

A field of at most `bound` examples offers all of them whatever the text: those are held per
field revision (for the fields asked last) as a `CandidatePool`, so a lookup reads only the
revisions of its fields for them, not their texts again, and the policy ranks them from the
pool's trigram index.
"""

from __future__ import annotations

import heapq
import math
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

_PROBED_WORDS = 4
"""The words of a text the word index is asked for, the longest first: each is one query a field,
bounded by `_READ_A_WORD × bound` rows. (At a million examples, 60 AE-110k offers: the chosen
examples' similarity is 99.6 % of the best's with 4 words as with 6, at two thirds of the
queries; bm25 over the six longest words chose 97.2 %.)"""
_READ_A_WORD = 4
"""How many times the bound a word's query reads at most: enough that the examples holding
several of the text's words are found among those holding each."""

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
_HOLDING_ON_POSTGRES = (
    "(SELECT {p}::int, id FROM example "
    "WHERE example_field_words(field_code, context) @> ARRAY[{p}] LIMIT {p})"
)
"""The first examples of a field holding a word (migration 017's index; in the table's order,
which is the stored order for rows only ever inserted)."""
_HOLDING_ON_SQLITE = "SELECT rowid FROM example_words WHERE example_words MATCH {p} LIMIT {p}"
"""The first examples of a field holding a word (migration 013's index, in rowid order)."""
_IDS_A_READ = 500
"""Within SQLite's oldest limit of 999 parameters a statement."""
_BY_ID = "SELECT id, field_code, context, value FROM example WHERE id IN ({ids}) {exclude}"

Row = tuple[int, str, str | None]
Held = tuple[int, int, CandidatePool, frozenset[str]]
"""A small field's candidates: its revision, the bound they were read for, and the hashes of
their texts (to leave a product's own text out)."""


class PeeweeExampleCandidates(PeeweeRepository):
    """ExampleCandidates on PostgreSQL (a GIN index of words in fields) or SQLite (FTS5)."""

    def __init__(
        self, database: Database, fields_held: int = 256, probes_held: int = 16384
    ) -> None:
        super().__init__(database)
        self._sqlite = isinstance(database, SqliteDatabase)
        self._fields_held = fields_held
        self._held: OrderedDict[str, Held] = OrderedDict()
        self._probes_held = probes_held
        self._probed: OrderedDict[tuple[str, int | None, str, int], tuple[int, ...]] = OrderedDict()
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
        rows, whole = self._run(lambda: read(codes, description, bound, k, excluded, revisions))
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
        self,
        codes: list[str],
        description: str,
        bound: int,
        k: int,
        excluded: str | None,
        revisions: Mapping[str, int],
    ) -> tuple[dict[str, list[Row]], set[str]]:
        p, exclude = self._database.param, _exclusion(self._database.param, excluded)
        rows: dict[str, list[Row]] = {code: [] for code in codes}
        first = self._database.execute_sql(
            _FIRST_OF_EACH.format(p=p, exclude=exclude), [codes, *_some(excluded), bound + 1]
        )
        for code, id_, context, value in first:
            rows[code].append((id_, context, value))
        larger = [code for code in codes if len(rows[code]) > bound]
        self._add_best(rows, larger, description, bound, k, excluded, revisions)
        return rows, set(codes) - set(larger)

    def _on_sqlite(
        self,
        codes: list[str],
        description: str,
        bound: int,
        k: int,
        excluded: str | None,
        revisions: Mapping[str, int],
    ) -> tuple[dict[str, list[Row]], set[str]]:
        first_sql = _FIRST.format(
            p=self._database.param, exclude=_exclusion(self._database.param, excluded)
        )
        rows = {
            code: self._database.execute_sql(
                first_sql, [code, *_some(excluded), bound + 1]
            ).fetchall()
            for code in codes
        }
        larger = [code for code in codes if len(rows[code]) > bound]
        self._add_best(rows, larger, description, bound, k, excluded, revisions)
        return rows, set(codes) - set(larger)

    def _holding(
        self, codes: list[str], looked_for: list[str], limit: int, revisions: Mapping[str, int]
    ) -> dict[str, list[Sequence[int]]]:
        """Per field, per word: the first `limit` of the field's examples holding the word, held
        per field revision for the words asked last."""
        keys = {
            (code, word): (code, revisions.get(code), word, limit)
            for code in codes
            for word in looked_for
        }
        with self._lock:
            known = {pair: self._probed[key] for pair, key in keys.items() if key in self._probed}
            for pair in known:
                self._probed.move_to_end(keys[pair])
        missing = [pair for pair in keys if pair not in known]
        if missing:
            probe = self._probe_sqlite if self._sqlite else self._probe_postgres
            found = probe(missing, limit)
            with self._lock:
                for pair in missing:
                    if keys[pair][1] is not None:
                        self._probed[keys[pair]] = found[pair]
                while len(self._probed) > self._probes_held:
                    self._probed.popitem(last=False)
            known |= found
        return {code: [known[(code, word)] for word in looked_for] for code in codes}

    def _probe_postgres(
        self, pairs: list[tuple[str, str]], limit: int
    ) -> dict[tuple[str, str], tuple[int, ...]]:
        sql = " UNION ALL ".join([_HOLDING_ON_POSTGRES.format(p=self._database.param)] * len(pairs))
        params = [x for n, (code, word) in enumerate(pairs) for x in (n, f"{code} {word}", limit)]
        found: list[list[int]] = [[] for _ in pairs]
        for n, id_ in self._database.execute_sql(sql, params):
            found[n].append(id_)
        return {pair: tuple(ids) for pair, ids in zip(pairs, found, strict=True)}

    def _probe_sqlite(
        self, pairs: list[tuple[str, str]], limit: int
    ) -> dict[tuple[str, str], tuple[int, ...]]:
        sql = _HOLDING_ON_SQLITE.format(p=self._database.param)
        return {
            (code, word): tuple(
                id_
                for (id_,) in self._database.execute_sql(
                    sql, [f"field : {_field_word(code)} AND context : {_phrase(word)}", limit]
                )
            )
            for code, word in pairs
        }

    def _add_best(
        self,
        rows: dict[str, list[Row]],
        larger: list[str],
        description: str,
        bound: int,
        k: int,
        excluded: str | None,
        revisions: Mapping[str, int],
    ) -> None:
        """Keeps the first `k` stored of each of the `larger` fields and adds the `bound`
        examples best scored by the description's words they hold, read by id."""
        looked_for = _looked_for(description)
        if not larger or not looked_for:
            for code in larger:
                del rows[code][k:]
            return
        limit = _READ_A_WORD * bound
        found = self._holding(larger, looked_for, limit, revisions)
        best = {code: best_matched(lists, bound, limit) for code, lists in found.items()}
        ids = sorted({id_ for chosen in best.values() for id_ in chosen})
        read: dict[int, tuple[str, str, str | None]] = {}
        p = self._database.param
        for start in range(0, len(ids), _IDS_A_READ):
            part = ids[start : start + _IDS_A_READ]
            sql = _BY_ID.format(ids=", ".join([p] * len(part)), exclude=_exclusion(p, excluded))
            for id_, code, context, value in self._database.execute_sql(
                sql, [*part, *_some(excluded)]
            ):
                read[id_] = (code, context, value)
        for code, chosen in best.items():
            del rows[code][k:]
            rows[code].extend(
                (id_, read[id_][1], read[id_][2])
                for id_ in chosen
                if id_ in read and read[id_][0] == code
            )


def best_matched(lists: Sequence[Sequence[int]], bound: int, limit: int) -> list[int]:
    """The `bound` ids best scored by the lists that hold them (each list at most `limit` long: a
    word's examples), the lowest id among equals. A list weighs 1 + ln(limit / its length): a
    word few examples hold says more of a text than one the query had to stop reading."""
    score: dict[int, float] = {}
    for ids in lists:
        if ids:
            weight = 1.0 + math.log(limit / len(ids))
            for id_ in ids:
                score[id_] = score.get(id_, 0.0) + weight
    return heapq.nsmallest(bound, score, key=lambda id_: (-score[id_], id_))


def _without(
    pool: CandidatePool, digests: frozenset[str], excluded: str | None
) -> Sequence[Candidate]:
    """A held pool, less the examples of the text hashed `excluded` when it holds any."""
    if excluded is None or excluded not in digests:
        return pool
    return [c for c in pool if context_hash(c.example.context) != excluded]


def _looked_for(description: str) -> list[str]:
    """The description's longest words (rarer than short ones), at most `_PROBED_WORDS`."""
    return sorted(set(words(description)), key=lambda word: (-len(word), word))[:_PROBED_WORDS]


def _field_word(code: str) -> str:
    """The word that stands for a field in the index (migration 013: 'f' || hex(field_code))."""
    return "f" + code.encode("utf-8").hex().upper()


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _exclusion(param: str, excluded: str | None, table: str = "") -> str:
    return f"AND {table}context_hash <> {param}" if excluded is not None else ""


def _some(excluded: str | None) -> list[str]:
    return [excluded] if excluded is not None else []
