"""How much one lookup may ask."""

from __future__ import annotations

import pytest

from src.domain.errors import InvalidRequestError
from src.domain.lookup.limits import RequestLimits
from src.domain.model import LookupRequest


@pytest.mark.parametrize(
    ("request_", "part", "limit"),
    [
        (LookupRequest("x" * 11, ("a",)), "description", "at most 10"),
        (LookupRequest("x", ("a", "b", "c")), "fields", "at most 2"),
    ],
)
def test_request_limits_name_the_part_over_its_limit(
    request_: LookupRequest, part: str, limit: str
) -> None:
    limits = RequestLimits(max_description_chars=10, max_fields=2)
    limits.check(LookupRequest("x" * 10, ("a", "b")))

    with pytest.raises(InvalidRequestError, match=limit) as refused:
        limits.check(request_)

    assert refused.value.location == ("body", part)
