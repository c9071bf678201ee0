"""Text held to the text: the answer schema of a text field names its text, and the grammar of
its spans grows with the text, one rule per piece."""

from __future__ import annotations

from src.connectors.embedded.answer_grammar import (
    OPENING,
    AnswerGrammar,
    held_to_spans_of,
    most_spans,
)
from src.connectors.embedded.span_grammar import pieces, span_grammar
from src.domain.model import Field, FieldType
from src.domain.model.kinds import MAX_ITEMS
from src.domain.prompting.chain_of_thought import FewShotChainOfThought, TextFromText
from src.domain.prompting.chain_of_thought.text_spans import MAX_TEXT, SPANS_OF
from src.domain.prompting.shared_prefix.conversation import ConversationChainOfThought

BRAND = Field("AE-Lure-Brand_Name", "Brand Name", FieldType.TEXT)
WEIGHT = Field("EF000001", "poids", FieldType.NUMBER, unit="g")
TITLE = "SEAPESCA Flexible Wobblers Minnow Fishing Lure 150mm 9g YA54"


def test_a_text_field_answers_a_span_of_its_text() -> None:
    chain = TextFromText(FewShotChainOfThought(k=3))

    schema = chain.answer_schema(BRAND, TITLE)

    assert schema["properties"]["value"] == {"type": ["string", "null"], SPANS_OF: TITLE}
    assert held_to_spans_of(schema) == TITLE
    assert chain.name == "few_shot+text_numbers+text_spans"
    # its grammar says so, and the connector reads its tokens' probabilities among all tokens
    assert AnswerGrammar.of(schema).spans
    assert not AnswerGrammar.of(chain.answer_schema(WEIGHT, TITLE)).spans


def test_numbers_stay_held_to_the_texts_numbers_and_long_texts_are_free() -> None:
    chain = TextFromText(FewShotChainOfThought(k=3))

    weight = chain.answer_schema(WEIGHT, TITLE)["properties"]["value"]
    assert SPANS_OF not in weight and 9 in weight["enum"] and None in weight["enum"]
    long_text = "Lure " * (MAX_TEXT // 5 + 1)
    assert held_to_spans_of(chain.answer_schema(BRAND, long_text)) is None


def test_the_grammar_has_one_rule_per_piece_of_the_text() -> None:
    grammar = span_grammar(TITLE)
    short = span_grammar("SEAPESCA Lure")

    rules = [line for line in grammar.splitlines() if "::=" in line]
    # root, ws, value, span, and a piece each: the 9 words, "150mm", "9g" and "YA54" in two
    assert len(rules) == 4 + len(TITLE.split()) + 3
    assert 'p0 ::= "SEAPESCA" ( " " p1)?' in grammar
    assert 'p6 ::= "150" ( p7)?' in grammar and 'p7 ::= "mm" ( " " p8)?' in grammar
    assert 'p11 ::= "54"' in grammar
    assert short.count("::=") == 6


def test_words_a_scraped_text_glued_together_are_pieces_of_their_own() -> None:
    text = "UPC: 021200726125INNER PACKAGING. 6 Pads per PackPost-it, 13w x 4d, Chromé"

    cut = [text[start:end] for start, end in pieces(text)]

    assert cut[2:4] == ["021200726125", "INNER"]  # digits against letters
    assert cut[9:14] == ["Pack", "Post", "-", "it", ","]  # a small letter against a capital
    assert cut[14:16] == ["13", "w"] and cut[-1] == "Chromé"  # accents stay in their word
    grammar = span_grammar(text)
    assert 'p2 ::= "021200726125" ( p3)?' in grammar  # the glued run is still a span


def test_quotes_and_backslashes_of_the_text_are_escaped_twice() -> None:
    grammar = span_grammar('Tube 12" a\\b')

    assert 'p1 ::= "12" ( p2)?' in grammar
    assert 'p2 ::= "\\\\\\"" ( " " p3)?' in grammar  # the JSON \" as a GBNF literal
    assert 'p4 ::= "\\\\\\\\" ( p5)?' in grammar  # the JSON \\ as a GBNF literal


def test_a_text_without_pieces_can_only_answer_null() -> None:
    assert 'value ::= "null"\n' in span_grammar("   ")


def test_a_free_text_field_is_not_held_to_the_text() -> None:
    colour = Field("EF000007", "colour name", FieldType.TEXT, extract=False)

    assert (
        held_to_spans_of(TextFromText(FewShotChainOfThought(k=3)).answer_schema(colour, TITLE))
        is None
    )


def test_the_shared_prefix_layouts_hold_text_to_spans_when_asked() -> None:
    held = ConversationChainOfThought(k=1, text_spans=True)
    free = ConversationChainOfThought(k=1)

    assert held_to_spans_of(held.answer_schema(BRAND, TITLE)) == TITLE
    assert held_to_spans_of(free.answer_schema(BRAND, TITLE)) is None
    weight = held.answer_schema(WEIGHT, TITLE)["properties"]["value"]
    assert 9 in weight["enum"] and SPANS_OF not in weight
    assert held.name == "conversation+text_numbers+text_spans"


MATERIALS = Field("EF009004", "Matériaux", FieldType.TEXT, multiple=True)
HOUSING = "Boîtier en polycarbonate, dissipateur en aluminium anodisé"


def test_several_texts_answer_a_list_of_spans_of_their_text() -> None:
    held = ConversationChainOfThought(k=1, text_spans=True)
    schema = held.answer_schema(MATERIALS, HOUSING)

    assert held_to_spans_of(schema) == HOUSING
    assert most_spans(schema) == MAX_ITEMS
    grammar = AnswerGrammar.of(schema)
    assert grammar.spans and grammar.grammar is not None and grammar.opening == OPENING
    # a free-text strategy leaves them free, as it leaves one text
    assert (
        held_to_spans_of(ConversationChainOfThought(k=1).answer_schema(MATERIALS, HOUSING)) is None
    )
    assert most_spans(held.answer_schema(BRAND, TITLE)) is None


def test_the_grammar_of_several_spans_is_null_or_a_bounded_list_of_them() -> None:
    grammar = span_grammar("polycarbonate et aluminium", opened=True, most=3)

    assert 'value ::= "null" | "[" ws item (ws "," ws item){0,2} ws "]"' in grammar
    assert 'item ::= "\\"" span "\\""' in grammar
    assert 'p0 ::= "polycarbonate" ( " " p1)?' in grammar
    assert 'value ::= "null" | "[" ws item ws "]"' in span_grammar("acier", most=1)
    assert 'value ::= "null"\n' in span_grammar("   ", most=3)  # no pieces: null only


def test_a_list_of_spans_is_finished_when_it_writes_a_span_again() -> None:
    held = ConversationChainOfThought(k=1, text_spans=True)
    grammar = AnswerGrammar.of(held.answer_schema(MATERIALS, HOUSING))

    assert not grammar.finished(' ["polycarbonate", "aluminium"')
    assert grammar.finished(' ["polycarbonate", "aluminium", "polycarbonate"')
    assert grammar.finished(' ["polycarbonate"]}')
    # one span held to the text is not a list: a repeat is nothing to it
    assert not AnswerGrammar.of(held.answer_schema(BRAND, TITLE)).listed
