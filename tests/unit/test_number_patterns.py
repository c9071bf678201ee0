"""The number pattern rule of the pre-pass: a text field whose labelled values are numbers in
the field's own wording ("12/Pack", "300-GB") answers the one value its text writes in such a
wording, where that measured itself reliable on the field's own examples."""

from __future__ import annotations

from src.domain.model import Example, Field, FieldType, OutcomeSource
from src.domain.prompting.prepass.number_patterns import number_patterns, pattern_of
from tests.support.conversation_lookup import over_a_null

PACK = "PAVE-Office_Products_Pack_Quantity"

OFFERS = [
    Example(PACK, "Dry Erase Wipes, 5 x 10, 50/Pack Wipes by Universal UNV43660", "50/Pack"),
    Example(PACK, "Pop Up Note Pad Refills 3M Refills 6/Pack - MMMR330AP", "6/Pack"),
    Example(PACK, "Self-Stick Index Tabs Nos 11-20, 1 inch, White, 104/Pack", "104/Pack"),
    Example(PACK, "Original Pads, Lined, 4 x 6, 12/Pack Yellow by Post-it", "12/Pack"),
    Example(PACK, "Hanging File Folders, Letter, Green, 25/Pack - PFX81520", "25/Pack"),
    Example(PACK, "Strung Shipping Tags, 13pt. Stock, Manila, 1,000/Box Tags", "1,000/Box"),
    Example(PACK, "Binder Clips, Small, 12/Box - ACC72010 ReStockIt", "12/Box"),
    Example(PACK, "Phone Call Book, 2 3/4 x 5, Two-Part, 400 Forms Book", "400 Forms"),
    Example(PACK, "Desk Pad, 22 x 17, Black - AAGSW20000", None),
]


def test_a_values_pattern_reads_each_number_as_a_hash_whatever_case_and_spaces() -> None:
    assert pattern_of("12/Pack") == ("#", "/", "pack")
    assert pattern_of("1,000 / box") == ("#", "/", "box")
    assert pattern_of("2.4GHz") == pattern_of("2.4 ghz") == ("#", "ghz")
    assert pattern_of("14k rose gold") == ("#", "k", "rose", "gold")


def test_values_without_a_number_or_a_word_or_too_long_have_no_pattern() -> None:
    assert pattern_of("Stainless Steel") is None
    assert pattern_of('3 1/2"') is None
    assert pattern_of("YA1234") is None  # a code: its shape is the code rule's
    assert pattern_of("435952-B21") is None
    assert pattern_of("2 x 4 cm") is None  # a size: two numbers
    assert pattern_of("400GB Native/800GB Compressed") is None  # seven pieces


def test_the_one_value_in_a_labelled_pattern_is_answered_as_written() -> None:
    rule = number_patterns(OFFERS)

    assert rule.labelled[("#", "/", "pack")] == 5 and rule.labelled[("#", "/", "box")] == 2
    assert rule.measured.contends
    assert rule.answer("Sticky Notes, 3 x 3, Yellow, 24 / pack - MMM654") == "24 / pack"
    assert rule.answer("Paper Clips, Jumbo, 100/Box Clips") == "100/Box"


def test_of_several_values_the_most_labelled_pattern_wins_and_a_tie_is_doubt() -> None:
    rule = number_patterns(OFFERS)

    assert rule.answer("Labels 30/Sheet, 12/Pack, 6/Box") == "12/Pack"
    assert rule.answer("Labels 12/Pack, also sold 6/Pack") is None
    assert rule.answer("Tabs, 400 Forms, 12/Pack") == "12/Pack"  # "# forms" is labelled once


def test_its_confidence_is_its_measured_precision_with_each_examples_pattern_left_out() -> None:
    rule = number_patterns(OFFERS)

    # leaving one out, "#/box" is labelled once: those two examples are not answered
    assert (rule.measured.right, rule.measured.answered) == (5, 5)
    assert rule.answer(OFFERS[5].context, exclude_context=OFFERS[5].context) is None
    assert rule.answer(OFFERS[5].context) == "1,000/Box"


def test_a_number_glued_to_a_word_or_inside_a_longer_value_is_not_answered() -> None:
    gold = [
        Example("Metal", f"Ring {n} in {metal}", metal)
        for n, metal in enumerate(["14k white gold", "18k white gold", "14k rose gold"] * 3)
    ]
    rule = number_patterns([*gold, Example("Metal", "Band in platinum", None)])

    assert rule.answer("Halo ring, 18k white gold, 2.1ct") == "18k white gold"
    assert rule.answer("Halo ring, 18k white golden tone") is None
    assert rule.answer("Halo ring AB14k white gold") is None


def test_a_wording_the_texts_give_other_numbers_in_does_not_answer() -> None:
    sizes = [
        Example("Capacity", f"Drive {size}GB cache {cache}GB", f"{size}GB")
        for size, cache in [(300, 2), (146, 4), (600, 8), (900, 2), (72, 1), (36, 4)]
    ]

    rule = number_patterns(sizes)

    assert rule.measured.answered == 0
    assert not rule.measured.contends
    assert rule.answer("Drive 450GB") is None


def test_a_lookup_whose_model_answers_null_gets_the_value_in_the_fields_wording() -> None:
    pack = Field(PACK, "Pack Quantity", FieldType.TEXT)

    outcome = over_a_null(pack, OFFERS, "Correction Tape, White, 10/Pack - PAP87829")

    assert (outcome.value, outcome.source) == ("10/Pack", OutcomeSource.PREPASS)
    assert outcome.confidence == number_patterns(OFFERS).measured.confidence


def test_a_value_inside_a_longer_one_does_not_count_however_labelled() -> None:
    karats = [
        Example("Metal", f"Band {n}, solid {k}k", f"{k}k") for n, k in enumerate([10, 14] * 3)
    ]
    whites = [
        Example("Metal", f"Ring {n}, {k}k white gold", f"{k}k white gold")
        for n, k in enumerate([14, 18])
    ]

    rule = number_patterns([*karats, *whites, *whites])

    assert rule.labelled[("#", "k")] == 6 and rule.labelled[("#", "k", "white", "gold")] == 4
    assert rule.answer("Halo ring, 18k white gold, 2.1ct") == "18k white gold"
