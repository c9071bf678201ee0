"""The lookup with the known-value rule: a text field whose labelled values the text gives is
answered by the pre-pass, with the rule's measured precision as confidence; anything else still
goes to the model."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Example, Field, FieldType, LookupRequest, OutcomeSource, OutcomeStatus
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prepass import TextRulesPrepass
from tests.support.fakes import FakeConnector, FakeExampleRepository, FakeFieldRepository, Script

BRAND = Field("B1", "Brand Name", FieldType.TEXT)
MODEL = Field("M1", "Model Number", FieldType.TEXT)
WEIGHT = Field("W1", "Weight", FieldType.TEXT)
UPC = Field("U1", "Retail UPC", FieldType.TEXT)
BRANDS = ("Rapala", "Mepps", "Daiwa", "Shimano")
EXAMPLES = (
    [Example(BRAND.code, f"{brand} lure number {n}", brand) for brand in BRANDS for n in range(3)]
    + [Example(MODEL.code, f"Lure model YA{n}4", f"YA{n}4") for n in range(6)]
    + [Example(WEIGHT.code, f"Minnow {n}0mm {n}.5g", f"{n}.5g") for n in range(1, 10)]
    + [
        Example(UPC.code, f"Minnow {n}0mm item {n}331, UPC 0{n}4711747012", f"0{n}4711747012")
        for n in range(9)
    ]
)


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(4) as executor:
        yield executor


def service(
    pool: ThreadPoolExecutor, connector: FakeConnector, prepass: bool = True, labelled: bool = True
) -> FieldLookupService:
    llm = ConfiguredLLM(
        "fake",
        ChatFormat(),
        BasicChainOfThought(),
        connector,
        prepass=TextRulesPrepass() if prepass else None,
    )
    examples = FakeExampleRepository(EXAMPLES)
    return FieldLookupService(
        LLMRegistry({"fake": lambda: llm}, default="fake"),
        Catalogue(
            FakeFieldRepository([BRAND, MODEL, WEIGHT, UPC]),
            examples,
            examples if labelled else None,
        ),
        pool,
        5.0,
    )


def test_a_known_brand_is_answered_without_the_model(pool: ThreadPoolExecutor) -> None:
    connector = FakeConnector({MODEL.code: Script('{"value": "YA14"}')})

    result = service(pool, connector).lookup(
        LookupRequest("SHIMANO minnow lure YA14 11cm", (BRAND.code, MODEL.code))
    )

    brand, model = result.outcomes
    assert (brand.value, brand.status, brand.source) == (
        "SHIMANO",
        OutcomeStatus.OK,
        OutcomeSource.PREPASS,
    )
    assert brand.confidence == pytest.approx((12 + 1) / (12 + 2))
    assert (model.value, model.source) == ("YA14", OutcomeSource.MODEL)
    assert [request.field_code for request in connector.requests] == [MODEL.code]


def test_a_weight_kept_as_text_is_read_in_the_fields_unit(pool: ThreadPoolExecutor) -> None:
    connector = FakeConnector({})

    result = service(pool, connector).lookup(
        LookupRequest("Jerkbait 110mm 15.8g Depth 0-3m", (WEIGHT.code,))
    )

    weight = result.outcomes[0]
    assert (weight.value, weight.source) == ("15.8g", OutcomeSource.PREPASS)
    assert weight.confidence == pytest.approx((9 + 1) / (9 + 2))
    assert connector.requests == []


def test_an_llm_without_pre_pass_asks_the_model(pool: ThreadPoolExecutor) -> None:
    connector = FakeConnector({BRAND.code: Script('{"value": "Shimano"}')})

    result = service(pool, connector, prepass=False).lookup(
        LookupRequest("SHIMANO minnow lure 11cm", (BRAND.code,))
    )

    assert result.outcomes[0].source is OutcomeSource.MODEL
    assert [request.field_code for request in connector.requests] == [BRAND.code]


def test_two_known_brands_in_one_text_go_to_the_model(pool: ThreadPoolExecutor) -> None:
    connector = FakeConnector({BRAND.code: Script('{"value": "Daiwa"}')})

    result = service(pool, connector).lookup(
        LookupRequest("Daiwa lure, fits a Mepps box", (BRAND.code,))
    )

    assert (result.outcomes[0].value, result.outcomes[0].source) == ("Daiwa", OutcomeSource.MODEL)


def test_the_products_own_example_is_left_out_when_asked(pool: ThreadPoolExecutor) -> None:
    """As `evaluate --exclude-own-examples` asks: a brand only the product's own label knows."""
    own = "Okuma lure number 1"
    connector = FakeConnector()
    examples = [*EXAMPLES, Example(BRAND.code, own, "Okuma")]
    llm = ConfiguredLLM(
        "fake", ChatFormat(), BasicChainOfThought(), connector, prepass=TextRulesPrepass()
    )
    repository = FakeExampleRepository(examples)
    lookup = FieldLookupService(
        LLMRegistry({"fake": lambda: llm}, default="fake"),
        Catalogue(FakeFieldRepository([BRAND]), repository, repository),
        pool,
        5.0,
    )

    with_own = lookup.lookup(LookupRequest(own, (BRAND.code,)))
    without = lookup.lookup(LookupRequest(own, (BRAND.code,), exclude_example_context=own))

    assert with_own.outcomes[0].source is OutcomeSource.PREPASS
    assert without.outcomes[0].source is OutcomeSource.MODEL


def test_a_code_of_the_fields_shape_is_answered_without_the_model(
    pool: ThreadPoolExecutor,
) -> None:
    connector = FakeConnector({UPC.code: Script('{"value": null}')})

    sparse = service(pool, connector).lookup(
        LookupRequest("Daiwa minnow 90mm, item 3341 - UPC 074711747999 (pack of 2)", (UPC.code,))
    )
    doubtful = service(pool, connector).lookup(
        LookupRequest("Two minnows: UPC 074711747999, UPC 074711748000", (UPC.code,))
    )

    (upc,) = sparse.outcomes
    assert (upc.value, upc.source) == ("074711747999", OutcomeSource.PREPASS)
    assert upc.confidence == pytest.approx((9 + 1) / (9 + 2))
    assert [(o.value, o.source) for o in doubtful.outcomes] == [(None, OutcomeSource.MODEL)]
