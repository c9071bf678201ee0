"""`python cli.py enrich`: looks up the fields of a whole catalogue, a few products at a time, into
an output file that a later run resumes (the policy is the domain's: `Enrichment`).

This edge reads the catalogue, checks it whole before any work, runs `--concurrency` products at
a time with a progress bar, and stops on Ctrl-C after the products in flight (again: at once).
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console

from src.adapters.driven.files.enrichment_output import EnrichmentOutput, open_output
from src.adapters.driven.files.product_files import product_file_format, read_products
from src.adapters.driven.files.product_rows import split_codes
from src.adapters.driving.cli.batch_options import BatchTimeout
from src.adapters.driving.cli.bounded_pool import run_bounded
from src.adapters.driving.cli.enrich_remote import run_remotely, unreachable
from src.adapters.driving.cli.enrich_summary import estimate_line, say, summary
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.progress_bar import progress_bar
from src.adapters.driving.cli.service import service
from src.domain.access.roles import DEFAULT_TENANT, checked_tenant
from src.domain.enrichment.enrich import EnrichmentRun, EnrichmentTally
from src.domain.enrichment.ports import ProductToEnrich
from src.domain.errors import InvalidRequestError
from src.domain.model import LookupResult, OutcomeStatus
from src.domain.review.lookup_results import QueueChoice

INTERRUPTED_EXIT_CODE = 130
PRODUCTS_FAILED_EXIT_CODE = 6
"""Some products failed as a whole (not written; the next run retries them)."""


def enrich(
    products: Annotated[
        Path,
        typer.Argument(
            help="The catalogue: .jsonl (a JSON object per line) or .csv.", show_default=False
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="The output, .jsonl or .csv. An existing one is resumed: its ids are skipped.",
            show_default=False,
        ),
    ],
    fields: Annotated[
        list[str] | None,
        typer.Option(
            "--fields",
            help="Field codes, comma-separated or repeated. A row's own `fields` replace them.",
        ),
    ] = None,
    llm: Annotated[str | None, typer.Option(help="A configured LLM (see `llms`).")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Products looked up at a time.")] = 4,
    review: Annotated[
        QueueChoice,
        typer.Option(
            help="Values sent to the review queue: those flagged for review, all proposed, or none."
        ),
    ] = QueueChoice.FLAGGED,
    review_tenant: Annotated[
        str, typer.Option(help="The tenant whose review queue the values go to.")
    ] = DEFAULT_TENANT,
    timeout: BatchTimeout = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Estimate the model calls and tokens; call no model.")
    ] = False,
    submit: Annotated[
        str | None,
        typer.Option(help="Run it as a job of the service at this URL.", show_default=False),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(envvar="LOOKUP_API_KEY", help="The API key for --submit.", show_default=False),
    ] = None,
) -> None:
    """Look up the fields of every product of a catalogue; run it again to resume."""
    console = Console(stderr=True)
    if submit:
        return enrich_on_service(products, out, fields, llm, submit, key, console)
    with service() as container, reported_errors():
        catalogue = _checked_catalogue(products, out, fields)
        if dry_run:
            container.llms.resolve_name(llm)
            estimate = container.estimator.estimate(
                ((p.description, p.fields) for p in catalogue), llm
            )
            return typer.echo(estimate_line(estimate))
        plan = container.enrichment.plan(
            catalogue, llm, review, timeout, checked_tenant(review_tenant)
        )  # an unknown LLM fails here, before any work
        if plan.unknown_fields:
            say(
                console,
                "warning: unknown fields, answered unknown_field: "
                f"{', '.join(plan.unknown_fields)}",
            )
        failures: list[str] = []
        with open_output(out, plan.codes) as output:

            def failed(product: ProductToEnrich, reason: str) -> None:
                failures.append(product.key)
                say(console, f"error: product {product.key} (line {product.line}): {reason}")

            interrupted = _run(
                plan.start(output, on_failure=failed), len(catalogue), output, concurrency, console
            )
    if interrupted:
        raise typer.Exit(INTERRUPTED_EXIT_CODE)
    if failures:
        raise typer.Exit(PRODUCTS_FAILED_EXIT_CODE)


def enrich_on_service(
    products: Path,
    out: Path,
    fields: list[str] | None,
    llm: str | None,
    url: str,
    key: str | None,
    console: Console,
) -> None:
    """`enrich --submit URL`: the same checks, output and summary, the work done by the
    service's workers."""
    with reported_errors():
        catalogue = _checked_catalogue(products, out, fields)
        codes = list(dict.fromkeys(code for product in catalogue for code in product.fields))
        with open_output(out, codes) as output:
            tally = EnrichmentTally(skipped=len(output.done & {p.key for p in catalogue}))
            try:
                progress, interrupted = run_remotely(url, key, catalogue, output, llm, console)
            except httpx.HTTPError as error:
                raise unreachable(url, error) from None
            tally.done, tally.failed = progress["done"], progress["failed"]
            tally.fields.update(
                {OutcomeStatus(status): count for status, count in progress["fields"].items()}
            )
            say(console, summary(tally, output, interrupted))
    if interrupted:
        raise typer.Exit(INTERRUPTED_EXIT_CODE)
    if tally.failed:
        raise typer.Exit(PRODUCTS_FAILED_EXIT_CODE)


def _checked_catalogue(
    products: Path, out: Path, fields: list[str] | None
) -> list[ProductToEnrich]:
    product_file_format(out)
    if out.resolve() == products.resolve():
        raise InvalidRequestError("--out must not be the catalogue itself")
    return read_products(products, split_codes(" ".join(fields or [])))


def _run(
    run: EnrichmentRun, total: int, output: EnrichmentOutput, concurrency: int, console: Console
) -> bool:
    """Runs the products left, `concurrency` at a time; whether Ctrl-C stopped the run."""

    def settle(product: ProductToEnrich, lookup: Future[LookupResult]) -> None:
        run.settle(product, lookup)
        bar.advance(task)

    def interrupted(in_flight: int) -> None:
        say(
            console,
            f"interrupted: finishing the {in_flight} products in flight "
            "(Ctrl-C again to drop them)",
        )

    bar = progress_bar(console, "products")
    task = bar.add_task("enrich", total=total, completed=run.tally.skipped)
    stopped = False
    try:
        with bar:
            run_bounded(run.look_up, run.todo, concurrency, settle, interrupted)
    except KeyboardInterrupt:
        stopped = True
    finally:
        say(console, summary(run.tally, output, stopped))
    return stopped
