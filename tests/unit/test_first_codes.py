"""The first code rule of the pre-pass: a text field whose labelled values are the first code of
their own texts answers a text's first code, where that measured itself reliable on the field's
own examples."""

from __future__ import annotations

from src.domain.model import Example, Field, FieldType, OutcomeSource
from src.domain.prompting.prepass.first_codes import first_code, first_codes
from tests.support.conversation_lookup import over_a_null

STOCK = "PAVE-Home_And_Garden_Manufacturer_Stock_Number"

OFFERS = [
    Example(STOCK, "Hoshizaki FS-1500MLH-C Ice Maker, Nugget-Style, 1491-lb", "FS-1500MLH-C"),
    Example(STOCK, "Perlick TSD48IC10 48-in Ice Chest w/ 10-Circuit Cold Plate", "TSD48IC10"),
    Example(STOCK, "Montague Company 136XLB/UFLC-36R Range, 36in Heavy Duty", "136XLB/UFLC-36R"),
    Example(STOCK, "Advance Tabco DTC-3-2020-120R Dishtable, With Potsinks", "DTC-3-2020-120R"),
    Example(STOCK, "Cambro 100BCS158 Booster Seat, Plastic", "100BCS158"),
    Example(STOCK, "John Boos ST6-2460GSK Work Table, 54in - 62in", "ST6-2460GSK"),
    Example(STOCK, "Waterford 40003519 Lismore Vase, 8in", None),
]


def test_the_first_code_of_a_text_is_read_as_written() -> None:
    assert first_code("Elkay WMMS-18-24X 24in Solid Wall Shelving, 1200 W") == "WMMS-18-24X"
    assert first_code("Vase, 9 in, Waterford") is None  # "9" is too short to be a code


def test_a_number_and_the_word_it_counts_is_not_a_code() -> None:
    assert first_code("Kitchen Black 6-Piece Knife Block Set, 12in, 14-ga") is None
    assert first_code("Alera Valencia Hutch, 70 5/8w x 11 3/4d, ALEVA267212MC") == "ALEVA267212MC"


def test_a_field_whose_labels_are_their_texts_first_codes_answers_it() -> None:
    rule = first_codes(OFFERS)

    # the vase's "40003519" is its first code, and it is labelled null
    assert (rule.measured.right, rule.measured.answered) == (6, 7)
    assert rule.measured.contends and not rule.measured.trusted
    assert rule.answer("Rubbermaid FG9W3200SSBL Mounted Receptacle, 1200 Butt") == "FG9W3200SSBL"


def test_a_field_whose_labels_are_other_codes_does_not_answer() -> None:
    upcs = [
        Example("UPC", f"Avery AVE{n}0 Labels, 30/Sheet, UPC 07278{n}0001{n}", f"07278{n}0001{n}")
        for n in range(1, 8)
    ]

    rule = first_codes(upcs)

    assert (rule.measured.right, rule.measured.answered) == (0, 7)
    assert not rule.measured.contends
    assert rule.answer("Avery AVE90 Labels, UPC 072789000199") is None


def test_a_lookup_whose_model_answers_null_gets_the_first_code() -> None:
    stock = Field(STOCK, "Manufacturer Stock Number", FieldType.TEXT)

    outcome = over_a_null(stock, OFFERS, "Vollrath 40755 Steam Table Pan, Full-Size, 6in")

    assert (outcome.value, outcome.source) == ("40755", OutcomeSource.PREPASS)
    assert outcome.confidence == first_codes(OFFERS).measured.confidence
