"""llama-cpp-python's OpenAI-compatible server (`python -m llama_cpp.server`) on loopback, serving
the embedded Gemma file: the real server behind `config.openai` in the tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from src.connectors.llama_cpp import default_threads, embedded_gemma_path


class ServerFailedError(RuntimeError):
    """The server exited or did not answer in time; the message holds its log."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def llama_server() -> Iterator[str]:
    """The base URL of llama-cpp-python's OpenAI-compatible server, serving the embedded Gemma.

    `--chat_format gemma`: the GGUF carries no chat template, and the server's fallback would
    be LLaMA-2's. That format drops system messages (Gemma has no system role).
    """
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", embedded_gemma_path(),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
        "--n_threads", str(default_threads()), "--n_threads_batch", str(default_threads()),
        "--chat_format", "gemma",
    ]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_until_serving(server, base_url, Path(log.name))
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def _wait_until_serving(server: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    give_up = time.monotonic() + 60
    while time.monotonic() < give_up:
        if server.poll() is not None:
            raise ServerFailedError(f"llama_cpp.server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/models", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise ServerFailedError(f"llama_cpp.server did not answer within 60 s:\n{log.read_text()}")


