"""Each item of a list value with its own evidence, confidence and review flag, through the API
on SQLite and PostgreSQL: the detailed lookup and its OpenAPI schema, the stream, a job's
results in JSON Lines and CSV, a lookup served again from the database's cache, and the review
queue; several texts asked of an OpenAI-compatible server as a list of spans of the text.

The backend is an OpenAI-compatible server on loopback whose answers are written by scripted
tokens with scripted probabilities (its logprobs), as a hosted model's would be."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from src.adapters.driven.storage.tables import LookupCacheRow
from src.adapters.driving.http.app import create_app
from src.bootstrap import Container, bootstrap
from src.domain.model import Field, FieldType
from src.domain.model.kinds import MAX_ITEMS
from src.domain.model.kinds.text import SPANS_OF
from src.domain.trust.ports import FieldThreshold
from tests.conftest import ContainerFactory
from tests.support.jobs import finished, jsonl, read_jsonl, wait_for
from tests.support.loopback_llm import LoopbackLLM

CERTIFICATIONS = Field(
    "EF009002", "Certifications", FieldType.SELECT, ("CE", "RoHS", "UL"), multiple=True
)
MATERIALS = Field("EF009004", "Matériaux", FieldType.TEXT, multiple=True)
POWER_SUPPLY = (
    "Bloc d'alimentation 65 W, certifié CE et RoHS, boîtier en polycarbonate et aluminium."
)
LLM = "loopback-spans"
LOOKUP = "/api/product/fields/lookup"
BODY = {"description": POWER_SUPPLY, "fields": [CERTIFICATIONS.code, MATERIALS.code], "llm": LLM}


@pytest.fixture
def loopback() -> Iterator[LoopbackLLM]:
    with LoopbackLLM() as llm:
        # CE written surely, RoHS hesitantly: the choice of one more item counts for that item
        llm.tokens_by_field[CERTIFICATIONS.code] = [
            ('{"value": [', 1.0),
            ('"CE"', 0.96),
            (', "RoHS"', 0.42),
            ("]}", 1.0),
        ]
        llm.tokens_by_field[MATERIALS.code] = [
            ('{"value": ["polycarbonate"', 0.9),
            (', "aluminium"', 0.7),
            ("]}", 1.0),
        ]
        yield llm


@pytest.fixture
def client(make_container: ContainerFactory, loopback: LoopbackLLM) -> Iterator[TestClient]:
    container = make_container(
        "tests.support.fault_config", LOOPBACK_URL=loopback.base_url, LOOKUP_CACHE="off"
    )
    container.provisioning.provision([CERTIFICATIONS, MATERIALS], [])
    container.thresholds.save([FieldThreshold(LLM, CERTIFICATIONS.code, 0.5, 0.95)])
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        yield client


def items_of(detail: dict) -> list[tuple[object, ...]]:
    return [
        (item["value"], item["confidence"], item["review"], [s["text"] for s in item["evidence"]])
        for item in detail["items"]
    ]


def test_each_item_has_its_evidence_confidence_and_review_flag(client: TestClient) -> None:
    response = client.post(f"{LOOKUP}?detail=true", json=BODY)

    assert response.status_code == 200, response.text
    fields = response.json()["fields"]
    certifications, materials = fields[CERTIFICATIONS.code], fields[MATERIALS.code]
    assert certifications["value"] == ["CE", "RoHS"]
    assert items_of(certifications) == [
        ("CE", pytest.approx(0.96), False, ["CE"]),
        ("RoHS", pytest.approx(0.42), True, ["RoHS"]),  # under the field's threshold, 0.5
    ]
    # the whole list: its least sure item's confidence, flagged as that item is
    assert certifications["confidence"] == pytest.approx(0.42)
    assert certifications["review"] is True
    assert [s["text"] for s in certifications["evidence"]] == ["CE", "RoHS"]
    assert materials["value"] == ["polycarbonate", "aluminium"]
    assert items_of(materials) == [  # no threshold known for this field: every item for review
        ("polycarbonate", pytest.approx(0.9), True, ["polycarbonate"]),
        ("aluminium", pytest.approx(0.7), True, ["aluminium"]),
    ]
    assert materials["confidence"] == pytest.approx(0.7)
    start = POWER_SUPPLY.index("aluminium")
    assert materials["items"][1]["evidence"] == [
        {"start": start, "end": start + len("aluminium"), "text": "aluminium"}
    ]
    assert materials["items"][1]["verbatim"] is True


def test_an_item_over_the_threshold_alone_leaves_the_list_unflagged(
    client: TestClient, loopback: LoopbackLLM
) -> None:
    loopback.tokens_by_field[CERTIFICATIONS.code] = [
        ('{"value": ["CE"', 0.97),
        (', "RoHS"', 0.8),
        ("]}", 1.0),
    ]

    detail = client.post(f"{LOOKUP}?detail=true", json=BODY).json()["fields"]

    certifications = detail[CERTIFICATIONS.code]
    assert [item["review"] for item in certifications["items"]] == [False, False]
    assert certifications["review"] is False and certifications["confidence"] == pytest.approx(0.8)


def test_several_texts_are_asked_as_a_list_of_spans_of_the_text(
    client: TestClient, loopback: LoopbackLLM
) -> None:
    client.post(f"{LOOKUP}?detail=true", json={**BODY, "fields": [MATERIALS.code]})

    assert loopback.schemas, "the server was asked for a json_schema answer"
    value = loopback.schemas[-1]["properties"]["value"]
    assert value == {
        "anyOf": [
            {
                "type": "array",
                "items": {"type": "string", SPANS_OF: POWER_SUPPLY},
                "maxItems": MAX_ITEMS,
            },
            {"type": "null"},
        ]
    }


def test_other_values_have_no_items(client: TestClient, loopback: LoopbackLLM) -> None:
    loopback.tokens_by_field[MATERIALS.code] = [('{"value": null}', 0.9)]

    detail = client.post(f"{LOOKUP}?detail=true", json=BODY).json()["fields"]

    assert detail[MATERIALS.code]["value"] is None and detail[MATERIALS.code]["items"] is None


def test_the_stream_gives_each_item_its_trust_signals(client: TestClient) -> None:
    response = client.post(f"{LOOKUP}/stream", json=BODY)

    lines = [json.loads(line) for line in response.text.splitlines() if line.strip()]
    by_field = {line["field"]: line for line in lines if "field" in line}
    assert items_of(by_field[CERTIFICATIONS.code]) == [
        ("CE", pytest.approx(0.96), False, ["CE"]),
        ("RoHS", pytest.approx(0.42), True, ["RoHS"]),
    ]


def test_the_openapi_schema_describes_the_items(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    items = schemas["FieldDetail"]["properties"]["items"]
    assert {"$ref": "#/components/schemas/ItemDetail"} in [
        option.get("items") for option in items["anyOf"]
    ]
    assert set(schemas["ItemDetail"]["properties"]) == {
        "value",
        "evidence",
        "verbatim",
        "confidence",
        "review",
    }


def test_a_jobs_results_give_each_item_in_json_lines_and_csv(client: TestClient) -> None:
    products = [{"id": "psu-1", "description": POWER_SUPPLY}]
    codes = f"{CERTIFICATIONS.code},{MATERIALS.code}"

    created = client.post(
        "/api/jobs",
        files={"file": ("psu.jsonl", jsonl(products))},
        data={"fields": codes, "llm": LLM},
    )
    assert created.status_code == 202, created.text
    job = created.json()
    assert wait_for(client, job["id"], finished)["state"] == "done"

    [record] = read_jsonl(client.get(job["results"]).text)
    assert record["confidence"][CERTIFICATIONS.code] == pytest.approx(0.42)
    assert [
        (item["value"], item["confidence"], item["review"], [s["text"] for s in item["evidence"]])
        for item in record["items"][CERTIFICATIONS.code]
    ] == [("CE", pytest.approx(0.96), False, ["CE"]), ("RoHS", pytest.approx(0.42), True, ["RoHS"])]
    assert [item["value"] for item in record["items"][MATERIALS.code]] == [
        "polycarbonate",
        "aluminium",
    ]
    [row] = csv.DictReader(io.StringIO(client.get(job["results"], params={"format": "csv"}).text))
    assert json.loads(row[CERTIFICATIONS.code]) == ["CE", "RoHS"]
    assert row["confidence"].split() == [
        "EF009002=0.420",
        "EF009002.1=0.960",
        "EF009002.2=0.420",
        "EF009004=0.700",
        "EF009004.1=0.900",
        "EF009004.2=0.700",
    ]
    evidence = json.loads(row["evidence"])
    assert [s["text"] for s in evidence["EF009002.2"]] == ["RoHS"]
    assert [s["text"] for s in evidence["EF009004.1"]] == ["polycarbonate"]


@pytest.fixture
def two_servers(
    make_container: ContainerFactory, loopback: LoopbackLLM, database_url: str
) -> Iterator[tuple[TestClient, TestClient]]:
    """Two API servers on one database with the lookup cache on, as two worker processes: what
    one answers, the other reads from the database's cache (not from its own memory)."""
    env = {"LOOPBACK_URL": loopback.base_url, "LOOKUP_CACHE": "on"}
    first = make_container("tests.support.fault_config", **env)
    first.provisioning.provision([CERTIFICATIONS, MATERIALS], [])
    first.thresholds.save([FieldThreshold(LLM, CERTIFICATIONS.code, 0.5, 0.95)])
    second = bootstrap(
        Settings.from_env(
            {"CONFIG_MODULE": "tests.support.fault_config", "DATABASE_URL": database_url, **env}
        )
    )
    try:
        with (
            TestClient(create_app(first), raise_server_exceptions=False) as one,
            TestClient(create_app(second), raise_server_exceptions=False) as other,
        ):
            yield one, other
    finally:
        second.close()


