"""Catalogue jobs over the API with the embedded engine (no REDIS_URL: the API process runs the
chunks on its own threads): submitted, followed, collected in catalogue order, cancelled, and
kept to their key."""

from __future__ import annotations

import csv
import io
import json
import time

from tests.e2e.conftest import ClientFactory
from tests.support.jobs import LAMP_FIELDS, finished, jsonl, lamps, read_jsonl, wait_for


def test_a_catalogue_runs_as_a_job_and_its_results_come_in_catalogue_order(
    make_client: ClientFactory,
) -> None:
    client = make_client(
        JOB_CHUNK_SIZE="4", JOB_CONCURRENCY="3", MAX_BODY_BYTES="1024"
    )  # an upload is not a lookup body
    products = lamps(30)
    products[4] = {
        "sku": "SKU-4",
        "description": "Ampoule flamme E14 noir 25W",
        "fields": ["EF000042"],
    }

    created = client.post(
        "/api/jobs", files={"file": ("lamps.jsonl", jsonl(products))}, data={"fields": LAMP_FIELDS}
    )

    assert created.status_code == 202, created.text
    job = created.json()
    assert (
        job["total"] == 30
        and job["state"] == "queued"
        and created.headers["location"] == f"/api/jobs/{job['id']}"
    )
    progress = wait_for(client, job["id"], finished)
    assert (progress["state"], progress["done"], progress["failed"], progress["total"]) == (
        "done",
        30,
        0,
        30,
    )
    assert progress["fields"]["ok"] == 29 * 3 + 1 and progress["review"] == 0
    assert (
        progress["rate"] > 0
        and progress["eta_seconds"] == 0
        and progress["finished_at"] is not None
    )
    results = client.get(job["results"])
    assert results.status_code == 200 and results.headers["content-type"].startswith(
        "application/x-ndjson"
    )
    records = read_jsonl(results.text)
    assert [r["id"] for r in records] == [p.get("id", p.get("sku")) for p in products]
    assert records[7] == {
        "id": "lamp-007",
        "values": {"EF000042": "E27", "EF000035": 107, "EF000007": "blanc"},
        "status": {"EF000042": "ok", "EF000035": "ok", "EF000007": "ok"},
        "llm": "mock",
        # no thresholds saved: every value is flagged for review
        "review": {"EF000042": True, "EF000035": True, "EF000007": True},
        "confidence": {"EF000042": 0.9, "EF000035": 0.9, "EF000007": 0.9},
        "evidence": {
            "EF000042": [{"start": 25, "end": 28, "text": "E27"}],
            "EF000035": [{"start": 20, "end": 24, "text": "107W"}],
            "EF000007": [{"start": 29, "end": 34, "text": "blanc"}],
        },
    }
    assert records[4]["values"] == {"EF000042": "E14"}
    as_csv = list(
        csv.DictReader(io.StringIO(client.get(job["results"], params={"format": "csv"}).text))
    )
    assert [row["id"] for row in as_csv] == [r["id"] for r in records]
    assert as_csv[7] == {
        "id": "lamp-007",
        "EF000042": "E27",
        "EF000035": "107",
        "EF000007": "blanc",
        "review": "EF000042 EF000035 EF000007",
        "confidence": "EF000042=0.900 EF000035=0.900 EF000007=0.900",
        "evidence": json.dumps(records[7]["evidence"], ensure_ascii=False),
        "status": "ok",
        "llm": "mock",
    }


