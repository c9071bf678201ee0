"""The calibration map: a logistic map of raw confidences per group of answers, fitted on
labelled (confidence, right) pairs, identity where a group has too few; and its worth judged on
the half of a benchmark it was not fitted on."""

from __future__ import annotations

import math

import pytest

from src.domain.confidence.calibration_map import (
    MIN_VALUES,
    CalibrationMap,
    LogisticMap,
    fit_calibration,
    fit_logistic,
)
from src.domain.evaluation.calibration import Judged
from src.domain.evaluation.held_out_calibration import calibrated, held_out_calibration
from src.domain.evaluation.thresholds import FieldValue, choose_thresholds
from src.domain.model import OutcomeSource

MODEL, PREPASS = OutcomeSource.MODEL, OutcomeSource.PREPASS
LEVELS = (0.05, 0.2, 0.4, 0.6, 0.8, 0.95)


def share(confidence: float) -> float:
    """The right share the hand-made set has at each raw confidence: σ(2·logit(c) + 1), so
    underconfident (0.2 is right 33 % of the time, 0.6 is right 85 %)."""
    return 1 / (1 + math.exp(-(2 * math.log(confidence / (1 - confidence)) + 1)))


def hand_made(per_level: int = 400) -> list[tuple[float, bool]]:
    pairs: list[tuple[float, bool]] = []
    for level in LEVELS:
        rights = round(share(level) * per_level)
        pairs += [(level, True)] * rights + [(level, False)] * (per_level - rights)
    return pairs


def test_the_fitted_map_gives_each_confidence_its_right_share() -> None:
    fitted = fit_logistic(hand_made())

    for level in LEVELS:
        assert fitted(level) == pytest.approx(share(level), abs=0.01)
    assert (fitted.slope, fitted.intercept) == (
        pytest.approx(2, abs=0.05),
        pytest.approx(1, abs=0.05),
    )
    assert fitted.values == 400 * len(LEVELS)


def test_a_group_never_wrong_is_not_mapped_to_certainty() -> None:
    fitted = fit_logistic([(0.3, True)] * 20)

    assert 0.9 < fitted(0.3) < 1.0


def test_one_raw_confidence_maps_to_its_right_share_smoothed() -> None:
    # a rule's constant confidence, right 18 times in 20: Platt's targets are 19/20 for a right
    # value and 1/4 for a wrong one, so the share is (18 · 0.95 + 2 · 0.25) / 20 = 0.88
    fitted = fit_logistic([(0.95, True)] * 18 + [(0.95, False)] * 2)

    assert fitted(0.95) == pytest.approx(0.88, abs=0.005)


def test_each_group_has_its_own_map_and_a_group_with_too_few_values_keeps_its_confidence() -> None:
    model = [(MODEL, c, right) for c, right in hand_made(20)]
    prepass = [(PREPASS, 0.95, False)] * (MIN_VALUES - 1)  # all wrong, but too few to tell

    calibration = fit_calibration(model + prepass)

    assert set(calibration.groups) == {"model"}
    assert calibration.calibrated(0.95, PREPASS) == 0.95
    assert calibration.calibrated(0.2, MODEL) == pytest.approx(share(0.2), abs=0.05)
    assert calibration.calibrated(None, MODEL) is None
    enough = fit_calibration(model + prepass + [(PREPASS, 0.95, False)])
    assert enough.calibrated(0.95, PREPASS) < 0.2


def test_no_map_reverses_the_order_of_a_groups_values() -> None:
    # the surer the answer, the more often wrong: the map keeps the order, at the right share
    reversed_pairs = [(MODEL, 0.9, False)] * 10 + [(MODEL, 0.2, True)] * 10

    fitted = fit_calibration(reversed_pairs).groups["model"]

    assert fitted.slope == 1.0
    assert fitted(0.2) < fitted(0.9)
    assert (fitted(0.2) + fitted(0.9)) / 2 == pytest.approx(0.5, abs=0.05)


def test_a_map_keeps_the_order_and_its_inverse_gives_the_raw_threshold() -> None:
    calibration = CalibrationMap({"model": LogisticMap(2.0, 1.0)})

    mapped = [calibration.calibrated(c, MODEL) or 0.0 for c in (0.1, 0.3, 0.5, 0.7, 0.9)]
    raw = calibration.raw_threshold(0.8, MODEL)

    assert mapped == sorted(mapped) and len(set(mapped)) == 5
    assert calibration.calibrated(raw, MODEL) == pytest.approx(0.8)
    assert calibration.raw_threshold(0.8, PREPASS) == 0.8  # no map: the threshold stands


def values(rows: range, confidence: float, right_share: float) -> list[FieldValue]:
    """A value per row, right for the first `right_share` of them."""
    count = len(rows)
    return [
        FieldValue(row, "EF000042", Judged(confidence, index < right_share * count))
        for index, row in enumerate(rows)
    ]


def test_the_map_is_fitted_on_odd_rows_and_judged_on_even_rows() -> None:
    # odd rows: 0.3 right 90 %; even rows: 0.3 right 50 %. A map fitted on the odd rows says
    # 0.9, off by 0.4 on the even rows; the even rows' raw 0.3 is off by 0.2.
    held = held_out_calibration(
        values(range(1, 80, 2), 0.3, 0.9) + values(range(2, 81, 2), 0.3, 0.5)
    )

    assert held.values == 40
    assert held.raw_ece == pytest.approx(0.2)
    assert held.calibrated_ece == pytest.approx(0.4, abs=0.02)


def test_the_held_out_map_lowers_the_error_of_an_underconfident_set() -> None:
    held = held_out_calibration(values(range(1, 201), 0.3, 0.9))

    assert held.raw_ece == pytest.approx(0.6)
    assert held.calibrated_ece is not None and held.calibrated_ece < 0.02


def test_thresholds_chosen_on_calibrated_confidences_are_calibrated_ones() -> None:
    # underconfident: every value at 0.3 is right; calibrated, they are over 0.9
    raw = values(range(1, 41), 0.3, 1.0)
    calibration = fit_calibration((MODEL, v.judged.confidence, v.judged.right) for v in raw)
    choice = choose_thresholds(calibrated(raw, calibration), ["EF000042"], 0.95)

    assert choose_thresholds(raw, ["EF000042"], 0.95).per_field == {"EF000042": 0.3}
    assert choice.per_field["EF000042"] > 0.9