def cached_rows(container: Container, count: int, seconds: float = 5.0) -> int:
    """The cache is written behind the answer: wait until `count` rows show."""
    database = container.storage.database
    give_up = time.monotonic() + seconds
    while (rows := LookupCacheRow.select().count(database)) < count and time.monotonic() < give_up:
        time.sleep(0.05)
    return rows


def test_a_list_served_from_the_database_cache_keeps_each_items_confidence(
    two_servers: tuple[TestClient, TestClient], loopback: LoopbackLLM
) -> None:
    one, other = two_servers
    first = one.post(f"{LOOKUP}?detail=true", json=BODY).json()["fields"]
    assert cached_rows(one.app.state.container, 2) == 2  # type: ignore[attr-defined]
    calls = loopback.calls

    again = other.post(f"{LOOKUP}?detail=true", json=BODY).json()["fields"]

    assert loopback.calls == calls  # answered from the database, not asked again
    certifications = again[CERTIFICATIONS.code]
    assert certifications["cached"] is True and certifications["value"] == ["CE", "RoHS"]
    assert (
        items_of(certifications)
        == items_of(first[CERTIFICATIONS.code])
        == [
            ("CE", pytest.approx(0.96), False, ["CE"]),
            ("RoHS", pytest.approx(0.42), True, ["RoHS"]),
        ]
    )
    assert certifications["confidence"] == pytest.approx(0.42)
    assert certifications["review"] is True
    assert items_of(again[MATERIALS.code]) == [
        ("polycarbonate", pytest.approx(0.9), True, ["polycarbonate"]),
        ("aluminium", pytest.approx(0.7), True, ["aluminium"]),
    ]


