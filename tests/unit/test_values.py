"""The value rules: what a model said about a field becomes a typed value, or a status saying why
not."""

from __future__ import annotations

import pytest

from src.domain.model import Field, FieldType, OutcomeStatus
from src.domain.model.values import coerce, parse_number

NUMBER = Field("EF000001", "Puissance", FieldType.NUMBER, unit="W")
COLOUR = Field("EF000002", "Couleur", FieldType.SELECT, options=("Blanc", "Chromé", "Noir"))
SWITCH = Field("EF000003", "Interrupteur", FieldType.SELECT, options=("avec", "sans", "aucun"))
VOLTAGE = Field("EF000004", "Tension", FieldType.SELECT, options=("12", "230"))
DIMMABLE = Field("EF000005", "Dimmable", FieldType.BOOLEAN)
MATERIAL = Field("EF000006", "Matériau", FieldType.TEXT)

ALL_FIELDS = [NUMBER, COLOUR, DIMMABLE, MATERIAL]


def ok(value: object) -> tuple[object, OutcomeStatus]:
    return value, OutcomeStatus.OK


NOT_FOUND = (None, OutcomeStatus.NOT_FOUND)
INVALID = (None, OutcomeStatus.INVALID_OUTPUT)


def parsed(field: Field, answer: object) -> tuple[object, OutcomeStatus]:
    result = coerce(field, answer)
    return result.value, result.status


# --- parse_number ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3493,8", 3493.8),
        ("3493.8", 3493.8),
        ("1 200", 1200),
        ("1\u00a0200", 1200),
        ("1 200,5", 1200.5),
        ("40W", 40),
        ("40 W", 40),
        ("40 kWh/an", 40),
        ("-5", -5),
        ("−5", -5),
        ("+5", 5),
        ("12.0", 12),
        ("12,00", 12),
        ("0,5", 0.5),
        ("  7  ", 7),
    ],
)
def test_parse_number_reads_one_number_with_an_optional_unit(text: str, expected: float) -> None:
    number = parse_number(text)

    assert number == expected
    assert type(number) is type(expected)


@pytest.mark.parametrize("text", ["12V 40W", "abc", "", "W40", "1,2,3", "between 10 and 20"])
def test_parse_number_gives_none_when_the_text_is_not_one_number(text: str) -> None:
    assert parse_number(text) is None


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("3493,8", 3493.8),
        ("1 200", 1200),
        ("40W", 40),
        ("40 W", 40),
        ("-5", -5),
        (" 12 ", 12),
        (40, 40),
        (3.5, 3.5),
        (12.0, 12),
        (-2, -2),
    ],
)
def test_a_number_field_reads_strings_and_json_numbers(answer: object, expected: float) -> None:
    value, status = parsed(NUMBER, answer)

    assert (value, status) == ok(expected)
    assert type(value) is type(expected)


def test_a_whole_float_becomes_an_int() -> None:
    value, _ = parsed(NUMBER, 12.0)

    assert value == 12
    assert isinstance(value, int)


@pytest.mark.parametrize(
    "answer",
    [True, False, "12V 40W", "abc", float("nan"), float("inf"), float("-inf"), [40], {"v": 1}],
)
def test_a_number_field_rejects_what_is_not_one_number(answer: object) -> None:
    assert parsed(NUMBER, answer) == INVALID


# --- selects -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Blanc", "Blanc"),
        ("blanc", "Blanc"),
        ("BLANC", "Blanc"),
        ("  noir ", "Noir"),
        ("CHROME", "Chromé"),
        ("chrome", "Chromé"),
        ("Chromé.", "Chromé"),
    ],
)
def test_a_select_matches_its_option_ignoring_case_and_accents(answer: str, expected: str) -> None:
    assert parsed(COLOUR, answer) == ok(expected)


def test_a_select_gives_the_option_as_stored_not_as_the_model_wrote_it() -> None:
    value, _ = parsed(COLOUR, "chrome")

    assert value == "Chromé"


@pytest.mark.parametrize(
    "answer", ["Rouge", "blanc noir", "Blanc | Noir", "Blanc, Noir", "Blanc cassé", True]
)
def test_a_select_rejects_anything_but_exactly_one_of_its_options(answer: object) -> None:
    assert parsed(COLOUR, answer) == INVALID


def test_a_select_whose_answer_matches_two_options_is_invalid() -> None:
    ambiguous = Field("EF000007", "Finition", FieldType.SELECT, options=("Chromé", "chrome"))

    assert parsed(ambiguous, "CHROME") == INVALID


@pytest.mark.parametrize(
    ("answer", "expected"), [("sans", "sans"), ("Aucun", "aucun"), ("AVEC", "avec")]
)
def test_an_option_that_is_also_a_not_found_word_is_still_an_option(
    answer: str, expected: str
) -> None:
    assert parsed(SWITCH, answer) == ok(expected)


def test_a_select_with_numeric_options_accepts_a_json_number() -> None:
    assert parsed(VOLTAGE, 230) == ok("230")


def test_a_json_boolean_is_no_option_even_one_written_true() -> None:
    written = Field("EF000005", "Marquage", FieldType.SELECT, options=("True", "Vrai"))

    assert parsed(written, True) == INVALID
    assert parsed(written, "true") == ok("True")


@pytest.mark.parametrize("answer", [None, "inconnu", "N/A", "null", ""])
def test_a_select_answered_with_a_not_found_word_is_not_found(answer: object) -> None:
    assert parsed(COLOUR, answer) == NOT_FOUND


# --- booleans ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("oui", True),
        ("Oui.", True),
        ("non", False),
        ("yes", True),
        ("no", False),
        ("vrai", True),
        ("faux", False),
        ("true", True),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        (True, True),
        (False, False),
        (1, True),
        (0, False),
    ],
)
def test_a_boolean_field_reads_yes_and_no_in_french_and_english(
    answer: object, expected: bool
) -> None:
    value, status = parsed(DIMMABLE, answer)

    assert (value, status) == ok(expected)
    assert type(value) is bool


@pytest.mark.parametrize("answer", ["peut-être", "maybe", 2, 0.5, ["oui"]])
def test_a_boolean_field_rejects_what_is_neither_true_nor_false(answer: object) -> None:
    assert parsed(DIMMABLE, answer) == INVALID


@pytest.mark.parametrize("answer", [None, "inconnu", "N/A"])
def test_a_boolean_field_answered_with_nothing_is_not_found(answer: object) -> None:
    assert parsed(DIMMABLE, answer) == NOT_FOUND


# --- text --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("  Acier   inoxydable \n", "Acier inoxydable"),
        ("Verre\tdépoli", "Verre dépoli"),
        ("Laiton", "Laiton"),
        (12, "12"),
    ],
)
def test_a_text_field_is_trimmed_with_whitespace_collapsed(answer: object, expected: str) -> None:
    assert parsed(MATERIAL, answer) == ok(expected)


@pytest.mark.parametrize("answer", [True, ["Laiton"], {"value": "Laiton"}])
def test_a_text_field_rejects_what_is_not_text(answer: object) -> None:
    assert parsed(MATERIAL, answer) == INVALID


# --- not found, for every type -----------------------------------------------------------------


@pytest.mark.parametrize(
    "answer", ["inconnu", "Inconnu", "N/A", "n/a", "null", None, "", "   ", "non précisé"]
)
@pytest.mark.parametrize("field", ALL_FIELDS, ids=lambda field: field.type.value)
def test_a_not_found_word_gives_not_found(field: Field, answer: object) -> None:
    assert parsed(field, answer) == NOT_FOUND
