"""One value, one field: a value the model answers for several text fields of one product stays
with the fields labelled with it, else with the one it suits best (written with digits or
without, as the field's labelled values are), then the surer answer; the model's other answers
of it become null, and a rule's answer is never taken away."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from src.domain.catalogue.ports import Catalogue
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.one_field_per_value import (
    FieldLabels,
    field_labels,
    one_field_per_value,
    shared_values,
)
from src.domain.lookup.service import FieldLookupService
from src.domain.model import (
    Example,
    Field,
    FieldOutcome,
    FieldType,
    LookupRequest,
    LookupResult,
    OutcomeSource,
    OutcomeStatus,
)
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prepass import TextRulesPrepass
from tests.support.fakes import (
    FakeConnector,
    FakeExampleRepository,
    FakeFieldRepository,
    Script,
)

BRAND = Field("BRAND", "Brand", FieldType.TEXT)
TYPE = Field("TYPE", "Product Type", FieldType.TEXT)
STOCK = Field("STOCK", "Manufacturer Stock Number", FieldType.TEXT)
TEXTS = frozenset({BRAND.code, TYPE.code, STOCK.code})

EXAMPLES = [
    Example(BRAND.code, "3M Post-it Notes 3 x 3, Yellow - MMM654 ReStockIt", "Post-it"),
    Example(BRAND.code, "Avery Binder 3 inch - AVE79692 ReStockIt", "Avery"),
    Example(TYPE.code, "3M Post-it Notes 3 x 3, Yellow - MMM654 ReStockIt", "Notes"),
    Example(TYPE.code, "Avery Binder 3 inch - AVE79692 ReStockIt", "Binder"),
    Example(STOCK.code, "3M Post-it Notes 3 x 3, Yellow - MMM654 ReStockIt", "MMM654"),
    Example(STOCK.code, "Avery Binder 3 inch - AVE79692 ReStockIt", "AVE79692"),
]
LABELS = {code: field_labels([e for e in EXAMPLES if e.field_code == code], None) for code in TEXTS}


def model(code: str, value: str, confidence: float) -> FieldOutcome:
    return FieldOutcome(code, value, OutcomeStatus.OK, confidence=confidence)


def values(outcomes: list[FieldOutcome]) -> dict[str, object]:
    return {outcome.field_code: outcome.value for outcome in outcomes}


def test_the_field_labelled_with_the_value_keeps_it() -> None:
    answered = [model(BRAND.code, "Post-it", 0.2), model(TYPE.code, "Post-it", 0.6)]

    kept = one_field_per_value(answered, TEXTS, LABELS)

    assert values(kept) == {BRAND.code: "Post-it", TYPE.code: None}
    assert kept[1].status is OutcomeStatus.NOT_FOUND and kept[1].confidence is None


def test_else_the_field_whose_values_are_written_as_it_is_keeps_it() -> None:
    words = [model(BRAND.code, "Grohe", 0.1), model(STOCK.code, "Grohe", 0.3)]
    code = [model(BRAND.code, "GR3326", 0.4), model(STOCK.code, "GR3326", 0.2)]

    assert values(one_field_per_value(words, TEXTS, LABELS)) == {
        BRAND.code: "Grohe",
        STOCK.code: None,
    }
    assert values(one_field_per_value(code, TEXTS, LABELS)) == {
        BRAND.code: None,
        STOCK.code: "GR3326",
    }


def test_else_the_surer_answer_keeps_it() -> None:
    answered = [model(BRAND.code, "Leitz", 0.3), model(TYPE.code, "leitz", 0.5)]

    kept = one_field_per_value(answered, TEXTS, LABELS)

    assert values(kept) == {BRAND.code: None, TYPE.code: "leitz"}


def test_every_field_labelled_with_the_value_keeps_it() -> None:
    both = {**LABELS, TYPE.code: FieldLabels(frozenset({"post-it"}), 0.0)}
    answered = [model(BRAND.code, "Post-it", 0.2), model(TYPE.code, "Post-it", 0.6)]

    assert values(one_field_per_value(answered, TEXTS, both)) == {
        BRAND.code: "Post-it",
        TYPE.code: "Post-it",
    }


def test_a_rules_answer_stays_and_keeps_the_value_from_the_model() -> None:
    rule = FieldOutcome(
        STOCK.code, "MMM654", OutcomeStatus.OK, source=OutcomeSource.PREPASS, confidence=0.7
    )
    answered = [model(BRAND.code, "MMM654", 0.9), rule]

    assert values(one_field_per_value(answered, TEXTS, {})) == {
        BRAND.code: None,
        STOCK.code: "MMM654",
    }
    labelled_brand = {BRAND.code: FieldLabels(frozenset({"mmm654"}), 1.0)}
    assert values(one_field_per_value(answered, TEXTS, labelled_brand)) == {
        BRAND.code: "MMM654",
        STOCK.code: "MMM654",
    }


def test_different_values_and_other_kinds_of_field_stand() -> None:
    answered = [model(BRAND.code, "Avery", 0.5), model(TYPE.code, "Binder", 0.5)]
    numbers = [model("WIDTH", "3", 0.5), model("HEIGHT", "3", 0.5)]

    assert one_field_per_value(answered, TEXTS, LABELS) == answered
    assert one_field_per_value(numbers, TEXTS, LABELS) == numbers


def test_only_a_value_the_model_gives_two_text_fields_is_weighed() -> None:
    rule = FieldOutcome(STOCK.code, "MMM654", OutcomeStatus.OK, source=OutcomeSource.PREPASS)

    assert shared_values([model(BRAND.code, "3M", 0.5), model(TYPE.code, "3m", 0.2)], TEXTS)
    assert shared_values([model(BRAND.code, "MMM654", 0.5), rule], TEXTS)
    assert not shared_values([model(BRAND.code, "3M", 0.5), model(TYPE.code, "Notes", 0.2)], TEXTS)
    assert not shared_values([model(BRAND.code, "3M", 0.5)], TEXTS)
    assert not shared_values([rule, replace(rule, field_code=BRAND.code)], TEXTS)


def test_the_products_own_label_is_left_out_when_asked() -> None:
    brands = [e for e in EXAMPLES if e.field_code == BRAND.code]

    assert field_labels(brands, None).hold("Post-it")
    assert not field_labels(brands, brands[0].context).hold("Post-it")
    assert field_labels(brands, brands[0].context).hold("avery")


PRODUCT = "Post-it Super Sticky Notes 4 x 6, Rio - MMM660 ReStockIt"
SCRIPTS = {
    BRAND.code: Script('{"value": "Post-it"}', answer_probability=0.3),
    TYPE.code: Script('{"value": "Post-it"}', answer_probability=0.8),
}


def service(pool: ThreadPoolExecutor, with_prepass: bool) -> FieldLookupService:
    llm = ConfiguredLLM(
        "local",
        ChatFormat(),
        BasicChainOfThought(),
        FakeConnector(SCRIPTS),
        prepass=TextRulesPrepass() if with_prepass else None,
    )
    store = FakeExampleRepository(EXAMPLES)
    return FieldLookupService(
        LLMRegistry({"local": lambda: llm}, "local"),
        Catalogue(FakeFieldRepository([BRAND, TYPE, STOCK]), store, labelled=store),
        pool,
        5.0,
    )


def test_a_lookup_keeps_a_value_for_the_field_labelled_with_it() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        result = service(pool, with_prepass=True).lookup(
            LookupRequest(PRODUCT, (BRAND.code, TYPE.code))
        )

    assert result.values() == {BRAND.code: "Post-it", TYPE.code: None}


def test_an_llm_without_a_pre_pass_answers_as_its_model_does() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        result = service(pool, with_prepass=False).lookup(
            LookupRequest(PRODUCT, (BRAND.code, TYPE.code))
        )

    assert result.values() == {BRAND.code: "Post-it", TYPE.code: "Post-it"}


def test_a_stream_tells_each_field_what_its_result_says() -> None:
    async def streamed() -> tuple[dict[str, object], LookupResult]:
        with ThreadPoolExecutor(max_workers=2) as pool:
            events = [
                event
                async for event in service(pool, with_prepass=True).stream(
                    LookupRequest(PRODUCT, (BRAND.code, TYPE.code))
                )
            ]
        *outcomes, result = events
        assert isinstance(result, LookupResult)
        told = {o.field_code: o.value for o in outcomes if isinstance(o, FieldOutcome)}
        assert len(told) == len(outcomes)  # each field told once
        return told, result

    told, result = asyncio.run(streamed())

    assert told == result.values() == {BRAND.code: "Post-it", TYPE.code: None}
