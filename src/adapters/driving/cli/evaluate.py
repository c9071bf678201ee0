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
from src.adapters.driven.files.evaluation_output import results_json, results_table, write_pairs_csv
from src.adapters.driven.tracking.mlflow_tracking import log_runs
from src.adapters.driving.cli.batch_options import BatchTimeout
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.progress_bar import progress_bar
from src.adapters.driving.cli.service import service
from src.domain.errors import DataFileError


def evaluate(
    benchmark: Annotated[Path, typer.Argument(help="JSON Lines ({description, expected: {code: value | [values] | null}}) or CSV (description, a column per code, values|alternatives, empty: not stated).")],
    llm: Annotated[list[str] | None, typer.Option(help="An LLM to evaluate; repeat for several (default: the default LLM).")] = None,
    out: Annotated[Path | None, typer.Option(help="Write one CSV row per pair here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"results": [{"llm": …}]} as JSON.')] = False,
    judge: Annotated[str | None, typer.Option(help="An LLM that grades text answers which do not match exactly.")] = None,
    mlflow: Annotated[bool, typer.Option("--mlflow", help="Log one MLflow run per LLM (MLFLOW_TRACKING_URI).")] = False,
    exclude_own_examples: Annotated[bool, typer.Option(help="Few-shot examples never come from the product's own text.")] = False,
    timeout: BatchTimeout = None,
) -> None:
    """Score LLMs on a benchmark: accuracy, precision/recall/F1, calls, tokens and time."""
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
                rows, names, exclude_own_examples, progress=lambda name: bar.advance(tasks[name])
            )
        if out:
            try:
                write_pairs_csv(reports, out)
            except OSError as error:
                raise DataFileError(str(out), None, f"cannot be written ({error.strerror})") from error
        if mlflow:
            log_runs(reports, benchmark.name, container.settings.get("MLFLOW_TRACKING_URI") or None,
                     container.settings.get("MLFLOW_EXPERIMENT_NAME") or None)
    typer.echo(results_json(reports) if as_json else results_table(reports))


def benchmark_from_prototype(
    examples: Annotated[Path, typer.Argument(help="The prototype's examples.json.")],
    out: Annotated[Path, typer.Option(help="The benchmark to write (JSON Lines).")],
    with_nulls: Annotated[bool, typer.Option(help="Keep the unlabelled (null) values as 'not stated'.")] = False,
) -> None:
    """Turn the prototype's labelled examples into a benchmark: one row per product."""
    with reported_errors():
        rows = prototype_benchmark(examples, with_nulls)
    write_benchmark(rows, out)
    pairs = sum(len(row.expected) for row in rows)
    typer.echo(f"{len(rows)} products, {pairs} values written to {out}")
