"""A field's odds of null, from its labelled examples: what a null answer must beat. Fields
whose examples mostly hold a value get odds under 1; the others none (greedy decoding's choice
stands); a product's own label never counts for itself. A mostly-null field is weighed all the
same where the examples most like the product hold a value."""

from __future__ import annotations

import pytest

from src.domain.lookup.known_value_rules import KnownValueRules
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.null_odds import null_odds, weighing_odds
from src.domain.model import Example, Field, FieldType
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prepass import TextRulesPrepass
from tests.support.conversation_lookup import conversation_lookup
from tests.support.fakes import (
    FakeConnector,
    FakeExampleRepository,
    Script,
)

BRAND = Field("BRAND", "Brand", FieldType.TEXT)
MATERIAL = Field("MATERIAL", "Material", FieldType.TEXT)
CLOSURE = Field("CLOSURE", "Closure", FieldType.TEXT)
COLOUR = Field("COLOUR", "Colour", FieldType.SELECT, ("black", "white"))
OFFERS = [
    ("Fellowes storage drawer, corrugated cardboard, 6 per carton", "Fellowes", "cardboard"),
    ("Avery view binder, 2 inch rings, white", "Avery", None),
    ("Pilot G2 gel pens, fine point, 12 per box", "Pilot", None),
    ("Swingline stapler, 20 sheets, metal body", "Swingline", "metal"),
    ("Post-it notes, 3 x 3 in, 12 pads", "Post-it", None),
    ("Scotch magic tape, 6 rolls with dispensers", "Scotch", None),
]


def labelled(offers: list[tuple[str, str, str | None]], colour: bool = True) -> list[Example]:
    """Each offer's brand, material and closure (never stated), and its colour when asked."""
    return [
        example
        for text, brand, material in offers
        for example in (
            Example(BRAND.code, text, brand),
            Example(MATERIAL.code, text, material),
            Example(CLOSURE.code, text, None),
            *([Example(COLOUR.code, text, "white" if "white" in text else None)] * colour),
        )
    ]


EXAMPLES = labelled(OFFERS)


def odds_of(exclude_context: str | None = None, prepass: bool = True) -> dict[str, float]:
    llm = ConfiguredLLM(
        "fake",
        ChatFormat(),
        BasicChainOfThought(),
        FakeConnector({}),
        prepass=TextRulesPrepass() if prepass else None,
    )
    fields = {field.code: field for field in (BRAND, MATERIAL, CLOSURE, COLOUR)}
    rules = KnownValueRules(FakeExampleRepository(EXAMPLES))
    return dict(rules.of(llm, fields, exclude_context).null_odds)


def test_the_odds_are_laplaces_over_the_fields_labels() -> None:
    assert null_odds([Example("F", f"text {n}", "v") for n in range(6)]) == pytest.approx(1 / 7)
    three_of_four = [Example("F", f"text {n}", "v" if n else None) for n in range(4)]
    assert null_odds(three_of_four) == pytest.approx(2 / 4)
    assert null_odds([Example("F", "a", "v"), Example("F", "b", None)]) is None  # odds of 1
    assert null_odds([]) is None


def test_only_text_fields_whose_examples_mostly_hold_a_value_get_odds() -> None:
    # the brand: 6 values, no null; the material: 2 values, 4 nulls; the closure: all null;
    # the colour is a select, whose answer is no span of the text
    assert odds_of() == {BRAND.code: pytest.approx(1 / 7)}


def test_a_products_own_label_does_not_count_for_it() -> None:
    own = OFFERS[0][0]

    assert odds_of(exclude_context=own) == {BRAND.code: pytest.approx(1 / 6)}


def test_an_llm_without_a_pre_pass_reads_no_labelled_values() -> None:
    assert odds_of(prepass=False) == {}


def test_the_weighing_takes_the_lower_of_the_fields_odds_and_its_nearest_examples() -> None:
    valued, empty = Example("F", "a", "v"), Example("F", "b", None)

    assert weighing_odds(None, [valued]) == pytest.approx(1 / 2)
    assert weighing_odds(1 / 7, [valued]) == pytest.approx(1 / 7)
    assert weighing_odds(1 / 3, [empty]) == pytest.approx(1 / 3)
    assert weighing_odds(None, [empty]) is None
    assert weighing_odds(None, []) is None


def asked_odds(offers: list[tuple[str, str, str | None]]) -> dict[str, float | None]:
    """The odds of null each text field's request carries when a conversation asks a product,
    its one shot product's examples ranked in `offers`' order."""
    connector = FakeConnector(default=Script(answer='{"value": null}'))
    fields = (BRAND, MATERIAL, CLOSURE)
    conversation_lookup(connector, fields, labelled(offers, colour=False), PRODUCT)
    return {field.code: connector.requests_for(field.code)[0].null_odds for field in fields}


PRODUCT = "Deflecto wall file pocket, letter size, clear polycarbonate, three pockets"


def test_a_mostly_null_field_is_weighed_where_the_product_most_like_it_holds_a_value() -> None:
    # the material is null on 4 of 6 offers, but valued on the one most like the product
    assert asked_odds(OFFERS) == {
        BRAND.code: pytest.approx(1 / 7),
        MATERIAL.code: pytest.approx(1 / 2),
        CLOSURE.code: None,
    }


def test_a_mostly_null_field_keeps_greedy_decoding_where_its_nearest_product_is_null() -> None:
    avery_first = [OFFERS[1], OFFERS[0], *OFFERS[2:]]

    assert asked_odds(avery_first) == {
        BRAND.code: pytest.approx(1 / 7),
        MATERIAL.code: None,
        CLOSURE.code: None,
    }
