"""The WDC-PAVE English dev set (../shared/dev-sets/wdc-pave/) as this project's files, by folds.

Its 211 offers are both the labelled examples and the benchmark, so they are split into folds by
offer id: each fold is evaluated with the other folds' offers as its examples, never its own.
An attribute is a category and a name together ("Jewelry" / "Material"): one text field each,
code `PAVE-<category>-<name>`, described by its human description (`descriptions.csv`). The text
is the offer's title, then its description.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from bench.ae110k import NOT_GIVEN, text_field

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "dev-sets" / "wdc-pave"


@dataclass(frozen=True)
class Fold:
    """One fold: the offers evaluated, and the fields and examples they are evaluated with."""

    fields: list[dict]
    examples: list[dict]
    benchmark: list[dict]


def field_code(category: str, attribute: str) -> str:
    return "PAVE-" + re.sub(r"[^A-Za-z0-9]+", "_", f"{category}-{attribute}").strip("_")[:59]


def offers() -> list[dict]:
    lines = (DATA / "train.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def text_of(offer: dict) -> str:
    parts = (offer.get("input_title") or "", offer.get("input_description") or "")
    return "\n".join(part.strip() for part in parts if part.strip())


def accepted(scores: dict) -> list[str] | None:
    values = [value for value in scores if value != NOT_GIVEN]
    return values or None


def descriptions() -> dict[tuple[str, str], str]:
    with (DATA / "descriptions.csv").open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter=";")
        return {(r["Category"], r["Attribute"]): r["Human_Description"].strip() for r in rows}


def fields_of(every: list[dict]) -> list[dict]:
    described = descriptions()
    seen: dict[str, dict] = {}
    for offer in every:
        for attribute in offer["target_scores"]:
            code = field_code(offer["category"], attribute)
            description = described.get((offer["category"], attribute))
            fallback = f"The {attribute} of this {offer['category']} product."
            seen.setdefault(code, text_field(code, attribute, description or fallback))
    return sorted(seen.values(), key=lambda field: field["code"])


def examples_of(labelled: list[dict]) -> list[dict]:
    return [
        {
            "field": field_code(offer["category"], attribute),
            "context": text_of(offer),
            "value": values[0] if (values := accepted(scores)) else None,
        }
        for offer in labelled
        for attribute, scores in offer["target_scores"].items()
    ]


def benchmark_of(evaluated: list[dict]) -> list[dict]:
    return [
        {
            "description": text_of(offer),
            "expected": {
                field_code(offer["category"], attribute): accepted(scores)
                for attribute, scores in offer["target_scores"].items()
            },
        }
        for offer in evaluated
    ]


def folds(count: int = 2, sample: int | None = None) -> list[Fold]:
    """`count` folds by offer id; each evaluates `sample` of its offers (by stride) or all."""
    every = offers()
    fields = fields_of(every)
    split = [[o for o in every if o["id"] % count == index] for index in range(count)]
    chosen = []
    for index, evaluated in enumerate(split):
        if sample and sample < len(evaluated):
            evaluated = evaluated[:: len(evaluated) // sample][:sample]
        others = [o for other, part in enumerate(split) if other != index for o in part]
        chosen.append(Fold(fields, examples_of(others), benchmark_of(evaluated)))
    return chosen
