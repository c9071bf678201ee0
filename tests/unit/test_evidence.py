"""Evidence: where a value stands in its product text, in code points of the text as sent."""

from __future__ import annotations

import pytest

from src.domain.evidence.folding import folded_text
from src.domain.evidence.locate import locate_evidence
from src.domain.model import Field, FieldType
from src.domain.model.evidence import Evidence

POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")
LENGTH = Field("EF000008", "longueur", FieldType.NUMBER, unit="cm")
COLOUR = Field(
    "EF000007", "couleur", FieldType.SELECT, options=("chromé", "blanc", "acier inoxydable")
)
BRAND = Field("EF000588", "marque", FieldType.TEXT)
DIMMABLE = Field("EF000137", "dimmable", FieldType.BOOLEAN)


def spans(evidence: Evidence) -> list[tuple[int, int, str]]:
    return [(span.start, span.end, span.text) for span in evidence.spans]


def test_a_converted_number_points_at_the_number_as_written() -> None:
    text = "Moteur asynchrone 1,5 kW 230 V"

    evidence = locate_evidence(POWER, text, 1500)

    assert spans(evidence) == [(18, 24, "1,5 kW")]
    assert text[18:24] == "1,5 kW"
    assert evidence.verbatim is False


def test_a_number_as_written_is_verbatim_with_its_unit() -> None:
    evidence = locate_evidence(POWER, "Lampe 60X103 12V 40W E27", 40)

    assert spans(evidence) == [(17, 20, "40W")]
    assert evidence.verbatim is True


def test_a_number_in_another_unit_of_its_kind_is_found_converted() -> None:
    text = "Vasque 170 x 75 cm, hauteur 1248 mm"

    assert spans(locate_evidence(LENGTH, text, 124.8)) == [(28, 35, "1248 mm")]
    assert spans(locate_evidence(LENGTH, text, 170)) == [(7, 10, "170")]


def test_a_dimensions_unit_converts_each_of_its_numbers() -> None:
    width = Field("EF000009", "largeur", FieldType.NUMBER, unit="mm")

    assert spans(locate_evidence(width, "Plan de travail 60 x 40 cm", 600)) == [(16, 18, "60")]


def test_a_converted_number_is_found_within_a_millionth_of_the_value() -> None:
    assert spans(locate_evidence(POWER, "Moteur 1,5 kW", 1500.0001)) == [(7, 13, "1,5 kW")]
    assert locate_evidence(POWER, "Moteur 1,5 kW", 1500.01) == Evidence()


def test_a_number_the_text_does_not_give_has_no_evidence() -> None:
    assert locate_evidence(POWER, "Lampe 60X103 12V 40W E27", 60.5) == Evidence()
    assert locate_evidence(POWER, "Lampe 12V 40W", 4) == Evidence()  # not a digit of "40"


def test_digits_inside_a_code_are_the_last_resort() -> None:
    assert spans(locate_evidence(POWER, "Lampe 60X103 12V 40W E27", 103)) == [(9, 12, "103")]


def test_french_accents_give_offsets_in_the_original_text() -> None:
    text = "Robinet thermostatique éco, finition CHROMÉ, poignée chromée"

    evidence = locate_evidence(COLOUR, text, "chromé")

    assert spans(evidence) == [(37, 43, "CHROMÉ")]  # "chromée" is another word
    assert evidence.verbatim is False  # written in capitals


def test_decomposed_accents_are_kept_whole_in_the_span() -> None:
    text = "Mitigeur chrome\u0301 brillant"  # "é" written as e + combining acute

    [span] = locate_evidence(COLOUR, text, "chromé").spans

    assert (span.start, span.end) == (9, 16)
    assert span.text == "chrome\u0301"


def test_cjk_offsets_count_code_points() -> None:
    text = "飞利浦 LED 灯泡 9W 暖白光, Philips"

    assert spans(locate_evidence(POWER, text, 9)) == [(11, 13, "9W")]
    assert spans(locate_evidence(BRAND, text, "Philips")) == [(19, 26, "Philips")]


def test_emoji_count_as_one_code_point_each() -> None:
    text = "🔥🔥 Radiateur 1 200 W 👍 blanc"

    assert spans(locate_evidence(POWER, text, 1200)) == [(13, 20, "1 200 W")]
    assert spans(locate_evidence(COLOUR, text, "blanc")) == [(23, 28, "blanc")]


