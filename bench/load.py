"""Throughput of one server process under 16 concurrent clients (wrk), with the mock LLM.

    .venv/bin/python bench/load.py [--seconds 15] [--workers 1] [--key]
    .venv/bin/python bench/load.py --compare OTHER [--rounds 3] [--seconds 8] [--scenario TEXT]

Scenarios: an instant backend (every description new, so no cache hit; and with the cache off),
a backend taking 200 ms a call (no cache hit), and the same description again and again (cache
hits). Prints req/s, p50 and p99. With --key, every request sends an API key (made for the run
with `cli.py keys create`), which the server reads, with its address's failed authentications,
for every request. With --compare, the server of another checkout and this one's take turns,
scenario by scenario, for --rounds rounds: the table gives each one's median req/s with the
lowest and highest, their ratio, the median p99, and the median CPU time the server process
spent per request (user + system, from /proc: what other work on the machine moves least).
OTHER is a checkout's folder or a git revision (a commit, a tag), which is checked out for the
run as a `git worktree` in a temporary folder and removed after. --scenario keeps the
scenarios whose name contains TEXT. Needs wrk (Debian package `wrk`).
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.server import server_process  # noqa: E402

HERE = Path(__file__).resolve().parents[1]

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
        "-t1",
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
    figures["requests"] = re.search(r"(\d+) requests in", output).group(1)
    return figures


def measure(
    repo: Path, workers: int, seconds: int, env: dict[str, str], unique: bool, key: bool = False
) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        database = {"DATABASE_URL": f"sqlite:///{folder}/bench.db"}
        with server_process(workers, repo, LLM_QUERY_TIMEOUT="10", **database, **env) as (
            base,
            server,
        ):
            secret = _new_key(repo, database) if key else None
            run_wrk(
                base, 3, unique, secret
            )  # warm-up (the API closes within KEYLESS_RECHECK_SECONDS)
            before = _cpu_seconds(server.pid)
            figures = run_wrk(base, seconds, unique, secret)
            spent = _cpu_seconds(server.pid) - before
            figures["cpu ms/req"] = f"{1000 * spent / max(1, int(figures['requests'])):.2f}"
            return figures


def _cpu_seconds(pid: int) -> float:
    """The user and system CPU time of process `pid` and of its children (uvicorn's workers)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


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


@contextmanager
def checkout(other: str) -> Iterator[Path]:
    """`other`'s folder, or revision `other` checked out in a temporary git worktree."""
    if Path(other).is_dir():
        yield Path(other).resolve()
        return
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / other.replace("/", "-")
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), other],
            cwd=HERE,
            check=True,
            capture_output=True,
        )
        try:
            yield tree
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=HERE, capture_output=True
            )


def compare(
    other: Path, workers: int, seconds: int, rounds: int, key: bool, scenarios: list
) -> None:
    """Each scenario, `rounds` times, `other`'s server then this one's: medians side by side."""
    runs: dict[tuple[str, Path], list[dict]] = {}
    for _ in range(rounds):
        for name, env, unique in scenarios:
            for repo in (other, HERE):
                figures = measure(repo, workers, seconds, env, unique, key)
                if figures["non-200"] != "0":
                    sys.exit(f"{repo}: {figures['non-200']} non-200 answers in {name!r}")
                runs.setdefault((name, repo), []).append(figures)
    print(
        f"| scenario ({workers} worker, 16 clients, 8 fields{', a key' if key else ''}) "
        f"| {other.name} req/s (lowest–highest) | this req/s (lowest–highest) | ratio "
        f"| {other.name} p99 | this p99 | {other.name} CPU ms/req | this CPU ms/req |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, _, _ in scenarios:
        before, after = runs[(name, other)], runs[(name, HERE)]
        rate_before, rate_after = _median(before, "req/s"), _median(after, "req/s")
        print(
            f"| {name} | {rate_before:.0f} ({_spread(before)}) | {rate_after:.0f} "
            f"({_spread(after)}) | {rate_after / rate_before:.2f}× "
            f"| {_median(before, 'p99'):.0f} ms | {_median(after, 'p99'):.0f} ms "
            f"| {_median(before, 'cpu ms/req'):.2f} | {_median(after, 'cpu ms/req'):.2f} |",
            flush=True,
        )
    print(f"\nmedians of {rounds} rounds of {seconds} s each, the two servers taking turns")


def _median(runs: list[dict], figure: str) -> float:
    return statistics.median(_number(run[figure]) for run in runs)


def _spread(runs: list[dict]) -> str:
    rates = [float(run["req/s"]) for run in runs]
    return f"{min(rates):.0f}–{max(rates):.0f}"


def _number(figure: str) -> float:
    """A figure as wrk prints it, in milliseconds for a latency (`850.00us`, `1.20s`)."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)?", figure)
    assert found is not None, figure
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, None: 1.0}[found.group(2)]
    return float(found.group(1)) * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--compare", help="another checkout's folder or a git revision, measured in turn"
    )
    parser.add_argument(
        "--scenario", action="append", help="only the scenarios whose name contains this"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--key", action="store_true", help="every request sends an API key")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    wanted = args.scenario or [""]
    scenarios = [s for s in SCENARIOS if any(text in s[0] for text in wanted)]
    if args.compare:
        with checkout(args.compare) as other:
            compare(other, args.workers, args.seconds, args.rounds, args.key, scenarios)
        return
    print(
        f"| scenario ({args.workers} worker, 16 clients, 8 fields"
        f"{', a key' if args.key else ''}) | req/s | p50 | p99 | non-200 | CPU ms/req |"
    )
    print("|---|---|---|---|---|---|")
    for name, env, unique in scenarios:
        figures = measure(HERE, args.workers, args.seconds, env, unique, args.key)
        print(
            f"| {name} | {figures['req/s']} | {figures['p50']} | {figures['p99']} "
            f"| {figures['non-200']} | {figures['cpu ms/req']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
