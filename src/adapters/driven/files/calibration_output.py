"""An LLM's calibration as people read it: the reliability table, the precision/coverage curve
and the thresholds, as text; and as a figure (`--plot FILE.png`, matplotlib, the dev extra)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from src.domain.errors import ConfigurationError
from src.domain.evaluation.report import LLMReport

CURVE_THRESHOLDS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)
"""The curve's points the text shows; the JSON and the figure have every 0.05."""


def calibration_lines(report: LLMReport) -> list[str]:
    data = report.summary()["calibration"]
    assert isinstance(data, dict)
    ece = data["ece"]
    shown_ece = "-" if ece is None else f"{ece:.3f}"
    counted = f"{data['with_confidence']} of {data['answered_values']} values with a confidence"
    lines = [
        f"  calibration: {counted}, ECE {shown_ece} (10 bins)",
        "    bin          values  confidence  accuracy",
    ]
    held_ece = data["held_out_ece"]
    if held_ece["calibrated"] is not None:
        lines.insert(
            1,
            f"    on the even rows ({held_ece['values']} values): ECE {held_ece['raw']:.3f} raw, "
            f"{held_ece['calibrated']:.3f} through a map fitted on the odd rows "
            "(--save-calibration)",
        )
    for b in data["reliability"]:
        if b["values"]:
            lines.append(
                f"    {b['bin']:<12} {b['values']:>6}  "
                f"{b['mean_confidence']:>10.3f}  {b['accuracy']:>8.3f}"
            )
    points = {p["threshold"]: p for p in data["precision_coverage"]}
    lines.append("    accept from  coverage  precision")
    for threshold in CURVE_THRESHOLDS:
        p = points[threshold]
        precision = "-" if p["precision"] is None else f"{p['precision']:.1%}"
        lines.append(f"    {threshold:>11.2f}  {p['coverage']:>8.1%}  {precision:>9}")
    held = data["held_out"]
    precision = "-" if held["precision"] is None else f"{held['precision']:.1%}"
    lines.append(
        f"  thresholds for {data['target_precision']:.0%} precision, "
        "chosen on odd rows, on the even rows: "
        f"{held['accepted']} of {held['values']} values accepted ({held['coverage']:.1%}), "
        f"{precision} right; "
        f"{len(data['thresholds'])} fields with a threshold"
    )
    return lines


def plot_calibration(reports: Sequence[LLMReport], path: Path) -> None:
    """The reliability diagram and the precision/coverage curve of each LLM, in one PNG."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError as error:
        raise ConfigurationError("--plot needs matplotlib: pip install -e '.[dev]'") from error
    figure, (diagram, curve) = pyplot.subplots(1, 2, figsize=(11, 4.5))
    diagram.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect calibration")
    for report in reports:
        data = report.summary()["calibration"]
        assert isinstance(data, dict)
        filled = [b for b in data["reliability"] if b["values"]]
        diagram.plot(
            [b["mean_confidence"] for b in filled],
            [b["accuracy"] for b in filled],
            marker="o",
            label=f"{report.llm} (ECE {data['ece'] if data['ece'] is not None else '-'})",
        )
        points = [p for p in data["precision_coverage"] if p["precision"] is not None]
        curve.plot(
            [p["coverage"] for p in points],
            [p["precision"] for p in points],
            marker=".",
            label=report.llm,
        )
    diagram.set(
        xlabel="mean confidence (10 bins)",
        ylabel="share right",
        title="Reliability",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    curve.set(
        xlabel="coverage (values accepted)",
        ylabel="precision of accepted values",
        title="Precision / coverage",
        xlim=(0, 1.02),
        ylim=(0, 1.02),
    )
    diagram.legend(loc="upper left", fontsize="small")
    curve.legend(loc="lower left", fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot.close(figure)
