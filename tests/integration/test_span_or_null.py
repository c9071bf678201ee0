"""A span answer against null: the more probable of the two, as the model weighed them."""

from __future__ import annotations

from src.connectors.embedded.answer_grammar import OPENING
from src.connectors.embedded.span_or_null import NULL, span_or_null
from src.domain.confidence.answer import value_confidence
from src.domain.confidence.tokens import TokenProbability

# "LED" for a brand, the model having meant a shot's "Lumeo": forced after its first letter.
FORCED = (
    TokenProbability(OPENING, 1.0),
    TokenProbability(' "', 0.987),
    TokenProbability("L", 0.859),
    TokenProbability("E", 4.68e-09),
    TokenProbability("D", 3.29e-06),
    TokenProbability('"}', 0.128),
)
FORCED_TEXT = '{"value": "LED"}'
MEANT = (
    TokenProbability(OPENING, 1.0),
    TokenProbability(' "', 0.9),
    TokenProbability("Philips", 0.8),
    TokenProbability('"}', 0.95),
)
MEANT_TEXT = '{"value": "Philips"}'


def test_a_span_less_probable_than_null_answers_null() -> None:
    text, tokens = span_or_null(FORCED_TEXT, FORCED, null_probability=0.0005)

    assert text == '{"value": null}'
    assert "".join(token.text for token in tokens) == text
    assert [t.probability for t in tokens if t.text == NULL] == [0.0005]


def test_a_span_more_probable_than_null_stays() -> None:
    assert value_confidence(MEANT, MEANT_TEXT) > 0.05
    assert span_or_null(MEANT_TEXT, MEANT, null_probability=0.05) == (MEANT_TEXT, MEANT)


def test_without_the_probability_of_null_the_span_stays() -> None:
    assert span_or_null(FORCED_TEXT, FORCED, None) == (FORCED_TEXT, FORCED)
    assert span_or_null("not json", (), 0.5) == ("not json", ())


def test_a_list_of_spans_stands_against_null_by_its_first_span() -> None:
    listed = (
        TokenProbability(OPENING, 1.0),
        TokenProbability(" [", 0.6),
        TokenProbability('"L', 0.01),
        TokenProbability('ED"', 0.001),
        TokenProbability(', "verre"]}', 0.9),
    )
    text = '{"value": ["LED", "verre"]}'

    assert span_or_null(text, listed, null_probability=0.5)[0] == '{"value": null}'
    assert span_or_null(text, listed, null_probability=1e-7) == (text, listed)