QUEUE = "/api/reviews/queue"


def test_a_queued_lists_items_come_back_through_the_review_api(client: TestClient) -> None:
    looked_up = client.post(f"{LOOKUP}?detail=true", json=BODY).json()["fields"]
    detail = looked_up[CERTIFICATIONS.code]
    queued = {
        "product_id": "psu-1",
        "description": POWER_SUPPLY,
        "field": CERTIFICATIONS.code,
        "value": detail["value"],
        "llm": LLM,
        "confidence": detail["confidence"],
        "evidence": detail["evidence"],
        "items": detail["items"],  # as the lookup gave them
    }
    materials = {
        **queued,
        "field": MATERIALS.code,
        "value": ["Polycarbonate"],
        "items": [{"value": "Polycarbonate", "confidence": 0.9}],
    }
    unlisted = {**queued, "product_id": "psu-2"}
    del unlisted["items"]

    added = client.post(QUEUE, json={"items": [queued, materials, unlisted]})

    assert added.status_code == 201, added.text
    first, second = client.get(QUEUE).json()["products"]
    certifications = first["items"][0]
    assert certifications["value"] == ["CE", "RoHS"]
    assert items_of(certifications) == [
        ("CE", pytest.approx(0.96), False, ["CE"]),
        ("RoHS", pytest.approx(0.42), True, ["RoHS"]),
    ]
    assert certifications["items"] == detail["items"]
    assert [
        (i["value"], i["confidence"], i["evidence"], i["review"])
        for i in first["items"][1]["items"]
    ] == [("Polycarbonate", 0.9, [], None)]
    assert second["items"][0]["items"] is None  # a list queued without its items


@pytest.mark.parametrize(
    ("items", "where", "says"),
    [
        ([{"value": "CE"}, {"value": "UL"}], ["items"], "are not those of the value"),
        ([{"value": "CE"}], ["items"], "are not those of the value"),
        ([{"value": "CE", "confidence": 1.5}], ["items", 0, "confidence"], "less than or equal"),
        ([{"value": "C\x00E"}], ["items", 0, "value"], "NUL"),
        ([{"value": "CE"}] * (MAX_ITEMS + 1), ["items"], f"at most {MAX_ITEMS}"),
    ],
)
def test_a_queued_lists_items_that_cannot_be_kept_are_a_422_naming_them(
    client: TestClient, items: list[dict[str, object]], where: list[object], says: str
) -> None:
    body = {
        "description": POWER_SUPPLY,
        "field": CERTIFICATIONS.code,
        "value": ["CE", "RoHS"],
        "items": items,
    }

    refused = client.post(QUEUE, json={"items": [body]})

    assert refused.status_code == 422, refused.text
    [error] = refused.json()["detail"]
    assert error["loc"] == ["body", "items", 0, *where] and says in error["msg"]
    assert client.get(QUEUE).json()["pending"] == 0


def test_the_openapi_schema_describes_a_queued_values_items(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    def listed(schema: str) -> list[object]:
        options = schemas[schema]["properties"]["items"]["anyOf"]
        return [option.get("items") for option in options]

    assert {"$ref": "#/components/schemas/ItemIn"} in listed("QueueItemIn")
    assert {"$ref": "#/components/schemas/ItemDetail"} in listed("QueueItemOut")
    assert set(schemas["ItemIn"]["properties"]) == set(schemas["ItemDetail"]["properties"])
