"""Every row of a catalogue is checked before the job is made: an id the database cannot hold,
a NUL, a lone surrogate, a line nested too deep, a number too long to read, a text or a field
list over the lookup's limits is a 422 naming the file and the line, never a 500 nor a job that
fails later; and a NUL in a review or queue body is a 422 on PostgreSQL as on SQLite."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.e2e.conftest import ClientFactory
from tests.support.jobs import LAMP_FIELDS, jsonl, lamps

GOOD = jsonl(lamps(2))
LAMP = "Lampe incandescente 60W E27 blanc"


def _line(record: str) -> bytes:
    """A catalogue whose line 3 is `record` (raw JSON, escapes as the client wrote them)."""
    return GOOD + record.encode("utf-8") + b"\n" + jsonl([{"id": "last", "description": LAMP}])


BAD_ROWS = [
    (json.dumps({"id": "x" * 300, "description": LAMP}), "the id has 300 characters"),
    ('{"id": "lamp\\u0000nul", "description": "' + LAMP + '"}', "the id holds a NUL"),
    ('{"id": "lamp\\ud800", "description": "' + LAMP + '"}', "the id holds a lone surrogate"),
    ('{"id": ' + "7" * 5000 + ', "description": "' + LAMP + '"}', "a number too long"),
    ('{"id": 1, "deep": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deep"),
    ('{"id": "a", "description": "Lampe \\ud800 E27"}', "lone surrogate"),
    ('{"id": "a", "description": "Lampe \\u0000 E27"}', "a NUL character"),
    (json.dumps({"id": "a", "description": "E27 " * 2501}), "10003 characters"),
    (
        json.dumps({"id": "a", "description": LAMP, "fields": [f"EF{n:06d}" for n in range(101)]}),
        "101 fields",
    ),
    (json.dumps({"id": "a", "description": LAMP, "fields": ["EF00\u00000042"]}), "a NUL"),
]


def _jobs(client: TestClient) -> int:
    database = client.app.state.container.storage.database  # type: ignore[attr-defined]
    with database.connection_context():
        return int(database.execute_sql("SELECT COUNT(*) FROM job").fetchone()[0])


@pytest.mark.parametrize(("record", "reason"), BAD_ROWS)
def test_a_row_a_job_could_not_run_or_store_is_a_422_naming_its_line_and_makes_no_job(
    make_client: ClientFactory, record: str, reason: str
) -> None:
    client = make_client()

    answer = client.post(
        "/api/jobs",
        files={"file": ("catalogue.jsonl", _line(record))},
        data={"fields": LAMP_FIELDS},
    )

    assert answer.status_code == 422, answer.text
    [error] = answer.json()["detail"]
    assert error["loc"] == ["body", "file"]
    assert error["msg"].startswith("catalogue.jsonl, line 3: ") and reason in error["msg"], error
    assert _jobs(client) == 0


def test_a_nul_in_a_queue_or_review_body_or_a_webhook_url_is_never_a_500(
    make_client: ClientFactory, database_url: str
) -> None:
    """PostgreSQL refuses NULs: a 422, nothing stored. SQLite stores them as sent."""
    client = make_client(WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32")  # the URL's host is let in
    queued = {"description": f"{LAMP} \u0000", "field": "EF000042", "value": "E27"}
    decided = {"description": LAMP, "field": "EF000042", "verdict": "accept", "llm": "mo\u0000ck"}

    answers = [
        client.post("/api/reviews/queue", json={"items": [queued]}),
        client.post("/api/reviews", json=decided),
        client.post(
            "/api/jobs",
            files={"file": ("catalogue.jsonl", GOOD)},
            data={"fields": LAMP_FIELDS, "webhook_url": "http://127.0.0.1:9/\u0000"},
        ),
    ]

    for answer in answers:
        assert answer.status_code < 500, answer.text
        if database_url.startswith("postgresql"):
            assert answer.status_code == 422, answer.text
    for answer in answers[:2]:
        if database_url.startswith("postgresql"):
            assert "a NUL character" in answer.json()["detail"][0]["msg"]
    if database_url.startswith("postgresql"):
        assert _jobs(client) == 0


def test_a_dry_run_of_more_field_lookups_than_its_bound_is_a_422(
    make_client: ClientFactory,
) -> None:
    client = make_client()
    catalogue = jsonl(lamps(3_334))  # × 3 fields: 10,002 lookups, past 10,000

    answer = client.post(
        "/api/jobs?dry_run=true",
        files={"file": ("catalogue.jsonl", catalogue)},
        data={"fields": LAMP_FIELDS},
    )

    assert answer.status_code == 422, answer.text
    assert "at most 10000 field lookups" in answer.json()["detail"][0]["msg"]
    assert "10002" in answer.json()["detail"][0]["msg"]
    assert _jobs(client) == 0
