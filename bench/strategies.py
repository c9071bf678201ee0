"""docs/quality.md's strategy tables: each strategy of the embedded model on the prototype's
labelled values (../shared/prototype-data), each product with few-shot examples from the other
products only, and on data/benchmark.jsonl.

    make evaluate        # or: .venv/bin/python bench/strategies.py [--llm NAME]... [--no-prototype]

Each part runs in a throwaway SQLite database provisioned as a user would (project data, or the
prototype's fields and examples), without the lookup cache, through the same evaluation use case
as `python cli.py evaluate`. Prints markdown tables: the strategies, then the same runs' trust
(the five buckets, the calibration error, the thresholds chosen for 95 % on the odd rows as
they do on the even rows); `--out DIR` keeps the CSV of every pair.
Seconds are wall time on this machine: other work on its 2 cores slows llama.cpp a lot.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from config.settings import Settings  # noqa: E402
from src.adapters.driven.files.benchmark_files import prototype_benchmark, read_benchmark  # noqa: E402
from src.adapters.driven.files.evaluation_output import write_pairs_csv  # noqa: E402
from src.adapters.driven.files.provisioning_files import read_examples, read_fields  # noqa: E402
from src.bootstrap import bootstrap  # noqa: E402
from src.domain.evaluation.benchmark import BenchmarkRow  # noqa: E402
from src.domain.evaluation.report import LLMReport  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PROTOTYPE = REPO.parent / "shared" / "prototype-data"
STRATEGIES = [
    "gemma3",
    "gemma3-per-field",
    "gemma3-all-in-one",
    "gemma3-prepass-all-in-one",
    "gemma3-basic",
    "gemma3-few-shot",
]
"""The default list; `--llm gemma3-prepass --llm gemma3-text-numbers` measures each lever alone."""
HEADER = (
    "| LLM | strategy | k | accuracy | precision | recall | F1 | model calls | prompt tokens "
    "| completion tokens | seconds |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)

TRUST_HEADER = (
    "| set | LLM | pairs | NN | NV | VN | VC | VW | accuracy | precision | recall | F1 | ECE "
    "| held-out: accepted / values | held-out precision | prompt tokens read |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def evaluate(
    rows: Sequence[BenchmarkRow],
    fields: Path,
    examples: Path,
    llms: Sequence[str],
    exclude_own_examples: bool,
) -> Iterator[LLMReport]:
    """Each LLM's report as soon as it is done, all from one provisioned throwaway database."""
    with tempfile.TemporaryDirectory() as folder:
        environ = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/evaluate.db",
            "LOOKUP_CACHE": "off",
            "LLM_QUERY_TIMEOUT": os.environ.get("LLM_QUERY_TIMEOUT", "600"),
            "CONFIG_MODULE": os.environ.get("CONFIG_MODULE", "config.example"),
        }
        container = bootstrap(Settings.from_env(environ))
        try:
            container.migrate()
            container.provisioning.provision(read_fields(fields), read_examples(examples))
            service = container.evaluation()
            for name in llms:
                done = 0

                def progress(llm: str) -> None:
                    nonlocal done
                    done += 1
                    print(
                        f"\r{llm}: {done}/{len(rows)} products", end="", file=sys.stderr, flush=True
                    )

                [report] = service.evaluate(rows, [name], exclude_own_examples, progress)
                print(file=sys.stderr)
                yield report
        finally:
            container.close()


def row(r: LLMReport) -> str:
    s, c = r.overall, r.cost
    return (
        f"| `{r.llm}` | {r.strategy} | {r.k} | {s.accuracy:.1%} ({s.correct}/{s.pairs}) "
        f"| {s.precision:.1%} "
        f"| {s.recall:.1%} | {s.f1:.1%} | {c.calls} | {c.tokens.prompt_tokens} "
        f"| {c.tokens.completion_tokens} | {c.seconds:.0f} |"
    )


def trust_row(title: str, r: LLMReport) -> str:
    summary = r.summary()
    calibration = cast(dict[str, Any], summary["calibration"])
    held = calibration["held_out"]
    buckets = r.overall.buckets()
    s = r.overall
    shown = "n/a" if held["precision"] is None else f"{held['precision']:.1%}"
    return (
        f"| {title} | `{r.llm}` | {s.pairs} | "
        + " | ".join(str(buckets[name]) for name in ("NN", "NV", "VN", "VC", "VW"))
        + f" | {s.accuracy:.1%} | {s.precision:.1%} | {s.recall:.1%} | {s.f1:.1%} "
        f"| {calibration['ece']} | {held['accepted']} / {held['values']} "
        f"({held['coverage']:.1%}) | {shown} | {r.cost.tokens.prompt_tokens_read} |"
    )


def report_all(title: str, reports: Iterator[LLMReport], out: Path | None, name: str) -> None:
    print(f"{title}\n\n{HEADER}", flush=True)
    done = []
    for report in reports:
        print(row(report), flush=True)
        done.append(report)
        if out:
            out.mkdir(parents=True, exist_ok=True)
            write_pairs_csv(done, out / f"{name}.csv")
    print(f"\nTrust, {title}\n\n{TRUST_HEADER}")
    print("\n".join(trust_row(name, report) for report in done), end="\n\n", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--llm", action="append", help="an LLM to measure (default: every gemma3 strategy)"
    )
    parser.add_argument("--no-prototype", action="store_true", help="skip the prototype's data")
    parser.add_argument("--no-benchmark", action="store_true", help="skip data/benchmark.jsonl")
    parser.add_argument("--out", type=Path, help="a folder for the CSV of every pair")
    args = parser.parse_args()
    llms = args.llm or STRATEGIES
    if not args.no_prototype:
        rows = prototype_benchmark(PROTOTYPE / "examples.json")
        reports = evaluate(rows, PROTOTYPE / "fields.json", PROTOTYPE / "examples.json", llms, True)
        report_all(
            "Prototype's labelled values, few-shot examples from other products only",
            reports,
            args.out,
            "prototype",
        )
    if not args.no_benchmark:
        data = REPO / "data"
        reports = evaluate(
            read_benchmark(data / "benchmark.jsonl"),
            data / "fields.json",
            data / "examples.json",
            llms,
            False,
        )
        report_all("data/benchmark.jsonl", reports, args.out, "benchmark")


if __name__ == "__main__":
    main()
