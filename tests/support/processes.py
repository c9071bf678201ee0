"""Servers the tests and benchmarks start as processes: waiting for one to answer, stopping it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import httpx


def wait_until_answers(
    url: str,
    process: subprocess.Popen[bytes],
    output: Callable[[], str],
    name: str,
    seconds: float = 60,
) -> None:
    """Returns once GET `url` answers 200; RuntimeError with the server's output when the process
    exits first or `seconds` pass."""
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{output()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer {url} within {seconds:g} s:\n{output()}")


def stop(process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within `seconds`."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
