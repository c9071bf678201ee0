"""Two readers' confidence in a value: surer than either where they read the same value, the
three cases of different values (the first right, the second right, both wrong) sharing the
whole."""

from __future__ import annotations

import pytest

from src.domain.confidence.two_readers import against, agreeing


def test_a_value_both_read_is_wrong_only_when_both_are() -> None:
    assert agreeing(0.8, 0.5) == pytest.approx(0.9)
    assert agreeing(0.5, 0.8) == pytest.approx(0.9)
    assert agreeing(0.7, 0.0) == pytest.approx(0.7)


@pytest.mark.parametrize(("first", "second"), [(0.8, 0.5), (0.7, 0.3), (0.95, 0.9), (0.6, 0.0)])
def test_different_values_share_the_cases_where_at_most_one_is_right(
    first: float, second: float
) -> None:
    both_wrong = (1 - first) * (1 - second) / (1 - first * second)

    assert against(first, second) + against(second, first) + both_wrong == pytest.approx(1)
    assert against(first, second) > against(second, first)
    assert against(first, second) <= first


def test_a_reader_that_read_nothing_leaves_the_others_confidence() -> None:
    assert against(0.75, 0.0) == pytest.approx(0.75)
    assert against(0.8, 0.5) == pytest.approx(0.4 / 0.6)


def test_two_certain_readers_of_different_values_are_not_believed() -> None:
    assert against(1.0, 1.0) == 0.0
