"""A config module with two LLMs that answer differently:
CONFIG_MODULE=tests.support.two_llms_config.

mock    the default: the mock, reading its answer in the text (E27 for the lamp's socket)
other   answers E14 to every question, whatever the text says
judge   a judge that grades every answer B (a superset of the expected one)
"""

from __future__ import annotations

import json

from config.mock import mock
from config.settings import Settings
from src.domain.confidence.tokens import TokenProbability
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import TokenUsage
from src.domain.prompting.chain_of_thought import FewShotChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.prompt import Completion, CompletionRequest


class Always:
    """Answers `answer` to every question, sure of it."""

    def __init__(self, answer: dict[str, str]) -> None:
        self._text = json.dumps(answer)

    def complete(self, request: CompletionRequest) -> Completion:
        return Completion(self._text, TokenUsage(1, 1), (TokenProbability(self._text, 1.0),))

    def count_tokens(self, text: str) -> int | None:
        return None


def other(settings: Settings) -> ConfiguredLLM:
    return ConfiguredLLM(
        "other",
        ChatFormat(),
        FewShotChainOfThought(k=settings.few_shot_k),
        Always({"value": "E14"}),
    )


def judge(settings: Settings) -> ConfiguredLLM:
    return ConfiguredLLM("judge", ChatFormat(), FewShotChainOfThought(), Always({"choice": "B"}))


DEFAULT_LLM = "mock"
LLMS = {"mock": mock, "other": other, "judge": judge}
