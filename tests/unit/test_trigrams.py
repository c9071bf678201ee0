"""pg_trgm's trigrams, in Python (PostgreSQL's own are compared with these on the
project's data in tests/integration/test_example_selection.py)."""

from __future__ import annotations

from src.domain.catalogue.trigrams import trigrams


def test_a_word_is_padded_with_two_spaces_before_and_one_after() -> None:
    assert trigrams("Cat") == frozenset({"  c", " ca", "cat", "at "})


def test_punctuation_and_underscores_separate_words() -> None:
    assert trigrams("E27,40W_x") == trigrams("e27 40w x")


def test_accented_letters_are_letters_and_superscripts_are_not() -> None:
    assert "éle" in trigrams("électrique")
    assert trigrams("6mm² vert") == trigrams("6mm vert")
    assert trigrams("½ pouce") == trigrams("pouce")
