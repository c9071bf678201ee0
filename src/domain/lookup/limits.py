"""How much one lookup may ask: the length of the description and the number of fields."""

from __future__ import annotations

from dataclasses import dataclass

from src.domain.errors import InvalidRequestError
from src.domain.model import LookupRequest
from src.domain.model.product_text import DEFAULT_MAX_DESCRIPTION_CHARS, check_description
from src.domain.model.storable_text import check_storable


@dataclass(frozen=True, slots=True)
class RequestLimits:
    max_description_chars: int = DEFAULT_MAX_DESCRIPTION_CHARS
    max_fields: int = 100

    def check(self, request: LookupRequest) -> None:
        """Raises InvalidRequestError naming the part of `request` over its limit, and the limit,
        or holding what no database stores (a NUL, a lone surrogate)."""
        check_description(request.description, self.max_description_chars, ("body", "description"))
        for index, code in enumerate(request.field_codes):
            check_storable(code, "the field code", ("body", "fields", index))
        if request.llm is not None:
            check_storable(request.llm, "the LLM name", ("body", "llm"))
        count = len(request.field_codes)
        if count > self.max_fields:
            raise InvalidRequestError(
                f"{count} fields were asked for; "
                f"at most {self.max_fields} are accepted per request",
                ("body", "fields"),
            )
