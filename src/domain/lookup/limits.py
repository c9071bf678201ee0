"""How much one lookup may ask: the length of the description and the number of fields."""

from __future__ import annotations

from dataclasses import dataclass

from src.domain.errors import InvalidRequestError
from src.domain.model import LookupRequest


@dataclass(frozen=True, slots=True)
class RequestLimits:
    max_description_chars: int = 10_000
    max_fields: int = 100

    def check(self, request: LookupRequest) -> None:
        """Raises InvalidRequestError naming the part of `request` over its limit, and the limit."""
        length = len(request.description)
        if length > self.max_description_chars:
            raise InvalidRequestError(
                f"the description has {length} characters; at most {self.max_description_chars} "
                "are accepted",
                ("body", "description"),
            )
        count = len(request.field_codes)
        if count > self.max_fields:
            raise InvalidRequestError(
                f"{count} fields were asked for; at most {self.max_fields} are accepted per request",
                ("body", "fields"),
            )
