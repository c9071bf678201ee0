"""The review API as a client uses it, without the page: decisions, the queue, who decided, what
is refused, the page's own files and headers, and the CLI's `enrich --review` and
`reviews export`."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from src.adapters.driven.storage.tables import LookupCacheRow
from src.adapters.driving.http.review_page_routes import PAGE_DIR
from src.domain.access.roles import Role
from tests.conftest import REPO

LAMP = "Ampoule halogène 42W culot B22d 230V, lumière blanc chaud"
OTHER = "Lampe incandescente forme Standard 60X103 12V 40W E27"
LOOKUP = "/api/product/fields/lookup?detail=true"


def test_a_correction_answers_what_was_kept_and_the_next_lookup_learns_it(
    client: TestClient,
) -> None:
    body = {"description": LAMP, "fields": ["EF000035"]}
    assert (
        client.post(LOOKUP, json=body).json()["fields"]["EF000035"]["value"] == 42
    )  # the mock reads the first number
    database = client.app.state.container.storage.database  # type: ignore[attr-defined]
    give_up = time.monotonic() + 5
    while not LookupCacheRow.select().count(database) and time.monotonic() < give_up:
        time.sleep(0.05)  # the cache is written behind the answer

    decided = client.post(
        "/api/reviews",
        json={
            "description": LAMP,
            "field": "EF000035",
            "verdict": "correct",
            "proposed": 42,
            "value": "40",
            "llm": "mock",
        },
    )

    assert decided.status_code == 201, decided.text
    kept = decided.json()
    assert (kept["kept"], kept["proposed"], kept["reviewer"], kept["verdict"]) == (
        40,
        42,
        "anonymous",
        "correct",
    )
    assert kept["example"] == {"field": "EF000035", "value": 40, "provenance": "reviewed"}
    after = client.post(LOOKUP, json=body).json()["fields"]["EF000035"]
    assert after["cached"] is False  # the cached answer was dropped: the prompt has a new shot


def test_the_reviewer_is_the_name_of_the_key(client: TestClient) -> None:
    container = client.app.state.container  # type: ignore[attr-defined]
    key = container.api_keys.create("alice", Role.REVIEWER)
    body = {"description": LAMP, "field": "EF000042", "verdict": "accept", "proposed": "B22d"}

    assert client.post("/api/reviews", json=body).status_code == 401
    decided = client.post("/api/reviews", json=body, headers={"Authorization": f"Bearer {key}"})
    assert decided.status_code == 201 and decided.json()["reviewer"] == "alice"
    assert client.get("/api/reviews/queue").status_code == 401


def test_a_decision_that_cannot_be_kept_is_a_422_naming_the_field(client: TestClient) -> None:
    def refused(**body: object) -> list[object]:
        answer = client.post(
            "/api/reviews", json={"description": LAMP, "field": "EF000042", **body}
        )
        assert answer.status_code == 422, answer.text
        return answer.json()["detail"][0]["loc"]

    assert refused(verdict="correct", value="B22") == ["body", "value"]
    assert refused(verdict="correct") == ["body", "value"]
    assert refused(verdict="maybe") == ["body", "verdict"]
    assert refused(verdict="accept", field="EF999999") == ["body", "field"]
    unknown = {"description": LAMP, "field": "EF000042", "verdict": "reject", "queue_item": 12345}
    assert client.post("/api/reviews", json=unknown).status_code == 404
    assert client.get("/api/reviews/queue").json()["pending"] == 0


def test_the_queue_takes_values_and_hands_them_one_product_at_a_time(client: TestClient) -> None:
    spans = [{"start": LAMP.index("B22d"), "end": LAMP.index("B22d") + 4, "text": "B22d"}]
    items = [
        {
            "product_id": "sku-1",
            "description": LAMP,
            "field": "EF000042",
            "value": "b22d",
            "confidence": 0.4,
            "evidence": spans,
        },
        {"product_id": "sku-1", "description": LAMP, "field": "EF000035", "value": 230},
        {"description": OTHER, "field": "EF000042", "value": "E27"},
    ]
    added = client.post("/api/reviews/queue", json={"items": items})
    assert added.status_code == 201 and added.json() == {"added": 3, "pending": 3}
    assert client.post("/api/reviews/queue", json={"items": items[:1]}).json() == {
        "added": 0,
        "pending": 3,
    }

    queue = client.get("/api/reviews/queue").json()
    first, second = queue["products"]
    assert (first["product_id"], first["description"]) == ("sku-1", LAMP)
    assert [(i["field"], i["value"], i["confidence"]) for i in first["items"]] == [
        ("EF000042", "B22d", 0.4),
        ("EF000035", 230, None),
    ]
    assert first["items"][0]["evidence"] == spans
    assert second["product_id"].startswith("text-")

    decision = {
        "description": LAMP,
        "field": "EF000042",
        "verdict": "accept",
        "proposed": "B22d",
        "product_id": "sku-1",
        "queue_item": first["items"][0]["id"],
    }
    assert client.post("/api/reviews", json=decision).status_code == 201
    assert client.get("/api/reviews/queue").json()["pending"] == 2

    bad = client.post(
        "/api/reviews/queue",
        json={"items": [{"description": LAMP, "field": "EF000042", "value": "B99"}]},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == [
        "body",
        "items",
        0,
        "value",
    ]


def test_the_review_api_is_in_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert {"post"} <= set(paths["/api/reviews"]) and {"get", "post"} <= set(
        paths["/api/reviews/queue"]
    )
    assert paths["/api/reviews"]["post"]["security"] == [{"apiKey": []}]
    assert "/" not in paths and "/page/{name}" not in paths


def test_the_page_and_its_files_come_with_a_strict_policy_and_weigh_little(
    client: TestClient,
) -> None:
    total = 0
    for path, kind in (
        ("/", "text/html"),
        ("/page/review.js", "text/javascript"),
        ("/page/review.css", "text/css"),
    ):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(kind)
        policy = answer.headers["content-security-policy"]
        assert (
            "default-src 'none'" in policy
            and "script-src 'self'" in policy
            and "unsafe-inline" not in policy
        )
        assert answer.headers["x-content-type-options"] == "nosniff"
        total += len(answer.content)
    assert total <= 100_000
    assert total == sum(path.stat().st_size for path in PAGE_DIR.iterdir())
    assert client.get("/page/index.html").status_code == 404
    assert client.get("/page/..%2F..%2Freview_routes.py").status_code == 404
    assert "<script>" not in client.get("/").text.replace(
        '<script src="/page/review.js" defer></script>', ""
    )


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"}
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_enrich_queues_values_and_the_export_writes_the_decisions_in_its_format(
    client: TestClient, database_url: str, tmp_path: Path
) -> None:
    catalogue = tmp_path / "products.jsonl"
    catalogue.write_text(
        json.dumps({"id": "sku-9", "description": LAMP, "fields": ["EF000042", "EF000035"]}) + "\n"
    )
    none = _cli(
        database_url,
        "enrich",
        str(catalogue),
        "--out",
        str(tmp_path / "a.jsonl"),
        "--review",
        "none",
    )
    assert none.returncode == 0, none.stderr
    assert client.get("/api/reviews/queue").json()["pending"] == 0
    rival = _cli(
        database_url,
        "enrich",
        str(catalogue),
        "--out",
        str(tmp_path / "r.jsonl"),
        "--review-tenant",
        "rival",
    )
    assert rival.returncode == 0, rival.stderr
    assert client.get("/api/reviews/queue").json()["pending"] == 0  # another tenant's queue
    assert client.app.state.container.review_queue.pending_count("rival") == 2  # type: ignore[attr-defined]
    # no threshold is saved, so the lookup flags every value (issue 12's `review`): both go
    flagged = _cli(database_url, "enrich", str(catalogue), "--out", str(tmp_path / "b.jsonl"))
    assert flagged.returncode == 0, flagged.stderr

    product = client.get("/api/reviews/queue").json()["products"][0]
    assert product["product_id"] == "sku-9" and [i["field"] for i in product["items"]] == [
        "EF000042",
        "EF000035",
    ]
    for item, verdict, value in zip(
        product["items"], ("accept", "correct"), (None, 40), strict=True
    ):
        decision = {
            "description": LAMP,
            "field": item["field"],
            "verdict": verdict,
            "proposed": item["value"],
            "value": value,
            "llm": item["llm"],
            "product_id": "sku-9",
            "queue_item": item["id"],
        }
        assert client.post("/api/reviews", json=decision).status_code == 201

    (tmp_path / "reviewed.csv").write_text("an older export\n")
    for name in ("reviewed.jsonl", "reviewed.csv"):
        exported = _cli(database_url, "reviews", "export", "--out", str(tmp_path / name))
        assert exported.returncode == 0, exported.stderr
    record = json.loads((tmp_path / "reviewed.jsonl").read_text())
    assert record == {
        "id": "sku-9",
        "values": {"EF000042": "B22d", "EF000035": 40},
        "status": {"EF000042": "ok", "EF000035": "ok"},
        "llm": "mock",
        "confidence": {"EF000042": None, "EF000035": None},
        "evidence": {"EF000042": [], "EF000035": []},
        "review": {"EF000042": False, "EF000035": False},
    }  # decided: nothing left to review
    rows = list(csv.reader((tmp_path / "reviewed.csv").open()))
    assert rows == [
        ["id", "EF000042", "EF000035", "review", "confidence", "evidence", "status", "llm"],
        ["sku-9", "B22d", "40", "none", "", '{"EF000042": [], "EF000035": []}', "ok", "mock"],
    ]
    wrong = _cli(database_url, "reviews", "export", "--out", str(tmp_path / "reviewed.txt"))
    assert (
        wrong.returncode == 2
        and "must end in .jsonl" in wrong.stderr
        and "Traceback" not in wrong.stderr
    )
    (tmp_path / "a-file").write_text("")
    unwritable = _cli(
        database_url, "reviews", "export", "--out", str(tmp_path / "a-file" / "reviewed.jsonl")
    )
    assert (
        unwritable.returncode == 2
        and "cannot be written" in unwritable.stderr
        and "Traceback" not in unwritable.stderr
    )


def test_a_method_the_queue_does_not_serve_is_a_405_naming_both_it_serves(
    client: TestClient,
) -> None:
    refused = client.delete("/api/reviews/queue")

    assert refused.status_code == 405 and refused.headers["allow"] == "GET, POST"


def test_the_schema_lists_the_known_fields_a_decision_may_name(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    assert "EF000042" in schemas["ReviewBody"]["properties"]["field"]["enum"]
    assert (
        schemas["QueueItemIn"]["properties"]["field"]["enum"]
        == schemas["ReviewBody"]["properties"]["field"]["enum"]
    )
