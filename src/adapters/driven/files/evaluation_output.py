"""An evaluation as people read it: a CSV of every pair for a spreadsheet, JSON, and a table."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from src.adapters.driven.files.calibration_output import calibration_lines
from src.adapters.driven.files.spreadsheet_cells import safe_cell
from src.domain.evaluation.metrics import Scores
from src.domain.evaluation.report import LLMReport, ScoredPair
from src.domain.trust.annotate import needs_review

CSV_COLUMNS = (
    "llm",
    "row",
    "description",
    "field",
    "label",
    "type",
    "expected",
    "predicted",
    "status",
    "correct",
    "bucket",
    "source",
    "raw_output",
    "judge_grade",
    "judge_score",
    "confidence",
    "evidence",
    "review",
)


def write_pairs_csv(reports: Sequence[LLMReport], path: Path) -> None:
    """One row per (LLM, product, field) pair; values as JSON so 40 and "40" stay apart; with
    the value's confidence, its evidence (JSON spans) and `review` by the thresholds this
    evaluation chose (empty without a value); a text that a spreadsheet would run as a formula
    is written as text (`safe_cell`)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for report in reports:
            thresholds = report.thresholds().per_field
            for pair in report.pairs:
                row = _csv_row(report.llm, pair, thresholds.get(pair.field.code))
                writer.writerow(safe_cell(c) if isinstance(c, str) else c for c in row)


def results_json(reports: Sequence[LLMReport]) -> str:
    return json.dumps(
        {"results": [report.summary() for report in reports]}, ensure_ascii=False, indent=2
    )


def results_table(reports: Sequence[LLMReport]) -> str:
    """Per LLM: the overall scores and cost, then the scores per type."""
    lines = []
    for report in reports:
        s, c = report.overall, report.cost
        lines.append(
            f"{report.llm} ({report.strategy}, k={report.k}): accuracy {s.accuracy:.1%} "
            f"({s.correct}/{s.pairs}), precision {s.precision:.1%}, recall {s.recall:.1%}, "
            f"F1 {s.f1:.1%}"
        )
        lines.append("  " + _buckets(s))
        lines.append(
            f"  {c.calls} calls, {c.tokens.prompt_tokens} prompt "
            f"({c.tokens.prompt_tokens_read} read) "
            f"+ {c.tokens.completion_tokens} completion tokens, "
            f"{c.seconds:.1f} s"
        )
        statuses = Counter(pair.status.value for pair in report.pairs)
        lines.append(
            "  statuses: "
            + ", ".join(f"{name} {count}" for name, count in sorted(statuses.items()))
        )
        lines.append("  per type:")
        lines += [_scores_line(name, scores) for name, scores in report.by_type().items()]
        lines.append("  per field:")
        lines += [_scores_line(code, scores) for code, scores in report.by_field().items()]
        if report.judge:
            lines.append(f"  judged by {report.judge}: accuracy {report.judged_accuracy():.1%}")
        lines += calibration_lines(report)
    return "\n".join(lines)


def _scores_line(name: str, s: Scores) -> str:
    return (
        f"    {name:<10} accuracy {s.accuracy:6.1%} of {s.pairs:>4}   P {s.precision:6.1%}  "
        f"R {s.recall:6.1%}  F1 {s.f1:6.1%}   {_buckets(s)}"
    )


def _buckets(s: Scores) -> str:
    return " ".join(f"{name} {count}" for name, count in s.buckets().items())


def _csv_row(llm: str, pair: ScoredPair, threshold: float | None) -> list[object]:
    expected = (
        None
        if pair.expected is None
        else (pair.expected[0] if len(pair.expected) == 1 else list(pair.expected))
    )
    return [
        llm,
        pair.row,
        pair.description,
        pair.field.code,
        pair.field.label,
        pair.field.type.value,
        json.dumps(expected, ensure_ascii=False),
        json.dumps(pair.predicted, ensure_ascii=False),
        pair.status.value,
        "true" if pair.correct else "false",
        pair.bucket.value,
        pair.source.value,
        pair.raw or "",
        pair.grade.choice if pair.grade else "",
        pair.grade.score if pair.grade else "",
        "" if pair.confidence is None else round(pair.confidence, 4),
        json.dumps(
            [{"start": s.start, "end": s.end, "text": s.text} for s in pair.evidence.spans],
            ensure_ascii=False,
        ),
        ""
        if pair.predicted is None
        else ("true" if needs_review(pair.confidence, threshold) else "false"),
    ]
