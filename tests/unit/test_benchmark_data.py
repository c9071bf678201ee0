"""data/benchmark.jsonl: valid against data/fields.json, and sharing no text with the examples
the few-shot strategies draw from (a benchmark the model has seen measures nothing)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from src.domain.model.text_normalisation import strip_accents

DATA = Path(__file__).resolve().parents[2] / "data"
SHARED_WORDS = 5
"""No run of this many words (case, accents and punctuation aside) may appear in both."""


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [
        json.loads(line)
        for line in (DATA / "benchmark.jsonl").read_text(encoding="utf-8").splitlines()
    ]


@pytest.fixture(scope="module")
def fields() -> dict[str, dict]:
    return {
        field["code"]: field
        for field in json.loads((DATA / "fields.json").read_text(encoding="utf-8"))
    }


def _runs(text: str) -> set[str]:
    words = re.sub(r"[\W_]+", " ", strip_accents(text).casefold()).split()
    return {" ".join(words[i : i + SHARED_WORDS]) for i in range(len(words) - SHARED_WORDS + 1)}


def test_every_expected_value_is_valid_for_its_field(
    rows: list[dict], fields: dict[str, dict]
) -> None:
    for row in rows:
        for code, expected in row["expected"].items():
            field = fields[code]
            for value in expected if isinstance(expected, list) else [expected]:
                if value is None:
                    continue
                if field["type"] == "number":
                    assert isinstance(value, (int, float)) and not isinstance(value, bool), (
                        code,
                        value,
                    )
                elif field["type"] == "select":
                    assert value in field["options"], (code, value)
                elif field["type"] == "boolean":
                    assert isinstance(value, bool), (code, value)
                else:
                    assert isinstance(value, str) and value.strip(), (code, value)


def test_no_text_is_shared_with_the_examples(rows: list[dict]) -> None:
    examples = json.loads((DATA / "examples.json").read_text(encoding="utf-8"))
    seen = set().union(*(_runs(example["context"]) for example in examples))
    shared = {row["description"][:50]: _runs(row["description"]) & seen for row in rows}
    assert {description: runs for description, runs in shared.items() if runs} == {}
