"""A config module with one LLM, `mock`: deterministic, instant unless told otherwise.

Knobs (environment): MOCK_LATENCY_MS (delay per call), MOCK_STALL_FIELDS (comma-separated codes
whose calls outlast the deadline), MOCK_FAIL_FIRST (the first N calls per field fail transiently).
"""

from __future__ import annotations

from config.settings import Settings
from src.connectors.mock import MockBehaviour, MockConnector
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.prompting.chain_of_thought import FewShotChainOfThought
from src.domain.prompting.families import ChatFormat


def mock_behaviour(settings: Settings) -> MockBehaviour:
    stalled = settings.get("MOCK_STALL_FIELDS")
    return MockBehaviour(
        latency_ms=settings.number("MOCK_LATENCY_MS", 0.0),
        stall_fields=frozenset(code.strip() for code in stalled.split(",") if code.strip()),
        fail_first=int(settings.number("MOCK_FAIL_FIRST", 0)),
    )


def mock(settings: Settings) -> ConfiguredLLM:
    return ConfiguredLLM(
        name="mock",
        prompt_format=ChatFormat(),
        chain_of_thought=FewShotChainOfThought(k=settings.few_shot_k),
        connector=MockConnector(mock_behaviour(settings)),
    )


DEFAULT_LLM = "mock"
LLMS = {"mock": mock}
