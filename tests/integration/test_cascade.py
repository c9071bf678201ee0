"""The cascade with two OpenAI-compatible backends on loopback: the cheap one answers every
field, the second only those the first was unsure of, within the same deadline."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest

from src.connectors.openai_compatible import OpenAICompatibleConnector
from src.domain.catalogue.ports import Catalogue
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Field, FieldType, LookupRequest
from src.domain.prompting.chain_of_thought import FewShotChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.ports import ChainOfThought
from src.domain.prompting.shared_prefix.conversation import ConversationChainOfThought
from src.domain.prompting.shared_prefix.ports import SharedPrefixChainOfThought
from tests.support.fakes import FakeExampleRepository, FakeFieldRepository, FakeThresholdStore
from tests.support.loopback_llm import LoopbackLLM

SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")
BRAND = Field("EF000588", "marque", FieldType.TEXT)
FIELDS = {f.code: f for f in (SOCKET, POWER, BRAND)}
CHEAP_THRESHOLDS = FakeThresholdStore({"cheap": {"EF000042": 0.8, "EF000035": 0.8}})


def chat(
    name: str,
    server: LoopbackLLM,
    escalate_to: str | None = None,
    chain: ChainOfThought | SharedPrefixChainOfThought | None = None,
) -> ConfiguredLLM:
    client = openai.OpenAI(
        base_url=server.base_url,
        api_key="loopback",
        max_retries=0,
        timeout=openai.Timeout(10.0, connect=2.0),
    )
    connector = OpenAICompatibleConnector(client, name, "json_schema", logprobs=True)
    return ConfiguredLLM(
        name, ChatFormat(), chain or FewShotChainOfThought(k=0), connector, escalate_to=escalate_to
    )


def cascade_service(llms: LLMRegistry, pool: ThreadPoolExecutor) -> FieldLookupService:
    """The lookup over the three fields, with thresholds for the cheap LLM's socket and power."""
    return FieldLookupService(
        llms,
        Catalogue(FakeFieldRepository(list(FIELDS.values())), FakeExampleRepository()),
        pool,
        10.0,
        thresholds=CHEAP_THRESHOLDS,
    )


@pytest.fixture
def servers() -> Iterator[tuple[LoopbackLLM, LoopbackLLM]]:
    with LoopbackLLM() as cheap, LoopbackLLM() as hosted:
        yield cheap, hosted


def test_only_the_unsure_values_are_asked_again(servers: tuple[LoopbackLLM, LoopbackLLM]) -> None:
    cheap, hosted = servers
    cheap.confidence_by_field = {"EF000042": 0.95, "EF000035": 0.5}  # sure of the socket only
    hosted.default_confidence = 0.9
    llms = LLMRegistry(
        {
            "cheap": lambda: chat("cheap", cheap, escalate_to="hosted"),
            "hosted": lambda: chat("hosted", hosted),
        },
        default="cheap",
    )
    with ThreadPoolExecutor(4) as pool:
        service = cascade_service(llms, pool)
        result = service.lookup(
            LookupRequest("Ampoule E27 40W Philips", ("EF000042", "EF000035", "EF000588"))
        )

    socket, power, brand = result.outcomes
    assert (socket.llm, socket.confidence, socket.escalation) == (
        "cheap",
        pytest.approx(0.95),
        None,
    )
    assert power.llm == "hosted" and power.confidence == pytest.approx(0.9)
    assert (
        power.escalation == "cheap was unsure (0.50, threshold 0.80); hosted answered surer (0.90)"
    )
    # no threshold for the brand: unsure whatever its confidence, asked again, but 0.99 beats 0.9
    assert brand.llm == "cheap" and brand.escalation == (
        "cheap was unsure (0.99, threshold none); hosted was not surer (ok, 0.90)"
    )
    assert cheap.calls == 3
    assert hosted.calls == 2 and not any("EF000042" in prompt for prompt in hosted.prompts)


def test_the_first_answer_stays_when_the_second_is_not_surer(
    servers: tuple[LoopbackLLM, LoopbackLLM],
) -> None:
    cheap, hosted = servers
    cheap.default_confidence = 0.6
    hosted.default_confidence = 0.3
    llms = LLMRegistry(
        {
            "cheap": lambda: chat("cheap", cheap, escalate_to="hosted"),
            "hosted": lambda: chat("hosted", hosted),
        },
        default="cheap",
    )
    with ThreadPoolExecutor(4) as pool:
        service = cascade_service(llms, pool)
        [socket] = service.lookup(LookupRequest("Ampoule E27 40W", ("EF000042",))).outcomes

    assert (socket.llm, socket.confidence) == ("cheap", pytest.approx(0.6))
    assert (
        socket.escalation
        == "cheap was unsure (0.60, threshold 0.80); hosted was not surer (ok, 0.30)"
    )
    assert socket.review is True


def test_a_shared_prefix_turn_escalates_only_its_unsure_values(
    servers: tuple[LoopbackLLM, LoopbackLLM],
) -> None:
    """The default layout (one product read once, its fields in one turn) cascades too."""
    cheap, hosted = servers
    cheap.confidence_by_field = {"EF000042": 0.95, "EF000035": 0.5}
    hosted.default_confidence = 0.9
    conversation = ConversationChainOfThought(k=1)
    llms = LLMRegistry(
        {
            "cheap": lambda: chat("cheap", cheap, escalate_to="hosted", chain=conversation),
            "hosted": lambda: chat("hosted", hosted),
        },
        default="cheap",
    )
    with ThreadPoolExecutor(4) as pool:
        service = cascade_service(llms, pool)
        socket, power = service.lookup(
            LookupRequest("Ampoule E27 40W Philips", ("EF000042", "EF000035"))
        ).outcomes

    assert (socket.llm, socket.escalation) == ("cheap", None)
    assert (power.llm, power.confidence) == ("hosted", pytest.approx(0.9))
    assert power.escalation == (
        "cheap was unsure (0.50, threshold 0.80); hosted answered surer (0.90)"
    )
    assert (cheap.calls, hosted.calls) == (2, 1)
    assert not any("EF000042" in prompt for prompt in hosted.prompts)