def test_a_text_value_is_found_across_case_and_spacing() -> None:
    text = "Ampoule PHILIPS  lighting E27"

    evidence = locate_evidence(BRAND, text, "Philips Lighting")

    assert spans(evidence) == [(8, 25, "PHILIPS  lighting")]
    assert evidence.verbatim is False
    assert locate_evidence(BRAND, "Ampoule Philips Lighting", "Philips Lighting").verbatim is True


def test_a_singular_value_points_at_its_plural_as_a_whole_word() -> None:
    """A known value answered as the catalogue labels it: "Men" read in "Mens", not in
    "Womens"."""
    gender = Field("G", "Gender", FieldType.TEXT)

    evidence = locate_evidence(gender, "Snapback Hat Womens Mens Hip Hop", "Men")

    assert spans(evidence) == [(20, 24, "Mens")]
    assert evidence.verbatim is False


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        # a word's edge is kept where the value has a letter or digit, not beside its symbols
        ("Réfrigérateur classe A+, réf. XA+200", "A+", [(21, 23, "A+")]),
        ("Gamme LED+ et LED+Pro", "LED+", [(6, 10, "LED+"), (14, 18, "LED+")]),
        ("Lampe+Plus+E27", "+Plus+", [(5, 11, "+Plus+")]),
        # found inside a word only when it stands nowhere as a word of its own
        ("Ampoule MegaPhilipsLux", "Philips", [(12, 19, "Philips")]),
        # a plural: an s more after its last letter, whatever comes before it
        ("2 USB-Cs pour E-Bikes", "USB-C", [(2, 8, "USB-Cs")]),
        ("2 USB-Cs pour E-Bikes", "E-Bike", [(14, 21, "E-Bikes")]),
    ],
)
def test_a_text_value_is_found_as_a_word_where_its_letters_and_digits_end(
    text: str, value: str, expected: list[tuple[int, int, str]]
) -> None:
    assert spans(locate_evidence(BRAND, text, value)) == expected


def test_a_text_value_the_text_does_not_hold_is_never_given_a_span() -> None:
    assert locate_evidence(BRAND, "Ampoule E27 40W", "Osram") == Evidence()
    assert locate_evidence(BRAND, "Lampe None E27", None) == Evidence()  # no value: nothing


def test_a_select_option_of_several_words() -> None:
    text = "Évier en Acier Inoxydable brossé"

    assert spans(locate_evidence(COLOUR, text, "acier inoxydable")) == [(9, 25, "Acier Inoxydable")]


def test_a_boolean_points_at_the_attributes_words() -> None:
    assert spans(locate_evidence(DIMMABLE, "LED bulb, Dimmable, E27", True)) == [
        (10, 18, "Dimmable")
    ]
    assert locate_evidence(DIMMABLE, "LED bulb E27", False) == Evidence()


@pytest.mark.parametrize(
    ("field", "text", "value", "expected"),
    [
        (POWER, "Moteur 1,5 kW", 1500, [(7, 13, "1,5 kW")]),
        (POWER, "Ampoule 40 W, 40W max", 40, [(8, 12, "40 W"), (14, 17, "40W")]),
        (COLOUR, "Évier blanc 😀 blanc", "blanc", [(6, 11, "blanc"), (14, 19, "blanc")]),
        (BRAND, "l'Oréal Paris — L'ORÉAL", "L'Oréal", [(0, 7, "l'Oréal"), (16, 23, "L'ORÉAL")]),
    ],
)
def test_every_occurrence_is_given_at_its_offsets(
    field: Field, text: str, value: object, expected: list[tuple[int, int, str]]
) -> None:
    assert spans(locate_evidence(field, text, value)) == expected  # type: ignore[arg-type]
    assert all(text[start:end] == written for start, end, written in expected)


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("Lampe Fuß Leuchten, 12 W", "Fuss", (6, 9, "Fuß")),  # ß folds to ss
        ("Lampe Fuß Leuchten, 12 W", "FUSS LEUCHTEN", (6, 18, "Fuß Leuchten")),
        ("Weiß, 12 W", "weiss", (0, 4, "Weiß")),
        ("Ampoule connectée Wiﬁ E27", "WiFi", (18, 21, "Wiﬁ")),  # the ligature ﬁ folds to fi
        ("Ampoule ﬁlament E27", "filament", (8, 15, "ﬁlament")),
        ("Lamba İZMİR E27, ışık", "izmir", (6, 11, "İZMİR")),  # İ folds to i (its dot dropped)
    ],
)
def test_a_letter_that_folds_to_several_spans_only_itself(
    text: str, value: str, expected: tuple[int, int, str]
) -> None:
    """The folded copy is longer than the text; the span's offsets are still the text's."""
    assert spans(locate_evidence(BRAND, text, value)) == [expected]
    start, end, written = expected
    assert text[start:end] == written