def test_a_malformed_catalogue_is_refused_with_its_first_bad_line_and_makes_no_job(
    make_client: ClientFactory,
) -> None:
    client = make_client(MAX_UPLOAD_BYTES="2048")
    bad = (
        b'{"id": 1, "description": "Lampe E27"}\n'
        b'{"id": 2, "description": "Lampe E14"\n'
        b'{"id": 1, "description": "x"}\n'
    )

    refused = client.post(
        "/api/jobs", files={"file": ("lamps.jsonl", bad)}, data={"fields": "EF000042"}
    )
    no_fields = client.post("/api/jobs", files={"file": ("lamps.jsonl", jsonl(lamps(2)))})
    wrong_kind = client.post(
        "/api/jobs", files={"file": ("lamps.xlsx", b"x")}, data={"fields": "EF000042"}
    )
    unknown_llm = client.post(
        "/api/jobs",
        files={"file": ("l.jsonl", jsonl(lamps(2)))},
        data={"fields": "EF000042", "llm": "gpt-9"},
    )
    bad_hook = client.post(
        "/api/jobs",
        files={"file": ("l.jsonl", jsonl(lamps(2)))},
        data={"fields": "EF000042", "webhook_url": "file:///etc"},
    )

    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"] == ["body", "file"]
    assert (
        error["msg"] == "lamps.jsonl, line 2: invalid JSON at column 37: Expecting ',' delimiter "
        "(and 1 more malformed row: line 3)"
    )
    assert (
        no_fields.status_code == 422
        and "line 1: no field codes" in no_fields.json()["detail"][0]["msg"]
    )
    assert (
        wrong_kind.status_code == 422
        and "must end in .jsonl, .ndjson or .csv" in wrong_kind.json()["detail"][0]["msg"]
    )
    assert unknown_llm.status_code == 422 and unknown_llm.json()["detail"][0]["loc"] == [
        "body",
        "llm",
    ]
    assert bad_hook.status_code == 422 and bad_hook.json()["detail"][0]["loc"] == [
        "body",
        "webhook_url",
    ]
    torn = client.post(
        "/api/jobs",
        content=b"--x\r\nnot a part",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert torn.status_code == 422 and torn.json()["detail"][0]["loc"] == ["body"]
    too_big = client.post(
        "/api/jobs", files={"file": ("l.jsonl", b" " * 3000)}, data={"fields": "EF000042"}
    )
    assert too_big.status_code == 413
    container = client.app.state.container  # type: ignore[attr-defined]
    assert container.storage.database.execute_sql("SELECT COUNT(*) FROM job").fetchone()[0] == 0


def test_a_cancelled_job_starts_nothing_more(make_client: ClientFactory) -> None:
    client = make_client(MOCK_LATENCY_MS="100", JOB_CHUNK_SIZE="2", JOB_CONCURRENCY="2")
    job = client.post(
        "/api/jobs", files={"file": ("l.jsonl", jsonl(lamps(40)))}, data={"fields": LAMP_FIELDS}
    ).json()
    wait_for(client, job["id"], lambda progress: progress["done"] >= 4)

    cancelled = client.delete(f"/api/jobs/{job['id']}")

    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    at_cancel = cancelled.json()["done"]
    time.sleep(1.0)  # what was under way (two products) finishes; nothing else starts
    after = client.get(f"/api/jobs/{job['id']}").json()
    assert after["state"] == "cancelled" and at_cancel <= after["done"] <= at_cancel + 2 < 40
    assert len(read_jsonl(client.get(job["results"]).text)) == after["done"]
    assert client.delete(f"/api/jobs/{job['id']}").json()["state"] == "cancelled"


def test_a_key_sees_only_its_own_jobs(make_client: ClientFactory) -> None:
    client = make_client()
    keys = client.app.state.container.api_keys  # type: ignore[attr-defined]
    shop, pim = keys.create("shop"), keys.create("pim")
    as_shop, as_pim = {"Authorization": f"Bearer {shop}"}, {"Authorization": f"Bearer {pim}"}

    job = client.post(
        "/api/jobs",
        files={"file": ("l.jsonl", jsonl(lamps(3)))},
        data={"fields": LAMP_FIELDS},
        headers=as_shop,
    ).json()

    assert wait_for(client, job["id"], finished, headers=as_shop)["done"] == 3
    for method, path in (
        ("GET", job["progress"]),
        ("GET", job["results"]),
        ("DELETE", job["progress"]),
    ):
        answer = client.request(method, path, headers=as_pim)
        assert answer.status_code == 404 and answer.json() == {"detail": f"no job {job['id']!r}"}
    assert client.get(job["progress"]).status_code == 401
    assert client.get("/api/jobs/nonesuch", headers=as_shop).status_code == 404
    assert len(read_jsonl(client.get(job["results"], headers=as_shop).text)) == 3
