"""The cascade on the domain's fakes: a per-field LLM's values under their thresholds are asked
again of the LLM it escalates to, and the surer answer stands."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import LookupRequest, OutcomeStatus
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from tests.support.fakes import (
    FakeExampleRepository,
    FakeFieldRepository,
    FakeThresholdStore,
    Script,
)
from tests.unit.test_lookup_service import COLOUR, DESCRIPTION, DIMMABLE, FIELDS
from tests.unit.test_shared_prefix import ConnectorSureAt


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=4)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def test_a_per_field_llm_escalates_only_its_unsure_values(pool: ThreadPoolExecutor) -> None:
    cheap = ConnectorSureAt(
        0.8,
        {
            COLOUR.code: Script(answer='{"value": "Blanc"}'),
            DIMMABLE.code: Script(answer='{"value": true}'),
        },
    )
    hosted = ConnectorSureAt(0.95, {COLOUR.code: Script(answer='{"value": "Chromé"}')})
    basic = BasicChainOfThought()
    llms = LLMRegistry(
        {
            "cheap": lambda: ConfiguredLLM(
                "cheap", ChatFormat(), basic, cheap, escalate_to="hosted"
            ),
            "hosted": lambda: ConfiguredLLM("hosted", ChatFormat(), basic, hosted),
        },
        "cheap",
    )
    lookup = FieldLookupService(
        llms,
        Catalogue(FakeFieldRepository(FIELDS), FakeExampleRepository()),
        pool,
        5.0,
        thresholds=FakeThresholdStore({"cheap": {COLOUR.code: 0.9, DIMMABLE.code: 0.5}}),
    )

    result = lookup.lookup(LookupRequest(DESCRIPTION, (COLOUR.code, DIMMABLE.code)))

    assert [(o.status, o.value, o.llm, o.escalation) for o in result.outcomes] == [
        (
            OutcomeStatus.OK,
            "Chromé",
            "hosted",
            "cheap was unsure (0.80, threshold 0.90); hosted answered surer (0.95)",
        ),
        (OutcomeStatus.OK, True, "cheap", None),
    ]
    assert hosted.requests_for(DIMMABLE.code) == []  # sure enough: not asked again
