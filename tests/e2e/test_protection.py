"""Who may call the API and what it refuses: API keys made and revoked by the CLI while the app
runs, the rate limit, CORS, and the input limits; on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO
from tests.e2e.conftest import ClientFactory

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"
LOOKUP = "/api/product/fields/lookup"
BODY = {"description": LAMP, "fields": ["EF000042"]}


def cli_keys(database_url: str, *args: str) -> str:
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"}
    done = subprocess.run(
        [sys.executable, "cli.py", "keys", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_keys_made_and_revoked_by_the_cli_count_without_a_restart(
    client: TestClient, database_url: str
) -> None:
    assert client.post(LOOKUP, json=BODY).status_code == 200  # no key yet: open
    recheck = client.app.state.container.settings.keyless_recheck_seconds

    key = cli_keys(database_url, "create", "shop")
    started = time.monotonic()

    refused = client.post(LOOKUP, json=BODY)
    while refused.status_code == 200 and time.monotonic() - started < recheck + 2:
        time.sleep(0.05)  # the first key closes the API within KEYLESS_RECHECK_SECONDS
        refused = client.post(LOOKUP, json=BODY)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in refused.json()["detail"]
    assert client.post(LOOKUP, json=BODY, headers=bearer(key)).json() == {"EF000042": "E27"}
    assert "shop" in cli_keys(database_url, "list")

    cli_keys(database_url, "revoke", "shop")

    revoked = client.post(LOOKUP, json=BODY, headers=bearer(key))
    assert revoked.status_code == 401 and revoked.json() == {
        "detail": "this API key has been revoked"
    }
    assert client.post(LOOKUP, json=BODY).status_code == 401  # revoking every key does not reopen


def test_a_wrong_key_is_a_401_and_health_docs_and_schema_stay_open(client: TestClient) -> None:
    key = client.app.state.container.api_keys.create("pim")
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")

    for headers in (bearer(wrong), bearer("nonsense"), {"Authorization": f"Basic {key}"}):
        response = client.get("/api/llms", headers=headers)
        assert response.status_code == 401 and "Traceback" not in response.text
        assert response.headers["content-type"] == "application/json"
    assert client.get("/api/llms", headers=bearer(key)).status_code == 200
    for path in ("/health", "/docs", "/openapi.json"):
        assert client.get(path).status_code == 200


def test_the_rate_limit_counts_per_key_and_says_when_to_retry(make_client: ClientFactory) -> None:
    client = make_client(RATE_LIMIT_PER_MINUTE="3")
    anonymous = [client.get("/api/llms").status_code for _ in range(4)]
    assert anonymous == [200, 200, 200, 429]  # no key yet: per client address
    keys = client.app.state.container.api_keys
    shop, pim = keys.create("shop"), keys.create("pim")

    statuses = [client.get("/api/llms", headers=bearer(shop)).status_code for _ in range(4)]
    limited = client.get("/api/llms", headers=bearer(shop))

    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
    assert "3 requests a minute" in limited.json()["detail"]
    assert client.get("/api/llms", headers=bearer(pim)).status_code == 200
    assert client.get("/health").status_code == 200  # not counted, not limited


def test_no_origin_is_allowed_by_default(client: TestClient) -> None:
    response = client.post(LOOKUP, json=BODY, headers={"Origin": "https://shop.example"})

    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers


def test_cors_origins_may_call_from_a_browser(make_client: ClientFactory) -> None:
    client = make_client(CORS_ORIGINS="https://shop.example, https://pim.example")
    client.app.state.container.api_keys.create("shop")
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }

    allowed = client.options(LOOKUP, headers={"Origin": "https://pim.example", **preflight})
    other = client.options(LOOKUP, headers={"Origin": "https://evil.example", **preflight})
    refused = client.post(LOOKUP, json=BODY, headers={"Origin": "https://shop.example"})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://pim.example"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-origin" not in other.headers
    assert refused.status_code == 401  # the page can read why: the 401 carries the CORS headers
    assert refused.headers["access-control-allow-origin"] == "https://shop.example"


def test_input_limits_answer_422_naming_the_field_and_the_limit(make_client: ClientFactory) -> None:
    client = make_client(MAX_DESCRIPTION_CHARS="60", MAX_FIELDS="3")

    long = client.post(LOOKUP, json={"description": "x" * 61, "fields": ["EF000042"]})
    many = client.post(
        LOOKUP,
        json={"description": LAMP, "fields": ["EF000042", "EF000035", "EF000137", "EF000009"]},
    )
    at_the_limits = client.post(
        LOOKUP, json={"description": "x" * 60, "fields": ["EF000042", "EF000035", "EF000137"]}
    )

    assert long.status_code == 422
    assert (
        long.json()["detail"][0]["loc"] == ["body", "description"]
        and "60" in long.json()["detail"][0]["msg"]
    )
    assert many.status_code == 422
    assert (
        many.json()["detail"][0]["loc"] == ["body", "fields"]
        and "3" in many.json()["detail"][0]["msg"]
    )
    assert at_the_limits.status_code == 200


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_over_the_limit_is_refused_before_it_is_parsed(
    make_client: ClientFactory, chunked: bool
) -> None:
    client = make_client(MAX_BODY_BYTES="2048")
    payload = b'{"description": "' + b"x" * 4096 + b'", "fields": ["EF000042"]}'
    content = iter([payload[:1000], payload[1000:]]) if chunked else payload

    response = client.post(LOOKUP, content=content, headers={"content-type": "application/json"})

    assert response.status_code == 413 and "Content Too Large" in response.text
    # Starlette answers in plain text when Content-Length announced the size, in JSON when it
    # counted the bytes of a chunked body.
    assert response.headers["content-type"].startswith(
        "application/json" if chunked else "text/plain"
    )


def test_what_the_fuzzer_found_is_a_422_naming_the_part(client: TestClient) -> None:
    """Bodies schemathesis sent that were once a 400 or accepted against the schema."""
    not_utf8 = client.post(
        LOOKUP, content=b'{"description": "\xff\xfe"}', headers={"content-type": "application/json"}
    )
    blank_code = client.post(LOOKUP, json={"description": LAMP, "fields": ["EF000042", "\x85"]})
    empty_llm = client.post(LOOKUP, json={**BODY, "llm": ""})

    assert not_utf8.status_code == 422 and not_utf8.json()["detail"][0]["loc"] == ["body"]
    assert blank_code.status_code == 422 and blank_code.json()["detail"][0]["loc"] == [
        "body",
        "fields",
        1,
    ]
    assert empty_llm.status_code == 422 and empty_llm.json()["detail"][0]["loc"] == ["body", "llm"]
    assert client.post(LOOKUP, json={**BODY, "fields": [" EF000042 "]}).json() == {
        "EF000042": "E27"
    }


def test_the_schema_describes_the_key_the_limits_and_every_error(
    make_client: ClientFactory,
) -> None:
    schema = make_client(MAX_FIELDS="7").get("/openapi.json").json()

    lookup = schema["paths"][LOOKUP]["post"]
    assert {"200", "401", "413", "422", "429", "503"} <= set(lookup["responses"])
    assert "Retry-After" in lookup["responses"]["429"]["headers"]
    assert lookup["security"] == [{"apiKey": []}]
    scheme = schema["components"]["securitySchemes"]["apiKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    body = schema["components"]["schemas"]["LookupBody"]["properties"]
    assert body["fields"]["maxItems"] == 7 and body["description"]["maxLength"] == 10_000
    assert {"enum": ["mock"], "type": "string"} in body["llm"]["anyOf"]
    assert "security" not in schema["paths"]["/health"]["get"]
