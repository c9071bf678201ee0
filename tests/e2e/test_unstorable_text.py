"""A lone surrogate or a NUL anywhere in a request is a 422 naming the part, the same on SQLite
and on PostgreSQL (which refuses NULs), on a real server whose log never holds the product text."""

from __future__ import annotations

import json

import httpx

from tests.support.live_server import live_server, prepare_database

SECRET = "Lampe confidentielle 40W E27"
LOOKUP = "/api/product/fields/lookup"


def raw_json(body: dict[str, object]) -> str:
    """`body` as JSON whose strings may hold `\\ud800` escapes: what a careless client sends."""
    return json.dumps(body).replace("SURROGATE", "\\ud800").replace("NUL", "\\u0000")


CASES = [
    ({"description": f"{SECRET} SURROGATE", "fields": ["EF000042"]}, ["body", "description"]),
    ({"description": SECRET, "fields": ["EF000042", "EF0SURROGATE"]}, ["body", "fields", 1]),
    ({"description": SECRET, "fields": ["EF000042"], "llm": "mockSURROGATE"}, ["body", "llm"]),
    ({"description": f"{SECRET} NUL", "fields": ["EF000042"]}, ["body", "description"]),
    ({"description": SECRET, "fields": ["EF000NUL042"]}, ["body", "fields", 0]),
    ({"description": SECRET, "fields": ["EF000042"], "llm": "mNULock"}, ["body", "llm"]),
]


def test_surrogates_and_nuls_are_422s_naming_the_part_and_never_logged(database_url: str) -> None:
    prepare_database(database_url)
    with (
        live_server(database_url) as server,
        httpx.Client(base_url=server.base_url, timeout=10) as http,
    ):
        for body, location in CASES:
            for path in (LOOKUP, f"{LOOKUP}/stream", f"{LOOKUP}?detail=true"):
                answer = http.post(
                    path, content=raw_json(body), headers={"Content-Type": "application/json"}
                )
                assert answer.status_code == 422, (path, body, answer.text)
                assert [item["loc"] for item in answer.json()["detail"]] == [location], answer.text
                assert SECRET not in answer.text and "ud800" not in answer.text
        field = http.get("/api/fields/EF000%00042")
        assert field.status_code == 422 and field.json()["detail"][0]["loc"] == ["path", "code"]
        assert http.get("/api/fields/EF000042").status_code == 200
        assert http.post(LOOKUP, json={"description": SECRET, "fields": ["EF000042"]}).json() == {
            "EF000042": "E27"
        }
        log = server.output()

    assert '"status": 422' in log  # the requests were logged, each as one line ...
    assert SECRET not in log and "confidentielle" not in log  # ... and never with the text
    assert "Traceback" not in log and '"status": 500' not in log
