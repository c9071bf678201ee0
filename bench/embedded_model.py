"""The embedded Gemma 3 270M, measured: load time, and per-field latency with and without grammar.

    .venv/bin/python bench/embedded_model.py [--fields 10] [--threads N]

For each of the first N fields of data/ that have at least two labelled examples, one example
is the product and the others (never the product itself) are the shots, as the lookup builds
them. Each field runs once with the answer grammar and once without it, on two loaded copies of
the model, so that neither reuses the other's evaluated prompt (llama.cpp keeps the prefix it
shares with the previous prompt). Prints the raw outputs, the medians, and how many answers
were one clean JSON object, parsed, and right.
The machine's load average is printed too: other work on the 2 cores slows llama.cpp a lot.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from src.connectors.llama_cpp import LlamaCppConnector, embedded_gemma_path  # noqa: E402
from src.domain.model import Example, Field, FieldType, OutcomeStatus  # noqa: E402
from src.domain.prompting.chain_of_thought import FewShotChainOfThought  # noqa: E402
from src.domain.prompting.families import GemmaFormat  # noqa: E402
from src.domain.prompting.formatted import FormattedPrompt  # noqa: E402
from src.domain.prompting.prompt import CompletionRequest  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
GEMMA = GemmaFormat(context_tokens=2048, answer_tokens=48)
CHAIN_OF_THOUGHT = FewShotChainOfThought(k=3)


def cases(count: int) -> list[tuple[Field, Example, list[Example]]]:
    examples: dict[str, list[Example]] = defaultdict(list)
    for row in json.loads((DATA / "examples.json").read_text()):
        examples[row["field"]].append(Example(row["field"], row["context"], row["value"]))
    chosen = []
    for raw in json.loads((DATA / "fields.json").read_text()):
        labelled = examples.get(raw["code"], [])
        if len(labelled) < 2 or raw["type"] == "text":
            continue
        field = Field(
            raw["code"],
            raw["label"],
            FieldType(raw["type"]),
            tuple(raw["options"]),
            raw.get("unit"),
            raw.get("description"),
        )
        product = labelled[0]
        shots = [e for e in labelled[1:] if e.context != product.context][
            : CHAIN_OF_THOUGHT.examples_per_field
        ]
        chosen.append((field, product, shots))
    return chosen[:count]


def request(
    connector: LlamaCppConnector,
    field: Field,
    product: Example,
    shots: list[Example],
    grammar: bool,
) -> CompletionRequest:
    prompt = GEMMA.fit(
        CHAIN_OF_THOUGHT.prompt(field, product.context, shots),
        lambda text: connector.count_tokens(text) or 0,
    )
    return CompletionRequest(
        field.code,
        FormattedPrompt.of(prompt, GEMMA),
        CHAIN_OF_THOUGHT.answer_schema(field) if grammar else None,
        GEMMA.answer_tokens,
        time.monotonic() + 120,
        GEMMA.stop,
    )


def is_one_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fields", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    connectors = {
        grammar: LlamaCppConnector(embedded_gemma_path(), GEMMA.context_tokens, args.threads)
        for grammar in (True, False)
    }
    for grammar, connector in connectors.items():
        started = time.perf_counter()
        connector.count_tokens("load")
        print(f"model load: {time.perf_counter() - started:.2f} s")
        field, product, shots = cases(1)[0]
        connector.complete(
            request(connector, field, Example(field.code, "warm-up", None), shots, grammar)
        )

    timings: dict[bool, list[float]] = {True: [], False: []}
    tallies: dict[bool, dict[str, int]] = {True: defaultdict(int), False: defaultdict(int)}
    for field, product, shots in cases(args.fields):
        for grammar, connector in connectors.items():
            call = request(connector, field, product, shots, grammar)
            started = time.perf_counter()
            completion = connector.complete(call)
            timings[grammar].append(time.perf_counter() - started)
            parsed = CHAIN_OF_THOUGHT.parse(field, completion.text)
            tally = tallies[grammar]
            tally["clean JSON"] += is_one_json_object(completion.text)
            tally["parsed"] += parsed.status in (OutcomeStatus.OK, OutcomeStatus.NOT_FOUND)
            tally["right"] += parsed.value == product.value
            usage = completion.usage
            print(
                f"{field.code} {field.label[:24]:24} grammar={grammar!s:5} "
                f"{timings[grammar][-1]:5.2f} s  tokens={usage.prompt_tokens if usage else '?'}"
                f"+{usage.completion_tokens if usage else '?'}  expected={product.value!r}  "
                f"raw={completion.text[:70]!r}"
            )
    for grammar in (True, False):
        print(
            f"grammar={grammar}: median {statistics.median(timings[grammar]):.2f} s, "
            f"max {max(timings[grammar]):.2f} s, "
            + ", ".join(
                f"{name} {count}/{len(timings[grammar])}"
                for name, count in tallies[grammar].items()
            )
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
