"""The trust part of an LLM's evaluation: calibration of its confidences and the thresholds they
give, as plain data for the JSON output and MLflow."""

from __future__ import annotations

from collections.abc import Sequence

from src.domain.evaluation.calibration import (
    expected_calibration_error,
    precision_coverage_curve,
    reliability,
    right_wrong_auroc,
)
from src.domain.evaluation.held_out_calibration import HeldOutCalibration
from src.domain.evaluation.thresholds import FieldValue, ThresholdChoice


def calibration_summary(
    values: Sequence[FieldValue],
    answered: int,
    choice: ThresholdChoice,
    held_calibration: HeldOutCalibration,
) -> dict[str, object]:
    """`values`: the answered values with a confidence; `answered`: all answered values;
    `held_calibration`: a calibration map's ECE on the half it was not fitted on."""
    judged = [value.judged for value in values]
    ece = expected_calibration_error(judged)
    auroc = right_wrong_auroc(judged)
    held = choice.held_out
    return {
        "answered_values": answered,
        "with_confidence": len(judged),
        "ece": None if ece is None else round(ece, 4),
        "auroc": None if auroc is None else round(auroc, 4),
        "held_out_ece": {
            "values": held_calibration.values,
            "raw": _rounded(held_calibration.raw_ece),
            "calibrated": _rounded(held_calibration.calibrated_ece),
        },
        "reliability": [
            {
                "bin": f"[{b.low:.1f}, {b.high:.1f}{']' if b.high == 1 else ')'}",
                "values": b.values,
                "mean_confidence": _rounded(b.mean_confidence),
                "accuracy": _rounded(b.accuracy),
            }
            for b in reliability(judged)
        ],
        "precision_coverage": [
            {
                "threshold": p.threshold,
                "accepted": p.accepted,
                "coverage": round(p.coverage, 4),
                "precision": _rounded(p.precision),
            }
            for p in precision_coverage_curve(judged)
        ],
        "target_precision": choice.target_precision,
        "overall_threshold": _rounded(choice.overall),
        "thresholds": {code: round(t, 4) for code, t in choice.per_field.items()},
        "held_out": {
            "values": held.values,
            "accepted": held.accepted,
            "right": held.right,
            "precision": _rounded(held.precision),
            "coverage": round(held.coverage, 4),
        },
    }


def _rounded(number: float | None) -> float | None:
    return None if number is None else round(number, 4)
