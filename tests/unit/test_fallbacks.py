"""Fallbacks: the LLMs an LLM names answer when it fails, and the outcome says which answered."""

from __future__ import annotations

import time

from src.domain.errors import TransientBackendError
from src.domain.lookup.fallbacks import ask_with_fallbacks, fallback_chain
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.model import Field, FieldType, OutcomeStatus
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from tests.support.fakes import FakeConnector, Script

CULOT = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
LAMP = "Lampe 40W E27"


def answering(answer: str | None) -> FakeConnector:
    """A model that answers `answer` to every field, or fails as a backend down (None)."""
    if answer is None:
        return FakeConnector(
            default=Script(error=TransientBackendError("HTTP 503 from the backend"))
        )
    return FakeConnector(default=Script(answer))


def llm(name: str, connector: FakeConnector, fallbacks: tuple[str, ...] = ()) -> ConfiguredLLM:
    return ConfiguredLLM(name, ChatFormat(), BasicChainOfThought(), connector, fallbacks)


def registry(*llms: ConfiguredLLM) -> LLMRegistry:
    return LLMRegistry(
        {configured.name: (lambda c=configured: c) for configured in llms}, llms[0].name
    )


def test_the_first_fallback_that_answers_gives_the_value_and_its_name() -> None:
    down, also_down, up = answering(None), answering(None), answering('{"value": "E27"}')
    llms = registry(
        llm("gpt", down, ("claude", "local")), llm("claude", also_down), llm("local", up)
    )

    outcome = ask_with_fallbacks(
        fallback_chain(llms, llms.get("gpt")), CULOT, LAMP, [], time.monotonic() + 5
    )

    assert outcome.status is OutcomeStatus.OK and outcome.value == "E27" and outcome.llm == "local"
    assert (len(down.requests), len(also_down.requests), len(up.requests)) == (1, 1, 1)


def test_when_every_one_fails_the_error_says_why_each_did() -> None:
    llms = registry(llm("gpt", answering(None), ("claude",)), llm("claude", answering(None)))

    outcome = ask_with_fallbacks(
        fallback_chain(llms, llms.get("gpt")), CULOT, LAMP, [], time.monotonic() + 5
    )

    assert outcome.status is OutcomeStatus.ERROR and outcome.value is None
    assert outcome.error == "gpt: HTTP 503 from the backend; claude: HTTP 503 from the backend"


def test_an_answer_that_is_not_an_error_is_kept_and_no_fallback_is_asked() -> None:
    spare = answering('{"value": "E27"}')
    llms = registry(llm("gpt", answering('{"value": "B22"}'), ("spare",)), llm("spare", spare))

    outcome = ask_with_fallbacks(
        fallback_chain(llms, llms.get("gpt")), CULOT, LAMP, [], time.monotonic() + 5
    )

    assert (
        outcome.status is OutcomeStatus.INVALID_OUTPUT
        and outcome.llm == "gpt"
        and len(spare.requests) == 0
    )


def test_no_fallback_is_asked_past_the_deadline() -> None:
    spare = answering('{"value": "E27"}')
    llms = registry(llm("gpt", answering(None), ("spare",)), llm("spare", spare))

    outcome = ask_with_fallbacks(
        fallback_chain(llms, llms.get("gpt")), CULOT, LAMP, [], time.monotonic() - 1
    )

    assert outcome.status is OutcomeStatus.ERROR and len(spare.requests) == 0


def test_unknown_and_self_fallbacks_are_skipped() -> None:
    llms = registry(
        llm("gpt", answering(None), ("gpt", "nowhere", "spare", "spare")),
        llm("spare", answering("")),
    )

    assert [configured.name for configured in fallback_chain(llms, llms.get("gpt"))] == [
        "gpt",
        "spare",
    ]
