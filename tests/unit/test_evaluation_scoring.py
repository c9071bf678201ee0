"""Scoring a benchmark: type-aware matching and the metrics, on hand-computed cases."""

from __future__ import annotations

import pytest

from src.domain.evaluation.matching import matches
from src.domain.evaluation.metrics import PairOutcome, Scores
from src.domain.model import Field, FieldType

POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")
SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14", "GU5.3"))
COLOUR = Field("EF000007", "couleur", FieldType.SELECT, options=("blanc", "chromé"))
DIMMABLE = Field("EF000137", "à intensité variable", FieldType.BOOLEAN)
BRAND = Field("EF000588", "marque", FieldType.TEXT)


@pytest.mark.parametrize(
    ("field", "accepted", "predicted", "expected"),
    [
        (POWER, (40,), 40, True),
        (POWER, ("3493,8",), 3493.8, True),
        (POWER, (3493.8,), 3494, True),  # within 0.1 %
        (POWER, (3493,), 3500, False),
        (POWER, ("9",), 9.0, True),
        (POWER, (40,), True, False),
        (POWER, (750, 1750), 1750, True),  # any accepted value
        (SOCKET, ("E27",), "E27", True),
        (SOCKET, ("E27",), "E14", False),
        (SOCKET, ("gu5.3",), "GU5.3", True),
        (COLOUR, ("chromé",), "Chrome", True),
        (DIMMABLE, ("oui",), True, True),
        (DIMMABLE, ("no",), False, True),
        (DIMMABLE, (True,), False, False),
        (BRAND, ("Schneider Electric",), "schneider-electric.", True),
        (BRAND, ("Grohe",), "Grohe Eurosmart", False),
        (POWER, None, None, True),
        (POWER, None, 40, False),
        (SOCKET, ("E27",), None, False),
    ],
)
def test_type_aware_matching(field: Field, accepted: tuple | None, predicted: object, expected: bool) -> None:
    assert matches(field, accepted, predicted) is expected


def test_metrics_follow_the_attribute_extraction_definitions() -> None:
    outcomes = [
        PairOutcome(expected_value=True, predicted_value=True, correct=True),  # true positive
        PairOutcome(expected_value=True, predicted_value=True, correct=False),  # wrong value: FP
        PairOutcome(expected_value=True, predicted_value=False, correct=False),  # missed: FN
        PairOutcome(expected_value=False, predicted_value=False, correct=True),  # right null
        PairOutcome(expected_value=False, predicted_value=True, correct=False),  # invented: FP
    ]

    scores = Scores.of(outcomes)

    assert (scores.pairs, scores.correct) == (5, 2)
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (1, 2, 1)
    assert scores.accuracy == pytest.approx(0.4)
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 2)
    assert scores.f1 == pytest.approx(0.4)  # 2 · (1/3 · 1/2) / (1/3 + 1/2)
    assert scores.labelled_accuracy == pytest.approx(1 / 3)  # 1 right of 3 expected values


def test_no_pairs_give_zeros_not_errors() -> None:
    scores = Scores.of([])
    assert (scores.accuracy, scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0, 0.0)
