"""The database behind DATABASE_URL: PostgreSQL (pooled) in production, an SQLite file by
default."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from peewee import Database, SqliteDatabase
from playhouse.pool import PooledPostgresqlDatabase

from src.domain.errors import SettingsError


def open_database(url: str, pool_size: int = 20) -> Database:
    """The database of `url` (sqlite:///path or postgresql://user:pw@host:port/name). An SQLite
    file's folder is created. The tables are bound to no database: each query names its own."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite" and url.startswith("sqlite:///"):
        # sqlite:///relative.db, sqlite:////absolute.db, sqlite:///:memory:
        return _sqlite(unquote(url.removeprefix("sqlite:///")))
    if parsed.scheme in ("postgres", "postgresql"):
        pooled: Database = PooledPostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname,
            port=parsed.port,
            max_connections=pool_size,
            stale_timeout=300,
            timeout=10,
            connect_timeout=5,
            autoconnect=True,
        )
        return pooled
    raise SettingsError(
        f"DATABASE_URL must start with sqlite:/// or postgresql://, not {parsed.scheme or url!r}"
    )


def _sqlite(path: str) -> SqliteDatabase:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    database = SqliteDatabase(
        path,
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 10000,
            "synchronous": "normal",
        },
        check_same_thread=False,
    )
    return database


def is_postgres(database: Database) -> bool:
    return isinstance(database, PooledPostgresqlDatabase)
