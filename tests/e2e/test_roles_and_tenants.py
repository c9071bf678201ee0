"""Roles and tenants through the real API (uvicorn in a subprocess, on SQLite and PostgreSQL):
who may teach the service, what a decision may change, and what one tenant sees of another's
queue, jobs and usage (issue 24, findings 1, 2 and 9)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from config.settings import Settings
from src.adapters.driving.http.route_roles import ROUTE_ROLES
from src.bootstrap import bootstrap
from src.domain.access.roles import DEFAULT_TENANT, Role
from tests.conftest import REPO
from tests.support.jobs import LAMP_FIELDS, finished, jsonl, lamps
from tests.support.live_server import live_server, prepare_database
from tests.support.loopback_llm import LoopbackLLM

Headers = dict[str, str]

HUBLOT = (
    "Hublot rond Ø 250 mm IP66 blanc pour lampe E27 max 60 W, classe I. Corps en "
    "polypropylène, diffuseur opale. Marque Lumeo, réf. HBL-250E27."
)
"""The text of the one provisioned example of EF000588 (marque): its label is `Lumeo`."""
SIMILAR_HUBLOT = (
    "Hublot rond Ø 300 mm IP65 gris pour lampe E27 max 75 W, classe II. Corps en "
    "polycarbonate, diffuseur opale. Réf. HBL-300E27."
)
EVIL = "ACME-EVIL (visit evil.example)"
LAMP = "Ampoule halogène 42W culot B22d 230V, lumière blanc chaud"
OTHER = "Lampe flamme 25W culot E14, verre dépoli, 230V"


def make_keys(database_url: str, keys: dict[str, tuple[Role, str]]) -> dict[str, Headers]:
    """Makes each named key (its role, its tenant) as the CLI does; their Authorization headers."""
    container = bootstrap(
        Settings.from_env({"DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"})
    )
    try:
        return {
            name: {"Authorization": f"Bearer {container.api_keys.create(name, role, tenant)}"}
            for name, (role, tenant) in keys.items()
        }
    finally:
        container.close()


@contextmanager
def serving(
    database_url: str, keys: dict[str, tuple[Role, str]], **env: str
) -> Iterator[tuple[httpx.Client, LoopbackLLM, dict[str, Headers]]]:
    """The app on a provisioned database with these keys; its LLMs are the mock and a loopback
    backend that records the prompts it is sent."""
    prepare_database(database_url)
    headers = make_keys(database_url, keys)
    with (
        LoopbackLLM() as llm,
        live_server(
            database_url,
            CONFIG_MODULE="tests.support.fault_config",
            LOOPBACK_URL=llm.base_url,
            **env,
        ) as server,
        httpx.Client(base_url=server.base_url, timeout=30) as client,
    ):
        yield client, llm, headers


def look_up(
    client: httpx.Client, headers: Headers, description: str, codes: list[str], llm: str
) -> dict[str, Any]:
    answer = client.post(
        "/api/product/fields/lookup?detail=true",
        json={"description": description, "fields": codes, "llm": llm},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    fields: dict[str, Any] = answer.json()["fields"]
    return fields


def decide(client: httpx.Client, headers: Headers, **body: Any) -> httpx.Response:
    return client.post("/api/reviews", json=body, headers=headers)


# --- finding 1: any key rewrote the shared labelled examples ---


def test_a_correction_of_the_catalogues_label_teaches_only_once_an_admin_accepts_it(
    database_url: str,
) -> None:
    keys = {
        "pim": (Role.LOOKUP, DEFAULT_TENANT),
        "alice": (Role.REVIEWER, DEFAULT_TENANT),
        "root": (Role.ADMIN, DEFAULT_TENANT),
        "rival-root": (Role.ADMIN, "rival"),
    }
    with serving(database_url, keys) as (client, llm, key):
        correction = {
            "description": HUBLOT,
            "field": "EF000588",
            "verdict": "correct",
            "proposed": "Lumeo",
            "value": EVIL,
        }
        refused = decide(client, key["pim"], **correction)
        assert refused.status_code == 403 and "'reviewer'" in refused.json()["detail"]

        decided = decide(client, key["alice"], **correction)
        assert decided.status_code == 201, decided.text
        kept = decided.json()
        assert (kept["teaching"], kept["kept"], kept["catalogue_value"]) == (
            "pending",
            EVIL,
            "Lumeo",
        )
        assert kept["example"] == {
            "field": "EF000588",
            "value": "Lumeo",
            "provenance": "provisioned",
        }

        look_up(client, key["pim"], SIMILAR_HUBLOT, ["EF000588"], "loopback-alone")
        [prompt] = llm.prompts
        # The shot is the provisioned text and the catalogue's label, not the correction.
        assert '{"value": "Lumeo"}' in prompt and "ACME-EVIL" not in prompt

        assert client.get("/api/reviews/corrections", headers=key["alice"]).status_code == 403
        assert client.get("/api/reviews/corrections", headers=key["rival-root"]).json() == []
        waiting = client.get("/api/reviews/corrections", headers=key["root"]).json()
        assert [w["id"] for w in waiting] == [kept["id"]]
        accept = f"/api/reviews/{kept['id']}/accept"
        assert client.post(accept, headers=key["rival-root"]).status_code == 404
        assert client.post(accept, headers=key["alice"]).status_code == 403
        accepted = client.post(accept, headers=key["root"])
        assert accepted.status_code == 200, accepted.text
        assert (accepted.json()["teaching"], accepted.json()["accepted_by"]) == ("accepted", "root")
        assert client.post(accept, headers=key["root"]).status_code == 422  # not waiting now

        llm.prompts.clear()
        look_up(client, key["pim"], SIMILAR_HUBLOT, ["EF000588"], "loopback-alone")
        [prompt] = llm.prompts
        assert f'{{"value": "{EVIL}"}}' in prompt and '{"value": "Lumeo"}' not in prompt


def test_with_reviewed_decisions_winning_a_correction_replaces_the_label_at_once(
    database_url: str,
) -> None:
    keys = {"alice": (Role.REVIEWER, DEFAULT_TENANT)}
    with serving(database_url, keys, REVIEWED_DECISIONS_WIN="on") as (client, llm, key):
        decided = decide(
            client,
            key["alice"],
            description=HUBLOT,
            field="EF000588",
            verdict="correct",
            value="Lumeo Pro",
        ).json()
        assert (decided["teaching"], decided["catalogue_value"]) == ("accepted", "Lumeo")
        look_up(client, key["alice"], SIMILAR_HUBLOT, ["EF000588"], "loopback-alone")
        assert '{"value": "Lumeo Pro"}' in llm.prompts[0]


# --- finding 2: every decision emptied the whole cache; review texts had no limit ---


def test_a_decision_drops_the_cached_answers_of_its_field_only(database_url: str) -> None:
    keys = {"pim": (Role.LOOKUP, DEFAULT_TENANT), "alice": (Role.REVIEWER, DEFAULT_TENANT)}
    with serving(database_url, keys) as (client, _, key):
        codes = ["EF000042", "EF000035"]
        look_up(client, key["pim"], OTHER, codes, "mock")
        give_up = time.monotonic() + 10
        while time.monotonic() < give_up:  # the cache is written behind the answer
            again = look_up(client, key["pim"], OTHER, codes, "mock")
            if all(again[code]["cached"] for code in codes):
                break
            time.sleep(0.1)
        assert all(again[code]["cached"] for code in codes)

        decided = decide(
            client,
            key["alice"],
            description=LAMP,
            field="EF000042",
            verdict="correct",
            value="B22d",
        )
        assert decided.status_code == 201

        after = look_up(client, key["pim"], OTHER, codes, "mock")
        assert after["EF000035"]["cached"] is True  # another field's answers are still served
        assert after["EF000042"]["cached"] is False  # its field's prompts changed: asked anew
        assert decided.json()["teaching"] == "made"  # a new text: the decision made its example


def test_a_review_or_queued_text_has_the_limits_of_a_lookup(database_url: str) -> None:
    keys = {"alice": (Role.REVIEWER, DEFAULT_TENANT)}
    with serving(database_url, keys, MAX_DESCRIPTION_CHARS="500") as (client, _, key):
        long = "Lampe E27 " * 51
        decided = decide(
            client,
            key["alice"],
            description=long,
            field="EF000042",
            verdict="accept",
            proposed="E27",
        )
        assert decided.status_code == 422
        assert decided.json()["detail"][0]["loc"] == ["body", "description"]
        assert "at most 500" in decided.json()["detail"][0]["msg"]
        queued = client.post(
            "/api/reviews/queue",
            json={"items": [{"description": long, "field": "EF000042", "value": "E27"}]},
            headers=key["alice"],
        )
        assert queued.status_code == 422
        assert queued.json()["detail"][0]["loc"] == ["body", "items", 0, "description"]
        assert client.get("/api/reviews/queue", headers=key["alice"]).json()["pending"] == 0


# --- finding 9: the review queue was shared by every key ---


def test_a_tenants_queue_is_its_own_and_a_decision_must_match_its_item(
    database_url: str,
) -> None:
    keys = {
        "alice": (Role.REVIEWER, "shop"),
        "bob": (Role.REVIEWER, "shop"),
        "eve": (Role.REVIEWER, "rival"),
    }
    with serving(database_url, keys) as (client, _, key):
        items = [
            {"product_id": "sku-1", "description": LAMP, "field": "EF000042", "value": "B22d"},
            {"product_id": "sku-1", "description": LAMP, "field": "EF000035", "value": 42},
        ]
        added = client.post("/api/reviews/queue", json={"items": items}, headers=key["alice"])
        assert added.json() == {"added": 2, "pending": 2}

        theirs = client.get("/api/reviews/queue", headers=key["eve"]).json()
        assert theirs == {"pending": 0, "products": []}  # nothing of another tenant's queue
        shared = client.get("/api/reviews/queue", headers=key["bob"]).json()
        assert shared["pending"] == 2  # the tenant's keys share its queue
        first, second = shared["products"][0]["items"]
        on_first = {
            "description": LAMP,
            "field": "EF000042",
            "verdict": "accept",
            "proposed": "B22d",
            "queue_item": first["id"],
        }
        stolen = decide(client, key["eve"], **on_first)
        assert stolen.status_code == 404  # not 403: its existence does not leak
        other_text = decide(client, key["bob"], **{**on_first, "description": OTHER})
        assert other_text.status_code == 422
        assert other_text.json()["detail"][0]["loc"] == ["body", "description"]
        other_field = decide(client, key["bob"], **{**on_first, "queue_item": second["id"]})
        assert other_field.status_code == 422
        assert other_field.json()["detail"][0]["loc"] == ["body", "field"]
        assert client.get("/api/reviews/queue", headers=key["alice"]).json()["pending"] == 2

        assert decide(client, key["bob"], **on_first).status_code == 201
        assert client.get("/api/reviews/queue", headers=key["alice"]).json()["pending"] == 1
        eve_items = [{**items[0], "product_id": "sku-9"}]
        assert client.post(
            "/api/reviews/queue", json={"items": eve_items}, headers=key["eve"]
        ).json() == {"added": 1, "pending": 1}
        assert client.get("/api/reviews/queue", headers=key["alice"]).json()["pending"] == 1


# --- roles: every route checks the key's role; an admin acts for its tenant ---

ROLE_NEEDED = [
    (
        "POST",
        "/api/reviews",
        {"description": LAMP, "field": "EF000042", "verdict": "reject"},
        "reviewer",
    ),
    ("GET", "/api/reviews/queue", None, "reviewer"),
    (
        "POST",
        "/api/reviews/queue",
        {"items": [{"description": LAMP, "field": "EF000042", "value": "B22d"}]},
        "reviewer",
    ),
    ("GET", "/api/reviews/corrections", None, "admin"),
    ("POST", "/api/reviews/1/accept", None, "admin"),
]


def test_each_route_refuses_a_role_below_its_own_naming_the_role_needed(
    database_url: str,
) -> None:
    keys = {
        "pim": (Role.LOOKUP, DEFAULT_TENANT),
        "alice": (Role.REVIEWER, DEFAULT_TENANT),
        "root": (Role.ADMIN, DEFAULT_TENANT),
    }
    with serving(database_url, keys) as (client, _, key):
        for method, path, body, needed in ROLE_NEEDED:
            for name in ("pim", "alice"):
                if needed == "reviewer" and name == "alice":
                    continue
                answer = client.request(method, path, json=body, headers=key[name])
                assert answer.status_code == 403, (method, path, name, answer.text)
                assert f"needs the role '{needed}'" in answer.json()["detail"]
            allowed = client.request(method, path, json=body, headers=key["root"])
            assert allowed.status_code in (200, 201, 404, 422), (method, path, allowed.text)
        me = client.get("/api/me", headers=key["pim"]).json()
        assert me == {
            "key": "pim",
            "role": "lookup",
            "tenant": DEFAULT_TENANT,
            "may_look_up": True,
            "may_review": False,
            "may_administer": False,
        }
        lookup = look_up(client, key["pim"], OTHER, ["EF000042"], "mock")
        assert lookup["EF000042"]["status"] == "ok"  # a lookup key looks up


def test_an_admin_sees_and_cancels_the_jobs_and_reads_the_usage_of_its_tenant_only(
    database_url: str,
) -> None:
    keys = {
        "pim": (Role.LOOKUP, "shop"),
        "clerk": (Role.LOOKUP, "shop"),
        "root": (Role.ADMIN, "shop"),
        "rival-root": (Role.ADMIN, "rival"),
    }
    slow = {"JOB_CONCURRENCY": "1", "JOB_CHUNK_SIZE": "1", "MOCK_LATENCY_MS": "50"}
    with serving(database_url, keys, **slow) as (client, _, key):
        created = client.post(
            "/api/jobs",
            files={"file": ("lamps.jsonl", jsonl(lamps(200)))},
            data={"fields": LAMP_FIELDS, "llm": "mock"},
            headers=key["pim"],
        )
        assert created.status_code == 202, created.text
        job = f"/api/jobs/{created.json()['id']}"

        for outsider in ("clerk", "rival-root"):  # another key of the tenant, another tenant
            assert client.get(job, headers=key[outsider]).status_code == 404
            assert client.delete(job, headers=key[outsider]).status_code == 404
            assert client.get(f"{job}/results", headers=key[outsider]).status_code == 404
        assert client.get(job, headers=key["root"]).status_code == 200
        cancelled = client.delete(job, headers=key["root"])
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["state"] == "cancelled"  # 200 products at 50 ms: far from done
        assert finished(client.get(job, headers=key["pim"]).json())

        look_up(client, key["pim"], OTHER, ["EF000042"], "mock")
        own = client.get("/api/usage", headers=key["pim"])
        assert own.status_code == 200 and own.json()["key"] == "pim"
        assert client.get("/api/usage?key=pim", headers=key["clerk"]).status_code == 404
        assert client.get("/api/usage?key=pim", headers=key["rival-root"]).status_code == 404
        assert client.get("/api/usage?key=nobody", headers=key["root"]).status_code == 404
        theirs = client.get("/api/usage?key=pim", headers=key["root"])
        assert theirs.status_code == 200 and theirs.json()["key"] == "pim"
        assert theirs.json()["month"]["calls"] >= 1


def test_every_api_route_has_its_role_in_the_table(database_url: str) -> None:
    with serving(database_url, {}) as (client, _, _):
        paths = client.get("/openapi.json").json()["paths"]
    routes = {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/")
        for method in operations
    }
    assert routes and routes == set(ROUTE_ROLES)  # a route added later gets its role here


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"}
    return subprocess.run(
        [sys.executable, "cli.py", "keys", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_cli_makes_keys_of_a_role_and_tenant_and_changes_a_role_at_once(
    database_url: str,
) -> None:
    body = {"description": LAMP, "field": "EF000042", "verdict": "accept", "proposed": "B22d"}
    with serving(database_url, {}) as (client, _, _):
        made = _cli(database_url, "create", "alice", "--role", "reviewer", "--tenant", "shop")
        assert made.returncode == 0, made.stderr
        assert "role reviewer, tenant 'shop'" in made.stderr
        alice = {"Authorization": f"Bearer {made.stdout.strip()}"}
        plain = _cli(database_url, "create", "pim")
        assert plain.returncode == 0, plain.stderr
        listed = _cli(database_url, "list").stdout.splitlines()
        assert listed[0].split()[:4] == ["name", "id", "role", "tenant"]
        assert [line.split()[2:4] for line in listed[1:]] == [
            ["reviewer", "shop"],
            ["lookup", DEFAULT_TENANT],  # a key made without a role looks up only
        ]
        assert decide(client, alice, **body).status_code == 201

        lowered = _cli(database_url, "set-role", "alice", "lookup")
        assert lowered.returncode == 0, lowered.stderr
        assert decide(client, alice, **body).status_code == 403  # counted at its next request
        wrong = _cli(database_url, "set-role", "alice", "owner")
        assert wrong.returncode != 0 and "owner" in wrong.stderr
        assert _cli(database_url, "set-role", "nobody", "admin").returncode != 0
