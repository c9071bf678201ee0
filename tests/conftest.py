"""Shared fixtures: databases on both backends (a throwaway PostgreSQL and SQLite files), and
containers wired as production wires them, with the mock LLM unless a test says otherwise."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from config.settings import Settings
from src.adapters.driven.storage.database import is_postgres
from src.bootstrap import Container, bootstrap
from src.bootstrap.overrides import Overrides
from tests.support.llama_server import llama_server as serving_llama
from tests.support.postgres import ThrowawayPostgres
from tests.support.redis_server import ThrowawayRedis

REPO = Path(__file__).resolve().parents[1]
PROTOTYPE_DATA = REPO.parent / "shared" / "prototype-data"
PROJECT_DATA = REPO / "data"

needs_prototype_data = pytest.mark.skipif(
    not PROTOTYPE_DATA.is_dir(),
    reason=f"the folder {PROTOTYPE_DATA} is missing: these tests read the prototype's data from "
    "../shared/prototype-data beside the repository (.ci/run refuses to run without it)",
)
"""For the tests that read the prototype's data: skipped, naming the folder, where it is absent."""


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres | None]:
    """The throwaway server, unless TEST_DATABASE_URL names one to use instead."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    server = ThrowawayPostgres()
    server.start()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: ThrowawayPostgres | None) -> str:
    if postgres_server is None:
        return os.environ["TEST_DATABASE_URL"]
    return postgres_server.create_database("lookup_test")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that uses it runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lookup.db'}"
    return request.getfixturevalue("postgres_url")


ContainerFactory = Callable[..., Container]


def empty_tables(container: Container) -> None:
    """Deletes every row but the migration history and the catalogue version (as the
    migrations leave them), so each test starts from nothing."""
    database = container.storage.database
    kept = ("migratehistory", "catalogue_version")
    tables = [t for t in database.get_tables() if t not in kept]
    with database.connection_context():
        if is_postgres(database):
            database.execute_sql(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in sorted(
                tables, key=lambda name: name == "field"
            ):  # field last: examples refer to it
                database.execute_sql(f"DELETE FROM {table}")


@pytest.fixture
def make_container(database_url: str) -> Iterator[ContainerFactory]:
    """Builds migrated, empty containers on the test's database; `env` adds variables, and
    `overrides` the adapters a test puts in place."""
    built: list[Container] = []

    def make(
        config_module: str = "config.mock", overrides: Overrides | None = None, **env: str
    ) -> Container:
        environ = {"CONFIG_MODULE": config_module, "DATABASE_URL": database_url, **env}
        container = bootstrap(Settings.from_env(environ), overrides=overrides)
        container.migrate()
        empty_tables(container)
        built.append(container)
        return container

    yield make
    for container in built:
        container.close()


@pytest.fixture
def container(make_container: ContainerFactory) -> Container:
    return make_container()


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    """The base URL (`…/v1`) of a real OpenAI-compatible server serving the embedded Gemma,
    started once for the session by the first test that needs it."""
    with serving_llama() as base_url:
        yield base_url


@pytest.fixture
def redis() -> Iterator[ThrowawayRedis]:
    """A throwaway Redis for one test, stopped (or stopped already by the test) at its end."""
    assert shutil.which("redis-server"), "no redis-server on this machine: `make test` installs it"
    server = ThrowawayRedis()
    try:
        yield server
    finally:
        server.stop()
