"""A field's odds of null, from its labelled examples: what a null answer must beat. Fields
whose examples mostly hold a value get odds under 1; the others none (greedy decoding's choice
stands); a product's own label never counts for itself."""

from __future__ import annotations

import pytest

from src.domain.lookup.known_value_rules import KnownValueRules
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.null_odds import null_odds
from src.domain.model import Example, Field, FieldType
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prepass import TextRulesPrepass
from tests.support.fakes import FakeConnector, FakeExampleRepository

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
EXAMPLES = [
    example
    for text, brand, material in OFFERS
    for example in (
        Example(BRAND.code, text, brand),
        Example(MATERIAL.code, text, material),
        Example(CLOSURE.code, text, None),
        Example(COLOUR.code, text, "white" if "white" in text else None),
    )
]


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
