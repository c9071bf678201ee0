"""What measuring the text fields' rules costs a lookup of the embedded model, on a large
catalogue: 8 text fields of 50,000 labelled examples each. The store either hands out the same
sequence of examples while the catalogue does not change (as the storage adapters do, so each
field is measured once) or a fresh copy each time (measured again from the rules' own caches).
Medians of several rounds, side by side in one run.

    .venv/bin/python bench/text_rules.py [--examples 50000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from src.domain.lookup.known_value_rules import KnownValueRules
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import Example, Field, FieldType
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prepass import TextRulesPrepass

FIELDS = {f"F{n}": Field(f"F{n}", f"Attribute {n}", FieldType.TEXT) for n in range(8)}


class Store:
    """The catalogue's labelled values, the same tuples each time or fresh copies."""

    def __init__(self, examples: dict[str, tuple[Example, ...]], same: bool) -> None:
        self._examples, self._same = examples, same

    def labelled(self, field_codes: Sequence[str]) -> dict[str, Sequence[Example]]:
        return {
            code: self._examples[code] if self._same else tuple(list(self._examples[code]))
            for code in field_codes
        }


class NoModel:
    def complete(self, request: object) -> object:
        raise NotImplementedError

    def count_tokens(self, text: str) -> int | None:
        return None


def per_lookup_ms(rules: KnownValueRules, llm: ConfiguredLLM, rounds: int) -> float:
    rules.of(llm, FIELDS, None)  # the first lookup measures
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        rules.of(llm, FIELDS, None)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    examples = {
        code: tuple(
            Example(code, f"Product {n} of {code}, {n % 40} x {n % 30} in, ref AB{n}", f"v{n % 60}")
            for n in range(args.examples)
        )
        for code in FIELDS
    }
    llm = ConfiguredLLM(
        "bench", ChatFormat(), BasicChainOfThought(), NoModel(), prepass=TextRulesPrepass()
    )  # type: ignore[arg-type]
    same = per_lookup_ms(KnownValueRules(Store(examples, same=True)), llm, args.rounds)
    fresh = per_lookup_ms(KnownValueRules(Store(examples, same=False)), llm, args.rounds)
    print(f"8 text fields x {args.examples:,} labelled examples, median of {args.rounds} lookups")
    print("| store hands out | the rules' cost a lookup |")
    print("|---|---|")
    print(f"| the same sequence | {same:.2f} ms |")
    print(f"| a fresh copy | {fresh:.1f} ms ({fresh / max(same, 1e-3):.0f}×) |")


if __name__ == "__main__":
    main()
