"""llama-cpp-python's OpenAI-compatible server (`python -m llama_cpp.server`) on loopback, serving
the embedded Gemma file: the real server behind `config.openai` in the tests."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from src.connectors.llama_cpp import default_threads, embedded_gemma_path
from tests.support.postgres import free_port
from tests.support.processes import stop, wait_until_answers


@contextmanager
def llama_server() -> Iterator[str]:
    """The base URL of llama-cpp-python's OpenAI-compatible server, serving the embedded Gemma.

    `--chat_format gemma`: the GGUF carries no chat template, and the server's fallback would
    be LLaMA-2's. That format drops system messages (Gemma has no system role).
    """
    port = free_port()
    # the server writes to it for as long as it runs; closed once it has stopped
    log = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)  # noqa: SIM115
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        embedded_gemma_path(),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--n_threads",
        str(default_threads()),
        "--n_threads_batch",
        str(default_threads()),
        "--chat_format",
        "gemma",
    ]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_answers(
            f"{base_url}/models", server, Path(log.name).read_text, "llama_cpp.server"
        )
        yield base_url
    finally:
        stop(server, seconds=10)
        log.close()
        Path(log.name).unlink(missing_ok=True)
