"""Ranges and several values through the API, on SQLite and PostgreSQL: the fields list, the
lookup (plain, detailed and streamed), the OpenAPI schema, and the review decisions that are
refused with a 422 naming the part of the body."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from src.adapters.driven.storage.tables import LookupCacheRow
from src.bootstrap import Container
from src.domain.model import Field, FieldType
from src.domain.model.kinds import MAX_ITEMS

VOLTAGE = Field("EF009001", "Tension d'entrée", FieldType.RANGE, unit="V")
CERTIFICATIONS = Field(
    "EF009002", "Certifications", FieldType.SELECT, ("CE", "RoHS", "UL"), multiple=True
)
MATERIALS = Field("EF009003", "Matériaux", FieldType.TEXT, multiple=True)
POWER_SUPPLY = "Bloc d'alimentation 65 W, entrée 100-240 V, certifié RoHS, boîtier ABS."
LOOKUP = "/api/product/fields/lookup"


@pytest.fixture
def kinds_client(client: TestClient) -> TestClient:
    container: Container = client.app.state.container  # type: ignore[attr-defined]
    container.provisioning.provision([VOLTAGE, CERTIFICATIONS, MATERIALS], [])
    return client


def test_the_fields_list_says_the_kind_and_whether_a_field_holds_several(
    kinds_client: TestClient,
) -> None:
    fields = {f["code"]: f for f in kinds_client.get("/api/fields").json()}

    assert (fields["EF009001"]["type"], fields["EF009001"]["unit"]) == ("range", "V")
    assert fields["EF009001"]["multiple"] is False
    assert (fields["EF009002"]["type"], fields["EF009002"]["multiple"]) == ("select", True)


def test_a_range_and_several_options_are_answered_typed_with_evidence(
    kinds_client: TestClient,
) -> None:
    body = {"description": POWER_SUPPLY, "fields": ["EF009001", "EF009002"]}

    plain = kinds_client.post(LOOKUP, json=body)
    detailed = kinds_client.post(f"{LOOKUP}?detail=true", json=body).json()["fields"]

    assert plain.status_code == 200, plain.text
    assert plain.json() == {"EF009001": {"min": 100, "max": 240}, "EF009002": ["RoHS"]}
    voltage, certifications = detailed["EF009001"], detailed["EF009002"]
    assert voltage["status"] == "ok" and voltage["value"] == {"min": 100, "max": 240}
    assert [span["text"] for span in voltage["evidence"]] == ["100-240 V"]
    assert certifications["value"] == ["RoHS"]
    assert [span["text"] for span in certifications["evidence"]] == ["RoHS"]


def test_the_stream_writes_a_range_as_an_object(kinds_client: TestClient) -> None:
    response = kinds_client.post(
        f"{LOOKUP}/stream", json={"description": POWER_SUPPLY, "fields": ["EF009001"]}
    )

    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines[0]["field"] == "EF009001" and lines[0]["value"] == {"min": 100, "max": 240}
    assert lines[-1]["values"] == {"EF009001": {"min": 100, "max": 240}}


def test_the_openapi_schema_gives_a_value_as_a_range_or_a_list(client: TestClient) -> None:
    schema = json.dumps(client.get("/openapi.json").json())

    assert '"min"' in schema and '"max"' in schema
    assert '"type": "array", "items": {"type": "string"}' in schema


def refused(client: TestClient, field: str, value: object) -> tuple[list[object], str]:
    answer = client.post(
        "/api/reviews",
        json={"description": POWER_SUPPLY, "field": field, "verdict": "correct", "value": value},
    )
    assert answer.status_code == 422, answer.text
    error = answer.json()["detail"][0]
    return error["loc"], error["msg"]


def test_a_reversed_range_from_a_reviewer_is_a_422_naming_the_part(
    kinds_client: TestClient,
) -> None:
    loc, message = refused(kinds_client, "EF009001", {"min": 240, "max": 100})

    assert loc == ["body", "value"] and "min 240 is above max 100" in message


def test_an_option_not_in_the_list_is_a_422(kinds_client: TestClient) -> None:
    loc, message = refused(kinds_client, "EF009002", ["CE", "FCC"])

    assert loc == ["body", "value"] and "'FCC' is not one of" in message


def test_a_list_over_the_limit_is_a_422(kinds_client: TestClient) -> None:
    loc, message = refused(kinds_client, "EF009003", [f"matière {n}" for n in range(MAX_ITEMS + 1)])

    assert loc == ["body", "value"] and f"at most {MAX_ITEMS}" in message


def test_a_corrected_range_and_list_are_kept_typed(kinds_client: TestClient) -> None:
    for field, value, kept in (
        ("EF009001", "100 – 240 V", {"min": 100, "max": 240}),
        ("EF009002", ["rohs", "CE"], ["RoHS", "CE"]),
    ):
        decided = kinds_client.post(
            "/api/reviews",
            json={
                "description": POWER_SUPPLY,
                "field": field,
                "verdict": "correct",
                "value": value,
            },
        )
        assert decided.status_code == 201, decided.text
        assert decided.json()["kept"] == kept


def test_a_cached_range_and_list_come_back_as_they_were_answered(
    kinds_client: TestClient,
) -> None:
    body = {"description": POWER_SUPPLY, "fields": ["EF009001", "EF009002"]}
    first = kinds_client.post(f"{LOOKUP}?detail=true", json=body).json()["fields"]
    database = kinds_client.app.state.container.storage.database  # type: ignore[attr-defined]
    give_up = time.monotonic() + 10
    while LookupCacheRow.select().count(database) < 2 and time.monotonic() < give_up:
        time.sleep(0.05)  # the cache is written behind the answer

    again = kinds_client.post(f"{LOOKUP}?detail=true", json=body).json()["fields"]

    assert all(again[code]["cached"] for code in again)
    assert {code: again[code]["value"] for code in again} == {
        code: first[code]["value"] for code in first
    }
    assert again["EF009001"]["evidence"] == first["EF009001"]["evidence"]
