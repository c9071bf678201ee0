"""The API as a client drives it, on SQLite and on PostgreSQL, with the mock LLM."""

from __future__ import annotations

import json

import httpx
from fastapi.testclient import TestClient

from tests.e2e.conftest import ClientFactory

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"
LOOKUP = "/api/product/fields/lookup"


def test_lookup_answers_typed_values_by_code(client: TestClient) -> None:
    response = client.post(LOOKUP, json={"description": LAMP, "fields": ["EF000042", "EF000035"]})

    assert response.status_code == 200
    body = response.json()
    assert body["EF000042"] == "E27"
    assert isinstance(body["EF000035"], (int, float)) and not isinstance(body["EF000035"], bool)


def test_detail_says_status_raw_output_timing_and_llm(client: TestClient) -> None:
    response = client.post(
        f"{LOOKUP}?detail=true", json={"description": LAMP, "fields": ["EF000042", "EF424242"]}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["llm"] == "mock" and body["elapsed_ms"] >= 0
    culot = body["fields"]["EF000042"]
    assert culot["value"] == "E27" and culot["status"] == "ok"
    assert json.loads(culot["raw"]) == {"value": "E27"}
    assert culot["elapsed_ms"] >= 0 and culot["usage"]["prompt_tokens"] > 0
    assert body["fields"]["EF424242"] == {
        "value": None,
        "status": "unknown_field",
        "raw": None,
        "elapsed_ms": 0.0,
        "error": None,
        "llm": None,
        "usage": None,
        "cached": False,
        "source": "model",
        "evidence": [],
        "verbatim": False,
        "confidence": None,
        "review": None,
        "escalation": None,
        "items": None,
    }


def test_detail_gives_each_value_its_evidence_in_the_text(client: TestClient) -> None:
    description = "Lampe éco ✨ forme Standard 60X103 12V 40W E27"
    response = client.post(
        f"{LOOKUP}?detail=true", json={"description": description, "fields": ["EF000042"]}
    )

    culot = response.json()["fields"]["EF000042"]
    assert culot["value"] == "E27"
    assert culot["evidence"] == [{"start": 42, "end": 45, "text": "E27"}]
    assert description[42:45] == "E27" and culot["verbatim"] is True
    assert culot["review"] is True  # no threshold is known


def test_an_unknown_field_is_null_and_the_others_answer(client: TestClient) -> None:
    response = client.post(LOOKUP, json={"description": LAMP, "fields": ["EF424242", "EF000042"]})

    assert response.status_code == 200
    assert response.json() == {"EF424242": None, "EF000042": "E27"}


def test_an_unknown_llm_is_a_422_listing_the_configured_ones(client: TestClient) -> None:
    response = client.post(
        LOOKUP, json={"description": LAMP, "llm": "gpt-9", "fields": ["EF000042"]}
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "llm"] and "gpt-9" in error["msg"] and "mock" in error["msg"]


def test_the_named_llm_is_used(make_client: ClientFactory) -> None:
    client = make_client(config_module="tests.support.two_llms_config")

    def answer(route: str, **llm: str) -> httpx.Response:
        return client.post(route, json={"description": LAMP, "fields": ["EF000042"], **llm})

    assert answer(LOOKUP).json() == {"EF000042": "E27"}  # the default, mock, reads the text
    assert answer(LOOKUP, llm="mock").json() == {"EF000042": "E27"}
    assert answer(LOOKUP, llm="other").json() == {"EF000042": "E14"}
    detail = answer(f"{LOOKUP}?detail=true", llm="other").json()
    assert detail["llm"] == "other" and detail["fields"]["EF000042"]["value"] == "E14"
    streamed = answer(f"{LOOKUP}/stream", llm="other").text.splitlines()
    assert json.loads(streamed[-1])["values"] == {"EF000042": "E14"}


def test_bad_bodies_are_422s_naming_the_field(client: TestClient) -> None:
    cases = {
        "description": {"description": "", "fields": ["EF000042"]},
        "fields": {"description": LAMP, "fields": []},
    }
    for name, body in cases.items():
        response = client.post(LOOKUP, json=body)
        assert response.status_code == 422
        assert name in response.json()["detail"][0]["loc"]
    blank = client.post(LOOKUP, json={"description": "   ", "fields": ["EF000042"]})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"][-1] == "description"
    wrong_type = client.post(LOOKUP, json={"description": LAMP, "fields": "EF000042"})
    assert wrong_type.status_code == 422 and wrong_type.json()["detail"][0]["loc"][-1] == "fields"
    malformed = client.post(
        LOOKUP, content=b'{"description": ', headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 422 and "Traceback" not in malformed.text


def test_llms_fields_and_one_field(client: TestClient) -> None:
    assert client.get("/api/llms").json() == {"default": "mock", "llms": ["mock"]}
    fields = client.get("/api/fields").json()
    assert len(fields) >= 60 and [f["code"] for f in fields] == sorted(f["code"] for f in fields)
    culot = client.get("/api/fields/EF000042").json()
    assert culot["type"] == "select" and "E27" in culot["options"]
    missing = client.get("/api/fields/EF424242")
    assert missing.status_code == 404 and "EF424242" in missing.json()["detail"]


def test_health_checks_the_database(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "database": "ok"}


def test_openapi_and_swagger_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {LOOKUP, "/api/llms", "/api/fields", "/api/fields/{code}", "/health"} <= set(paths)


def test_detail_says_when_the_prepass_answered_without_the_model(
    make_client: ClientFactory,
) -> None:
    client = make_client(config_module="config.example")

    response = client.post(
        f"{LOOKUP}?detail=true", json={"description": LAMP, "fields": ["EF000042"]}
    )

    culot = response.json()["fields"]["EF000042"]
    assert (culot["value"], culot["status"], culot["source"]) == ("E27", "ok", "prepass")
    assert culot["usage"] is None
