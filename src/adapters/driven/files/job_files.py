"""A catalogue uploaded as a job, read and checked as `enrich` reads a file; a job's results
written as `enrich` writes them."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path, PurePath
from typing import BinaryIO

from src.adapters.driven.files.enrichment_records import record_format
from src.adapters.driven.files.job_rows import check_job_row
from src.adapters.driven.files.product_files import (
    ProductFileFormat,
    product_file_format,
    read_products,
)
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.errors import DataFileError, InvalidRequestError
from src.domain.jobs.model import JobProduct, ProductResult
from src.domain.lookup.limits import RequestLimits


def read_upload(
    filename: str, upload: BinaryIO, default_fields: Sequence[str], limits: RequestLimits
) -> tuple[ProductFileFormat, tuple[JobProduct, ...]]:
    """The format and the products of an uploaded catalogue named `filename`, each row checked
    (see `check_job_row`). Raises InvalidRequestError naming the file, its first bad line and the
    reason (as `enrich` does)."""
    name = PurePath(filename or "").name
    try:
        kind = product_file_format(Path(name))
        with tempfile.TemporaryDirectory(prefix="job-upload-") as folder:
            path = Path(folder) / f"catalogue{Path(name).suffix}"
            with path.open("wb") as copy:
                shutil.copyfileobj(upload, copy)
            catalogue = read_products(path, default_fields, partial(check_job_row, limits=limits))
    except DataFileError as error:
        where = f"{name}, {error.record}" if error.record else name
        raise InvalidRequestError(f"{where}: {error.reason}", ("body", "file")) from None
    except InvalidRequestError as error:
        raise InvalidRequestError(str(error), ("body", "file")) from None
    products = tuple(
        JobProduct(position, product.id, product.description, product.fields)
        for position, product in enumerate(catalogue)
    )
    return kind, products


def output_codes(products: Iterable[JobProduct]) -> tuple[str, ...]:
    """The field columns of the output: every code the products ask for, in first-seen order."""
    return tuple(dict.fromkeys(code for product in products for code in product.fields))


def encoded_results(
    kind: ProductFileFormat, codes: Sequence[str], results: Iterable[ProductResult]
) -> Iterator[bytes]:
    """The header (CSV), then one record per product, in the order given."""
    writer = record_format(kind)
    yield writer.header(codes)
    for outcome in results:
        if outcome.result is not None:
            yield writer.encode(EnrichedProduct(outcome.product.id, outcome.result), codes)
