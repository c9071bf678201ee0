"""The pre-pass's precision per rule kind (select, number), measured on every labelled value at
hand: data/examples.json, data/benchmark.jsonl and the prototype's labelled examples. These are
the confidences its answers carry (src/domain/confidence/prepass.py).

    .venv/bin/python bench/prepass_precision.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from src.adapters.driven.files.benchmark_files import prototype_benchmark, read_benchmark
from src.adapters.driven.files.provisioning_files import read_examples, read_fields
from src.domain.evaluation.benchmark import BenchmarkRow
from src.domain.evaluation.matching import matches
from src.domain.model import Field
from src.domain.prompting.prepass import TextRulesPrepass

REPO = Path(__file__).resolve().parents[1]
PROTOTYPE = REPO.parent / "shared" / "prototype-data"


def labelled(rows: list[BenchmarkRow], fields: dict[str, Field]) -> list[tuple[Field, str, tuple]]:
    return [
        (fields[c], row.description, accepted)
        for row in rows
        for c, accepted in row.expected.items()
        if accepted is not None and c in fields
    ]


def main() -> None:
    project = {f.code: f for f in read_fields(REPO / "data" / "fields.json")}
    prototype = {f.code: f for f in read_fields(PROTOTYPE / "fields.json")}
    examples = [
        (project[e.field_code], e.context, (e.value,))
        for e in read_examples(REPO / "data" / "examples.json")
        if e.value is not None and e.field_code in project
    ]
    sets = {
        "data/examples.json": examples,
        "data/benchmark.jsonl": labelled(
            read_benchmark(REPO / "data" / "benchmark.jsonl"), project
        ),
        "prototype": labelled(prototype_benchmark(PROTOTYPE / "examples.json"), prototype),
    }
    prepass, total = TextRulesPrepass(), Counter()
    for name, pairs in sets.items():
        counts: Counter[str] = Counter()
        for field, text, accepted in pairs:
            answer = prepass.answer(field, text)
            if answer is not None:
                counts[f"{field.type.value} answered"] += 1
                counts[f"{field.type.value} right"] += matches(field, accepted, answer)
        total.update(counts)
        print(name, dict(sorted(counts.items())))
    for kind in ("select", "number"):
        right, answered = total[f"{kind} right"], total[f"{kind} answered"]
        print(
            f"{kind}: {right}/{answered} right; "
            f"(right + 1) / (answered + 2) = {(right + 1) / (answered + 2):.4f}"
        )


if __name__ == "__main__":
    main()
