"""Extraction quality on every dev set, the default LLM beside the per-field layout, in one run.

    make bench-quality        # the full run, for docs/quality.md
    make bench-quality-quick  # a fixed stride sample of each set, for iterating
    .venv/bin/python bench/quality.py [--quick] [--llm NAME]... [--set NAME]... [--out DIR]

The sets: AE-110k (its training offers as examples, its 524 test offers scored), WDC-PAVE (two
folds by offer id, each scored with the other fold's offers as its examples: an offer's own
labels are never among its examples), data/benchmark.jsonl (data/examples.json as examples) and
the prototype's labelled values (each product with examples from the other products only). Each
part runs in a throwaway SQLite database provisioned as a user would, without the lookup cache,
through the evaluation use case of `python cli.py evaluate`.

Prints one row per set and LLM: the five buckets (NN/NV/VN/VC/VW, as the field scores them),
precision, recall and F1, the calibration error (ECE), the held-out calibrated ECE (a calibration
map fitted on odd rows, as `evaluate --save-calibration` fits it, judged on even rows, beside the
raw confidences' ECE on those rows) and the AUROC of right against wrong values by confidence,
the held-out accept coverage and precision (thresholds for 95 % chosen on odd
rows, judged on even rows), model calls and seconds; then the macro-average F1 of the English
sets per LLM. Reads ../shared; stops with a message naming the folder when it is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import ae110k, wdc_pave  # noqa: E402
from bench.strategies import PROTOTYPE, REPO, evaluate  # noqa: E402
from src.adapters.driven.files.benchmark_files import prototype_benchmark, read_benchmark  # noqa: E402
from src.adapters.driven.files.evaluation_output import write_pairs_csv  # noqa: E402
from src.domain.evaluation.benchmark import BenchmarkRow  # noqa: E402
from src.domain.evaluation.report import Cost, LLMReport  # noqa: E402

LLMS = ["gemma3", "gemma3-per-field"]
ENGLISH = ("AE-110k", "WDC-PAVE")
QUICK = {"AE-110k": 40, "WDC-PAVE": 12, "data/benchmark.jsonl": 3}
"""Quick mode: AE-110k test offers, WDC-PAVE offers per fold, every n-th benchmark product."""
HEADER = (
    "| set | LLM | pairs | NN | NV | VN | VC | VW | precision | recall | F1 | ECE "
    "| held-out calibrated ECE | AUROC "
    "| held-out accepted / values | held-out precision | calls | seconds |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


@dataclass(frozen=True)
class Part:
    """A database's worth of a set: its fields and examples files, the rows scored with them."""

    fields: Path
    examples: Path
    rows: list[BenchmarkRow]
    exclude_own_examples: bool = False


def _write(folder: Path, name: str, fields: list[dict], examples: list[dict]) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / f"{name}-fields.json", folder / f"{name}-examples.json"
    for path, records in zip(paths, (fields, examples), strict=True):
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return paths


def _rows(records: list[dict], folder: Path, name: str) -> list[BenchmarkRow]:
    path = folder / f"{name}-benchmark.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return read_benchmark(path)


def ae110k_parts(folder: Path, quick: bool) -> list[Part]:
    train = ae110k.offers(ae110k.DATA / "train.jsonl")
    test = ae110k.offers(ae110k.DATA / "test.jsonl")
    fields, examples = _write(
        folder, "ae", ae110k.fields_of(train + test), ae110k.examples_of(train)
    )
    sample = QUICK["AE-110k"] if quick else None
    return [Part(fields, examples, _rows(ae110k.benchmark_of(test, sample), folder, "ae"))]


def wdc_pave_parts(folder: Path, quick: bool) -> list[Part]:
    parts = []
    for index, fold in enumerate(wdc_pave.folds(sample=QUICK["WDC-PAVE"] if quick else None)):
        name = f"pave{index}"
        fields, examples = _write(folder, name, fold.fields, fold.examples)
        parts.append(Part(fields, examples, _rows(fold.benchmark, folder, name)))
    return parts


