"""The Akeneo client against a loopback stand-in of Akeneo's REST API: tokens asked and
refreshed, 429 and 5xx retried, lists followed to their end, collection PATCH statuses read,
and a link to another address refused before any request."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from src.adapters.driven.akeneo.attributes import Where
from src.adapters.driven.akeneo.catalogue import AkeneoCatalogue
from src.adapters.driven.akeneo.client import AkeneoClient, AkeneoCredentials
from src.adapters.driven.akeneo.errors import AkeneoAuthenticationError, AkeneoError
from src.adapters.driven.akeneo.retries import RetryPolicy
from tests.support.akeneo_catalogue import FAMILY, lamp_catalogue, product_uuid
from tests.support.akeneo_stand_in import CLIENT_ID, PASSWORD, SECRET, USERNAME, AkeneoStandIn

FAST = RetryPolicy(attempts=4, initial_backoff_s=0.01, max_backoff_s=0.02)
WHERE = Where("ecommerce", "en_US")


@pytest.fixture
def stand_in() -> Iterator[AkeneoStandIn]:
    server = AkeneoStandIn(lamp_catalogue(250)).start()
    yield server
    server.stop()


def _client(
    stand_in: AkeneoStandIn, password: str = PASSWORD, retry: RetryPolicy = FAST
) -> AkeneoClient:
    credentials = AkeneoCredentials(CLIENT_ID, SECRET, USERNAME, password)
    return AkeneoClient(httpx.Client(base_url=stand_in.base_url), credentials, retry)


def test_every_product_is_listed_once_by_the_search_after_links(stand_in: AkeneoStandIn) -> None:
    products = list(AkeneoCatalogue(_client(stand_in)).products([FAMILY]))

    assert [p["uuid"] for p in products] == [product_uuid(n) for n in range(250)]
    assert stand_in.api_requests == 3  # 100, 100, 50


def test_an_expired_token_is_refreshed_and_the_request_made_again(
    stand_in: AkeneoStandIn,
) -> None:
    client = _client(stand_in)
    client.get(f"/api/rest/v1/families/{FAMILY}")
    stand_in.expire_tokens()

    family = client.get(f"/api/rest/v1/families/{FAMILY}")

    assert family["code"] == FAMILY
    assert stand_in.grants == ["password", "refresh_token"]


def test_a_refused_refresh_falls_back_to_the_password(stand_in: AkeneoStandIn) -> None:
    client = _client(stand_in)
    client.get(f"/api/rest/v1/families/{FAMILY}")
    client._refresh_token = "revoked"  # as after the PIM revoked it
    stand_in.expire_tokens()

    assert client.get(f"/api/rest/v1/families/{FAMILY}")["code"] == FAMILY
    assert stand_in.grants == ["password", "password"]


def test_wrong_credentials_are_a_clear_error(stand_in: AkeneoStandIn) -> None:
    with pytest.raises(AkeneoAuthenticationError, match="refused the password grant"):
        _client(stand_in, password="wrong").get(f"/api/rest/v1/families/{FAMILY}")


def test_a_429_waits_its_retry_after(stand_in: AkeneoStandIn) -> None:
    stand_in.faults.throttled, stand_in.faults.retry_after = 2, "0.4"
    started = time.monotonic()

    family = _client(stand_in).get(f"/api/rest/v1/families/{FAMILY}")

    assert family["code"] == FAMILY and stand_in.throttled == 2
    assert time.monotonic() - started >= 0.8


def test_server_errors_are_retried_then_given_up_with_a_clear_error(
    stand_in: AkeneoStandIn,
) -> None:
    stand_in.faults.server_errors = 3
    assert _client(stand_in).get(f"/api/rest/v1/families/{FAMILY}")["code"] == FAMILY

    stand_in.faults.server_errors = 10
    with pytest.raises(AkeneoError, match=r"kept answering HTTP 503 .* \(4 attempts\)"):
        _client(stand_in).get(f"/api/rest/v1/families/{FAMILY}")
    assert stand_in.faults.server_errors == 6


def test_a_client_error_is_not_retried(stand_in: AkeneoStandIn) -> None:
    with pytest.raises(AkeneoError, match='404 .*Family "nope" does not exist'):
        _client(stand_in).get("/api/rest/v1/families/nope")
    assert stand_in.api_requests == 1


def test_the_collection_patch_reads_every_line_status(stand_in: AkeneoStandIn) -> None:
    stand_in.faults.refused[product_uuid(1)] = "locked"
    lines = [
        {
            "uuid": product_uuid(0),
            "values": {"dimmable": [{"locale": None, "scope": None, "data": True}]},
        },
        {
            "uuid": product_uuid(1),
            "values": {"dimmable": [{"locale": None, "scope": None, "data": True}]},
        },
        {
            "uuid": product_uuid(2),
            "values": {"lamp_base": [{"locale": None, "scope": None, "data": "e99"}]},
        },
    ]

    statuses = _client(stand_in).patch_collection("/api/rest/v1/products-uuid", lines)

    assert [(s.line, s.key, s.status_code, s.refused) for s in statuses] == [
        (1, product_uuid(0), 204, False),
        (2, product_uuid(1), 422, True),
        (3, product_uuid(2), 422, True),
    ]
    assert statuses[1].message == "locked"
    assert "e99" in (statuses[2].message or "")
    assert [uuid for uuid, _ in stand_in.applied] == [product_uuid(0)]


def test_a_link_to_another_address_is_not_followed(stand_in: AkeneoStandIn) -> None:
    client = _client(stand_in)
    sent_before = client.requests

    with pytest.raises(AkeneoError, match="another address"):
        client.get("http://127.0.0.2:9/api/rest/v1/families/lamps")  # loopback all the same
    assert client.requests == sent_before  # refused before connecting


def test_the_family_attributes_become_fields_or_say_why_not(stand_in: AkeneoStandIn) -> None:
    found = AkeneoCatalogue(_client(stand_in)).attributes([FAMILY], WHERE)

    fields = {a.code: a.field for a in found.mapped}
    assert list(fields) == [
        "name",
        "description",
        "lamp_base",
        "finish",
        "light_colour",
        "power",
        "voltage",
        "lumens",
        "weight",
        "dimmable",
        "colours",
    ]
    assert fields["power"].unit == "W" and fields["voltage"].unit == "V"
    assert fields["lamp_base"].options == ("E27", "E14", "GU10", "B22")
    assert {s.code: s.reason for s in found.skipped} == {
        "launch_date": "its type pim_catalog_date is not one the service looks up",
    }
