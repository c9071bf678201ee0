"""Wrong keys are not free to try: past FAILED_AUTH_PER_MINUTE failed authentications an
address is answered 429, whatever key it sends, while other addresses go on; counted in the
database (both) or in Redis, so that every worker sees the same count."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.e2e.conftest import ClientFactory
from tests.support.redis_server import ThrowawayRedis

BODY = {
    "description": "Lampe incandescente forme Standard 60X103 12V 40W E27",
    "fields": ["EF000042"],
}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _tries_past_the_limit(client: TestClient) -> None:
    key = client.app.state.container.api_keys.create("shop")
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    elsewhere = TestClient(client.app, client=("203.0.113.7", 40000))

    failed = [
        client.get("/api/llms", headers=bearer(wrong)).status_code,
        client.get("/api/llms").status_code,
    ]
    assert failed == [401, 401]  # no key at all is a failure too
    assert client.get("/api/llms", headers=bearer(key)).status_code == 200  # under the limit
    assert client.get("/api/llms", headers=bearer(wrong)).status_code == 401  # the third

    refused = client.get("/api/llms", headers=bearer(wrong))
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert "3 failed authentications a minute" in refused.json()["detail"]
    # past the limit the address is refused whatever it sends: a guessed key is not even read
    assert (
        client.post("/api/product/fields/lookup", json=BODY, headers=bearer(key)).status_code == 429
    )
    assert client.get("/api/llms").status_code == 401  # without a key there is nothing to guess
    assert client.get("/health").status_code == 200
    assert elsewhere.get("/api/llms", headers=bearer(key)).status_code == 200  # another address
    assert elsewhere.get("/api/llms", headers=bearer(wrong)).status_code == 401


def test_failed_keys_are_counted_per_address_in_the_database(make_client: ClientFactory) -> None:
    _tries_past_the_limit(make_client(FAILED_AUTH_PER_MINUTE="3"))


def test_failed_keys_are_counted_in_redis_when_it_is_set(
    make_client: ClientFactory, redis: ThrowawayRedis
) -> None:
    _tries_past_the_limit(make_client(FAILED_AUTH_PER_MINUTE="3", REDIS_URL=redis.url))


def test_no_limit_when_it_is_zero(make_client: ClientFactory) -> None:
    client = make_client(FAILED_AUTH_PER_MINUTE="0")
    client.app.state.container.api_keys.create("shop")
    assert {client.get("/api/llms").status_code for _ in range(25)} == {401}
