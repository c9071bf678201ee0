"""A throwaway PostgreSQL server from the machine's binaries, in a temporary folder.

Run as a non-root user (PostgreSQL refuses root): when the tests run as root, the server runs
as the `postgres` user (or `nobody`), which owns the folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> Path:
    configured = os.environ.get("PG_BINDIR")
    candidates = (
        [configured] if configured else sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    )
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("no PostgreSQL binaries: install postgresql-15 or set PG_BINDIR")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayPostgres:
    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="lookup-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._user = self._server_user()

    def start(self) -> None:
        if not self.data.exists():
            self._as_server_user(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._as_server_user(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        self._as_server_user(
            "pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False
        )

    def create_database(self, name: str) -> str:
        self._as_server_user(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name
        )
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _server_user(self) -> str | None:
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "nobody"):
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                continue
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            return name
        raise RuntimeError(
            "running as root and no `postgres` or `nobody` user to run PostgreSQL as"
        )

    def _as_server_user(self, program: str, *args: str, check: bool = True) -> None:
        command = [str(self.bindir / program), *args]
        if self._user:
            command = ["runuser", "-u", self._user, "--", *command]
        completed = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if check and completed.returncode != 0:
            log = (
                (self.root / "server.log").read_text()
                if (self.root / "server.log").exists()
                else ""
            )
            raise RuntimeError(f"{program} failed: {completed.stderr}\n{log}")
