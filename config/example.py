"""The default config module: the embedded Gemma 3 270M model, offline, and the mock.

`gemma3` runs in this process through llama.cpp (the `local` extra); nothing is downloaded. The
other `gemma3-*` names are the same model with another strategy, for `python cli.py evaluate`:
they share one loaded model.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from config.mock import mock
from config.settings import Settings
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.prompting.chain_of_thought import (
    AllFieldsChainOfThought,
    BasicChainOfThought,
    FewShotChainOfThought,
    NumbersFromText,
    TextFromText,
)
from src.domain.prompting.families import GemmaFormat
from src.domain.prompting.ports import ChainOfThought, Connector, Prepass, ProductChainOfThought
from src.domain.prompting.prepass import TextRulesPrepass
from src.domain.prompting.shared_prefix.answer_object import AnswerObjectChainOfThought
from src.domain.prompting.shared_prefix.conversation import ConversationChainOfThought
from src.domain.prompting.shared_prefix.ports import SharedPrefixChainOfThought


@cache
def _embedded_model(model_path: str, context_tokens: int, threads: int) -> Connector:
    """One loaded model per process, whichever gemma3 names ask for it."""
    from src.connectors.llama_cpp import LlamaCppConnector

    return LlamaCppConnector(
        model_path=model_path, context_tokens=context_tokens, threads=threads or None
    )


def _gemma3(
    name: str,
    chain: ChainOfThought | ProductChainOfThought | SharedPrefixChainOfThought,
    settings: Settings,
    prepass: Prepass | None = None,
) -> ConfiguredLLM:
    from src.connectors.llama_cpp import embedded_gemma_path

    context_tokens = int(settings.number("LLAMA_CONTEXT_TOKENS", 2048))
    model_path = settings.get("LLAMA_MODEL_PATH") or embedded_gemma_path()
    return ConfiguredLLM(
        name=name,
        prompt_format=GemmaFormat(context_tokens=context_tokens, answer_tokens=48),
        chain_of_thought=chain,
        connector=_embedded_model(
            model_path, context_tokens, int(settings.number("LLAMA_THREADS", 0))
        ),
        prepass=prepass,
    )


def gemma3(settings: Settings) -> ConfiguredLLM:
    """The default: the pre-pass, then the product read once: the few-shot questions of its
    fields laid out as one conversation around SHOT_PRODUCTS labelled products most like it
    (more, up to twice as many, so that each field is shown once), numbers held to the text's
    numbers and text to its spans (but for fields declared `"extract": false`)."""
    return _gemma3("gemma3", _conversation(settings, text_spans=True), settings, TextRulesPrepass())


def gemma3_free_text(settings: Settings) -> ConfiguredLLM:
    """The default of the previous stop: the same conversation, text fields not held to spans."""
    return _gemma3("gemma3-free-text", _conversation(settings), settings, TextRulesPrepass())


def _conversation(settings: Settings, text_spans: bool = False) -> ConversationChainOfThought:
    """The conversation layout around SHOT_PRODUCTS shot products (1 unless set)."""
    shots = int(settings.number("SHOT_PRODUCTS", 1)) or 1
    return ConversationChainOfThought(k=shots, text_spans=text_spans)


def gemma3_per_field(settings: Settings) -> ConfiguredLLM:
    """The default before the shared prefix: the pre-pass, then few-shot with the k most similar
    examples of each field, one prompt each, numbers held to those the text gives."""
    chain = NumbersFromText(FewShotChainOfThought(k=settings.few_shot_k))
    return _gemma3("gemma3-per-field", chain, settings, TextRulesPrepass())


def _variant(
    name: str,
    make_chain: Callable[
        [Settings], ChainOfThought | ProductChainOfThought | SharedPrefixChainOfThought
    ],
    prepass: bool = False,
) -> Callable[[Settings], ConfiguredLLM]:
    def factory(settings: Settings) -> ConfiguredLLM:
        return _gemma3(
            name, make_chain(settings), settings, TextRulesPrepass() if prepass else None
        )

    return factory


DEFAULT_LLM = "gemma3"
LLMS = {
    "gemma3": gemma3,
    "gemma3-per-field": gemma3_per_field,
    "gemma3-basic": _variant("gemma3-basic", lambda s: BasicChainOfThought()),
    "gemma3-few-shot": _variant("gemma3-few-shot", lambda s: FewShotChainOfThought(k=s.few_shot_k)),
    "gemma3-text-numbers": _variant(
        "gemma3-text-numbers", lambda s: NumbersFromText(FewShotChainOfThought(k=s.few_shot_k))
    ),
    "gemma3-text-spans": _variant(
        "gemma3-text-spans",
        lambda s: TextFromText(FewShotChainOfThought(k=s.few_shot_k)),
        prepass=True,
    ),
    "gemma3-prepass": _variant(
        "gemma3-prepass", lambda s: FewShotChainOfThought(k=s.few_shot_k), prepass=True
    ),
    "gemma3-all-in-one": _variant("gemma3-all-in-one", lambda s: AllFieldsChainOfThought()),
    "gemma3-prepass-all-in-one": _variant(
        "gemma3-prepass-all-in-one",
        lambda s: AllFieldsChainOfThought(numbers_from_text=True),
        prepass=True,
    ),
    "gemma3-answer-object": _variant(
        "gemma3-answer-object", lambda s: AnswerObjectChainOfThought(k=s.few_shot_k), prepass=True
    ),
    "gemma3-free-text": gemma3_free_text,
    "mock": mock,
}
