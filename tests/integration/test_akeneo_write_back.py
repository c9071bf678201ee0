"""Enriched products written back to a loopback stand-in of Akeneo: only the values at or above
their threshold, a batch a PATCH, and the state that a next run reads (a torn last line
ignored; a product with a value Akeneo cannot take left to be done again)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from src.adapters.driven.akeneo.attributes import Where
from src.adapters.driven.akeneo.catalogue import AkeneoCatalogue
from src.adapters.driven.akeneo.client import AkeneoClient, AkeneoCredentials
from src.adapters.driven.akeneo.state import EnrichmentState
from src.adapters.driven.akeneo.write_back import AkeneoWriteBack
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.model import FieldOutcome, LookupResult, OutcomeStatus, Value
from tests.support.akeneo_catalogue import FAMILY, lamp_catalogue, product_uuid
from tests.support.akeneo_stand_in import CLIENT_ID, PASSWORD, SECRET, USERNAME, AkeneoStandIn

WHERE = Where("ecommerce", "en_US")


@pytest.fixture
def stand_in() -> Iterator[AkeneoStandIn]:
    server = AkeneoStandIn(lamp_catalogue(5)).start()
    yield server
    server.stop()


def _product(number: int, *values: tuple[str, Value, bool]) -> EnrichedProduct:
    outcomes = tuple(
        FieldOutcome(code, value, OutcomeStatus.OK, confidence=0.9, review=review)
        for code, value, review in values
    )
    return EnrichedProduct(product_uuid(number), LookupResult("mock", outcomes))


def test_confident_values_are_written_by_batch_and_the_state_says_what_is_done(
    stand_in: AkeneoStandIn, tmp_path: Path
) -> None:
    client = AkeneoClient(
        httpx.Client(base_url=stand_in.base_url),
        AkeneoCredentials(CLIENT_ID, SECRET, USERNAME, PASSWORD),
    )
    targets = AkeneoCatalogue(client).attributes([FAMILY], WHERE).by_code()
    path = tmp_path / "state.jsonl"
    said: list[str] = []
    output = AkeneoWriteBack(client, targets, WHERE, EnrichmentState(path), 2, said.append)

    output.write(
        _product(1, ("lamp_base", "E14", False), ("power", 40, False), ("dimmable", True, True))
    )
    output.write(_product(2, ("lamp_base", "Bayonet", False)))
    assert stand_in.patches == 0  # the batch goes when the next product comes
    output.write(_product(3, ("dimmable", False, True)))
    output.flush()

    assert stand_in.patches == 1
    assert stand_in.applied == [
        (
            product_uuid(1),
            {
                "lamp_base": [{"locale": None, "scope": None, "data": "e14"}],
                "power": [{"locale": None, "scope": None, "data": {"amount": 40, "unit": "WATT"}}],
            },
        )
    ]
    assert said == [
        f"not written: product {product_uuid(2)}: lamp_base 'Bayonet' is no option of the "
        "attribute any more (run `akeneo fields` again)"
    ]
    tally = output.tally
    assert (tally.products_written, tally.values_written, tally.values_to_review) == (1, 2, 2)
    assert tally.values_without_akeneo_form == 1
    assert output.done == {product_uuid(1), product_uuid(3)}  # 2 is looked up again

    with path.open("a", encoding="utf-8") as file:
        file.write('{"uuid": "torn-by-a-kil')
    assert EnrichmentState(path).done == {product_uuid(1), product_uuid(3)}
