"""Numbers held to the text: the candidates read for a number field, and the answer grammar
that holds the model to them."""

from __future__ import annotations

from src.domain.model import Field, FieldType
from src.domain.prompting.chain_of_thought import FewShotChainOfThought, NumbersFromText
from src.domain.prompting.prepass.candidates import number_candidates

HEIGHT_CM = Field("EF000040", "hauteur (cm)", FieldType.NUMBER, unit="cm")
WIDTH_MM = Field("EF000008", "largeur (mm)", FieldType.NUMBER, unit="mm")
FREEZER = Field("EF000769", "capacite utile du freezer (l)", FieldType.NUMBER, unit="l")
SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
CHAIN_OF_THOUGHT = NumbersFromText(FewShotChainOfThought(k=2))


def test_the_numbers_after_the_attributes_words_come_alone_and_converted() -> None:
    assert number_candidates(HEIGHT_CM, "Radiateur, hauteur 1248 mm, largeur 550 mm") == [
        1248,
        124.8,
    ]
    assert number_candidates(WIDTH_MM, "Baignoire, largeur 75 cm") == [75, 750]


def test_without_the_attributes_words_every_number_of_the_text_is_a_candidate() -> None:
    assert number_candidates(FREEZER, "Combiné intégrable 271L (198/73)") == [271, 198, 73]
    assert number_candidates(WIDTH_MM, "Pack WC blanc") == []


def test_the_grammar_holds_number_answers_to_the_candidates() -> None:
    schema = CHAIN_OF_THOUGHT.answer_schema(HEIGHT_CM, "Radiateur hauteur 400mm, largeur 2700mm")
    assert schema["properties"]["value"] == {"enum": [400, 40, None]}
    assert schema["required"] == ["value"]
    assert (
        CHAIN_OF_THOUGHT.name == "few_shot+text_numbers"
        and CHAIN_OF_THOUGHT.examples_per_field == 2
    )


def test_other_fields_and_texts_without_numbers_keep_the_typed_schema() -> None:
    plain = FewShotChainOfThought(k=2)
    assert CHAIN_OF_THOUGHT.answer_schema(SOCKET, "Ampoule E27 40W") == plain.answer_schema(SOCKET)
    assert CHAIN_OF_THOUGHT.answer_schema(WIDTH_MM, "Pack WC blanc") == plain.answer_schema(
        WIDTH_MM
    )
    assert CHAIN_OF_THOUGHT.parse(HEIGHT_CM, '{"value": 400}').value == 400


def test_numbers_after_the_words_in_another_kind_of_unit_do_not_count() -> None:
    cable = Field("EF000047", "longueur du câble (m)", FieldType.NUMBER, unit="m")
    # "3G2,5" follows "câble" but 3 g is no length: the text's other numbers are the candidates,
    # and of those 3 g is no length either, and 2,5 is glued to the code's G
    assert number_candidates(cable, "Câble rigide 3G2,5 mm², couronne 50 m") == [50]


def test_a_codes_digits_and_numbers_in_another_kind_of_unit_are_no_candidates() -> None:
    length = Field("EF001438", "longueur (cm)", FieldType.NUMBER, unit="cm")
    text = "Regg. 3010 Int. 11KV 900x1000, Puissance 1292W, entraxe 50 mm, 10 bar, RAL9016"
    assert number_candidates(length, text) == [3010, 900, 1000, 50, 5]
    lamp = Field("EF000369", "longueur totale (m)", FieldType.NUMBER, unit="m")
    assert number_candidates(lamp, "Lampe incandescente forme Tube 23X60 130V 25W E14") == [23, 60]


def test_units_of_one_kind_convert_beyond_lengths_and_masses() -> None:
    voltage = Field("EF000044", "tension (V)", FieldType.NUMBER, unit="V")
    assert number_candidates(voltage, "Transformateur 11KV") == [11, 11000]


def test_a_text_whose_numbers_are_none_the_field_may_answer_allows_only_null() -> None:
    capacity = Field("EF008002", "capacite utile (l)", FieldType.NUMBER, unit="l")
    schema = CHAIN_OF_THOUGHT.answer_schema(capacity, "DOS7585X  DD FOUR COMBISTE. PYRO A+ INOX")
    assert schema["properties"]["value"] == {"enum": [None]}


def test_a_dimension_strings_unit_is_every_one_of_its_numbers() -> None:
    length = Field("EF001438", "longueur (mm)", FieldType.NUMBER, unit="mm")
    # (190 litres is a volume: no candidate for a length)
    assert number_candidates(length, "Baignoire 170 x 75 cm, 190 litres") == [170, 1700, 75, 750]
