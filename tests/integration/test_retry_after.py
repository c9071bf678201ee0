"""Reading how long a server asks us to wait."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from src.connectors.retry_after import MAX_RETRY_AFTER_S, retry_after_seconds

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "1500", "retry-after": "7"}, 1.5),
        ({"retry-after": "Wed, 01 May 2024 12:00:20 GMT"}, 20.0),
        ({"retry-after": "Wed, 01 May 2024 11:59:00 GMT"}, 0.0),
        ({"retry-after": "3600"}, MAX_RETRY_AFTER_S),
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "nan"}, None),
        ({}, None),
    ],
)
def test_reads_seconds_milliseconds_and_dates(
    headers: dict[str, str], seconds: float | None
) -> None:
    assert retry_after_seconds(headers, now=NOW) == seconds
