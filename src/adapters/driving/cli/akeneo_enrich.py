"""`python cli.py akeneo enrich`: the products of families whose target attributes are empty
are looked up as `enrich` looks up a catalogue; the values at or above their field's threshold
are written back to Akeneo, one collection PATCH per batch, the others queued for review. A
filled attribute is left as it is unless `--overwrite`; `--dry-run` prints what would be
written and writes nothing. The state file records each product settled: run the same command
again after a stop and it goes on, without writing a product twice.

The products are read page by page as they are looked up, never all held. With `--job` they are
looked up by the service's workers as a catalogue job instead (akeneo_job)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from src.adapters.driven.akeneo.product_models import ProductModels
from src.adapters.driven.akeneo.products_to_enrich import ProductsToEnrich
from src.adapters.driven.akeneo.state import EnrichmentState
from src.adapters.driven.akeneo.write_back import AkeneoWriteBack
from src.adapters.driving.cli.akeneo_job import AkeneoJob, enrich_as_job, job_owner
from src.adapters.driving.cli.akeneo_options import (
    Channel,
    DryRun,
    Families,
    Locale,
    Search,
    Texts,
    akeneo_catalogue,
    search_filters,
    where,
)
from src.adapters.driving.cli.akeneo_targets import enrichment_targets
from src.adapters.driving.cli.batch_options import BatchTimeout
from src.adapters.driving.cli.enrich_summary import say
from src.adapters.driving.cli.enrichment_run import run_interruptibly
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.service import service
from src.bootstrap import Container
from src.domain.enrichment.ports import ProductToEnrich
from src.domain.errors import InvalidRequestError
from src.domain.review.lookup_results import QueueChoice

INTERRUPTED_EXIT_CODE = 130
NOT_ALL_WRITTEN_EXIT_CODE = 6
"""Some products failed or some lines were refused: the next run retries them."""


def enrich(
    family: Families,
    text: Texts,
    attribute: Annotated[
        list[str] | None,
        typer.Option(
            "--attribute",
            help="A target attribute (default: every attribute of the families that is a field).",
            show_default=False,
        ),
    ] = None,
    channel: Channel = "ecommerce",
    locale: Locale = "en_US",
    search: Search = None,
    llm: Annotated[str | None, typer.Option(help="A configured LLM (see `llms`).")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Products looked up at a time.")] = 4,
    batch_size: Annotated[
        int, typer.Option(min=1, max=100, help="Products per PATCH (Akeneo takes 100 at most).")
    ] = 100,
    timeout: BatchTimeout = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Look up and write filled attributes too.")
    ] = False,
    dry_run: DryRun = False,
    state: Annotated[
        Path | None,
        typer.Option(
            help="The state file (default: akeneo-FAMILY.state.jsonl here).", show_default=False
        ),
    ] = None,
    job: Annotated[
        bool,
        typer.Option(
            "--job",
            help="Look the products up as a catalogue job, on the service's workers.",
        ),
    ] = False,
    key: Annotated[
        str | None,
        typer.Option(
            help="With --job: the name of the API key the job belongs to.", show_default=False
        ),
    ] = None,
) -> None:
    """Fill the empty attributes of the families' products in Akeneo."""
    console = Console(stderr=True)
    place = where(channel, locale)
    state_path = state or Path(f"akeneo-{'-'.join(family)}.state.jsonl")
    with (
        service() as container,
        reported_errors(),
        akeneo_catalogue(container) as (
            catalogue,
            client,
        ),
    ):
        if job and dry_run:
            raise InvalidRequestError("--dry-run looks the products up here: drop --job")
        if key is not None and not job:
            raise InvalidRequestError("--key names the owner of a job: add --job")
        if job and container.jobs.runs_chunks:
            raise InvalidRequestError(
                "--job hands the products to the job workers, which need REDIS_URL (their "
                "broker; `python cli.py worker` runs one): set it, or drop --job to look them "
                "up here"
            )
        owner = job_owner(container, key) if job else None
        filters = search_filters(search)
        targets = enrichment_targets(catalogue, container.fields, family, attribute, text, place)
        products = ProductsToEnrich(
            catalogue.products(family, filters), targets, text, place, overwrite
        )
        _warn_untrusted(container, console, llm, list(targets))
        progress = EnrichmentState(state_path)
        output = AkeneoWriteBack(
            client,
            targets,
            place,
            progress,
            batch_size,
            lambda line: say(console, line),
            typer.echo if dry_run else None,
            ProductModels(client, family),
        )
        try:
            if owner is not None:
                runner = AkeneoJob(container, owner, progress, lambda line: say(console, line))
                interrupted, failed = enrich_as_job(runner, products, list(targets), llm, output)
            else:
                review = QueueChoice.NONE if dry_run else QueueChoice.FLAGGED
                interrupted, failed = _here(
                    container,
                    products,
                    (list(targets), llm, review, timeout),
                    concurrency,
                    output,
                    console,
                )
        finally:
            progress.close()
        tally = output.tally
        say(
            console,
            f"{'would write' if dry_run else 'written'}: {tally.values_written} values of "
            f"{tally.products_written} products in {tally.batches} PATCH; refused lines: "
            f"{tally.lines_refused}; values to review: {tally.values_to_review}"
            + (
                f"; product models written: {tally.models_written}; values left, their "
                f"model had one already: {tally.values_on_models_already}"
                if tally.models_written or tally.values_on_models_already
                else ""
            ),
        )
    if interrupted:
        raise typer.Exit(INTERRUPTED_EXIT_CODE)
    if failed or tally.lines_refused:
        raise typer.Exit(NOT_ALL_WRITTEN_EXIT_CODE)


def _warn_untrusted(
    container: Container, console: Console, llm: str | None, targets: list[str]
) -> None:
    trusted = container.thresholds.thresholds(container.llms.resolve_name(llm), targets)
    if untrusted := [code for code in targets if code not in trusted]:
        say(
            console,
            f"warning: no threshold for {', '.join(untrusted)}: their values all go to "
            "review, none is written (`python cli.py evaluate --save-thresholds` sets them)",
        )


def _here(
    container: Container,
    products: ProductsToEnrich,
    lookup: tuple[list[str], str | None, QueueChoice, float | None],
    concurrency: int,
    output: AkeneoWriteBack,
    console: Console,
) -> tuple[bool, int]:
    """Looks the products up in this process as they are listed, each settled product written
    to `output`; whether Ctrl-C stopped it, and how many products failed. `lookup`: the target
    codes, the LLM, which values go to review, each product's timeout."""
    targets, llm, review, timeout = lookup
    plan = container.enrichment.plan(products, llm, review, timeout, asked=targets)

    def failed(product: ProductToEnrich, reason: str) -> None:
        say(console, f"error: product {product.key}: {reason}")

    run = plan.stream(output, on_failure=failed)
    try:
        interrupted = run_interruptibly(
            run, concurrency, console, "run the same command again to go on"
        )
    finally:
        output.flush()
    say(
        console,
        f"products: {products.to_enrich} with empty targets ({run.tally.skipped} done before), "
        f"{products.complete} complete, {products.textless} without text; looked up "
        f"{run.tally.done}, failed {run.tally.failed}",
    )
    return interrupted, run.tally.failed
