"""`python cli.py enrich`: looks up the fields of a whole catalogue, a few products at a time, into
an output file that a later run resumes.

Each product is one `LookupRequest` to the same lookup service as the API (its fields fan out on
the service's shared pool), and is appended to the output as soon as it finishes. The catalogue
is checked whole before any work; a product whose lookup fails (the backend, not a field) is not
written, so the next run retries it; a lost database stops the run.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from src.adapters.driven.files.enrichment_output import (
    EnrichedProduct,
    EnrichmentOutput,
    open_output,
)
from src.adapters.driven.files.product_files import (
    CatalogueProduct,
    catalogue_format,
    read_catalogue,
    split_codes,
)
from src.adapters.driving.cli.bounded_pool import run_bounded
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.progress_bar import progress_bar
from src.adapters.driving.cli.service import service
from src.bootstrap import Container
from src.domain.errors import FieldLookupError, InvalidRequestError, StorageUnavailableError
from src.domain.model import LookupRequest, LookupResult, OutcomeStatus

INTERRUPTED_EXIT_CODE = 130


@dataclass(slots=True)
class _Tally:
    """What a run has done so far, for the summary."""

    skipped: int
    done: int = 0
    failed: int = 0
    fields: Counter[OutcomeStatus] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    interrupted: bool = False

    def summary(self, output: EnrichmentOutput) -> str:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        lines = ["interrupted: run the same command again to go on"] if self.interrupted else []
        if output.dropped_bytes:
            lines.append(f"cut a torn last line ({output.dropped_bytes} bytes) off {output.path}")
        lines += [
            f"products: {self.done} done, {self.skipped} skipped (already in {output.path}), {self.failed} failed"
            + (" (not written: the next run retries them)" if self.failed else ""),
            "fields: " + ", ".join(f"{self.fields[status]} {status.value}" for status in OutcomeStatus),
            f"elapsed {elapsed:.1f} s, {rate:.1f} products/s",
        ]
        return "\n".join(lines)


def enrich(
    products: Annotated[Path, typer.Argument(help="The catalogue: .jsonl (a JSON object per line) or .csv.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The output, .jsonl or .csv. An existing one is resumed: its ids are skipped.", show_default=False)],
    fields: Annotated[Optional[list[str]], typer.Option("--fields", help="Field codes, comma-separated or repeated. A row's own `fields` replace them.")] = None,
    llm: Annotated[Optional[str], typer.Option(help="A configured LLM (see `llms`).")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Products looked up at a time.")] = 4,
) -> None:
    """Look up the fields of every product of a catalogue; run it again to resume."""
    console = Console(stderr=True)
    with service() as container, reported_errors():
        catalogue_format(out)
        if out.resolve() == products.resolve():
            raise InvalidRequestError("--out must not be the catalogue itself")
        catalogue = read_catalogue(products, split_codes(" ".join(fields or [])))
        container.llms.get(llm)  # an unknown LLM fails here, before any work
        codes = list(dict.fromkeys(code for product in catalogue for code in product.fields))
        _warn_about_unknown_fields(container, codes, console)
        with open_output(out, codes) as output:
            tally = _run(container, catalogue, output, llm, concurrency, console)
    if tally.interrupted:
        raise typer.Exit(INTERRUPTED_EXIT_CODE)


def _run(
    container: Container,
    catalogue: list[CatalogueProduct],
    output: EnrichmentOutput,
    llm: str | None,
    concurrency: int,
    console: Console,
) -> _Tally:
    todo = [product for product in catalogue if product.key not in output.done]
    tally = _Tally(skipped=len(catalogue) - len(todo))

    def look_up(product: CatalogueProduct) -> LookupResult:
        return container.lookup.lookup(LookupRequest(product.description, product.fields, llm))

    def write(product: CatalogueProduct, future: Future[LookupResult]) -> None:
        try:
            result = future.result()
        except StorageUnavailableError:
            raise
        except FieldLookupError as error:
            _failed(product, str(error))
        except Exception as error:  # one product's defect must not stop the catalogue
            _failed(product, f"internal error: {type(error).__name__}: {error}")
        else:
            output.write(EnrichedProduct(product.id, result))
            tally.done += 1
            tally.fields.update(outcome.status for outcome in result.outcomes)
        bar.advance(task)

    def _failed(product: CatalogueProduct, reason: str) -> None:
        tally.failed += 1
        _say(console, f"error: product {product.key} (line {product.line}): {reason}")

    def interrupted(in_flight: int) -> None:
        _say(console, f"interrupted: finishing the {in_flight} products in flight (Ctrl-C again to drop them)")

    bar = progress_bar(console, "products")
    task = bar.add_task("enrich", total=len(catalogue), completed=tally.skipped)
    try:
        with bar:
            run_bounded(look_up, todo, concurrency, write, interrupted)
    except KeyboardInterrupt:
        tally.interrupted = True
    finally:
        _say(console, tally.summary(output))
    return tally


def _warn_about_unknown_fields(container: Container, codes: list[str], console: Console) -> None:
    known = container.fields.get_many(codes)
    unknown = [code for code in codes if code not in known]
    if unknown:
        _say(console, f"warning: unknown fields, answered unknown_field: {', '.join(unknown)}")


def _say(console: Console, text: str) -> None:
    """A plain line on stderr, above the progress bar if one is drawn."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)
