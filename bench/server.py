"""Starts the real API (uvicorn, one worker) on a free loopback port, on a fresh provisioned
SQLite database, for benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(workers: int = 1, **env: str) -> Iterator[str]:
    """Yields the base URL of a server started with these environment variables."""
    with tempfile.TemporaryDirectory() as folder:
        environ = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "CONFIG_MODULE": "config.mock",
            **env,
        }
        for command in (["migrate"], ["provision"]):
            done = subprocess.run([sys.executable, "cli.py", *command], cwd=REPO, env=environ, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"cli.py {command[0]} failed ({done.returncode}): {done.stderr.strip()}")
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "web:create_app", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
            cwd=REPO, env=environ, stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_up(base: str, seconds: float = 30) -> None:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server at {base} did not start")
