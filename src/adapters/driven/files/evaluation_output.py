"""An evaluation as people read it: a CSV of every pair for a spreadsheet, JSON, and a table."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from src.adapters.driven.files.spreadsheet_cells import safe_cell
from src.domain.evaluation.report import LLMReport, ScoredPair

CSV_COLUMNS = (
    "llm", "row", "description", "field", "label", "type", "expected", "predicted", "status",
    "correct", "source", "raw_output", "judge_grade", "judge_score",
)


def write_pairs_csv(reports: Sequence[LLMReport], path: Path) -> None:
    """One row per (LLM, product, field) pair; values as JSON so 40 and "40" stay apart; a
    text that a spreadsheet would run as a formula is written as text (`safe_cell`)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for report in reports:
            for pair in report.pairs:
                writer.writerow(safe_cell(c) if isinstance(c, str) else c for c in _csv_row(report.llm, pair))


def results_json(reports: Sequence[LLMReport]) -> str:
    return json.dumps({"results": [report.summary() for report in reports]}, ensure_ascii=False, indent=2)


def results_table(reports: Sequence[LLMReport]) -> str:
    """Per LLM: the overall scores and cost, then the scores per type."""
    lines = []
    for report in reports:
        s, c = report.overall, report.cost
        lines.append(
            f"{report.llm} ({report.strategy}, k={report.k}): accuracy {s.accuracy:.1%} "
            f"({s.correct}/{s.pairs}), precision {s.precision:.1%}, recall {s.recall:.1%}, "
            f"F1 {s.f1:.1%}, labelled values right {s.labelled_accuracy:.1%}"
        )
        lines.append(
            f"  {c.calls} calls, {c.prompt_tokens} prompt ({c.prompt_tokens - c.cached_prompt_tokens} read) "
            f"+ {c.completion_tokens} completion tokens, "
            f"{c.seconds:.1f} s"
        )
        statuses = Counter(pair.status.value for pair in report.pairs)
        lines.append("  statuses: " + ", ".join(f"{name} {count}" for name, count in sorted(statuses.items())))
        for name, scores in report.by_type().items():
            lines.append(f"  {name:<8} {scores.accuracy:6.1%} of {scores.pairs:>3}   F1 {scores.f1:6.1%}")
        if report.judge:
            lines.append(f"  judged by {report.judge}: accuracy {report.judged_accuracy():.1%}")
    return "\n".join(lines)


def _csv_row(llm: str, pair: ScoredPair) -> list[object]:
    expected = None if pair.expected is None else (pair.expected[0] if len(pair.expected) == 1 else list(pair.expected))
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
        pair.source.value,
        pair.raw or "",
        pair.grade.choice if pair.grade else "",
        pair.grade.score if pair.grade else "",
    ]
