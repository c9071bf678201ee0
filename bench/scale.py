"""A large catalogue on one machine: provisioning and lookups with 3,000 to 1,000,000 labelled
examples, on SQLite and on PostgreSQL.

    .venv/bin/python bench/scale.py [--examples 3000 100000] [--databases sqlite postgres]
                                    [--lookups 60] [--folder DIR]

AE-110k's fields (../shared/dev-sets/ae-110k, its test split: 95 text fields) and its labelled
examples replicated until there are `--examples` of them, each copy a varied text (words
dropped, a variant number). For each size and database: `python cli.py provision` in a fresh
process on a fresh database (its time and its peak RSS), then one server process (uvicorn, the
mock LLM at 0 ms, the cache off) answers `--lookups` lookups of AE-110k test offers' fields one
after the other, the first as soon as it answers /health: the server's RSS after them, and the
lookups' p50 and p90. A throwaway PostgreSQL on loopback. The catalogue jobs' scaling with 1, 2
and 4 workers is `bench/jobs.py` (`make bench-scale` runs both).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.ae110k import DATA, examples_of, field_code, fields_of, offers  # noqa: E402
from bench.server import server_process  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MEASURED_CLI = """
import resource, runpy, sys
sys.argv = ["cli.py", *sys.argv[1:]]
try:
    runpy.run_path("cli.py", run_name="__main__")
finally:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"peak {own.ru_maxrss}", file=sys.stderr)
    print(f"cpu {own.ru_utime + own.ru_stime} {children.ru_utime + children.ru_stime}",
          file=sys.stderr)
"""
"""`python -c` this with cli.py's arguments: cli.py, then on stderr its peak RSS in kB
(`peak N`) and the CPU seconds of the process and of its children (`cpu OWN CHILDREN`)."""


def write_catalogue(folder: Path, count: int) -> tuple[Path, Path]:
    """The fields file, and `count` examples written one record at a time."""
    test = offers(DATA / "test.jsonl")
    fields = folder / "fields.json"
    fields.write_text(json.dumps(fields_of(test), ensure_ascii=False), encoding="utf-8")
    originals = examples_of(test)
    examples = folder / f"examples-{count}.json"
    with examples.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for n in range(count):
            copy, original = divmod(n, len(originals))
            record = {
                **originals[original],
                "context": varied(originals[original]["context"], copy),
            }
            out.write(("" if n == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
        out.write("\n]\n")
    return fields, examples


def varied(text: str, copy: int) -> str:
    """The text itself for the first copy; then without one of its words, and numbered."""
    if copy == 0:
        return text
    words = text.split()
    del words[copy % len(words)]
    return f"{' '.join(words)} variante {copy}"


def lookups(count: int) -> list[dict]:
    """`count` AE-110k test offers taken by stride: their text and their fields."""
    test = offers(DATA / "test.jsonl")
    chosen = test[:: max(1, len(test) // count)][:count]
    return [
        {
            "description": offer["input"],
            "fields": [field_code(offer["category"], a) for a in offer["target_scores"]],
        }
        for offer in chosen
    ]


def provision(database_url: str, fields: Path, examples: Path) -> tuple[float, float]:
    """`cli.py migrate`, then `cli.py provision` timed: (seconds, peak RSS in MB)."""
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"}
    subprocess.run(
        [sys.executable, "cli.py", "migrate"],
        cwd=REPO,
        env=environ,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURED_CLI,
            "provision",
            "--fields",
            str(fields),
            "--examples",
            str(examples),
        ],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"provision failed: {done.stderr.strip()}")
    peak = next(line for line in done.stderr.splitlines() if line.startswith("peak "))
    return seconds, int(peak.removeprefix("peak ")) / 1024


def serve_lookups(database_url: str, asked: list[dict]) -> tuple[float, list[float]]:
    """The server's RSS in MB after the lookups, and each lookup's milliseconds."""
    timings = []
    with (
        server_process(1, prepared=True, DATABASE_URL=database_url, LOOKUP_CACHE="off") as (
            base,
            server,
        ),
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        for body in asked:
            started = time.perf_counter()
            response = client.post("/api/product/fields/lookup", json=body)
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
        return rss_mb(server.pid), timings


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@contextmanager
def databases(names: list[str], folder: Path) -> Iterator[dict[str, object]]:
    """A factory of fresh database URLs per kind."""
    server = ThrowawayPostgres() if "postgres" in names else None
    if server is not None:
        server.start()
    made = iter(range(1000))

    def fresh(kind: str) -> str:
        number = next(made)
        if kind == "sqlite":
            return f"sqlite:///{folder / f'scale-{number}.db'}"
        assert server is not None
        return server.create_database(f"scale_{number}")

    try:
        yield {"fresh": fresh}
    finally:
        if server is not None:
            server.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, nargs="+", default=[3_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--lookups", type=int, default=60)
    parser.add_argument("--folder", type=Path, help="where the files go (a temporary folder)")
    args = parser.parse_args()
    asked = lookups(args.lookups)
    print(
        "| database | labelled examples | provision | provision peak memory "
        "| server memory after lookups | lookup p50 / p90 |"
    )
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.folder or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        with databases(args.databases, folder) as made:
            for count in args.examples:
                fields, examples = write_catalogue(folder, count)
                for kind in args.databases:
                    url = made["fresh"](kind)  # type: ignore[operator]
                    seconds, peak = provision(url, fields, examples)
                    memory, timings = serve_lookups(url, asked)
                    p50 = statistics.median(timings)
                    p90 = statistics.quantiles(timings, n=10)[-1]
                    name = "SQLite" if kind == "sqlite" else "PostgreSQL"
                    print(
                        f"| {name} | {count:,} | {seconds:.1f} s | {peak:.0f} MB "
                        f"| {memory:.0f} MB | {p50:.1f} / {p90:.1f} ms |",
                        flush=True,
                    )
                examples.unlink()


if __name__ == "__main__":
    main()
