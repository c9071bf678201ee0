"""`python cli.py evaluate BENCH.jsonl`: extraction quality, measured; and
`python cli.py benchmark-from-prototype`, the prototype's labelled examples as a benchmark.

Every benchmark row goes through the lookup service (the API's path) once per LLM named; the
scores print as a table or JSON, every pair can go to a CSV, and each LLM to an MLflow run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from src.adapters.driven.files.benchmark_files import (
    prototype_benchmark,
    read_benchmark,
    write_benchmark,
)
from src.adapters.driven.files.calibration_output import plot_calibration
from src.adapters.driven.files.evaluation_output import results_json, results_table, write_pairs_csv
from src.adapters.driven.tracking.mlflow_tracking import log_runs
from src.adapters.driving.cli.batch_options import BatchTimeout
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.progress_bar import progress_bar
from src.adapters.driving.cli.service import service
from src.domain.confidence.calibration_map import CalibrationMap
from src.domain.errors import DataFileError
from src.domain.evaluation.report import LLMReport
from src.domain.evaluation.thresholds import DEFAULT_TARGET_PRECISION
from src.domain.trust.ports import FieldThreshold


def evaluate(
    benchmark: Annotated[
        Path,
        typer.Argument(
            help="JSON Lines ({description, expected: {code: value | [values] | null}}) "
            "or CSV (description, a column per code, values|alternatives, empty: not stated)."
        ),
    ],
    llm: Annotated[
        list[str] | None,
        typer.Option(help="An LLM to evaluate; repeat for several (default: the default LLM)."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write one CSV row per pair here.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"results": [{"llm": …}]} as JSON.')
    ] = False,
    judge: Annotated[
        str | None, typer.Option(help="An LLM that grades text answers which do not match exactly.")
    ] = None,
    mlflow: Annotated[
        bool, typer.Option("--mlflow", help="Log one MLflow run per LLM (MLFLOW_TRACKING_URI).")
    ] = False,
    exclude_own_examples: Annotated[
        bool, typer.Option(help="Few-shot examples never come from the product's own text.")
    ] = False,
    target_precision: Annotated[
        float,
        typer.Option(min=0.5, max=1.0, help="The precision per-field accept thresholds aim for."),
    ] = DEFAULT_TARGET_PRECISION,
    save_thresholds: Annotated[
        bool,
        typer.Option(
            "--save-thresholds",
            help="Store the chosen thresholds: lookups then say which values need review.",
        ),
    ] = False,
    save_calibration: Annotated[
        bool,
        typer.Option(
            "--save-calibration",
            help="Store each LLM's calibration map, fitted on this run: lookups then report "
            "calibrated confidences (and thresholds are chosen on them).",
        ),
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option(help="Draw the reliability diagram and precision/coverage curve here (PNG)."),
    ] = None,
    timeout: BatchTimeout = None,
) -> None:
    """Score LLMs on a benchmark: the five buckets, precision/recall/F1, calibration, thresholds,
    cost."""
    with reported_errors():
        rows = read_benchmark(benchmark)
    with service() as container, reported_errors():
        evaluation = container.evaluation(judge, timeout)
        names = llm or [container.llms.default]
        for name in names:
            container.llms.resolve_name(name)
        console = Console(stderr=True)
        with progress_bar(console, "products") as bar:
            tasks = {name: bar.add_task(name, total=len(rows)) for name in dict.fromkeys(names)}
            reports = evaluation.evaluate(
                rows,
                names,
                exclude_own_examples,
                progress=lambda name: bar.advance(tasks[name]),
                target_precision=target_precision,
            )
        if save_calibration:
            for report in reports:
                container.calibration.save(report.llm, report.calibration())
        if save_thresholds:
            container.thresholds.save(
                [
                    t
                    for r in reports
                    for t in chosen_thresholds(r, container.calibration.calibration(r.llm))
                ]
            )
        if out:
            try:
                write_pairs_csv(reports, out)
            except OSError as error:
                raise DataFileError(
                    str(out), None, f"cannot be written ({error.strerror})"
                ) from error
        if mlflow:
            log_runs(
                reports,
                benchmark.name,
                container.settings.get("MLFLOW_TRACKING_URI") or None,
                container.settings.get("MLFLOW_EXPERIMENT_NAME") or None,
            )
        if plot:
            try:
                plot_calibration(reports, plot)
            except OSError as error:
                raise DataFileError(
                    str(plot), None, f"cannot be written ({error.strerror})"
                ) from error
    typer.echo(results_json(reports) if as_json else results_table(reports))


def chosen_thresholds(report: LLMReport, calibration: CalibrationMap) -> list[FieldThreshold]:
    """The report's per-field thresholds, chosen on the confidences as lookups report them
    through `calibration` (the LLM's map in force), with what each gave on the half that did
    not choose it."""
    choice = report.thresholds(calibration if calibration.groups else None)
    return [
        FieldThreshold(
            report.llm,
            code,
            threshold,
            choice.target_precision,
            choice.held_out_per_field[code].precision,
            choice.held_out_per_field[code].coverage,
        )
        for code, threshold in choice.per_field.items()
    ]


def benchmark_from_prototype(
    examples: Annotated[Path, typer.Argument(help="The prototype's examples.json.")],
    out: Annotated[Path, typer.Option(help="The benchmark to write (JSON Lines).")],
    with_nulls: Annotated[
        bool, typer.Option(help="Keep the unlabelled (null) values as 'not stated'.")
    ] = False,
) -> None:
    """Turn the prototype's labelled examples into a benchmark: one row per product."""
    with reported_errors():
        rows = prototype_benchmark(examples, with_nulls)
    write_benchmark(rows, out)
    pairs = sum(len(row.expected) for row in rows)
    typer.echo(f"{len(rows)} products, {pairs} values written to {out}")
