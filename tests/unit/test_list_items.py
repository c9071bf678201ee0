"""Each item of a list value: its confidence from the tokens that wrote it, its evidence, its
review flag; and several texts held to spans of their text."""

from __future__ import annotations

import pytest

from src.domain.confidence.answer import written_items
from src.domain.confidence.items import item_confidences, least
from src.domain.confidence.tokens import TokenProbability
from src.domain.lookup.cache import CachedAnswer
from src.domain.model import Field, FieldOutcome, FieldType, ListItem, OutcomeStatus
from src.domain.model.evidence import Evidence, Span
from src.domain.model.kinds import MAX_ITEMS
from src.domain.model.kinds.text import SPANS_OF
from src.domain.model.values import ParsedValue
from src.domain.prompting.chain_of_thought.json_answer import parse_answer
from src.domain.prompting.chain_of_thought.text_numbers import text_number_schema
from src.domain.prompting.chain_of_thought.text_spans import MAX_TEXT, text_span_schema
from src.domain.trust.annotate import with_trust

CERTIFICATIONS = Field(
    "EF009002", "Certifications", FieldType.SELECT, ("CE", "RoHS", "UL"), multiple=True
)
MATERIALS = Field("EF009004", "Matériaux", FieldType.TEXT, multiple=True)
TEXT = "Boîtier en polycarbonate et aluminium, certifié CE et RoHS."


def tokens(*written: tuple[str, float]) -> list[TokenProbability]:
    return [TokenProbability(text, p) for text, p in written]


def test_each_item_counts_the_tokens_that_chose_it_and_spelled_it() -> None:
    answer = tokens(('{"value":', 1.0), (" [", 0.8), ('"CE', 0.9), ('",', 0.5), (' "RoHS"]}', 0.4))

    found = written_items(answer, '{"value": ["CE", "RoHS"]}')

    assert found is not None
    assert [item for item, _ in found] == ["CE", "RoHS"]
    # CE: the opening `[` (a list, not null), its letters and its closing quote
    assert found[0][1] == pytest.approx(0.8 * 0.9 * 0.5)
    # RoHS: the token that closed CE and chose one more item, then its own
    assert found[1][1] == pytest.approx(0.5 * 0.4)


def test_items_are_read_under_a_products_key_or_as_a_bare_list() -> None:
    product = '{"EF1": 40, "EF009002": ["UL"]}'
    bare = ' ["acier inoxydable", "verre"]'

    assert written_items(tokens((product, 0.7)), product, "EF009002") == [("UL", 0.7)]
    assert written_items(tokens((bare, 0.6)), bare, None) == [
        ("acier inoxydable", 0.6),
        ("verre", 0.6),
    ]


def test_no_list_no_probabilities_or_other_tokens_give_no_items() -> None:
    raw = '{"value": ["CE"]}'

    assert written_items(None, raw) is None
    assert written_items(tokens(('{"value": ["UL"]}', 0.9)), raw) is None
    assert written_items(tokens(('{"value": "CE"}', 0.9)), '{"value": "CE"}') is None


def test_a_list_cut_short_keeps_the_items_written_whole() -> None:
    raw = '{"value": ["CE", "Ro'

    assert written_items(tokens((raw, 0.9)), raw) == [("CE", 0.9)]


def test_each_item_of_the_value_takes_the_confidence_of_its_first_writing() -> None:
    raw = '{"value": ["ce", "RoHS", "CE"]}'
    answer = tokens(('{"value": ["ce"', 0.9), (', "RoHS"', 0.3), (', "CE"]}', 0.2))

    items = item_confidences(CERTIFICATIONS, ["CE", "RoHS"], answer, raw, "value")

    assert items == (ListItem("CE", pytest.approx(0.9)), ListItem("RoHS", pytest.approx(0.3)))
    assert least(items) == pytest.approx(0.3)


def test_without_token_probabilities_items_and_the_list_have_no_confidence() -> None:
    items = item_confidences(CERTIFICATIONS, ["CE"], None, '{"value": ["CE"]}', "value")

    assert items == (ListItem("CE", None),) and least(items) is None


