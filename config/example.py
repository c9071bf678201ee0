"""The default config module: the embedded Gemma 3 270M model, offline, and the mock.

`gemma3` runs in this process through llama.cpp (the `local` extra); nothing is downloaded.
"""

from __future__ import annotations

from config.mock import mock
from config.settings import Settings
from src.domain.families import GemmaFormat
from src.domain.llms import ConfiguredLLM
from src.domain.strategies import FewShotStrategy


def gemma3(settings: Settings) -> ConfiguredLLM:
    from src.connectors.llama_cpp import LlamaCppConnector, embedded_gemma_path

    context_tokens = int(settings.number("LLAMA_CONTEXT_TOKENS", 2048))
    return ConfiguredLLM(
        name="gemma3",
        llm=GemmaFormat(context_tokens=context_tokens, answer_tokens=48),
        chain=FewShotStrategy(k=settings.few_shot_k),
        connector=LlamaCppConnector(
            model_path=settings.get("LLAMA_MODEL_PATH") or embedded_gemma_path(),
            context_tokens=context_tokens,
            threads=int(settings.number("LLAMA_THREADS", 0)) or None,
        ),
    )


DEFAULT_LLM = "gemma3"
LLMS = {"gemma3": gemma3, "mock": mock}
