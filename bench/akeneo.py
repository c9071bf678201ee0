"""The Akeneo connector's overhead per product, beyond the lookups.

    .venv/bin/python bench/akeneo.py [--products 1000] [--runs 3] [--models 0]

A loopback stand-in of Akeneo's REST API holding `products` lamps with 9 empty target
attributes (one a multi-select), a fresh SQLite database, the mock LLM (instant), the lookup
cache off, thresholds between the mock's read and guessed confidences (so values are both
written and queued). Each
run times `akeneo enrich --concurrency 1` in this process, from the command's start to its end
(the family read, every product listed, looked up, written back by collection PATCH of 100,
the values under threshold queued), then the same products' lookups alone, one after the
other. The overhead per product is the difference over `products`; the median of the runs is
printed, with the requests Akeneo received and whether any product (or any attribute of a
product model) was written twice. `--models N` makes the first 2 × N products variants, two of
each of N product models, whose model-level values go to the models.
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
from tests.support.akeneo_catalogue import (  # noqa: E402
    FAMILY,
    TARGETS,
    lamp_catalogue,
    lamp_catalogue_with_models,
)
from tests.support.akeneo_stand_in import AkeneoStandIn  # noqa: E402

TEXTS = ("name", "description")


def one_run(products: int, models: int, folder: Path) -> tuple[float, float, int, int]:
    """Seconds of the enrich command, seconds of the lookups alone, requests Akeneo received,
    products (and model attributes) written more than once."""
    catalogue = (
        lamp_catalogue_with_models(products, models)
        if models
        else lamp_catalogue(products, base_filled_every=0)
    )
    stand_in = AkeneoStandIn(catalogue).start()
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'lookup.db'}",
        "CONFIG_MODULE": "config.mock",
        "LOOKUP_CACHE": "0",
        **stand_in.environment(),
    }
    os.environ.update(env)
    runner = CliRunner()
    try:
        for command in (["migrate"], ["akeneo", "fields", "--family", FAMILY]):
            result = runner.invoke(app, command)
            assert result.exit_code == 0, result.output
        settings = Settings.from_env(env)
        container = bootstrap(settings)
        container.thresholds.save([FieldThreshold("mock", code, 0.5, 0.9) for code in TARGETS])
        catalogue = [
            ProductToEnrich(uuid, description(p, TEXTS, Where("ecommerce", "en_US")), TARGETS, n)
            for n, (uuid, p) in enumerate(sorted(stand_in.catalogue.products.items()))
            if "light_colour" not in p["values"]  # a variant's axis is no target
        ] + [
            ProductToEnrich(
                uuid,
                description(stand_in.as_listed(p), TEXTS, Where("ecommerce", "en_US")),
                tuple(code for code in TARGETS if code != "light_colour"),
                n,
            )
            for n, (uuid, p) in enumerate(sorted(stand_in.catalogue.products.items()))
            if "light_colour" in p["values"]
        ]
        container.close()

        state = folder / "state.jsonl"
        arguments = ["akeneo", "enrich", "--family", FAMILY, "--concurrency", "1"]
        arguments += ["--text", "name", "--text", "description", "--state", str(state)]
        started = time.perf_counter()
        result = runner.invoke(app, arguments)
        enrich_seconds = time.perf_counter() - started
        assert result.exit_code == 0, result.output
        written = Counter(uuid for uuid, _ in stand_in.applied)
        assert len(written) == products, f"{len(written)} products written of {products}"
        written.update(
            f"{code}/{name}" for code, values in stand_in.applied_models for name in values
        )
        requests = stand_in.api_requests + len(stand_in.grants)

        container = bootstrap(settings)
        plan = container.enrichment.plan(catalogue, None)
        started = time.perf_counter()
        for product in catalogue:
            plan.look_up(product)
        lookup_seconds = time.perf_counter() - started
        container.close()
        return enrich_seconds, lookup_seconds, requests, sum(c > 1 for c in written.values())
    finally:
        stand_in.stop()
        for name in env:
            os.environ.pop(name, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", type=int, default=0)
    args = parser.parse_args()
    overheads, enrich_times, lookup_times = [], [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            enrich_s, lookups_s, requests, twice = one_run(args.products, args.models, Path(folder))
        overhead_ms = (enrich_s - lookups_s) / args.products * 1000
        overheads.append(overhead_ms)
        enrich_times.append(enrich_s)
        lookup_times.append(lookups_s)
        print(
            f"run {run + 1}: enrich {enrich_s:.2f} s, lookups alone {lookups_s:.2f} s, "
            f"overhead {overhead_ms:.2f} ms a product; {requests} requests to Akeneo; "
            f"written twice: {twice}"
        )
    print(
        f"median of {args.runs}: {args.products} products x {len(TARGETS)} attributes, "
        f"enrich {statistics.median(enrich_times):.2f} s, lookups alone "
        f"{statistics.median(lookup_times):.2f} s, connector overhead "
        f"{statistics.median(overheads):.2f} ms a product"
    )


if __name__ == "__main__":
    main()