DOSES = Field("EF009999", "nombre de doses", FieldType.NUMBER, unit="doses")
"""A unit no other field knows: only this field's evidence keeps it after the number."""


def test_fields_reading_the_same_text_each_keep_their_own_unit() -> None:
    text = "Distributeur 120 doses, 40 W, 230 V"

    assert spans(locate_evidence(POWER, text, 120)) == [(13, 16, "120")]
    assert spans(locate_evidence(DOSES, text, 120)) == [(13, 22, "120 doses")]
    assert spans(locate_evidence(POWER, text, 120)) == [(13, 16, "120")]
    assert spans(locate_evidence(POWER, text, 40)) == [(24, 28, "40 W")]


def test_a_code_read_after_a_stand_alone_number_of_the_same_text() -> None:
    text = "Lampe 60X103 12V 40W E27, lot 7"

    assert spans(locate_evidence(POWER, text, 40)) == [(17, 20, "40W")]
    assert spans(locate_evidence(LENGTH, text, 103)) == [(9, 12, "103")]
    assert spans(locate_evidence(POWER, text, 27)) == [(22, 24, "27")]


def test_number_fields_reading_one_text_each_find_their_own_value() -> None:
    """Every number field of a lookup looks for its value in the same text (its stand-alone
    numbers are read once for all of them): each still gets its own spans, and the digits
    inside a code only when no stand-alone number holds the value."""
    text = "Projecteur 2 x 18 W, 1 600 lm, 4000 K, IP65, réf. 77-1234"

    assert spans(locate_evidence(POWER, text, 18)) == [(15, 19, "18 W")]
    assert spans(locate_evidence(LENGTH, text, 18)) == [(15, 19, "18 W")]
    assert spans(locate_evidence(DOSES, text, 1600)) == [(21, 29, "1 600 lm")]
    assert spans(locate_evidence(POWER, text, 18)) == [(15, 19, "18 W")]
    assert spans(locate_evidence(POWER, text, 1234)) == [(53, 57, "1234")]  # digits of a code
    assert spans(locate_evidence(POWER, text, 4000)) == [(31, 37, "4000 K")]


def test_what_a_search_reads_of_its_field_and_value_is_part_of_what_it_remembers() -> None:
    text = "Lot de 1 lampe 40 W, dimmable, étanche"
    waterproof = Field("EF000200", "étanche (IP)", FieldType.BOOLEAN)

    assert spans(locate_evidence(POWER, text, 1)) == [(7, 8, "1")]
    assert locate_evidence(POWER, text, True) == Evidence()  # True is no number, though == 1
    assert spans(locate_evidence(DIMMABLE, text, True)) == [(21, 29, "dimmable")]
    assert spans(locate_evidence(waterproof, text, True)) == [(31, 38, "étanche")]
    assert spans(locate_evidence(LENGTH, text, 0.4)) == []  # W is not a length
    assert spans(locate_evidence(POWER, text, 0.04)) == []


@pytest.mark.parametrize(
    "text", ["Marque :\t\tACME \n Corp, lampe", "Marque :\t\tACME \n Corp, lampé"]
)
def test_white_space_folds_alike_in_ascii_and_other_texts(text: str) -> None:
    """ASCII texts fold without going character by character: the same spans as the others."""
    assert spans(locate_evidence(BRAND, text, "acme corp")) == [(10, 21, "ACME \n Corp")]
    assert folded_text(text).folded[:20] == "marque : acme corp, "
    # each folded character's place in the text; a run of white space, its first character's
    assert folded_text(text).origins == (*range(0, 9), *range(10, 15), *range(17, 28))
