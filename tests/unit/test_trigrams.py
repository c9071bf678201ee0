"""pg_trgm's trigrams, in Python (PostgreSQL's own are compared with these on the
project's data in tests/integration/test_example_selection.py)."""

from __future__ import annotations

import random
import string

from src.domain.catalogue.trigrams import trigrams, words


def test_a_word_is_padded_with_two_spaces_before_and_one_after() -> None:
    assert trigrams("Cat") == frozenset({"  c", " ca", "cat", "at "})


def test_punctuation_and_underscores_separate_words() -> None:
    assert trigrams("E27,40W_x") == trigrams("e27 40w x")


def test_accented_letters_are_letters_and_superscripts_are_not() -> None:
    assert "éle" in trigrams("électrique")
    assert trigrams("6mm² vert") == trigrams("6mm vert")
    assert trigrams("½ pouce") == trigrams("pouce")


def words_by_their_definition(text: str) -> list[str]:
    """The runs of letters and decimal digits of the lower-cased text, read a character at a
    time."""
    found, word = [], ""
    for char in text.lower():
        if char.isalpha() or char.isdecimal():
            word += char
        elif word:
            found, word = [*found, word], ""
    return [*found, word] if word else found


TRICKY = "aZ09_-.,;: \t\n/'\"()²³½ⅫéÉßİKﬁ٣५一_\u00a0\u0301\u200b🙂"
"""Letters of every case, digits, punctuation and spaces; then what Python counts as a word
character and PostgreSQL does not (superscripts, fractions, Roman numerals), letters whose
lower case is longer or ASCII (İ, the Kelvin sign), decimal digits of other scripts, a
combining accent, a zero-width space, an emoji."""


def test_the_words_of_every_pair_of_ascii_characters_are_those_of_the_definition() -> None:
    for first in map(chr, range(128)):
        for second in map(chr, range(128)):
            text = f"Ab{first}{second}9c"
            assert words(text) == words_by_their_definition(text), repr(text)


def test_the_words_of_varied_texts_are_those_of_the_definition() -> None:
    draw = random.Random(28)
    alphabets = [string.printable, TRICKY, string.ascii_letters + TRICKY]
    for _ in range(20000):
        alphabet = draw.choice(alphabets)
        text = "".join(draw.choice(alphabet) for _ in range(draw.randrange(0, 40)))
        assert words(text) == words_by_their_definition(text), repr(text)
