"""Real `python cli.py worker` processes on loopback, for the tests and the benchmark of jobs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import stop

REPO = Path(__file__).resolve().parents[2]
_RECEIVED = re.compile(r"Task \S+\[([0-9a-f-]+)\] received")
_SUCCEEDED = re.compile(r"Task \S+\[([0-9a-f-]+)\] succeeded")


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def received(self) -> set[str]:
        return set(_RECEIVED.findall(self.output()))

    def succeeded(self) -> set[str]:
        return set(_SUCCEEDED.findall(self.output()))


def start_worker(concurrency: int = 2, **env: str) -> Worker:
    """Starts a worker (the mock LLM unless CONFIG_MODULE says otherwise) and waits until it is
    ready."""
    environ = {**os.environ, "CONFIG_MODULE": "config.mock", **env}
    with tempfile.NamedTemporaryFile(prefix="worker-", suffix=".log", delete=False) as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "cli.py",
                "worker",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "info",
            ],
            cwd=REPO,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process, Path(log.name))
    give_up = time.monotonic() + 60
    while "ready." not in worker.output():
        if process.poll() is not None or time.monotonic() > give_up:
            stop(process)
            raise RuntimeError(f"the worker did not start:\n{worker.output()}")
        time.sleep(0.1)
    return worker


@contextmanager
def workers(count: int, concurrency: int = 2, **env: str) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    try:
        for _ in range(count):
            started.append(start_worker(concurrency, **env))
        yield started
    finally:
        for worker in started:
            stop(worker.process)
            worker.log.unlink(missing_ok=True)
