"""The attributes `akeneo enrich` fills: those chosen, or every attribute of the families that
is a field, less the text ones."""

from __future__ import annotations

from src.adapters.driven.akeneo.attributes import MappedAttribute, Where
from src.adapters.driven.akeneo.catalogue import AkeneoCatalogue
from src.domain.catalogue.ports import FieldRepository
from src.domain.errors import InvalidRequestError


def enrichment_targets(
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
