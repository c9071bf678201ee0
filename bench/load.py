"""Throughput of one server process under 16 concurrent clients (wrk), with the mock LLM.

    .venv/bin/python bench/load.py [--seconds 15] [--workers 1] [--key]
    .venv/bin/python bench/load.py --compare OTHER_CHECKOUT [--rounds 3] [--seconds 5]

Scenarios: an instant backend (every description new, so no cache hit; and with the cache off),
a backend taking 200 ms a call (no cache hit), and the same description again and again (cache
hits). Prints req/s, p50 and p99. With --key, every request sends an API key (made for the run
with `cli.py keys create`), which the server reads, with its address's failed authentications,
for every request. With --compare, the server of another checkout (a worktree of
an older revision, say) and this one's take turns, scenario by scenario, for --rounds rounds:
the table gives each one's median req/s side by side (both measured on the machine as it was).
Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def run_wrk(base: str, seconds: int, unique: bool, key: str | None = None) -> dict[str, str]:
    env = {**os.environ, "UNIQUE": "1" if unique else "0"}
    command = [
        "wrk",
        "-t2",
        "-c16",
        f"-d{seconds}s",
        *(["-H", f"Authorization: Bearer {key}"] if key else []),
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


def measure(
    repo: Path, workers: int, seconds: int, env: dict[str, str], unique: bool, key: bool = False
) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        database = {"DATABASE_URL": f"sqlite:///{folder}/bench.db"}
        with running_server(workers, repo, LLM_QUERY_TIMEOUT="10", **database, **env) as base:
            secret = _new_key(repo, database) if key else None
            run_wrk(
                base, 3, unique, secret
            )  # warm-up (the API closes within KEYLESS_RECHECK_SECONDS)
            return run_wrk(base, seconds, unique, secret)


def _new_key(repo: Path, database: dict[str, str]) -> str:
    made = subprocess.run(
        [sys.executable, "cli.py", "keys", "create", "bench"],
        cwd=repo,
        env={**os.environ, "CONFIG_MODULE": "config.mock", **database},
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.split()[-1]


def compare(other: Path, workers: int, seconds: int, rounds: int, key: bool) -> None:
    here = Path(__file__).resolve().parents[1]
    rates: dict[tuple[str, Path], list[float]] = {}
    for _ in range(rounds):
        for name, env, unique in SCENARIOS:
            for repo in (other, here):
                figures = measure(repo, workers, seconds, env, unique, key)
                if figures["non-200"] != "0":
                    sys.exit(f"{repo}: {figures['non-200']} non-200 answers in {name!r}")
                rates.setdefault((name, repo), []).append(float(figures["req/s"]))
    print(
        f"| scenario ({workers} worker, 16 clients, 8 fields{', a key' if key else ''}) "
        f"| {other.name} req/s | {here.name} req/s | ratio |"
    )
    print("|---|---|---|---|")
    for name, _, _ in SCENARIOS:
        before = statistics.median(rates[(name, other)])
        after = statistics.median(rates[(name, here)])
        print(f"| {name} | {before:.0f} | {after:.0f} | {after / before:.2f}× |", flush=True)
    print(f"\nmedians of {rounds} rounds of {seconds} s each, the two servers taking turns")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--compare", type=Path, help="another checkout, measured in turn")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--key", action="store_true", help="every request sends an API key")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if args.compare:
        compare(args.compare.resolve(), args.workers, args.seconds, args.rounds, args.key)
        return
    print(
        f"| scenario ({args.workers} worker, 16 clients, 8 fields"
        f"{', a key' if args.key else ''}) | req/s | p50 | p99 | non-200 |"
    )
    print("|---|---|---|---|---|")
    for name, env, unique in SCENARIOS:
        figures = measure(
            Path(__file__).resolve().parents[1], args.workers, args.seconds, env, unique
        )
        print(
            f"| {name} | {figures['req/s']} | {figures['p50']} | {figures['p99']} "
            f"| {figures['non-200']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
