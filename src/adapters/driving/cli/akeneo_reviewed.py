"""`python cli.py akeneo write-reviewed`: the values reviewers kept (accepted or corrected) for
the families' products, written back to Akeneo with the collection PATCH. A value Akeneo holds
already is not sent again, so a second run (or one after a stop) writes nothing twice; an
attribute filled in the PIM with another value since is left as it is unless `--overwrite`. A
value of a variant product whose attribute one of its product models holds is written to that
model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from src.adapters.driven.akeneo.attributes import MappedAttribute
from src.adapters.driven.akeneo.product_models import ProductModels
from src.adapters.driven.akeneo.state import EnrichmentState
from src.adapters.driven.akeneo.write_back import AkeneoWriteBack
from src.adapters.driving.cli.akeneo_options import (
    Channel,
    DryRun,
    Families,
    Locale,
    akeneo_catalogue,
    where,
)
from src.adapters.driving.cli.enrich_summary import say
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.service import service
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.model import FieldOutcome, LookupResult, OutcomeStatus
from src.domain.review.model import ReviewDecision

REFUSED_EXIT_CODE = 6


def write_reviewed(
    family: Families,
    channel: Channel = "ecommerce",
    locale: Locale = "en_US",
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace a value filled in Akeneo since.")
    ] = False,
    dry_run: DryRun = False,
    state: Annotated[
        Path | None,
        typer.Option(
            help="Where the lines written are logged (default: akeneo-FAMILY.reviewed.jsonl).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the reviewed values of the families' products back to Akeneo."""
    console = Console(stderr=True)
    place = where(channel, locale)
    log = EnrichmentState(state or Path(f"akeneo-{'-'.join(family)}.reviewed.jsonl"))
    with (
        service() as container,
        reported_errors(),
        akeneo_catalogue(container) as (
            catalogue,
            client,
        ),
    ):
        attributes = catalogue.attributes(family, place).by_code()
        kept = _kept(container.reviewing.decisions(), attributes)
        output = AkeneoWriteBack(
            client,
            attributes,
            place,
            log,
            batch_size=100,
            say=lambda line: say(console, line),
            dry_run=typer.echo if dry_run else None,
            models=ProductModels(client, family),
            model_attributes_once=False,
        )
        unchanged = left = 0
        try:
            for product in catalogue.products(family):
                decisions = kept.get(str(product["uuid"]))
                if not decisions:
                    continue
                outcomes = []
                for decision in decisions:
                    attribute = attributes[decision.field_code]
                    if attribute.holds(product, place, decision.kept):
                        unchanged += 1
                    elif not attribute.is_empty(product, place) and not overwrite:
                        left += 1
                        say(
                            console,
                            f"left: product {product['uuid']}: {attribute.code} is filled in "
                            "Akeneo with another value (--overwrite replaces it)",
                        )
                    else:
                        outcomes.append(_outcome(decision))
                if outcomes:
                    output.write(
                        EnrichedProduct(product["uuid"], LookupResult("review", tuple(outcomes)))
                    )
        finally:
            output.flush()
            log.close()
    tally = output.tally
    say(
        console,
        f"reviewed values {'that would be ' if dry_run else ''}written: {tally.values_written} "
        f"of {tally.products_written} products"
        + (f" and {tally.models_written} product models" if tally.models_written else "")
        + f"; already in Akeneo: {unchanged}; left: {left}; "
        f"refused lines: {tally.lines_refused}",
    )
    if tally.lines_refused:
        raise typer.Exit(REFUSED_EXIT_CODE)


def _kept(
    decisions: list[ReviewDecision], attributes: dict[str, MappedAttribute]
) -> dict[str, list[ReviewDecision]]:
    """Per product, each attribute's last decision that kept a value."""
    last: dict[tuple[str, str], ReviewDecision] = {}
    for decision in decisions:
        if decision.product_id and decision.field_code in attributes:
            last[(decision.product_id, decision.field_code)] = decision
    kept: dict[str, list[ReviewDecision]] = {}
    for (product, _), decision in last.items():
        if decision.kept is not None:
            kept.setdefault(product, []).append(decision)
    return kept


def _outcome(decision: ReviewDecision) -> FieldOutcome:
    return FieldOutcome(decision.field_code, decision.kept, OutcomeStatus.OK, review=False)
