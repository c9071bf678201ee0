"""Calibration, measured: ECE over ten bins, the reliability table, the precision/coverage curve,
and thresholds chosen on one half of a benchmark and judged on the other."""

from __future__ import annotations

import pytest

from src.domain.evaluation.calibration import (
    Judged,
    accepted_at,
    expected_calibration_error,
    precision_coverage_curve,
    reliability,
    right_wrong_auroc,
)
from src.domain.evaluation.thresholds import (
    FieldValue,
    choose_thresholds,
    lowest_threshold,
)


def test_a_perfectly_calibrated_set_has_no_error() -> None:
    values = (
        [Judged(0.25, True)]
        + [Judged(0.25, False)] * 3
        + [Judged(0.95, True)] * 19
        + [Judged(0.95, False)]
    )

    assert expected_calibration_error(values) == pytest.approx(0.0)


def test_auroc_is_the_share_of_right_wrong_pairs_ordered_by_confidence() -> None:
    # right at 0.9 and 0.4, wrong at 0.5 and 0.1: of the 4 pairs, (0.4, 0.5) is misordered
    values = [Judged(0.9, True), Judged(0.4, True), Judged(0.5, False), Judged(0.1, False)]

    assert right_wrong_auroc(values) == pytest.approx(0.75)
    assert right_wrong_auroc([Judged(0.5, True), Judged(0.5, False)]) == pytest.approx(0.5)
    assert right_wrong_auroc([Judged(0.2, True), Judged(0.8, False)]) == pytest.approx(0.0)
    assert right_wrong_auroc([Judged(0.9, True)]) is None


def test_the_error_weighs_each_bins_gap_by_its_share() -> None:
    # 2 values at 0.9 both wrong (gap 0.9), 2 at 0.55 both right (gap 0.45)
    values = [Judged(0.9, False)] * 2 + [Judged(0.55, True)] * 2

    assert expected_calibration_error(values) == pytest.approx(0.5 * 0.9 + 0.5 * 0.45)
    assert expected_calibration_error([]) is None


def test_ten_equal_width_bins_the_last_holding_one() -> None:
    bins = reliability(
        [Judged(0.0, False), Judged(0.1, True), Judged(0.99, True), Judged(1.0, False)]
    )

    assert [b.values for b in bins] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert (bins[9].mean_confidence, bins[9].accuracy) == (pytest.approx(0.995), 0.5)
    assert bins[2].accuracy is None


def test_the_curve_trades_coverage_for_precision() -> None:
    values = (
        [Judged(0.9, True)] * 6 + [Judged(0.6, True), Judged(0.6, False)] + [Judged(0.2, False)] * 2
    )

    assert accepted_at(values, 0.9).precision == 1.0 and accepted_at(values, 0.9).coverage == 0.6
    assert accepted_at(values, 0.5).precision == pytest.approx(7 / 8)
    curve = precision_coverage_curve(values)
    assert curve[0].coverage == 1.0 and curve[0].precision == pytest.approx(0.7)
    assert curve[-1].accepted == 0 and curve[-1].precision is None


def test_the_lowest_threshold_that_reaches_the_target() -> None:
    values = [Judged(0.9, True)] * 9 + [Judged(0.8, True), Judged(0.7, False), Judged(0.3, False)]

    assert lowest_threshold(values, 0.95) == 0.8  # from 0.8 on: 10 of 10
    assert lowest_threshold(values, 0.9) == 0.7  # from 0.7 on: 10 of 11
    assert lowest_threshold(values, 0.8) == 0.3  # all: 10 of 12 (83 %)
    assert lowest_threshold([Judged(0.9, False)], 0.5) is None
    assert lowest_threshold([Judged(0.9, True)], 0.95) == 0.9  # one value is enough by default


def test_a_precision_exactly_at_the_target_reaches_it() -> None:
    values = [Judged(0.8, True)] * 19 + [Judged(0.8, False)]  # 19 of 20: 0.95

    assert lowest_threshold(values, 0.95) == 0.8


def test_thresholds_are_chosen_on_odd_rows_and_judged_on_even_rows() -> None:
    # odd rows: the socket is right from 0.8 on; even rows: a wrong value at 0.85 the choice
    # never saw
    odd = [
        FieldValue(2 * i + 1, "socket", Judged(c, ok))
        for i, (c, ok) in enumerate(
            [(0.9, True), (0.85, True), (0.8, True), (0.95, True), (0.5, False), (0.88, True)]
        )
    ]
    even = [
        FieldValue(2 * i, "socket", Judged(c, ok))
        for i, (c, ok) in enumerate([(0.9, True), (0.85, False), (0.3, True), (0.99, True)])
    ]

    choice = choose_thresholds(odd + even, ["socket", "power"], target=0.95)

    assert choice.per_field == {
        "socket": 0.8,
        "power": 0.8,
    }  # power has no values: the LLM's overall
    held = choice.held_out
    assert (held.values, held.accepted, held.right) == (4, 3, 2)  # 0.9, 0.85 and 0.99 accepted
    assert held.precision == pytest.approx(2 / 3) and held.coverage == 0.75
    assert choice.overall == 0.8
    assert (
        choice.held_out_per_field["socket"] == held
        and choice.held_out_per_field["power"].values == 0
    )


