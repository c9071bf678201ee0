"""A real PostgreSQL stopped and started again under a running server: /health and lookups answer
503 with a clear message while it is away, and the service recovers by itself when it is back.
A server of its own, so that the one the other tests share is not disturbed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import psycopg2
import pytest

from tests.support.live_server import live_server, prepare_database
from tests.support.postgres import ThrowawayPostgres

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"
LOOKUP = "/api/product/fields/lookup"
BODY = {"description": LAMP, "fields": ["EF000042", "EF000035"]}


@pytest.fixture
def postgres() -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres()
    server.start()
    try:
        yield server
    finally:
        server.destroy()


def connections_to(url: str) -> int:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def test_a_database_that_goes_away_is_a_503_then_the_service_recovers_by_itself(
    postgres: ThrowawayPostgres,
) -> None:
    url = postgres.create_database("outage")
    key = prepare_database(url, api_key_name="shop")
    with live_server(url, DB_POOL_SIZE="2", LOOKUP_CACHE="off") as server:
        client = httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=15
        )
        assert all(client.post(LOOKUP, json=BODY).status_code == 200 for _ in range(10))
        assert connections_to(url) <= 2  # pooled, and returned after each request

        postgres.stop()
        health = client.get("/health")
        lookup = client.post(LOOKUP, json=BODY)

        assert health.status_code == 503
        assert health.json() == {"status": "unavailable", "database": "the database is unavailable"}
        assert lookup.status_code == 503 and lookup.json() == {
            "detail": "the database is unavailable"
        }
        assert (
            str(postgres.port) not in health.text + lookup.text
        )  # the driver's words stay in the log

        postgres.start()
        give_up = time.monotonic() + 15
        while client.get("/health").status_code != 200 and time.monotonic() < give_up:
            time.sleep(0.2)
        recovered = client.post(LOOKUP, json=BODY)
        assert recovered.status_code == 200 and recovered.json() == {
            "EF000042": "E27",
            "EF000035": 60,
        }
        assert server.process.poll() is None  # the same process: no restart
