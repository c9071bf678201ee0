"""`python cli.py akeneo enrich`: the products of families whose target attributes are empty
are looked up as `enrich` looks up a catalogue; the values at or above their field's threshold
are written back to Akeneo, one collection PATCH per batch, the others queued for review. A
filled attribute is left as it is unless `--overwrite`; `--dry-run` prints what would be
written and writes nothing. The state file records each product settled: run the same command
again after a stop and it goes on, without writing a product twice."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from src.adapters.driven.akeneo.attributes import MappedAttribute, Where
from src.adapters.driven.akeneo.catalogue import AkeneoCatalogue
from src.adapters.driven.akeneo.descriptions import description
from src.adapters.driven.akeneo.state import EnrichmentState
from src.adapters.driven.akeneo.write_back import AkeneoWriteBack
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
from src.adapters.driving.cli.batch_options import BatchTimeout
from src.adapters.driving.cli.enrich_summary import say
from src.adapters.driving.cli.enrichment_run import run_interruptibly
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.service import service
from src.domain.catalogue.ports import FieldRepository
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
        filters = search_filters(search)
        targets = _targets(catalogue, container.fields, family, attribute, text, place)
        products, complete, textless = _todo(
            catalogue, family, filters, targets, text, place, overwrite
        )
        plan = container.enrichment.plan(
            products, llm, QueueChoice.NONE if dry_run else QueueChoice.FLAGGED, timeout
        )
        trusted = container.thresholds.thresholds(container.llms.resolve_name(llm), list(targets))
        if untrusted := [code for code in targets if code not in trusted]:
            say(
                console,
                f"warning: no threshold for {', '.join(untrusted)}: their values all go to "
                "review, none is written (`python cli.py evaluate --save-thresholds` sets them)",
            )
        progress = EnrichmentState(state_path)
        output = AkeneoWriteBack(
            client,
            targets,
            place,
            progress,
            batch_size,
            lambda line: say(console, line),
            typer.echo if dry_run else None,
        )
        failures: list[str] = []

        def failed(product: ProductToEnrich, reason: str) -> None:
            failures.append(product.key)
            say(console, f"error: product {product.key}: {reason}")

        run = plan.start(output, on_failure=failed)
        try:
            interrupted = run_interruptibly(
                run, concurrency, console, "run the same command again to go on"
            )
        finally:
            output.flush()
            progress.close()
        tally = output.tally
        say(
            console,
            f"products: {len(products)} with empty targets ({run.tally.skipped} done before), "
            f"{complete} complete, {textless} without text; looked up {run.tally.done}, "
            f"failed {run.tally.failed}\n"
            f"{'would write' if dry_run else 'written'}: {tally.values_written} values of "
            f"{tally.products_written} products in {tally.batches} PATCH; refused lines: "
            f"{tally.lines_refused}; values to review: {tally.values_to_review}",
        )
    if interrupted:
        raise typer.Exit(INTERRUPTED_EXIT_CODE)
    if failures or tally.lines_refused:
        raise typer.Exit(NOT_ALL_WRITTEN_EXIT_CODE)


def _targets(
    catalogue: AkeneoCatalogue,
    fields: FieldRepository,
    families: list[str],
    chosen: list[str] | None,
    texts: list[str],
    place: Where,
) -> dict[str, MappedAttribute]:
    """The attributes to fill: those chosen (or all the families' fields), each a field."""
    found = catalogue.attributes(families, place)
    mapped = found.by_code()
    known = fields.get_many(list(mapped))
    skipped = {s.code: s.reason for s in found.skipped}
    for code in chosen or []:
        if code in skipped:
            raise InvalidRequestError(f"--attribute {code}: skipped, {skipped[code]}")
        if code not in mapped:
            raise InvalidRequestError(
                f"--attribute {code} is no attribute of {', '.join(families)}"
            )
        if code not in known:
            raise InvalidRequestError(
                f"--attribute {code} is not a field yet: run `akeneo fields` first"
            )
    targets = {
        code: a
        for code, a in mapped.items()
        if code in known and code not in texts and (not chosen or code in chosen)
    }
    if not targets:
        raise InvalidRequestError(
            f"no attribute of {', '.join(families)} is a field yet: run `akeneo fields` first"
        )
    return targets


def _todo(
    catalogue: AkeneoCatalogue,
    families: list[str],
    filters: dict[str, object],
    targets: dict[str, MappedAttribute],
    texts: list[str],
    place: Where,
    overwrite: bool,
) -> tuple[list[ProductToEnrich], int, int]:
    """The products with targets to fill, how many have none, and how many have no text."""
    products: list[ProductToEnrich] = []
    complete = textless = 0
    for number, product in enumerate(catalogue.products(families, filters), 1):
        codes = tuple(c for c, a in targets.items() if overwrite or a.is_empty(product, place))
        if not codes:
            complete += 1
            continue
        context = description(product, texts, place)
        if not context:
            textless += 1
            continue
        products.append(ProductToEnrich(str(product["uuid"]), context, codes, number))
    return products, complete, textless
