"""MLflow runs of an evaluation (the optional `mlflow` extra): one run per LLM, with its
parameters, its metrics and its pairs as a CSV artifact, so runs compare side by side.

The tracking store is MLFLOW_TRACKING_URI: a server (`http://…`), or a local directory (MLflow 3
wants MLFLOW_ALLOW_FILE_STORE=true for one); `sqlite:///…` only with the full `mlflow` package,
which the extra (`mlflow-skinny`) is not.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from src.adapters.driven.files.evaluation_output import write_pairs_csv
from src.domain.errors import ConfigurationError
from src.domain.evaluation.report import LLMReport

DEFAULT_EXPERIMENT = "field-lookup-evaluation"


def log_runs(
    reports: Sequence[LLMReport], benchmark: str, tracking_uri: str | None, experiment: str | None
) -> list[str]:
    """Logs one run per report; returns the run ids. ConfigurationError when MLflow is not
    installed or its tracking store refuses the runs."""
    try:
        import mlflow
        from mlflow.exceptions import MlflowException
    except ImportError as error:
        raise ConfigurationError(
            "--mlflow needs the mlflow extra: pip install -e '.[mlflow]'"
        ) from error
    try:
        if tracking_uri:
            mlflow.set_tracking_uri(tracking_uri)
        mlflow.set_experiment(experiment or DEFAULT_EXPERIMENT)
        return [_log_run(mlflow, report, benchmark) for report in reports]
    except MlflowException as error:
        raise ConfigurationError(f"MLflow refused the runs: {error.message}") from error


def run_metrics(report: LLMReport) -> dict[str, float]:
    """Overall scores and cost, and accuracy and F1 per type, as MLflow metric names."""
    scores, cost = report.overall, report.cost
    metrics = {
        "accuracy": scores.accuracy,
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "pairs": scores.pairs,
        "correct": scores.correct,
        **{f"bucket_{name}": count for name, count in scores.buckets().items()},
        "calls": cost.calls,
        "prompt_tokens": cost.tokens.prompt_tokens,
        "completion_tokens": cost.tokens.completion_tokens,
        "seconds": cost.seconds,
    }
    for name, by_type in report.by_type().items():
        metrics[f"accuracy_{name}"] = by_type.accuracy
        metrics[f"f1_{name}"] = by_type.f1
    if report.judge:
        metrics["judged_accuracy"] = report.judged_accuracy()
    return {name: float(value) for name, value in metrics.items()}


def _log_run(ml: ModuleType, report: LLMReport, benchmark: str) -> str:
    with ml.start_run(run_name=report.llm) as run:
        ml.log_params(
            {"llm": report.llm, "strategy": report.strategy, "k": report.k, "benchmark": benchmark}
        )
        ml.log_metrics(run_metrics(report))
        with tempfile.TemporaryDirectory() as folder:
            csv_path = Path(folder) / f"pairs-{report.llm}.csv"
            write_pairs_csv([report], csv_path)
            ml.log_artifact(str(csv_path))
        return str(run.info.run_id)
