"""The anchored code rule of the pre-pass: a text field the catalogue fills with codes of varied
shapes answers the one code its text writes beside a word the field's codes stand beside, where
that measured itself reliable on the field's own examples."""

from __future__ import annotations

from src.domain.model import Example, Field, FieldType, OutcomeSource
from src.domain.prompting.prepass.anchored_codes import anchored_codes
from tests.support.conversation_lookup import over_a_null

STOCK = "PAVE-Office_Products_Manufacturer_Stock_Number"

OFFERS = [
    Example(STOCK, "3M Post-it Refills 6/Pack - MMMR330AP ReStockIt Pastel", "MMMR330AP"),
    Example(STOCK, "Deflecto Wall Pocket - DEF73102 ReStockIt Smoke, 1 each", "DEF73102"),
    Example(STOCK, "Universal File Tie 12/Carton - UNV75130 ReStockIt 15 x 10", "UNV75130"),
    Example(STOCK, "Application Forms by Rediform REDM66026NR - OnTimeSupplies.com", "REDM66026NR"),
    Example(
        STOCK,
        "Black Ink 500 Page-Yield by Dataproducts DPSDPCD451 - OnTimeSupplies.com",
        "DPSDPCD451",
    ),
    Example(STOCK, "Script Paper 24 lb. 500 sheets - STT190004 ReStockIt White", "STT190004"),
    Example(STOCK, "Avery Binder 3 inch - AVE79692 ReStockIt White", "AVE79692"),
    Example(STOCK, "Post-it Easel Pad 25 x 30 - MMM559 ReStockIt", "MMM559"),
    Example(STOCK, "Gel Pens, Black, 12/Box (UPC 043693310205)", None),
]


def test_the_one_code_beside_an_anchor_is_answered_whatever_its_shape() -> None:
    rule = anchored_codes(OFFERS)

    assert rule.anchors["after:restockit"] == 6 and rule.anchors["after:ontimesupplies.com"] == 2
    assert rule.measured.contends
    assert rule.answer("Swingline Stapler - SWI747X1 ReStockIt Black, 5000 staples") == "SWI747X1"
    assert rule.answer("Toner by Brother TN-450 - OnTimeSupplies.com High Yield") == "TN-450"


def test_its_confidence_is_its_measured_precision_with_each_examples_anchors_left_out() -> None:
    rule = anchored_codes(OFFERS)

    # leaving one out, "ontimesupplies.com" anchors a single code: those two are not answered
    assert (rule.measured.right, rule.measured.answered) == (6, 6)
    assert rule.answer(OFFERS[3].context, exclude_context=OFFERS[3].context) is None


def test_two_codes_beside_anchors_or_none_are_left_to_the_model() -> None:
    rule = anchored_codes([*OFFERS, *OFFERS[:2]])

    assert rule.answer("Kit: - AVE05714 ReStockIt and - AVE05715 ReStockIt") is None
    assert rule.answer("Avery Labels AVE05714, 30 per sheet") is None  # beside no anchor


def test_an_anchor_often_beside_another_code_does_not_answer() -> None:
    rows = [
        ("435952-B21", "or", "436526-001", "spare", "435952-B21"),
        ("458784-B21", "with", "459493-001", "kit", "458784-B21"),
        ("419402-B21", "and", "420213-001", "board", "419402-B21"),
        ("703962-B21", "replaces", "704198-001", "fan", "704198-001"),
        ("654780-B21", "fits", "660595-001", "tray", "660595-001"),
        ("413931-B21", "then", "418217-001", "rail", "418217-001"),
        ("300876-B21", "via", "301239-001", "cage", "301239-001"),
    ]
    parts = [
        Example("Part", f"HP Xeon Part# {part}; {before} {other} {after}", label)
        for part, before, other, after, label in rows
    ]

    rule = anchored_codes(parts)

    # "Part#" anchors three labels, and stands beside the part number in every text
    assert (rule.measured.right, rule.measured.answered) == (3, 7)
    assert not rule.measured.contends
    assert rule.answer("HP Opteron Part# 700000-B21 spare") is None


def test_a_word_beside_a_single_examples_code_is_no_anchor() -> None:
    parts = [
        Example("Part", f"Server memory {word} {code} new", code)
        for word, code in [
            ("Kingston", "KVR16N11"),
            ("Crucial", "CT8G4DFS"),
            ("Samsung", "M378A1K43"),
            ("Hynix", "HMA81GU6"),
            ("Micron", "MTA8ATF1G"),
        ]
    ]

    rule = anchored_codes(parts)

    assert rule.anchors["after:new"] == 5 and rule.anchors["before:kingston"] == 1
    assert rule._anchors(None) == frozenset({"after:new"})


def test_a_field_whose_values_are_not_codes_has_no_anchors() -> None:
    colours = [
        Example("Colour", f"Chair SKU{n}00 ReStockIt, {colour}", colour)
        for n, colour in enumerate(["black", "grey", "blue", "red", "A100"])
    ]

    rule = anchored_codes(colours)

    assert not rule.anchors
    assert rule.answer("Chair SKU900 ReStockIt, black") is None


def test_a_lookup_whose_model_answers_null_gets_the_anchored_code() -> None:
    stock = Field(STOCK, "Manufacturer Stock Number", FieldType.TEXT)

    outcome = over_a_null(stock, OFFERS, "Binder Clips - ACC725X ReStockIt")

    assert (outcome.value, outcome.source) == ("ACC725X", OutcomeSource.PREPASS)
    assert outcome.confidence == anchored_codes(OFFERS).measured.confidence
