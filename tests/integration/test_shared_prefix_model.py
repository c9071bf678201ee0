"""The real embedded model answering one product's fields from one shared prompt prefix: the
fields run one after another in one turn, and each after the first reads only its own end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings
from src.adapters.driven.files.provisioning_files import read_examples, read_fields
from src.bootstrap import Container, bootstrap
from src.domain.model import LookupRequest, OutcomeSource, OutcomeStatus
from tests.conftest import PROJECT_DATA

pytestmark = pytest.mark.model

PRODUCT = (
    "Philips ampoule LED standard E27 9,5W équivalent 75W, 1055 lumens, blanc chaud 2700K, "
    "verre dépoli, non gradable. Durée de vie annoncée 15 000 heures."
)
FIELDS = (
    "EF000137",
    "EF000588",
    "EF000044",
    "EF000042",
)  # gradable, marque, tension, culot (pre-pass)


@pytest.fixture
def container(tmp_path: Path) -> Iterator[Container]:
    """The embedded model as `make run` wires it, on an SQLite catalogue of the project's data."""
    environ = {
        "CONFIG_MODULE": "config.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'lookup.db'}",
        "LLM_QUERY_TIMEOUT": "300",
        "LOOKUP_CACHE": "off",
    }
    built = bootstrap(Settings.from_env(environ))
    built.migrate()
    built.provisioning.provision(
        read_fields(PROJECT_DATA / "fields.json"), read_examples(PROJECT_DATA / "examples.json")
    )
    yield built
    built.close()


def test_one_products_fields_read_the_shared_prefix_once(container: Container) -> None:
    result = container.lookup.lookup(LookupRequest(PRODUCT, FIELDS, "gemma3"))

    by_code = {outcome.field_code: outcome for outcome in result.outcomes}
    assert all(o.status in (OutcomeStatus.OK, OutcomeStatus.NOT_FOUND) for o in result.outcomes), (
        result.outcomes
    )
    assert (
        by_code["EF000042"].source is OutcomeSource.PREPASS and by_code["EF000042"].value == "E27"
    )
    asked = [by_code[code] for code in FIELDS[:3]]
    assert all(o.source is OutcomeSource.MODEL and o.usage for o in asked)
    first, *others = [o.usage for o in asked if o.usage]
    for (
        usage
    ) in others:  # the prefix is kept: only the field's definition and the answer's start are read
        assert usage.cached_prompt_tokens > 0.6 * usage.prompt_tokens, usage
        assert usage.prompt_tokens_read < 80, usage
    assert result.usage.prompt_tokens_read < first.prompt_tokens + 160
