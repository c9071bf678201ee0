"""The real API: uvicorn in a subprocess on a free loopback port, on a migrated and provisioned
database, for the tests that need a server process (SIGTERM, a database going away, fuzzing)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from config.settings import Settings
from src.bootstrap import bootstrap
from src.domain.access.roles import Role
from tests.conftest import REPO, empty_tables
from tests.e2e.conftest import provisioned
from tests.support.postgres import free_port
from tests.support.processes import stop, wait_until_answers


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def prepare_database(
    database_url: str, api_key_name: str | None = None, role: Role = Role.LOOKUP, **env: str
) -> str | None:
    """Migrates, empties and provisions the database; makes an API key of `role` when named
    (returned)."""
    container = bootstrap(
        Settings.from_env({"DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock", **env})
    )
    try:
        container.migrate()
        empty_tables(container)
        provisioned(container)
        return container.api_keys.create(api_key_name, role) if api_key_name else None
    finally:
        container.close()


@contextmanager
def live_server(
    database_url: str, uvicorn_args: Sequence[str] = (), **env: str
) -> Iterator[LiveServer]:
    """Serves the app with the mock LLM on `database_url`, uvicorn given `uvicorn_args` too
    (`--root-path /svc`); stops it (SIGTERM) at the end."""
    port = free_port()
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock", **env}
    with tempfile.NamedTemporaryFile(prefix="uvicorn-", suffix=".log", delete=False) as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "web:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
                *uvicorn_args,
            ],
            cwd=REPO,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, Path(log.name))
    try:
        wait_until_answers(
            f"{server.base_url}/health", server.process, server.output, "uvicorn", seconds=30
        )
        yield server
    finally:
        stop(process)
        server.log.unlink(missing_ok=True)
