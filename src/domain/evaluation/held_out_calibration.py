"""A calibration map fitted on a benchmark's answered values, and what it is worth on values it
was not fitted on: fitted on the choosing half (odd rows), its ECE on the judging half (even
rows), beside the raw confidences' ECE on the same half."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from src.domain.confidence.calibration_map import CalibrationMap, fit_calibration
from src.domain.evaluation.calibration import Judged, expected_calibration_error
from src.domain.evaluation.thresholds import FieldValue, choosing_half
from src.domain.model import OutcomeSource


@dataclass(frozen=True, slots=True)
class HeldOutCalibration:
    """The ECE of the judging half's values, raw and through the choosing half's map."""

    values: int
    raw_ece: float | None
    calibrated_ece: float | None


def source_of(value: FieldValue) -> OutcomeSource:
    return OutcomeSource.MODEL if value.from_model else OutcomeSource.PREPASS


def fitted_map(values: Sequence[FieldValue]) -> CalibrationMap:
    """The map fitted on these values (see `fit_calibration`)."""
    return fit_calibration((source_of(v), v.judged.confidence, v.judged.right) for v in values)


def calibrated(values: Sequence[FieldValue], calibration: CalibrationMap) -> list[FieldValue]:
    """The values with their confidences through `calibration`."""
    return [
        replace(
            v,
            judged=Judged(
                calibration.calibrated(v.judged.confidence, source_of(v)) or 0.0, v.judged.right
            ),
        )
        for v in values
    ]


def held_out_calibration(values: Sequence[FieldValue]) -> HeldOutCalibration:
    """The map fitted on the choosing half, judged on the other."""
    judging = [v for v in values if not choosing_half(v.row)]
    calibration = fitted_map([v for v in values if choosing_half(v.row)])
    return HeldOutCalibration(
        len(judging),
        expected_calibration_error([v.judged for v in judging]),
        expected_calibration_error([v.judged for v in calibrated(judging, calibration)]),
    )
