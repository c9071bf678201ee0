"""`python cli.py reviews export --out reviewed.jsonl|.csv`: the reviewed values, in the format
`enrich` writes, for the PIM to import."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from src.adapters.driven.files.enrichment_output import open_output
from src.adapters.driven.files.product_files import product_file_format
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.service import service
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.errors import InvalidRequestError
from src.domain.model import LookupResult
from src.domain.review.lookup_results import reviewed_results

reviews = typer.Typer(
    help="Reviewed values: what reviewers accepted, corrected or rejected.", no_args_is_help=True
)


@reviews.command()
def export(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="The file to write, .jsonl or .csv (replaced whole).", show_default=False
        ),
    ],
) -> None:
    """Write each reviewed product's values (the last decision per field) in the enrich format:
    `ok` with the value kept, `not_found` where a reviewer said the text does not give it. A
    correction of the catalogue's own label still waiting for an admin is left out."""
    with service() as container, reported_errors():
        product_file_format(out)
        products = reviewed_results(container.reviewing.decisions())
        codes = list(dict.fromkeys(o.field_code for _, result in products for o in result.outcomes))
        try:
            _write(out, codes, products)
        except OSError as error:
            raise InvalidRequestError(
                f"{out}: cannot be written ({error.strerror or error})"
            ) from error
    typer.echo(f"{len(products)} reviewed products written to {out}", err=True)


def _write(out: Path, codes: list[str], products: list[tuple[str, LookupResult]]) -> None:
    """Written beside `out`, then moved over it: a failure leaves the old file as it was."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}-", suffix=out.suffix)
    os.close(handle)
    os.unlink(temporary)  # open_output creates it, with its header
    try:
        with open_output(Path(temporary), codes) as output:
            for product_id, result in products:
                output.write(EnrichedProduct(product_id, result))
        os.replace(temporary, out)
    finally:
        Path(temporary).unlink(missing_ok=True)
