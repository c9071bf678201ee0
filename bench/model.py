"""The embedded model, product by product: the per-field chain of thought against the
shared-prefix layouts.

    make bench-model
    # or: .venv/bin/python bench/model.py [--products N] [--fifteen N] [--threads 1 2]

Every LLM runs the same products, one at a time, through the lookup service (the API's path, the
pre-pass on, the cache off):
- data/benchmark.jsonl, each product with its own fields (5 to 8);
- 15-field products: the same products asked their own fields, then the fields the benchmark
  asks most often among the others, up to 15. Only the labelled fields are scored; the others
  count in time, tokens and fields answered.
Each product runs without a deadline, and the time each model call returned is kept, so one run
tells both what the service answers with the default deadline (LLM_QUERY_TIMEOUT, 10 s unless
set): seconds per product (the last answer, or the deadline), fields answered by then, accuracy
as served (a field answered late is wrong); and what the model does given the time: seconds,
prompt tokens read per product (those it evaluated, not those kept in its KV cache), tokens in
its prompts, accuracy. `--threads` runs the default LLM again with LLAMA_THREADS at each
value. The load average is printed: other work on the 2 cores slows llama.cpp a lot.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from config.settings import Settings  # noqa: E402
from src.adapters.driven.files.benchmark_files import read_benchmark  # noqa: E402
from src.adapters.driven.files.provisioning_files import read_examples, read_fields  # noqa: E402
from src.bootstrap import Container, bootstrap  # noqa: E402
from src.bootstrap.llms import llm_registry  # noqa: E402
from src.domain.evaluation.benchmark import BenchmarkRow  # noqa: E402
from src.domain.evaluation.matching import matches  # noqa: E402
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry  # noqa: E402
from src.domain.model import LookupRequest, OutcomeStatus, TokenUsage  # noqa: E402
from src.domain.prompting.ports import Connector  # noqa: E402
from src.domain.prompting.prompt import Completion, CompletionRequest  # noqa: E402
from src.domain.prompting.shared_prefix.ports import turn_of  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
CHAINS_OF_THOUGHT = {
    "gemma3-per-field": "per field (before)",
    "gemma3": "conversation (shared prefix)",
    "gemma3-answer-object": "answer object (shared prefix)",
}
HEADER = (
    "| products | chain of thought | threads | s/product, median / p90 | fields answered in time "
    "| accuracy as served | s/product without deadline | prompt tokens read/product "
    "| prompt tokens/product | accuracy without deadline |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)
UNBOUNDED_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class Run:
    seconds: list[float]
    """Until every field was answered (no deadline)."""
    served: list[float]
    """As the service answers with the default deadline: at the last answer, or at the deadline."""
    answered: int
    fields: int
    tokens_read: list[int]
    tokens: list[int]
    correct: int
    correct_in_time: int
    scored: int

    def row(self, products: str, chain_of_thought: str, threads: str) -> str:
        return (
            f"| {products} | {chain_of_thought} | {threads} | {_median_p90(self.served)} "
            f"| {self.answered}/{self.fields} "
            f"| {self.correct_in_time / self.scored:.1%} | {_median_p90(self.seconds)} "
            f"| {statistics.mean(self.tokens_read):.0f} | {statistics.mean(self.tokens):.0f} "
            f"| {self.correct / self.scored:.1%} ({self.correct}/{self.scored}) |"
        )


def _median_p90(values: Sequence[float]) -> str:
    p90 = (
        statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
    )
    return f"{statistics.median(values):.2f} / {p90:.2f}"


class CountingConnector:
    """Wraps an LLM's connector: every completion's usage and when it returned, late ones too."""

    def __init__(self, inner: Connector) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.finished: dict[str, float] = {}
        self.usage = TokenUsage()
        self.in_flight = 0

    def complete(self, request: CompletionRequest) -> Completion:
        with self._lock:
            self.in_flight += 1
        try:
            completion = self._inner.complete(request)
        finally:
            with self._lock:
                self.in_flight -= 1
        with self._lock:
            self.finished[request.field_code] = time.monotonic()
            self.usage += completion.usage or TokenUsage()
        return completion

    def count_tokens(self, text: str) -> int | None:
        return self._inner.count_tokens(text)

    def turn(self, deadline: float) -> AbstractContextManager[None]:
        return turn_of(self._inner, deadline)

    def start(self) -> None:
        with self._lock:
            self.finished, self.usage = {}, TokenUsage()

    def drain(self) -> None:
        """Waits for the calls still running: the next product starts on an idle model."""
        while self.in_flight:
            time.sleep(0.05)


def fifteen_field_rows(rows: Sequence[BenchmarkRow]) -> list[tuple[BenchmarkRow, tuple[str, ...]]]:
    """Each product's own fields, then the benchmark's most asked others, up to 15."""
    asked = Counter(code for row in rows for code in row.expected)
    ranked = [code for code, _ in asked.most_common()]
    extended = []
    for row in rows:
        codes = list(row.expected) + [code for code in ranked if code not in row.expected]
        extended.append((row, tuple(codes[:15])))
    return extended


def measure(
    container: Container,
    counting: dict[str, CountingConnector],
    llm: str,
    deadline: float,
    products: Sequence[tuple[BenchmarkRow, tuple[str, ...]]],
) -> Run:
    fields = container.fields.get_many([code for _, codes in products for code in codes])
    seconds, served, read, tokens = [], [], [], []
    answered = total = correct = in_time = scored = 0
    container.llms.get(llm)  # built (and counted) on first use
    model = counting[llm]
    for row, codes in products:
        model.start()
        started = time.monotonic()
        result = container.lookup.lookup(
            LookupRequest(row.description, codes, llm), UNBOUNDED_SECONDS
        )
        model.drain()
        seconds.append(result.elapsed_ms / 1000)
        served.append(min(result.elapsed_ms / 1000, deadline))
        read.append(model.usage.prompt_tokens_read)
        tokens.append(model.usage.prompt_tokens)
        for outcome in result.outcomes:
            total += 1
            finished = model.finished.get(outcome.field_code, started)  # the pre-pass: at once
            on_time = outcome.status is not OutcomeStatus.TIMEOUT and finished - started <= deadline
            answered += on_time
            if outcome.field_code in row.expected:
                scored += 1
                right = matches(
                    fields[outcome.field_code], row.expected[outcome.field_code], outcome.value
                )
                correct += right
                in_time += right and on_time
        print(f"\r{llm}: {len(seconds)}/{len(products)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return Run(seconds, served, answered, total, read, tokens, correct, in_time, scored)


def container_for(
    folder: str, threads: int | None
) -> tuple[Container, dict[str, CountingConnector]]:
    environ = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.db", "LOOKUP_CACHE": "off"}
    if threads:
        environ["LLAMA_THREADS"] = str(threads)
    settings = Settings.from_env(environ)
    wired = llm_registry(settings)
    counting: dict[str, CountingConnector] = {}

    def counted(name: str) -> ConfiguredLLM:
        configured = wired.get(name)
        counting[name] = CountingConnector(configured.connector)
        return replace(configured, connector=counting[name])

    registry = LLMRegistry({name: partial(counted, name) for name in wired.names()}, wired.default)
    container = bootstrap(settings, registry)
    container.migrate()
    container.provisioning.provision(
        read_fields(DATA / "fields.json"), read_examples(DATA / "examples.json")
    )
    return container, counting


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=49, help="products of data/benchmark.jsonl")
    parser.add_argument("--fifteen", type=int, default=12, help="15-field products")
    parser.add_argument(
        "--threads",
        type=int,
        nargs="*",
        default=[],
        help="LLAMA_THREADS to measure the default LLM with",
    )
    parser.add_argument(
        "--llm", action="append", help="configured LLMs to compare; default: all three"
    )
    parser.add_argument(
        "--thread-products", type=int, default=8, help="products of each set for --threads"
    )
    args = parser.parse_args()
    rows = read_benchmark(DATA / "benchmark.jsonl")
    sets = {
        "benchmark.jsonl": [(row, tuple(row.expected)) for row in rows[: args.products]],
        "15 fields": fifteen_field_rows(rows)[: args.fifteen],
    }
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        "(2 cores, shared with other work)"
    )
    lines = [HEADER]
    with tempfile.TemporaryDirectory() as folder:
        for threads in [None, *args.threads]:
            container, counting = container_for(folder, threads)
            try:
                deadline = container.settings.llm_query_timeout
                llms = (args.llm or list(CHAINS_OF_THOUGHT)) if threads is None else ["gemma3"]
                limit = None if threads is None else args.thread_products
                container.lookup.lookup(
                    LookupRequest("Lampe 40W E27", ("EF000042",), llms[0]), 120
                )  # loads the model
                shown = str(
                    threads
                    or os.environ.get("LLAMA_THREADS")
                    or f"{len(os.sched_getaffinity(0))} (default)"
                )
                for name, every in sets.items():
                    products = every[:limit]
                    for llm in llms:
                        run = measure(container, counting, llm, deadline, products)
                        lines.append(
                            run.row(
                                f"{name} ({len(products)})", CHAINS_OF_THOUGHT.get(llm, llm), shown
                            )
                        )
                        print(lines[-1], flush=True)
            finally:
                container.close()
    print(
        f"\ndeadline {deadline:g} s (LLM_QUERY_TIMEOUT); load average after: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
