"""Throughput of one server process under 16 concurrent clients (wrk), with the mock LLM.

    .venv/bin/python bench/load.py [--seconds 15] [--workers 1]

Scenarios: an instant backend (every description new, so no cache hit; and with the cache off),
a backend taking 200 ms a call (no cache hit), and the same description again and again (cache
hits). Prints req/s, p50 and p99.
Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.server import running_server  # noqa: E402

SCRIPT = Path(__file__).with_name("lookup.lua")
SCENARIOS = [
    ("instant backend, cache misses", {"MOCK_LATENCY_MS": "0"}, True),
    ("instant backend, cache off", {"MOCK_LATENCY_MS": "0", "LOOKUP_CACHE": "off"}, True),
    ("200 ms backend, cache misses", {"MOCK_LATENCY_MS": "200"}, True),
    ("cache hits", {"MOCK_LATENCY_MS": "200"}, False),
]


def run_wrk(base: str, seconds: int, unique: bool) -> dict[str, str]:
    env = {**os.environ, "UNIQUE": "1" if unique else "0"}
    command = [
        "wrk",
        "-t2",
        "-c16",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(SCRIPT),
        f"{base}/api/product/fields/lookup",
    ]
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    figures = {
        "req/s": re.search(r"Requests/sec:\s+([\d.]+)", output).group(1),
        "p50": re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1),
        "p99": re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1),
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non-200"] = errors.group(1) if errors else "0"
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    print(
        f"| scenario ({args.workers} worker, 16 clients, 8 fields) | req/s | p50 | p99 | non-200 |"
    )
    print("|---|---|---|---|---|")
    for name, env, unique in SCENARIOS:
        with running_server(workers=args.workers, LLM_QUERY_TIMEOUT="10", **env) as base:
            run_wrk(base, 3, unique)  # warm-up
            figures = run_wrk(base, args.seconds, unique)
        print(
            f"| {name} | {figures['req/s']} | {figures['p50']} | {figures['p99']} "
            f"| {figures['non-200']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
