"""A config module for the fault tests (CONFIG_MODULE=tests.support.fault_config).

loopback        an OpenAI-compatible server at LOOPBACK_URL; falls back on `mock`
loopback-alone  the same server, no fallback
loopback-spans  the same server asked for its tokens' logprobs, text held to spans of the text
flaky           the mock with its knobs (MOCK_FAIL_FIRST…); falls back on `mock`
mock            the mock, always answering
"""

from __future__ import annotations

from dataclasses import replace

import openai

from config.mock import mock_behaviour
from config.settings import Settings
from src.connectors.mock import MockConnector
from src.connectors.openai_compatible import OpenAICompatibleConnector
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.prompting.chain_of_thought import FewShotChainOfThought, TextFromText
from src.domain.prompting.families import ChatFormat


def _loopback(settings: Settings, name: str) -> ConfiguredLLM:
    client = openai.OpenAI(
        base_url=settings.get("LOOPBACK_URL"),
        api_key="loopback",
        timeout=openai.Timeout(60.0, connect=5.0),
        max_retries=0,
    )
    connector = OpenAICompatibleConnector(client, "loopback", "json_schema")
    return ConfiguredLLM(
        name, ChatFormat(), FewShotChainOfThought(k=settings.few_shot_k), connector
    )


def loopback(settings: Settings) -> ConfiguredLLM:
    return replace(_loopback(settings, "loopback"), fallbacks=("mock",))


def loopback_alone(settings: Settings) -> ConfiguredLLM:
    return _loopback(settings, "loopback-alone")


def loopback_spans(settings: Settings) -> ConfiguredLLM:
    client = openai.OpenAI(
        base_url=settings.get("LOOPBACK_URL"),
        api_key="loopback",
        timeout=openai.Timeout(60.0, connect=5.0),
        max_retries=0,
    )
    connector = OpenAICompatibleConnector(client, "loopback", "json_schema", logprobs=True)
    chain = TextFromText(FewShotChainOfThought(k=settings.few_shot_k))
    return ConfiguredLLM("loopback-spans", ChatFormat(), chain, connector)


def flaky(settings: Settings) -> ConfiguredLLM:
    return ConfiguredLLM(
        "flaky",
        ChatFormat(),
        FewShotChainOfThought(k=settings.few_shot_k),
        MockConnector(mock_behaviour(settings)),
        fallbacks=("mock",),
    )


def mock(settings: Settings) -> ConfiguredLLM:
    return ConfiguredLLM(
        "mock", ChatFormat(), FewShotChainOfThought(k=settings.few_shot_k), MockConnector()
    )


DEFAULT_LLM = "loopback"
LLMS = {
    "loopback": loopback,
    "loopback-alone": loopback_alone,
    "loopback-spans": loopback_spans,
    "flaky": flaky,
    "mock": mock,
}
