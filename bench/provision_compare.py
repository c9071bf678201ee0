"""Provisioning side by side: `cli.py provision` of this checkout and another's, in turns.

    .venv/bin/python bench/provision_compare.py --compare OTHER [--examples 200000] [--rounds 3]
                                                [--databases sqlite postgres]

OTHER is another checkout's folder or a git revision. `bench/scale.py`'s catalogue (AE-110k's
fields and examples replicated, each copy a varied text), provisioned on a fresh database by a
fresh process (`config.mock`) of each checkout in turn, the order reversed every round; per run
the time, the examples a second, the peak RSS of the process and its children summed (sampled
every 20 ms), and the CPU time of the process and of its children. Then the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.load import checkout  # noqa: E402
from bench.scale import MEASURED_CLI, databases, write_catalogue  # noqa: E402

HERE = Path(__file__).resolve().parents[1]


def tree_rss_kb(pid: int) -> int:
    """The RSS of a process and of its descendants, summed (shared pages count in each)."""
    total, waiting = 0, [pid]
    while waiting:
        process = waiting.pop()
        try:
            status = Path(f"/proc/{process}/status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{process}/task").iterdir():
                waiting += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def provision(tree: Path, database_url: str, fields: Path, examples: Path) -> dict[str, float]:
    """`cli.py migrate`, then `cli.py provision` timed, its memory sampled."""
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"}
    run = [sys.executable, "cli.py", "migrate"]
    subprocess.run(run, cwd=tree, env=environ, check=True, capture_output=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            MEASURED_CLI,
            "provision",
            "--fields",
            fields,
            "--examples",
            examples,
        ],
        cwd=tree,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    _, errors = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"provision failed in {tree}: {errors.strip()}")
    own, children = next(line for line in errors.splitlines() if line.startswith("cpu ")).split()[
        1:
    ]
    return {"seconds": seconds, "peak": peak / 1024, "cpu": float(own), "children": float(children)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", required=True, help="another checkout's folder or revision")
    parser.add_argument("--examples", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    with (
        checkout(args.compare) as other,
        tempfile.TemporaryDirectory() as temporary,
        databases(args.databases, Path(temporary)) as made,
    ):
        fields, examples = write_catalogue(Path(temporary), args.examples)
        trees = {"this": HERE, args.compare: other}
        for round_ in range(args.rounds):
            order = list(trees) if round_ % 2 == 0 else list(trees)[::-1]
            for kind in args.databases:
                for name in order:
                    url = made["fresh"](kind)  # type: ignore[operator]
                    run = provision(trees[name], url, fields, examples)
                    runs.setdefault((kind, name), []).append(run)
                    print(
                        f"round {round_ + 1} {kind} {name}: {run['seconds']:.2f} s, "
                        f"{args.examples / run['seconds']:,.0f}/s, peak {run['peak']:.0f} MB, "
                        f"CPU {run['cpu']:.2f} s + children {run['children']:.2f} s, "
                        f"load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
    print("| database | checkout | provision (median) | examples/s | peak RSS | CPU + children |")
    print("|---|---|---|---|---|---|")
    for (kind, name), done in runs.items():
        seconds = statistics.median(run["seconds"] for run in done)
        print(
            f"| {kind} | {name} | {seconds:.2f} s | {args.examples / seconds:,.0f} "
            f"| {statistics.median(run['peak'] for run in done):.0f} MB "
            f"| {statistics.median(run['cpu'] for run in done):.2f} + "
            f"{statistics.median(run['children'] for run in done):.2f} s |"
        )


if __name__ == "__main__":
    main()
