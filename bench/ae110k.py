"""The AE-110k English dev set (../shared/dev-sets/ae-110k/) as this project's files: its train
split as fields and labelled examples, its test split (or a stride sample of it) as a benchmark.

    .venv/bin/python bench/ae110k.py --out /tmp/ae110k [--offers 40]
    export DATABASE_URL=sqlite:////tmp/ae110k/ae.db LLM_QUERY_TIMEOUT=600
    python cli.py migrate
    python cli.py provision --fields /tmp/ae110k/fields.json --examples /tmp/ae110k/examples.json
    python cli.py evaluate /tmp/ae110k/benchmark.jsonl --out /tmp/ae110k/pairs.csv

An attribute is a category and a name together ("Lure" / "Weight"), so each pair is one text
field, code `AE-<category>-<name>`; a value is a span of the title, "n/a" is null. The files go
to `--out`, never into the repository.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "dev-sets" / "ae-110k"
NOT_GIVEN = "n/a"


def field_code(category: str, attribute: str) -> str:
    return "AE-" + re.sub(r"[^A-Za-z0-9]+", "_", f"{category}-{attribute}").strip("_")[:61]


def offers(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def accepted(scores: dict[str, int]) -> list[str] | None:
    values = [value for value in scores if value != NOT_GIVEN]
    return values or None


def fields_of(every: Iterable[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for offer in every:
        for attribute in offer["target_scores"]:
            code = field_code(offer["category"], attribute)
            description = (
                f"The {attribute} of this {offer['category']} product, as its title writes it."
            )
            seen.setdefault(code, text_field(code, attribute, description))
    return sorted(seen.values(), key=lambda field: field["code"])


def text_field(code: str, label: str, description: str) -> dict:
    """A text field as `provision --fields` reads it."""
    return {
        "code": code,
        "label": label,
        "type": "text",
        "options": [],
        "unit": None,
        "description": description,
    }


def examples_of(train: Iterable[dict]) -> list[dict]:
    examples = []
    for offer in train:
        for attribute, scores in offer["target_scores"].items():
            values = accepted(scores)
            examples.append(
                {
                    "field": field_code(offer["category"], attribute),
                    "context": offer["input"],
                    "value": values[0] if values else None,
                }
            )
    return examples


def benchmark_of(test: list[dict], count: int | None) -> list[dict]:
    chosen = test if not count or count >= len(test) else test[:: len(test) // count][:count]
    return [
        {
            "description": offer["input"],
            "expected": {
                field_code(offer["category"], a): accepted(s)
                for a, s in offer["target_scores"].items()
            },
        }
        for offer in chosen
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="a folder outside the repository")
    parser.add_argument("--offers", type=int, help="test offers taken by stride (default: all 524)")
    args = parser.parse_args()
    train, test = offers(DATA / "train.jsonl"), offers(DATA / "test.jsonl")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "fields.json").write_text(
        json.dumps(fields_of(train + test), ensure_ascii=False, indent=1)
    )
    (args.out / "examples.json").write_text(
        json.dumps(examples_of(train), ensure_ascii=False, indent=1)
    )
    rows = benchmark_of(test, args.offers)
    (args.out / "benchmark.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    )
    pairs = sum(len(row["expected"]) for row in rows)
    print(
        f"{len(rows)} offers, {pairs} pairs; "
        f"fields and examples from {len(train)} training offers in {args.out}"
    )


if __name__ == "__main__":
    main()
