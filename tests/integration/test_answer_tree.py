"""The tree of a number's listed answers: which positions it reads, which answers it leaves out,
and the log-probabilities it sums, against a table of next-token distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from src.connectors.embedded.answer_tree import NEGLIGIBLE, AnswerTree

VOCABULARY = 8
SPACE, ONE, TWO, FIVE, END, NULL = 1, 2, 3, 4, 5, 6


def distribution(**weights: float) -> np.ndarray:
    """Log-probabilities by token id: the named tokens' weights, the rest sharing what is left."""
    ids = {"space": SPACE, "one": ONE, "two": TWO, "five": FIVE, "end": END, "null": NULL}
    p = np.full(VOCABULARY, 0.0)
    for name, weight in weights.items():
        p[ids[name]] = weight
    p[p == 0] = (1 - p.sum()) / (p == 0).sum()
    return np.log(p)


TABLE = {
    (): distribution(space=0.7, null=0.2),
    (SPACE,): distribution(one=0.5, five=0.3),
    (SPACE, ONE): distribution(two=0.4, end=0.3),
    (SPACE, ONE, TWO): distribution(end=0.8),
    (SPACE, FIVE): distribution(end=0.6),
    (NULL,): distribution(end=0.9),
}


class TableReader:
    """Reads positions from `TABLE`, counting the batches and the positions it was asked for."""

    def __init__(self) -> None:
        self.batches: list[tuple[tuple[int, ...], int]] = []

    def read(self, tokens: tuple[int, ...], first: int) -> list[tuple[int, np.ndarray]]:
        self.batches.append((tokens, first))
        return [(end, TABLE[tokens[:end]]) for end in range(first, len(tokens))]


TWELVE = (SPACE, ONE, TWO, END)
ONE_ALONE = (SPACE, ONE, END)
FIVE_ALONE = (SPACE, FIVE, END)
NULL_ANSWER = (NULL, END)


def exact(tokens: tuple[int, ...]) -> float:
    return sum(float(TABLE[tokens[:end]][tokens[end]]) for end in range(len(tokens)))


def test_without_the_greedy_path_every_answer_is_read_and_each_position_once() -> None:
    answers = sorted([TWELVE, ONE_ALONE, FIVE_ALONE, NULL_ANSWER])
    tree = AnswerTree(answers, (), ())
    reader = TableReader()

    assert tree.rows_to_read() == len(TABLE)
    assert tree.read(reader)

    # 12 is read first and gives the position after "1", all that "1" then needs: no batch
    assert [tokens for tokens, _ in reader.batches] == [TWELVE, FIVE_ALONE, NULL_ANSWER]
    for tokens in answers:
        assert tree.log_probability(tokens) == pytest.approx(exact(tokens))


def test_the_greedy_paths_positions_are_not_read_again() -> None:
    answers = sorted([TWELVE, ONE_ALONE, FIVE_ALONE, NULL_ANSWER])
    known = [TABLE[TWELVE[:end]] for end in range(len(TWELVE))]
    tree = AnswerTree(answers, TWELVE, known)
    reader = TableReader()

    assert tree.rows_to_read() == 2  # after " 5" and after " null"
    assert tree.read(reader)

    assert reader.batches == [(FIVE_ALONE, 2), (NULL_ANSWER, 1)]
    assert tree.log_probability(ONE_ALONE) == pytest.approx(exact(ONE_ALONE))


def test_an_answer_negligible_beside_the_greedy_one_is_left_out_unread() -> None:
    unlikely = distribution(space=0.999, null=NEGLIGIBLE / 10)
    known = [unlikely, TABLE[(SPACE,)], TABLE[(SPACE, ONE)], TABLE[(SPACE, ONE, TWO)]]
    tree = AnswerTree(sorted([TWELVE, NULL_ANSWER]), TWELVE, known)
    reader = TableReader()

    assert tree.rows_to_read() == 0
    assert tree.read(reader) and reader.batches == []
    assert tree.log_probability(NULL_ANSWER) is None
    assert math.isfinite(tree.log_probability(TWELVE) or math.nan)
