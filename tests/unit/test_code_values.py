"""The code rule of the pre-pass: a text field the catalogue fills with codes (a UPC, a part
number) answers the one code of its codes' shapes a text writes, where that measured itself
reliable on the field's own examples."""

from __future__ import annotations

from src.domain.model import Example
from src.domain.prompting.prepass.code_values import code_values, is_code

UPC = "Retail UPC"

OFFERS = [
    Example(UPC, "Deflecto Wall File Pocket - DEF73102. UPC 079916731025, 1 each", "079916731025"),
    Example(UPC, "3M Post-it Pop Up Refills 6/Pack MMMR330AP 021200726125", "021200726125"),
    Example(UPC, "Avery Binder 3 inch, 100 sheets. Item 096222, UPC 072782279127", "072782279127"),
    Example(UPC, "Pilot G2 Gel Pens 12/Box - PIL31020 043693310205 black ink", "043693310205"),
    Example(UPC, "Sharpie Markers 2012 set: UPC 071641300012, 12 colours", "071641300012"),
    Example(UPC, "Scotch Tape 3/4 x 1000 in. 810 - MMM810K6 UPC: 021200102158", "021200102158"),
    Example(UPC, "Paper Mate Pencils, 24 pack (code 2017) 071641153380", "071641153380"),
    Example(UPC, "Swingline Stapler 747 with 5000 staples; barcode 074711747012", "074711747012"),
    Example(UPC, "Post-it Easel Pad 25 x 30 in., no barcode given", None),
]


def test_the_one_code_of_a_labelled_shape_is_answered_as_written() -> None:
    rule = code_values(OFFERS)

    assert rule.measured.trusted
    assert rule.answer("Bic Round Stic pens, 60/Box GSM609BK - UPC 070330808069") == "070330808069"
    assert rule.answer("Fellowes shredder 79Ci; 043859499953 (twice: 043859499953)") == (
        "043859499953"
    )


def test_its_confidence_is_its_measured_precision_on_its_own_examples() -> None:
    rule = code_values(OFFERS)

    # each of the 8 labelled texts gives its own UPC alone; the unlabelled one gives none
    assert (rule.measured.right, rule.measured.answered) == (8, 8)
    assert rule.measured.confidence == (8 + 1) / (8 + 2)


def test_two_codes_of_the_shape_or_none_are_left_to_the_model() -> None:
    rule = code_values(OFFERS)

    assert rule.answer("Pack of two: 070330808069 and 070330808076") is None
    assert rule.answer("Bic pens GSM609BK, 60/Box") is None  # a code, of another shape
    assert rule.answer("A code glued to a word: x070330808069") is None


def test_shapes_tell_capitals_small_letters_and_digits_apart() -> None:
    stock = [
        Example("Stock", f"Item {name} - {code} ReStockIt, {n} per pack", code)
        for n, (name, code) in enumerate(
            [
                ("Stapler", "SWI74701"),
                ("Pens", "PIL31020"),
                ("Files", "DEF73102"),
                ("Tape", "MMM81012"),
                ("Pads", "MMM65412"),
                ("Binder", "AVE79130"),
                ("Clips", "ACC72380"),
                ("Labels", "AVE05160"),
            ]
        )
    ]
    rule = code_values(stock)

    assert rule.measured.trusted
    assert rule.answer("Markers - SAN30001 ReStockIt, Sharpie") == "SAN30001"
    assert rule.answer("Markers - san30001 or Sa30001") is None  # `aaa99999`, `Aa99999`


def test_a_field_whose_texts_write_other_codes_of_its_shape_is_not_trusted() -> None:
    """Model numbers of four digits among years and quantities of four digits: the rule is
    wrong on its own examples, so it never earns the right to answer."""
    guitars = [
        Example("Model", f"Guitar {model} Strings, made {year}, {year + 1} edition", str(model))
        for model, year in [(1234, 2015), (5678, 2016), (4321, 2017), (8765, 2018), (1357, 2019)]
    ]
    rule = code_values(guitars)

    assert rule.measured.answered == 0
    assert not rule.measured.trusted
    assert rule.answer("Guitar 2468 Strings") is None


def test_a_product_whose_own_label_is_left_out_needs_the_others_shapes() -> None:
    """With the only code of its shape left out, a product's own code is not found."""
    odd = [*OFFERS, Example(UPC, "Imported pens - EAN 4006381333931", "4006381333931")]
    rule = code_values(odd)

    assert rule.answer("Imported pens - EAN 4006381333931") == "4006381333931"
    assert (
        rule.answer("Imported pens - EAN 4006381333931", "Imported pens - EAN 4006381333931")
        is None
    )


def test_short_values_and_words_are_no_codes() -> None:
    sizes = [Example("Width", f"Pocket {n}w x 4d", str(n)) for n in (13, 14, 15, 16, 17, 18)]
    brands = [Example("Brand", f"{b} stapler 747", b) for b in ("Swingline", "Bostitch") * 3]

    assert not code_values(sizes).shapes
    assert not code_values(brands).shapes


def test_a_number_and_the_word_it_counts_or_measures_is_no_code() -> None:
    for size in ("12in", "6-Piece", "14-ga", "300-GB", "2.4GHz", "5/8w", "115v"):
        assert not is_code(size), size
    for code in ("TKSS-3012", "435952-B21", "100BCS158", "AP732B", "4006381333931", "G3399"):
        assert is_code(code), code