def listed(confidence: float | None, items: tuple[ListItem, ...] | None = None) -> FieldOutcome:
    return FieldOutcome(
        CERTIFICATIONS.code,
        ["CE", "RoHS"],
        OutcomeStatus.OK,
        confidence=confidence,
        items=items,
    )


def test_each_item_is_located_and_flagged_under_the_threshold_and_the_list_with_it() -> None:
    outcome = listed(0.4, (ListItem("CE", 0.95), ListItem("RoHS", 0.4)))

    trusted = with_trust(outcome, CERTIFICATIONS, TEXT, 0.5)

    ce, rohs = TEXT.index("CE"), TEXT.index("RoHS")
    assert trusted.items == (
        ListItem("CE", 0.95, Evidence((Span(ce, ce + 2, "CE"),), verbatim=True), False),
        ListItem("RoHS", 0.4, Evidence((Span(rohs, rohs + 4, "RoHS"),), verbatim=True), True),
    )
    assert trusted.review is True
    assert [span.text for span in (trusted.evidence or Evidence()).spans] == ["CE", "RoHS"]


def test_items_without_their_own_confidence_take_the_lists() -> None:
    # a pre-pass answer, or one read back from a store that keeps the whole value's only
    trusted = with_trust(listed(0.99), CERTIFICATIONS, TEXT, 0.5)

    items = trusted.items or ()
    assert [(i.value, i.confidence, i.review) for i in items] == [
        ("CE", 0.99, False),
        ("RoHS", 0.99, False),
    ]
    assert trusted.review is False


def test_a_cached_list_keeps_its_items_confidences() -> None:
    cached = CachedAnswer(["CE", "RoHS"], OutcomeStatus.OK, None, 0.4, (0.95, 0.4))

    outcome = cached.outcome(CERTIFICATIONS.code, "gemma3")

    assert outcome.items == (ListItem("CE", 0.95), ListItem("RoHS", 0.4))
    assert CachedAnswer(["CE"], OutcomeStatus.OK, None, 0.4).outcome("c", "g").items is None


def test_several_texts_held_to_the_text_are_a_list_of_its_spans() -> None:
    assert text_span_schema(MATERIALS, TEXT) == {
        "anyOf": [
            {"type": "array", "items": {"type": "string", SPANS_OF: TEXT}, "maxItems": MAX_ITEMS},
            {"type": "null"},
        ]
    }
    single = Field("EF009005", "Matière", FieldType.TEXT)
    assert text_span_schema(single, TEXT) == {"type": ["string", "null"], SPANS_OF: TEXT}


@pytest.mark.parametrize(
    ("field", "text"),
    [
        (Field("EF009004", "Couleurs", FieldType.TEXT, extract=False, multiple=True), TEXT),
        (MATERIALS, "   "),
        (MATERIALS, "x" * (MAX_TEXT + 1)),
    ],
)
def test_free_texts_empty_or_long_texts_are_not_held_to_spans(field: Field, text: str) -> None:
    assert text_span_schema(field, text) is None


def test_numbers_held_to_the_text_leave_texts_to_the_spans() -> None:
    # a strategy holding numbers alone does not hold several texts either (as one text)
    assert text_number_schema(MATERIALS, TEXT) is None
    assert text_number_schema(CERTIFICATIONS, TEXT) == {
        "anyOf": [
            {"type": "array", "items": {"enum": ["CE", "RoHS"]}, "maxItems": 2},
            {"type": "null"},
        ]
    }


def test_a_list_cut_short_is_read_as_the_items_written_whole() -> None:
    cut = '{"value": ["aluminium", "teck", "teck", "te'

    assert parse_answer(MATERIALS, cut) == ParsedValue.ok(["aluminium", "teck"])
    assert parse_answer(MATERIALS, '{"value": ["alumi').status is OutcomeStatus.INVALID_OUTPUT
