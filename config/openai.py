"""A config module with one LLM, `openai`: a model behind an OpenAI-compatible chat API.

OPENAI_BASE_URL (default: OpenAI's own), OPENAI_API_KEY, OPENAI_MODEL (required), and
OPENAI_STRUCTURED_OUTPUT: json_schema (default), json_object, vllm or none (see
src/connectors/structured_output.py). OPENAI_CONTEXT_TOKENS bounds the prompt (default 8192).
OPENAI_LOGPROBS=on asks the server for token log probabilities, from which each value gets its
confidence (off by default: not every server accepts the parameter; without it, confidence is
null and every value is flagged for review).

llama-cpp-python's `python -m llama_cpp.server` answers 500 to json_schema: use json_object
with it (and `--chat_format gemma` for the embedded Gemma file, which carries no chat template).
"""

from __future__ import annotations

import openai

from config.backend_http import BackendTimeouts, required
from config.settings import Settings
from src.connectors.openai_compatible import OpenAICompatibleConnector
from src.connectors.structured_output import STRUCTURED_OUTPUTS, StructuredOutput
from src.domain.errors import SettingsError
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.prompting.chain_of_thought import FewShotChainOfThought
from src.domain.prompting.families import ChatFormat


def structured_output(
    settings: Settings, default: StructuredOutput = "json_schema"
) -> StructuredOutput:
    raw = settings.get("OPENAI_STRUCTURED_OUTPUT").strip() or default
    for known in STRUCTURED_OUTPUTS:
        if raw == known:
            return known
    raise SettingsError(
        f"OPENAI_STRUCTURED_OUTPUT={raw!r} is not one of {', '.join(STRUCTURED_OUTPUTS)}"
    )


def chat_llm(settings: Settings, name: str, client: openai.OpenAI, model: str) -> ConfiguredLLM:
    """An LLM behind a chat API: chat messages, few-shot prompts, the connector on `client`."""
    return ConfiguredLLM(
        name=name,
        prompt_format=ChatFormat(
            context_tokens=int(settings.number("OPENAI_CONTEXT_TOKENS", 8192))
        ),
        chain_of_thought=FewShotChainOfThought(k=settings.few_shot_k),
        connector=OpenAICompatibleConnector(
            client,
            model,
            structured_output(settings),
            logprobs=settings.switch("OPENAI_LOGPROBS", False),
        ),
    )


def openai_chat(settings: Settings) -> ConfiguredLLM:
    timeouts = BackendTimeouts.from_settings(settings)
    client = openai.OpenAI(
        base_url=settings.get("OPENAI_BASE_URL").strip() or None,
        # Local servers (llama.cpp, vLLM, Ollama) take any key, but the client wants one.
        api_key=settings.get("OPENAI_API_KEY").strip() or "not-needed",
        timeout=openai.Timeout(timeouts.read, connect=timeouts.connect),
        max_retries=0,  # RetryingConnector retries, within the deadline
    )
    model = required(settings, "OPENAI_MODEL", "the model the server should run")
    return chat_llm(settings, "openai", client, model)


DEFAULT_LLM = "openai"
LLMS = {"openai": openai_chat}
