"""The word index's postings as gathered in Python before they are written: each word of a text
once, a run of letters and digits longer than the index holds left out, and per field and word
the ids of the rows holding it, in order."""

from __future__ import annotations

import random

from src.adapters.driven.storage.example_postings import LONGEST_WORD, indexed_words, postings_of
from src.domain.catalogue.trigrams import words


def test_a_word_longer_than_the_index_holds_is_left_out_and_a_repeated_one_kept_once() -> None:
    long = "x" * (LONGEST_WORD + 1)
    assert indexed_words(f"Lampe {long} E27 lampe {'y' * LONGEST_WORD}") == [
        "lampe",
        "e27",
        "y" * LONGEST_WORD,
    ]
    assert indexed_words("Lampe E27 lampe") == ["lampe", "e27"]


def test_the_postings_of_rows_are_each_words_rows_in_id_order_but_the_full_keys() -> None:
    """Rows given out of order, a text shared by several fields (a product's), words of every
    length around the longest held."""
    draw = random.Random(28)
    vocabulary = ["lampe", "E27", "ambre", "x" * LONGEST_WORD, "y" * (LONGEST_WORD + 1), "½"]
    texts = [" ".join(draw.choices(vocabulary, k=draw.randrange(1, 6))) for _ in range(40)]
    rows = [(id_, draw.choice("ABC"), draw.choice(texts)) for id_ in range(1, 300)]
    draw.shuffle(rows)
    full = {("A", "lampe"), ("C", "e27")}

    expected: dict[tuple[str, str], list[int]] = {}
    for id_, code, text in sorted(rows):
        for word in dict.fromkeys(words(text)):
            if len(word) <= LONGEST_WORD and (code, word) not in full:
                expected.setdefault((code, word), []).append(id_)

    found = postings_of(rows, full)
    assert found == expected
    assert ("B", "lampe") in found and ("A", "lampe") not in found
    assert not any(len(word) > LONGEST_WORD for _, word in found)