def test_a_field_with_few_values_takes_the_llms_overall_threshold() -> None:
    many = [FieldValue(2 * i + 1, "socket", Judged(0.9, True)) for i in range(8)]
    few = [FieldValue(1, "power", Judged(0.95, True)), FieldValue(3, "power", Judged(0.6, False))]

    choice = choose_thresholds(many + few, ["socket", "power"], target=0.95)

    assert choice.overall == 0.9
    assert choice.per_field == {"socket": 0.9, "power": 0.9}


def test_the_pooled_threshold_is_chosen_over_the_models_answers() -> None:
    """Pre-pass answers, right at their rule's 0.98, would lift the pooled precision to the
    target from 0.6; the model's own answers are right only from 0.9."""
    prepass = [
        FieldValue(2 * i + 1, "brand", Judged(0.98, True), from_model=False) for i in range(30)
    ]
    model = [
        FieldValue(2 * i + 1, "gender", Judged(c, ok))
        for i, (c, ok) in enumerate(
            [(0.97, True), (0.95, True), (0.92, True), (0.91, True), (0.9, True)]
            + [(0.7, False), (0.6, True), (0.5, False)]
        )
    ]
    rare = [FieldValue(1, "model", Judged(0.6, False))]

    assert lowest_threshold([v.judged for v in prepass + model], 0.95) == 0.6
    choice = choose_thresholds(prepass + model + rare, ["brand", "gender", "model"], 0.95)

    assert choice.overall == 0.9
    assert choice.per_field["model"] == 0.9


def test_the_pooled_threshold_falls_back_to_all_values_when_the_model_never_reaches_it() -> None:
    prepass = [
        FieldValue(2 * i + 1, "brand", Judged(0.98, True), from_model=False) for i in range(30)
    ]
    model = [
        FieldValue(1, "gender", Judged(0.99, False)),
        FieldValue(3, "gender", Judged(0.97, False)),
    ]

    choice = choose_thresholds(prepass + model, ["brand", "gender"], 0.95)

    assert choice.overall == 0.98  # 30 of 31 right from 0.98; the model's alone: none


def test_a_threshold_counts_only_where_it_accepts_enough_values() -> None:
    """Two right values at 1.0 above wrong ones: a precision of two values says nothing."""
    values = [Judged(1.0, True)] * 2 + [Judged(0.9, False)] + [Judged(0.8, True)] * 3

    assert lowest_threshold(values, 0.95) == 1.0  # 2 of 2; from 0.8, 5 of 6
    assert lowest_threshold(values, 0.95, min_accepted=5) is None
    many = values + [Judged(0.7, True)] * 20
    assert lowest_threshold(many, 0.95, min_accepted=5) == 0.7  # 25 of 26


def choosing(field: str, *answers: tuple[float, bool]) -> list[FieldValue]:
    return [FieldValue(2 * i + 1, field, Judged(c, ok)) for i, (c, ok) in enumerate(answers)]


def test_a_field_with_enough_values_has_a_threshold_of_its_own() -> None:
    socket = choosing("socket", (0.6, True), (0.7, True), (0.8, True), (0.9, True), (0.95, True))
    power = choosing("power", *[(0.9, True)] * 5, *[(0.8, False)] * 3)

    choice = choose_thresholds(socket + power, ["socket", "power"], target=0.95)

    assert choice.overall == 0.9  # over both: 7 of 7 from 0.9, 10 of 13 from 0.6
    assert choice.per_field == {"socket": 0.6, "power": 0.9}  # socket's five: its own
    assert choice.target_precision == 0.95


def test_no_threshold_where_too_few_accepted_values_reach_the_target() -> None:
    """Two right values at 1.0 reach the target alone, but five are needed, and from 0.8 on
    five of six are right: the field gets no threshold, nor does its LLM."""
    brand = choosing("brand", (1.0, True), (1.0, True), (0.9, False), *[(0.8, True)] * 3)

    choice = choose_thresholds(brand, ["brand"], target=0.95)

    assert (choice.per_field, choice.overall) == ({}, None)
