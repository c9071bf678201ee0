"""What each key spends, counted for every model call (retries included), its monthly budget
(429 past it, a running job pauses and resumes when it is raised), and the signed webhook of a
finished job, delivered to a loopback receiver that fails twice first."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

from src.domain.access.roles import Role
from tests.e2e.conftest import ClientFactory
from tests.support.jobs import LAMP_FIELDS, finished, jsonl, lamps, wait_for
from tests.support.webhook_receiver import webhook_receiver

LAMP = {"description": "Lampe incandescente 60W E27 blanc", "fields": ["EF000042", "EF000035"]}


def _key(client, name: str) -> tuple[dict[str, str], str]:  # type: ignore[no-untyped-def]
    container = client.app.state.container
    key = container.api_keys.create(name, Role.REVIEWER)
    return {"Authorization": f"Bearer {key}"}, container.accounts.new_webhook_secret(f"key:{name}")


def test_every_call_and_retry_counts_for_its_key_and_a_spent_budget_answers_429(
    make_client: ClientFactory,
) -> None:
    client = make_client(
        MOCK_FAIL_FIRST="1", LOOKUP_CACHE="off"
    )  # each field's first call fails, then is retried
    shop, _ = _key(client, "shop")
    pim, _ = _key(client, "pim")

    looked_up = client.post("/api/product/fields/lookup", json=LAMP, headers=shop)

    assert looked_up.status_code == 200 and looked_up.json() == {"EF000042": "E27", "EF000035": 60}
    usage = client.get("/api/usage", headers=shop).json()
    assert (
        usage["key"] == "shop" and usage["today"]["calls"] == 4 == usage["month"]["calls"]
    )  # 2 fields × 2 attempts
    assert usage["today"]["prompt_tokens"] > 0 and usage["today"]["completion_tokens"] > 0
    assert usage["per_llm"]["mock"] == usage["month"] and usage["monthly_tokens"] is None
    assert client.get("/api/usage", headers=pim).json()["month"]["calls"] == 0

    container = client.app.state.container  # type: ignore[attr-defined]
    container.accounts.set_budget(
        "key:shop", usage["month"]["prompt_tokens"] + usage["month"]["completion_tokens"]
    )
    refused = client.post("/api/product/fields/lookup", json=LAMP, headers=shop)
    new_job = client.post(
        "/api/jobs",
        files={"file": ("l.jsonl", jsonl(lamps(2)))},
        data={"fields": "EF000042"},
        headers=shop,
    )

    now = datetime.now(UTC)
    renews = f"{now.year + (now.month == 12)}-{now.month % 12 + 1:02d}-01"
    for answer in (refused, new_job):
        assert answer.status_code == 429
        assert (
            answer.json()["detail"].startswith("the monthly budget of ")
            and f"renews on {renews}" in answer.json()["detail"]
        )
        assert int(answer.headers["retry-after"]) > 0
    assert client.get("/api/usage", headers=shop).status_code == 200
    # What calls no model stays open past the budget: queueing values for review, say.
    assert client.post("/api/reviews/queue", json={"items": []}, headers=shop).status_code in (
        201,
        422,
    )
    assert client.post("/api/product/fields/lookup", json=LAMP, headers=pim).status_code == 200


def test_a_job_pauses_when_its_budget_is_spent_and_resumes_when_it_is_raised(
    make_client: ClientFactory,
) -> None:
    client = make_client(JOB_CHUNK_SIZE="5", JOB_CONCURRENCY="2", LOOKUP_CACHE="off")
    shop, _ = _key(client, "shop")
    container = client.app.state.container  # type: ignore[attr-defined]
    container.accounts.set_budget(
        "key:shop", 6000
    )  # a few products' worth (about 400 tokens a field)

    job = client.post(
        "/api/jobs",
        files={"file": ("l.jsonl", jsonl(lamps(40)))},
        data={"fields": LAMP_FIELDS},
        headers=shop,
    ).json()
    paused = wait_for(
        client, job["id"], lambda progress: progress["state"] == "paused", headers=shop
    )

    assert 0 < paused["done"] < 40
    tokens = paused["usage"]["prompt_tokens"] + paused["usage"]["completion_tokens"]
    per_product = tokens / paused["done"]
    assert (
        6000 <= tokens <= 6000 + 2 * per_product + 1
    )  # two products in flight at most when it ran out
    container.accounts.set_budget("key:shop", None)
    done = wait_for(client, job["id"], finished, headers=shop, seconds=60)
    assert (done["state"], done["done"]) == ("done", 40)
    assert done["usage"]["calls"] == 40 * 3


def test_the_webhook_is_signed_with_the_keys_secret_and_retried_until_the_receiver_answers(
    make_client: ClientFactory,
) -> None:
    client = make_client(WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32")  # the receiver is on loopback
    shop, secret = _key(client, "shop")
    with webhook_receiver(failures=2) as receiver:
        job = client.post(
            "/api/jobs",
            files={"file": ("l.jsonl", jsonl(lamps(5)))},
            data={"fields": LAMP_FIELDS, "webhook_url": receiver.url},
            headers=shop,
        ).json()
        wait_for(client, job["id"], finished, headers=shop)
        assert receiver.arrived.wait(30), f"no webhook after {receiver.attempts} attempts"

    assert receiver.attempts == 3
    [(headers, body)] = receiver.deliveries
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-signature-sha256"], expected)
    assert (
        headers["x-signature-sha256"]
        != "sha256=" + hmac.new(b"another secret", body, hashlib.sha256).hexdigest()
    )
    event = json.loads(body)
    assert event["event"] == "job.finished"
    assert event["job"] | {"fields": None} == {
        "id": job["id"],
        "state": "done",
        "total": 5,
        "done": 5,
        "failed": 0,
        "review": 0,
        "fields": None,
        "results": f"/api/jobs/{job['id']}/results",
    }
