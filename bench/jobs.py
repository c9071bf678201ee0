"""Catalogue jobs on Celery: products per second with 1, 2 and 4 worker processes, and the
engine's overhead per product.

    .venv/bin/python bench/jobs.py [--runs 3] [--per-worker 120]

A throwaway PostgreSQL and Redis on loopback, `python cli.py worker --concurrency 2` processes,
the mock LLM at 200 ms a call, 8 fields a product, the cache off. Each run submits
`per-worker` x workers products and times the job from its submission to its last result;
the median of `runs` runs is printed, and its ratio to one worker. The overhead: one worker at
`--concurrency 1` with an instant mock, the job's time per product minus the lookup's alone
(the same products looked up one after the other in this process), median of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from config.settings import Settings  # noqa: E402
from src.bootstrap import Container, bootstrap  # noqa: E402
from src.domain.jobs.model import JobProduct, NewJob  # noqa: E402
from src.domain.model import LookupRequest  # noqa: E402
from tests.support.job_workers import workers  # noqa: E402
from tests.support.live_server import prepare_database  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402
from tests.support.redis_server import ThrowawayRedis  # noqa: E402

FIELDS = (
    "EF000007",
    "EF000008",
    "EF000040",
    "EF000049",
    "EF001438",
    "EF000015",
    "EF000035",
    "EF000044",
)


def products(count: int, run: int) -> tuple[JobProduct, ...]:
    return tuple(
        JobProduct(
            n, f"p{n}", f"Lampe incandescente {100 + n}W E27 blanc, lot {run}, réf. {n}", FIELDS
        )
        for n in range(count)
    )


def timed_job(container: Container, catalogue: tuple[JobProduct, ...]) -> float:
    """Seconds from the job's submission to its last result."""
    started = time.perf_counter()
    job = container.jobs.service.submit(NewJob("open", catalogue, FIELDS, "jsonl"))
    while (current := container.jobs.service.get("open", job.id)).done + current.failed < len(
        catalogue
    ):
        time.sleep(0.02)
    return time.perf_counter() - started


def scaling(env: dict[str, str], runs: int, per_worker: int) -> None:
    print("| worker processes (--concurrency 2) | products | products/s (median) | × one worker |")
    print("|---|---|---|---|")
    one = None
    for count in (1, 2, 4):
        with workers(count, concurrency=2, **env):
            container = bootstrap(Settings.from_env(env))
            rates = [
                per_worker * count / timed_job(container, products(per_worker * count, run))
                for run in range(runs)
            ]
            container.close()
        rate = statistics.median(rates)
        one = one or rate
        print(f"| {count} | {per_worker * count} | {rate:.1f} | {rate / one:.2f}× |", flush=True)


def overhead(env: dict[str, str], runs: int, count: int = 200) -> None:
    instant = {**env, "MOCK_LATENCY_MS": "0"}
    container = bootstrap(Settings.from_env(instant))
    per_product = []
    with workers(1, concurrency=1, **instant):
        for run in range(runs):
            job_seconds = timed_job(container, products(count, 100 + run))
            started = time.perf_counter()
            for product in products(count, 200 + run):
                container.lookup.lookup(LookupRequest(product.description, product.fields))
            alone = time.perf_counter() - started
            per_product.append((job_seconds - alone) / count * 1000)
    container.close()
    print(
        "\nengine overhead per product "
        f"(instant mock, 1 worker at --concurrency 1, {count} products): "
        f"median {statistics.median(per_product):.2f} ms over {runs} runs "
        f"({', '.join(f'{x:.2f}' for x in per_product)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-worker", type=int, default=120)
    parser.add_argument("--overhead-only", action="store_true", help="Measure the overhead alone.")
    args = parser.parse_args()
    postgres, redis = ThrowawayPostgres(), ThrowawayRedis()
    postgres.start()
    try:
        url = postgres.create_database("bench_jobs")
        prepare_database(url)
        env = {
            "DATABASE_URL": url,
            "REDIS_URL": redis.url,
            "CONFIG_MODULE": "config.mock",
            "MOCK_LATENCY_MS": "200",
            "LOOKUP_CACHE": "off",
            "JOB_CHUNK_SIZE": "5",
            "LLM_QUERY_TIMEOUT": "10",
        }
        if not args.overhead_only:
            scaling(env, args.runs, args.per_worker)
        overhead(env, args.runs)
    finally:
        redis.stop()
        postgres.destroy()


if __name__ == "__main__":
    main()
