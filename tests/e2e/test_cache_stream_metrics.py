"""The lookup cache, NDJSON streaming, Prometheus metrics and request ids, as a client sees them."""

from __future__ import annotations

import json
import time

import httpx
from fastapi.testclient import TestClient

from bench.server import running_server
from src.adapters.driven.files.provisioning_files import read_examples, read_fields
from src.domain.catalogue.provisioning import ExampleRecord
from src.domain.model import FieldType
from tests.conftest import PROJECT_DATA
from tests.e2e.conftest import ClientFactory

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"
LOOKUP = "/api/product/fields/lookup?detail=true"
CODES = ["EF000042", "EF000035", "EF000007"]


def lookup_until_cached(client: TestClient, description: str = LAMP, seconds: float = 5.0) -> dict:
    """Cache writes happen after the answer, in the background: ask until they show."""
    give_up = time.monotonic() + seconds
    while True:
        body = client.post(LOOKUP, json={"description": description, "fields": CODES}).json()
        if (
            all(detail["cached"] for detail in body["fields"].values())
            or time.monotonic() > give_up
        ):
            return body
        time.sleep(0.05)


def backend_calls(client: TestClient) -> float:
    text = client.get("/metrics").text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("lookup_backend_call_seconds_count")
    )


def test_a_repeated_lookup_is_served_from_the_cache_without_the_backend(client: TestClient) -> None:
    first = client.post(LOOKUP, json={"description": LAMP, "fields": CODES}).json()
    assert not any(detail["cached"] for detail in first["fields"].values())
    calls_after_first = backend_calls(client)

    lookup_until_cached(client)
    calls_once_cached = backend_calls(client)
    third = client.post(LOOKUP, json={"description": LAMP, "fields": CODES}).json()

    assert all(detail["cached"] for detail in third["fields"].values())
    assert {c: d["value"] for c, d in third["fields"].items()} == {
        c: d["value"] for c, d in first["fields"].items()
    }
    assert all(detail["usage"] is None for detail in third["fields"].values())
    assert {c: d["evidence"] for c, d in third["fields"].items()} == {
        c: d["evidence"] for c, d in first["fields"].items()
    }
    assert third["fields"]["EF000042"]["evidence"] == [
        {"start": 50, "end": 53, "text": "E27"}
    ]  # kept when cached
    assert calls_after_first == len(CODES)
    assert backend_calls(client) == calls_once_cached  # the cached lookup did not call the backend


def test_changing_a_fields_options_misses_the_cache(client: TestClient) -> None:
    lookup_until_cached(client)
    container = client.app.state.container  # type: ignore[attr-defined]
    culot = next(f for f in read_fields(PROJECT_DATA / "fields.json") if f.code == "EF000042")
    changed = type(culot)(
        culot.code,
        culot.label,
        FieldType.SELECT,
        (*culot.options, "E10"),
        culot.unit,
        culot.description,
    )
    container.provisioning.provision([changed], [])

    body = client.post(LOOKUP, json={"description": LAMP, "fields": CODES}).json()

    assert body["fields"]["EF000042"]["cached"] is False
    assert body["fields"]["EF000035"]["cached"] is True


def test_new_examples_empty_the_cache_and_the_same_ones_again_do_not(client: TestClient) -> None:
    lookup_until_cached(client)
    container = client.app.state.container  # type: ignore[attr-defined]
    examples = read_examples(PROJECT_DATA / "examples.json")

    container.provisioning.provision([], examples)  # the same examples again
    again = client.post(LOOKUP, json={"description": LAMP, "fields": CODES}).json()
    new = ExampleRecord(
        "EF000042", "Ampoule LED poire 9W culot E14, blanc chaud", "E14", "test", "record 1"
    )
    container.provisioning.provision([], [new])
    after = client.post(LOOKUP, json={"description": LAMP, "fields": CODES}).json()

    assert all(detail["cached"] for detail in again["fields"].values())
    assert not any(detail["cached"] for detail in after["fields"].values())


def test_the_cache_can_be_turned_off(make_client: ClientFactory) -> None:
    client = make_client(LOOKUP_CACHE="off")
    client.post(LOOKUP, json={"description": LAMP, "fields": CODES})
    time.sleep(0.3)

    body = client.post(LOOKUP, json={"description": LAMP, "fields": CODES}).json()

    assert not any(detail["cached"] for detail in body["fields"].values())


def test_metrics_count_lookups_outcomes_tokens_and_cache_hits(client: TestClient) -> None:
    client.post(LOOKUP, json={"description": LAMP, "fields": [*CODES, "EF424242"]})
    lookup_until_cached(client)

    text = client.get("/metrics").text

    assert 'lookup_field_outcomes_total{llm="mock",status="unknown_field"} 1.0' in text
    assert 'lookup_field_outcomes_total{llm="mock",status="ok"}' in text
    assert 'lookup_cache_hits_total{llm="mock"}' in text
    assert 'lookup_tokens_total{kind="prompt",llm="mock"}' in text
    assert "lookup_backend_call_seconds_bucket" in text


def test_request_ids_are_honoured_or_made(client: TestClient) -> None:
    given = client.get("/health", headers={"X-Request-ID": "abc-123"})
    made = client.get("/health")

    assert given.headers["x-request-id"] == "abc-123"
    assert len(made.headers["x-request-id"]) == 32


def test_streaming_sends_each_field_as_it_is_done_then_a_summary() -> None:
    codes = ["EF000042", "EF000035", "EF000007", "EF424242"]
    with running_server(
        LLM_QUERY_TIMEOUT="4", MOCK_STALL_FIELDS="EF000042", LOOKUP_CACHE="off"
    ) as base:
        started = time.monotonic()
        arrivals: list[tuple[float, dict]] = []
        with httpx.stream(
            "POST",
            f"{base}/api/product/fields/lookup/stream",
            json={"description": LAMP, "fields": codes},
            timeout=20,
        ) as response:
            assert response.headers["content-type"].startswith("application/x-ndjson")
            for line in response.iter_lines():
                arrivals.append((time.monotonic() - started, json.loads(line)))

    fields = [event for _, event in arrivals[:-1]]
    summary = arrivals[-1][1]
    assert [event["field"] for event in fields][-1] == "EF000042"
    assert {event["field"] for event in fields} == set(codes)
    assert fields[-1]["status"] == "timeout"
    first_time = arrivals[0][0]
    assert first_time < 2.0 and arrivals[-1][0] >= 3.9  # the first long before the deadline
    assert summary["summary"] is True and summary["statuses"]["EF424242"] == "unknown_field"
    assert summary["values"]["EF000035"] is not None
    by_field = {event["field"]: event for event in fields}
    assert by_field["EF000035"]["evidence"] == [
        {"start": 35, "end": 37, "text": "60"}
    ]  # the mock's first number
    assert (
        by_field["EF000007"]["value"] == "blanc" and by_field["EF000007"]["evidence"] == []
    )  # not in the text


def test_streaming_an_unknown_llm_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/api/product/fields/lookup/stream",
        json={"description": LAMP, "llm": "nope", "fields": CODES},
    )
    assert response.status_code == 422 and "mock" in response.json()["detail"][0]["msg"]