def benchmark_parts(folder: Path, quick: bool) -> list[Part]:
    rows = read_benchmark(REPO / "data" / "benchmark.jsonl")
    if quick:
        rows = rows[:: QUICK["data/benchmark.jsonl"]]
    return [Part(REPO / "data" / "fields.json", REPO / "data" / "examples.json", rows)]


def prototype_parts(folder: Path, quick: bool) -> list[Part]:
    examples = PROTOTYPE / "examples.json"
    return [Part(PROTOTYPE / "fields.json", examples, prototype_benchmark(examples), True)]


SETS = {
    "AE-110k": (ae110k.DATA, ae110k_parts),
    "WDC-PAVE": (wdc_pave.DATA, wdc_pave_parts),
    "data/benchmark.jsonl": (REPO / "data", benchmark_parts),
    "prototype": (PROTOTYPE, prototype_parts),
}


def pooled(reports: Sequence[LLMReport]) -> LLMReport:
    """One report of several parts' reports of an LLM, their rows numbered one after another."""
    pairs, offset = [], 0
    for report in reports:
        pairs += [replace(pair, row=pair.row + offset) for pair in report.pairs]
        offset += 1 + max((pair.row for pair in report.pairs), default=0)
        offset += offset % 2  # keeps each part's odd and even rows as they were
    cost = sum((report.cost for report in reports), Cost())
    return replace(reports[0], pairs=tuple(pairs), cost=cost)


def measure(parts: Sequence[Part], llms: Sequence[str]) -> dict[str, LLMReport]:
    by_llm: dict[str, list[LLMReport]] = {name: [] for name in llms}
    for part in parts:
        reports: Iterator[LLMReport] = evaluate(
            part.rows, part.fields, part.examples, llms, part.exclude_own_examples
        )
        for name, report in zip(llms, reports, strict=True):
            by_llm[name].append(report)
    return {name: pooled(reports) for name, reports in by_llm.items()}


def table_row(title: str, report: LLMReport) -> str:
    calibration = cast(dict[str, Any], report.summary()["calibration"])
    held = calibration["held_out"]
    held_ece = calibration["held_out_ece"]
    buckets = report.overall.buckets()
    s = report.overall
    shown = "n/a" if held["precision"] is None else f"{held['precision']:.1%}"
    return (
        f"| {title} | `{report.llm}` | {s.pairs} | "
        + " | ".join(str(buckets[name]) for name in ("NN", "NV", "VN", "VC", "VW"))
        + f" | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {calibration['ece']} "
        f"| {held_ece['calibrated']} ({held_ece['raw']} raw) | {calibration['auroc']} "
        f"| {held['accepted']} / {held['values']} "
        f"({held['coverage']:.0%}) | {shown} | {report.cost.calls} | {report.cost.seconds:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a stride sample of each set")
    parser.add_argument("--llm", action="append", help=f"an LLM to measure (default: {LLMS})")
    parser.add_argument("--set", action="append", choices=list(SETS), help="default: every set")
    parser.add_argument("--out", type=Path, help="a folder for the CSV of every pair")
    args = parser.parse_args()
    llms, sets = args.llm or LLMS, args.set or list(SETS)
    missing = [str(SETS[name][0]) for name in sets if not SETS[name][0].is_dir()]
    if missing:
        sys.exit(f"bench-quality needs {', '.join(missing)} (the shared dev sets): not found")
    f1: dict[str, dict[str, float]] = {name: {} for name in llms}
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        for name in sets:
            parts = SETS[name][1](Path(scratch) / "files", args.quick)
            reports = measure(parts, llms)
            for llm, report in reports.items():
                f1[llm][name] = report.overall.f1
                print(table_row(name, report), flush=True)
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                slug = name.replace("/", "-").replace(".", "-")
                write_pairs_csv(list(reports.values()), args.out / f"{slug}.csv")
    english = [name for name in ENGLISH if name in sets]
    if english:
        print(f"\nMacro-average F1 of the English sets ({', '.join(english)}):\n")
        for llm in llms:
            scores = [f1[llm][name] for name in english]
            print(f"- `{llm}`: {sum(scores) / len(scores):.3f}")


if __name__ == "__main__":
    main()
