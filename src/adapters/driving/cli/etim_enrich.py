"""`python cli.py etim enrich FILE --out OUT`: the empty features of an xChange file's products
are looked up as `enrich` looks up a catalogue; the values at or above their field's threshold
are written into the file, saved whole as OUT, the others sent to the review queue and listed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from src.adapters.driven.etim_xchange.document import XChangeProduct, read_document
from src.adapters.driven.etim_xchange.features import MappedFeature
from src.adapters.driven.etim_xchange.write_back import XChangeWriteBack
from src.adapters.driving.cli.batch_options import BatchTimeout
from src.adapters.driving.cli.enrich_summary import say
from src.adapters.driving.cli.enrichment_run import run_interruptibly
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.etim_options import (
    Features,
    Language,
    XChangeFile,
    language_of,
    mapping_of,
    product_keys,
)
from src.adapters.driving.cli.service import service
from src.domain.enrichment.ports import ProductToEnrich
from src.domain.errors import InvalidRequestError
from src.domain.review.lookup_results import QueueChoice

INTERRUPTED_EXIT_CODE = 130
PRODUCTS_FAILED_EXIT_CODE = 6
"""Some products failed as a whole: their features stay empty in the file written."""


def enrich(
    file: XChangeFile,
    out: Annotated[
        Path, typer.Option("--out", help="The xChange file to write.", show_default=False)
    ],
    features: Features = None,
    language: Language = None,
    llm: Annotated[str | None, typer.Option(help="A configured LLM (see `llms`).")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Products looked up at a time.")] = 4,
    timeout: BatchTimeout = None,
) -> None:
    """Fill the empty features of an xChange file's products, into a copy of the file."""
    console = Console(stderr=True)
    with service() as container, reported_errors():
        if out.resolve() == file.resolve():
            raise InvalidRequestError("--out must not be the xChange file itself")
        document = read_document(file)
        place = language_of(document, language)
        mapping = mapping_of(document, features)
        for code, reason in mapping.skipped.items():
            say(console, f"skipped {code}: {reason}")
        known = container.fields.get_many(list(mapping.mapped))
        targets = {code: f for code, f in mapping.mapped.items() if code in known}
        if not targets:
            raise InvalidRequestError(
                f"no feature of {file} is a field yet: run `python cli.py etim provision` first"
            )
        if missing := [code for code in mapping.mapped if code not in known]:
            say(console, f"warning: not fields yet, left empty: {', '.join(missing)}")
        keyed = product_keys(document)
        products, complete, textless = _todo(keyed, targets, place)
        plan = container.enrichment.plan(products, llm, QueueChoice.FLAGGED, timeout)
        trusted = container.thresholds.thresholds(container.llms.resolve_name(llm), list(targets))
        if untrusted := [code for code in targets if code not in trusted]:
            say(
                console,
                f"warning: no threshold for {', '.join(untrusted)}: their values all go to "
                "review, none is written (`python cli.py evaluate --save-thresholds` sets them)",
            )
        output = XChangeWriteBack(keyed, targets, lambda line: say(console, line))
        failures: list[str] = []

        def failed(product: ProductToEnrich, reason: str) -> None:
            failures.append(product.key)
            say(console, f"error: product {product.key}: {reason}")

        run = plan.start(output, on_failure=failed)
        interrupted = run_interruptibly(
            run, concurrency, console, "the values found so far are written"
        )
        document.save(out)
        tally = output.tally
        for value in tally.to_review:
            confidence = "none" if value.confidence is None else f"{value.confidence:.2f}"
            typer.echo(
                f"to review: product {value.product}: {value.feature} = {value.value!r} "
                f"(confidence {confidence})"
            )
        say(
            console,
            f"products: {len(products)} with empty features, {complete} complete, "
            f"{textless} without text in {place}; looked up {run.tally.done}, failed "
            f"{run.tally.failed}\nwritten to {out}: {tally.values_written} values of "
            f"{tally.products_written} products; not written: {tally.values_not_written}; "
            f"values to review: {len(tally.to_review)} (in the review queue)",
        )
    if interrupted:
        raise typer.Exit(INTERRUPTED_EXIT_CODE)
    if failures:
        raise typer.Exit(PRODUCTS_FAILED_EXIT_CODE)


def _todo(
    products: dict[str, XChangeProduct], targets: dict[str, MappedFeature], language: str
) -> tuple[list[ProductToEnrich], int, int]:
    """The products with empty features to fill, how many have none, how many have no text."""
    todo: list[ProductToEnrich] = []
    complete = textless = 0
    for number, (key, product) in enumerate(products.items(), 1):
        codes = tuple(code for code in product.empty() if code in targets)
        if not codes:
            complete += 1
            continue
        context = product.descriptions.get(language)
        if not context:
            textless += 1
            continue
        todo.append(ProductToEnrich(key, context, codes, number))
    return todo, complete, textless
