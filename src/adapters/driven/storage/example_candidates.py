"""The candidate examples a database offers the selection policy (ExampleCandidates), from the
field's stored order and the word index (`example_postings`, migration 017), alike on both
databases.

Per field: its first `bound + 1` examples in stored order (index `example_field_order`). When
that is all of them (at most `bound`), they are the candidates. Otherwise the word index gives
`bound` more, with the first `k` stored kept as the fill for texts that share nothing: for each
of the text's four longest words, the first `4 × bound` examples of the field holding it (one
key each, whatever the field's size); each example scores the words it holds, a word weighing
more the fewer examples hold it (1 + ln(4 × bound / examples holding it, at most 4 × bound)),
and the `bound` best scored, the first stored among equals, are read by id.

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

from src.adapters.driven.storage.example_postings import LISTED, indexed_words, read_postings
from src.adapters.driven.storage.repositories import (
    PeeweeRepository,
    context_hash,
    decoded_value,
    stored_revisions,
)
from src.domain.catalogue.selection import Candidate, CandidatePool
from src.domain.model import Example

_PROBED_WORDS = 4
"""The words of a text looked for in the word index, the longest first. (At a million examples,
60 AE-110k offers: the chosen examples' similarity is 99.6 % of the best's with 4 words as with
6, at two thirds of the reads; bm25 over the six longest words chose 97.2 %.)"""
_READ_A_WORD = 4
"""How many times the bound a word's list gives at most: enough that the examples holding
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
_IDS_A_READ = 500
"""Within SQLite's oldest limit of 999 parameters a statement."""
_BY_ID = "SELECT id, field_code, context, value FROM example WHERE id IN ({ids}) {exclude}"

Row = tuple[int, str, str | None]
Held = tuple[int, int, CandidatePool, frozenset[str]]
"""A small field's candidates: its revision, the bound they were read for, and the hashes of
their texts (to leave a product's own text out)."""


class PeeweeExampleCandidates(PeeweeRepository):
    """ExampleCandidates on PostgreSQL or SQLite, from the word index `example_postings`."""

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
        self._add_best(rows, larger, description, bound, k, excluded)
        return rows, set(codes) - set(larger)

    def _on_sqlite(
        self, codes: list[str], description: str, bound: int, k: int, excluded: str | None
    ) -> tuple[dict[str, list[Row]], set[str]]:
        p, exclude = self._database.param, _exclusion(self._database.param, excluded)
        first_sql = _FIRST.format(p=p, exclude=exclude)
        rows = {
            code: self._database.execute_sql(
                first_sql, [code, *_some(excluded), bound + 1]
            ).fetchall()
            for code in codes
        }
        larger = [code for code in codes if len(rows[code]) > bound]
        self._add_best(rows, larger, description, bound, k, excluded)
        return rows, set(codes) - set(larger)

    def _add_best(
        self,
        rows: dict[str, list[Row]],
        larger: list[str],
        description: str,
        bound: int,
        k: int,
        excluded: str | None,
    ) -> None:
        """Keeps the first `k` stored of each of the `larger` fields and adds the `bound`
        examples best scored by the description's words they hold, read by id."""
        for code in larger:
            del rows[code][k:]
        looked_for = _looked_for(description)
        if not larger or not looked_for:
            return
        limit = min(_READ_A_WORD * bound, LISTED)
        postings = read_postings(self._database, larger, looked_for)
        best = {
            code: best_matched(
                [postings[code, word] for word in looked_for if (code, word) in postings],
                bound,
                limit,
            )
            for code in larger
        }
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
            rows[code].extend(
                (id_, read[id_][1], read[id_][2])
                for id_ in chosen
                if id_ in read and read[id_][0] == code
            )


def best_matched(
    postings: Sequence[tuple[int, Sequence[int]]], bound: int, limit: int
) -> list[int]:
    """The `bound` ids best scored by the postings (how many examples hold a word, the first
    ids of them) that list them, the lowest id among equals; a posting's first `limit` ids count.
    A posting weighs 1 + ln(limit / its examples, at most `limit`): a word few examples hold says
    more of a text than one many do."""
    score: dict[int, float] = {}
    for examples, ids in postings:
        if examples and ids:
            weight = 1.0 + math.log(limit / min(examples, limit))
            for id_ in ids[:limit]:
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
    found = indexed_words(description)
    return sorted(found, key=lambda word: (-len(word), word))[:_PROBED_WORDS]


def _exclusion(param: str, excluded: str | None) -> str:
    return f"AND context_hash <> {param}" if excluded is not None else ""


def _some(excluded: str | None) -> list[str]:
    return [excluded] if excluded is not None else []
