"""A real `mlflow server` on a free loopback port (the full `mlflow` package of the dev extra),
its runs in SQLite and its artifacts in a folder, both under `root`; as the MLflow course the
project grew from starts one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.postgres import free_port
from tests.support.processes import stop, wait_until_answers


@contextmanager
def mlflow_server(root: Path) -> Iterator[str]:
    """The server's tracking URI (`http://127.0.0.1:PORT`), until it is stopped at the end."""
    command = shutil.which("mlflow", path=str(Path(sys.executable).parent))
    if command is None:
        raise RuntimeError("no mlflow command: the dev extra installs the full mlflow package")
    port = free_port()
    log = root / "mlflow-server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                command,
                "server",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--backend-store-uri",
                f"sqlite:///{root / 'mlflow.db'}",
                "--artifacts-destination",
                str(root / "artifacts"),
            ],
            cwd=root,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        # It migrates its database first: tens of seconds on two busy cores.
        wait_until_answers(
            f"{url}/health",
            process,
            lambda: log.read_text(errors="replace"),
            "mlflow server",
            seconds=180,
        )
        yield url
    finally:
        stop(process)
