"""What a row of a catalogue job must hold beyond what `enrich` asks: what the database stores
(an id of at most MAX_ID_CHARS characters, no NUL, no lone surrogate) and what a lookup accepts
(its text's length, its number of fields), so that every row is refused before the job is made
rather than failing once it runs."""

from __future__ import annotations

from src.adapters.driven.files.product_rows import BadRow
from src.domain.enrichment.ports import ProductToEnrich
from src.domain.errors import InvalidRequestError
from src.domain.lookup.limits import RequestLimits
from src.domain.model import LookupRequest
from src.domain.model.storable_text import unstorable_reason

MAX_ID_CHARS = 255
"""The longest id a job's result row holds (`job_result.product_key`)."""


def check_job_row(product: ProductToEnrich, limits: RequestLimits) -> None:
    """Raises BadRow saying what of `product` a job could not look up or store."""
    key = product.key
    if len(key) > MAX_ID_CHARS:
        raise BadRow(f"the id has {len(key)} characters; at most {MAX_ID_CHARS} are accepted")
    reason = unstorable_reason(key)
    if reason is not None:
        raise BadRow(f"the id holds {reason}")
    try:
        limits.check(LookupRequest(product.description, product.fields))
    except InvalidRequestError as error:
        raise BadRow(str(error)) from None
