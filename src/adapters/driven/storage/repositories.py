"""Peewee implementations of the repository ports: rows in, domain values out."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from peewee import Database, InterfaceError, OperationalError, SqliteDatabase

from src.adapters.driven.storage.tables import FieldRow
from src.domain.errors import InvalidRequestError, StorageUnavailableError
from src.domain.model import Example, Field, FieldType, Value

T = TypeVar("T")

# The two reads of every lookup are written out: building them through the ORM cost more than
# running them.
_FIELD_COLUMNS = (
    FieldRow.code,
    FieldRow.label,
    FieldRow.type,
    FieldRow.options,
    FieldRow.unit,
    FieldRow.description,
    FieldRow.extract,
    FieldRow.revision,
    FieldRow.multiple,
)
_FIELDS_BY_CODE = (
    "SELECT code, label, type, options, unit, description, extract, revision, multiple FROM field "
    "WHERE code IN ({codes})"
)
_REVISIONS = "SELECT code, revision FROM field WHERE code IN ({codes})"
_LABELLED = (
    "SELECT field_code, context, value FROM example WHERE field_code IN ({codes}) ORDER BY id"
)


def context_hash(context: str) -> str:
    return hashlib.sha256(context.encode("utf-8")).hexdigest()


@contextmanager
def _connected(database: Database) -> Iterator[None]:
    """A connection for one unit of work; an unreachable database is a domain error.

    PostgreSQL connections go back to the pool afterwards; an SQLite connection stays open for
    its thread (opening one costs more than most queries)."""
    try:
        if isinstance(database, SqliteDatabase):
            database.connect(reuse_if_open=True)
            yield
        else:
            with database.connection_context():
                yield
    except (OperationalError, InterfaceError) as error:
        raise StorageUnavailableError(
            f"the database is unavailable: {str(error).strip()}"
        ) from error


class PeeweeRepository:
    """Runs units of work on the database, turning its failures into StorageUnavailableError,
    and text it cannot store (a NUL on PostgreSQL, a lone surrogate) into InvalidRequestError:
    the work's transaction is rolled back, the caller is told what was refused."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def _run(self, work: Callable[[], T]) -> T:
        with _connected(self._database):
            try:
                return work()
            except ValueError as error:
                if not _unstorable(error):
                    raise
                raise InvalidRequestError(
                    "the request holds text no database stores: a NUL character or a lone "
                    "surrogate (not valid Unicode)",
                    ("body",),
                ) from None


def _unstorable(error: ValueError) -> bool:
    """Whether the driver refused text: psycopg2 a NUL, either driver a lone surrogate."""
    return isinstance(error, UnicodeEncodeError) or "NUL (0x00)" in str(error)


class PeeweeFieldRepository(PeeweeRepository):
    def get_many(self, codes: Sequence[str]) -> dict[str, Field]:
        if not codes:
            return {}
        sql = _FIELDS_BY_CODE.format(codes=_placeholders(self._database, len(codes)))
        rows = self._run(lambda: self._database.execute_sql(sql, list(codes)).fetchall())
        by_code = {row[0]: field_from_row(*row) for row in rows}
        return {code: by_code[code] for code in codes if code in by_code}

    def get(self, code: str) -> Field | None:
        return self.get_many([code]).get(code)

    def list_all(self) -> list[Field]:
        query = FieldRow.select(*_FIELD_COLUMNS).order_by(FieldRow.code).tuples()
        return [
            field_from_row(*row) for row in self._run(lambda: list(query.execute(self._database)))
        ]


class PeeweeLabelledValues(PeeweeRepository):
    """Every labelled example of a field, read again only when the field's revision moved: the
    same sequence for the known-value rules while its examples do not change. The examples of
    at most `fields_held` fields are held (the fields asked last)."""

    def __init__(self, database: Database, fields_held: int = 64) -> None:
        super().__init__(database)
        self._fields_held = fields_held
        self._held: OrderedDict[str, tuple[int, tuple[Example, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def labelled(self, field_codes: Sequence[str]) -> dict[str, Sequence[Example]]:
        if not field_codes:
            return {}
        codes = list(dict.fromkeys(field_codes))
        revisions = self._run(lambda: stored_revisions(self._database, codes))
        with self._lock:
            held = {code: self._held[code] for code in revisions if code in self._held}
        stale = [
            code for code, revision in revisions.items() if held.get(code, (-1,))[0] != revision
        ]
        if stale:
            read = self._read(stale)
            fresh = {code: (revisions[code], read.get(code, ())) for code in stale}
            held.update(fresh)
            with self._lock:
                self._held.update(fresh)
                for code in fresh:
                    self._held.move_to_end(code)
                while len(self._held) > self._fields_held:
                    self._held.popitem(last=False)
        return {code: examples for code, (_, examples) in held.items() if examples}

    def _read(self, codes: list[str]) -> dict[str, tuple[Example, ...]]:
        sql = _LABELLED.format(codes=_placeholders(self._database, len(codes)))
        rows = self._run(lambda: self._database.execute_sql(sql, codes).fetchall())
        found: dict[str, list[Example]] = {}
        for code, context, value in rows:
            found.setdefault(code, []).append(Example(code, context, decoded_value(value)))
        return {code: tuple(examples) for code, examples in found.items()}


class PeeweeHealthProbe(PeeweeRepository):
    def check(self) -> None:
        self._run(lambda: self._database.execute_sql("SELECT 1").fetchone())


def field_from_row(
    code: str,
    label: str,
    type_: str,
    options: str | None,
    unit: str | None,
    description: str | None,
    extract: object = True,
    revision: int = 0,
    multiple: object = False,
) -> Field:
    return Field(
        code,
        label,
        FieldType(type_),
        tuple(json.loads(options or "[]")),
        unit,
        description,
        bool(extract),
        multiple=bool(multiple),
        revision=int(revision),
    )


def stored_revisions(database: Database, codes: Sequence[str]) -> dict[str, int]:
    """The stored revision of each of these fields that exists, in one query."""
    sql = _REVISIONS.format(codes=_placeholders(database, len(codes)))
    return dict(database.execute_sql(sql, list(codes)).fetchall())


def _placeholders(database: Database, count: int) -> str:
    return ", ".join([database.param] * count)


def decoded_value(value: str | None) -> Value:
    decoded: Value = None if value is None else json.loads(value)
    return decoded
