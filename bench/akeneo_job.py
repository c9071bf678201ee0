"""`akeneo enrich --job`: the time a family takes as a catalogue job, beyond the lookups.

    .venv/bin/python bench/akeneo_job.py [--products 1000] [--runs 3]

A throwaway PostgreSQL and Redis on loopback, one `python cli.py worker --concurrency 1`, the
mock LLM (instant), the lookup cache off, a loopback stand-in of Akeneo holding `products`
lamps with 9 empty target attributes, thresholds between the mock's read and guessed
confidences. Each run times the command in this process from its start to its end (the family
read, the products listed and stored as a job, the worker's lookups, the command's wait, which
polls every 0.5 s, and the results written back by collection PATCH of 100), then the same
lookups alone, one after the other, in this process. The overhead per product is the
difference over `products`; the median of the runs is printed, with whether any product was
written twice.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from typer.testing import CliRunner  # noqa: E402

from config.settings import Settings  # noqa: E402
from src.adapters.driven.akeneo.attributes import Where  # noqa: E402
from src.adapters.driven.akeneo.descriptions import description  # noqa: E402
from src.adapters.driving.cli.app import app  # noqa: E402
from src.bootstrap import bootstrap  # noqa: E402
from src.domain.enrichment.ports import ProductToEnrich  # noqa: E402
from src.domain.trust.ports import FieldThreshold  # noqa: E402
from tests.support.akeneo_catalogue import FAMILY, TARGETS, lamp_catalogue  # noqa: E402
from tests.support.akeneo_stand_in import AkeneoStandIn  # noqa: E402
from tests.support.job_workers import workers  # noqa: E402
from tests.support.live_server import prepare_database  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402
from tests.support.redis_server import ThrowawayRedis  # noqa: E402

TEXTS = ("name", "description")


def one_run(products: int, env: dict[str, str], folder: Path) -> tuple[float, float, int]:
    """Seconds of the command, seconds of the lookups alone, products written twice."""
    stand_in = AkeneoStandIn(lamp_catalogue(products, base_filled_every=0)).start()
    os.environ.update({**env, **stand_in.environment()})
    try:
        catalogue = [
            ProductToEnrich(uuid, description(p, TEXTS, Where("ecommerce", "en_US")), TARGETS, n)
            for n, (uuid, p) in enumerate(sorted(stand_in.catalogue.products.items()))
        ]
        arguments = ["akeneo", "enrich", "--family", FAMILY, "--job"]
        arguments += ["--text", "name", "--text", "description"]
        arguments += ["--state", str(folder / "state.jsonl")]
        started = time.perf_counter()
        result = CliRunner().invoke(app, arguments)
        command_seconds = time.perf_counter() - started
        assert result.exit_code == 0, result.output
        written = Counter(uuid for uuid, _ in stand_in.applied)
        assert len(written) == products, f"{len(written)} products written of {products}"

        container = bootstrap(Settings.from_env(env))
        plan = container.enrichment.plan(catalogue, None)
        started = time.perf_counter()
        for product in catalogue:
            plan.look_up(product)
        lookup_seconds = time.perf_counter() - started
        container.close()
        return command_seconds, lookup_seconds, sum(c > 1 for c in written.values())
    finally:
        stand_in.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    postgres, redis = ThrowawayPostgres(), ThrowawayRedis()
    postgres.start()
    try:
        url = postgres.create_database("bench_akeneo_job")
        prepare_database(url)
        env = {
            "DATABASE_URL": url,
            "REDIS_URL": redis.url,
            "CONFIG_MODULE": "config.mock",
            "LOOKUP_CACHE": "0",
        }
        stand_in = AkeneoStandIn(lamp_catalogue(1)).start()
        os.environ.update({**env, **stand_in.environment()})
        result = CliRunner().invoke(app, ["akeneo", "fields", "--family", FAMILY])
        assert result.exit_code == 0, result.output
        stand_in.stop()
        container = bootstrap(Settings.from_env(env))
        container.thresholds.save([FieldThreshold("mock", code, 0.5, 0.9) for code in TARGETS])
        container.close()
        overheads, commands, lookups = [], [], []
        with workers(1, concurrency=1, **env):
            for run in range(args.runs):
                with tempfile.TemporaryDirectory() as folder:
                    command_s, lookups_s, twice = one_run(args.products, env, Path(folder))
                overhead_ms = (command_s - lookups_s) / args.products * 1000
                overheads.append(overhead_ms)
                commands.append(command_s)
                lookups.append(lookups_s)
                print(
                    f"run {run + 1}: command {command_s:.2f} s, lookups alone {lookups_s:.2f} s, "
                    f"overhead {overhead_ms:.2f} ms a product; written twice: {twice}",
                    flush=True,
                )
        print(
            f"median of {args.runs}: {args.products} products x {len(TARGETS)} attributes as a "
            f"job, command {statistics.median(commands):.2f} s, lookups alone "
            f"{statistics.median(lookups):.2f} s, overhead {statistics.median(overheads):.2f} "
            "ms a product"
        )
    finally:
        redis.stop()
        postgres.destroy()


if __name__ == "__main__":
    main()
