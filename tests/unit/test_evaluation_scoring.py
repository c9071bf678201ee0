"""Scoring a benchmark: type-aware matching and the metrics, on hand-computed cases."""

from __future__ import annotations

import pytest

from src.domain.evaluation.matching import matches
from src.domain.evaluation.metrics import Bucket, PairOutcome, Scores
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
def test_type_aware_matching(
    field: Field, accepted: tuple | None, predicted: object, expected: bool
) -> None:
    assert matches(field, accepted, predicted) is expected


@pytest.mark.parametrize(
    ("expected_value", "predicted_value", "correct", "bucket"),
    [
        (False, False, True, Bucket.NN),  # no value expected, none given
        (False, True, False, Bucket.NV),  # a value invented where none is expected
        (True, False, False, Bucket.VN),  # a value missed
        (True, True, True, Bucket.VC),  # the right value
        (True, True, False, Bucket.VW),  # a wrong value
    ],
)
def test_each_pair_falls_in_one_bucket(
    expected_value: bool, predicted_value: bool, correct: bool, bucket: Bucket
) -> None:
    outcome = PairOutcome(expected_value, predicted_value, correct)

    assert outcome.bucket is bucket
    assert Scores.of([outcome]).buckets() == {name.value: int(name is bucket) for name in Bucket}


def test_metrics_follow_the_fields_definitions() -> None:
    # 3 NN, 1 NV, 2 VN, 4 VC, 2 VW
    outcomes = (
        [PairOutcome(False, False, True)] * 3
        + [PairOutcome(False, True, False)]
        + [PairOutcome(True, False, False)] * 2
        + [PairOutcome(True, True, True)] * 4
        + [PairOutcome(True, True, False)] * 2
    )

    scores = Scores.of(outcomes)

    assert scores.buckets() == {"NN": 3, "NV": 1, "VN": 2, "VC": 4, "VW": 2}
    assert (scores.pairs, scores.correct, scores.expected_values) == (12, 7, 8)
    assert scores.accuracy == pytest.approx(7 / 12)
    assert scores.precision == pytest.approx(4 / 7)  # VC / (NV + VC + VW)
    assert scores.recall == pytest.approx(4 / 8)  # VC / (VN + VC + VW): a wrong value counts too
    assert scores.f1 == pytest.approx(2 * (4 / 7) * (4 / 8) / (4 / 7 + 4 / 8))


def test_a_wrong_value_lowers_recall_as_a_missed_one_does() -> None:
    wrong = Scores.of([PairOutcome(True, True, True), PairOutcome(True, True, False)])
    missed = Scores.of([PairOutcome(True, True, True), PairOutcome(True, False, False)])

    assert wrong.recall == missed.recall == pytest.approx(0.5)
    assert (wrong.precision, missed.precision) == (pytest.approx(0.5), 1.0)


def test_no_pairs_give_zeros_not_errors() -> None:
    scores = Scores.of([])
    assert (scores.accuracy, scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0, 0.0)
