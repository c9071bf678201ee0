"""Starts the real API (uvicorn, one worker) on a free loopback port, on a fresh provisioned
SQLite database, for benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.postgres import free_port
from tests.support.processes import stop, wait_until_answers

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def running_server(workers: int = 1, repo: Path = REPO, **env: str) -> Iterator[str]:
    """Yields the base URL of a server started with these environment variables, from the
    checkout at `repo` (this one by default; another to compare a revision with this one)."""
    with server_process(workers, repo, **env) as (base, _):
        yield base


@contextmanager
def server_process(
    workers: int = 1, repo: Path = REPO, *, prepared: bool = False, **env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`running_server`'s base URL and the server's process (its CPU time, say). `prepared`:
    the database `env` names is migrated and provisioned already."""
    with tempfile.TemporaryDirectory() as folder:
        environ = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "CONFIG_MODULE": "config.mock",
            **env,
        }
        for command in () if prepared else (["migrate"], ["provision"]):
            done = subprocess.run(
                [sys.executable, "cli.py", *command],
                cwd=repo,
                env=environ,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise RuntimeError(
                    f"cli.py {command[0]} failed ({done.returncode}): {done.stderr.strip()}"
                )
        port = free_port()
        server = subprocess.Popen(
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
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            cwd=repo,
            env=environ,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_answers(f"{base}/health", server, lambda: "", "uvicorn", seconds=30)
            yield base, server
        finally:
            stop(server)
