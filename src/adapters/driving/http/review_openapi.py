"""The review bodies in the OpenAPI schema name the fields a decision may be about: the fields
known when the schema is first asked for (one provisioned later is accepted all the same)."""

from __future__ import annotations

from typing import Any

from src.domain.catalogue.ports import FieldRepository
from src.domain.errors import StorageUnavailableError

REVIEW_BODIES = ("ReviewBody", "QueueItemIn")


def document_review_fields(schema: dict[str, Any], fields: FieldRepository) -> None:
    """Lists the known field codes as the `field` of each review body; nothing while the
    database is away (the schema still answers)."""
    try:
        codes = [field.code for field in fields.list_all()]
    except StorageUnavailableError:
        return
    schemas = schema.get("components", {}).get("schemas", {})
    for name in REVIEW_BODIES:
        field = schemas.get(name, {}).get("properties", {}).get("field")
        if field is not None and codes:
            field["enum"] = codes
