"""data/benchmark.jsonl: enough products, each with a few fields and some nulls, all of them read
by the benchmark's reader."""

from __future__ import annotations

import json

import pytest

from src.adapters.driven.files.benchmark_files import read_benchmark
from tests.unit.test_benchmark_data import DATA


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [
        json.loads(line)
        for line in (DATA / "benchmark.jsonl").read_text(encoding="utf-8").splitlines()
    ]


def test_at_least_40_products_each_with_3_to_8_fields_and_some_nulls(rows: list[dict]) -> None:
    assert len(rows) >= 40
    assert len({row["description"] for row in rows}) == len(rows)
    assert all(3 <= len(row["expected"]) <= 8 for row in rows)
    assert sum(value is None for row in rows for value in row["expected"].values()) >= 20
    assert len(read_benchmark(DATA / "benchmark.jsonl")) == len(rows)
