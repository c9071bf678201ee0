"""Extraction quality with the embedded model: the prototype's 42 labelled values, each product
evaluated with few-shot examples from the other products only, as a user would run it
(`benchmark-from-prototype`, then `evaluate --exclude-own-examples`). The prototype got 0 of 42."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings
from src.adapters.driven.files.benchmark_files import prototype_benchmark
from src.adapters.driven.files.provisioning_files import read_examples, read_fields
from src.bootstrap import bootstrap
from src.domain.evaluation.evaluate import EvaluationService
from src.domain.lookup.batch import BatchLookup
from tests.conftest import PROTOTYPE_DATA, needs_prototype_data

pytestmark = pytest.mark.model


@needs_prototype_data
@pytest.mark.timeout(900)
def test_the_default_llm_gets_at_least_60_percent_of_the_prototypes_labelled_values(
    tmp_path: Path,
) -> None:
    container = bootstrap(
        Settings.from_env(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'prototype.db'}",
                "CONFIG_MODULE": "config.example",
                "LOOKUP_CACHE": "off",
                "LLM_QUERY_TIMEOUT": "600",
            }
        )
    )
    try:
        container.migrate()
        container.provisioning.provision(
            read_fields(PROTOTYPE_DATA / "fields.json"),
            read_examples(PROTOTYPE_DATA / "examples.json"),
        )
        rows = prototype_benchmark(PROTOTYPE_DATA / "examples.json")
        evaluation = EvaluationService(BatchLookup(container.lookup))

        [report] = evaluation.evaluate(rows, exclude_own_examples=True)
    finally:
        container.close()

    assert report.llm == "gemma3" and report.overall.pairs == 42
    assert report.overall.accuracy >= 0.6, report.summary()
