"""A config module with one LLM, `llama2`: LLaMA-2 chat hosted on Replicate, as the prototype had.

REPLICATE_API_TOKEN (required), REPLICATE_MODEL ("owner/name" or "owner/name:version", default
meta/llama-2-7b-chat), REPLICATE_BASE_URL (default: Replicate's API; tests point it at loopback).
"""

from __future__ import annotations

import httpx
from replicate.client import Client

from config.backend_http import BackendTimeouts, required
from config.settings import Settings
from src.connectors.replicate import ReplicateConnector
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.prompting.chain_of_thought import FewShotChainOfThought
from src.domain.prompting.families import Llama2Format

DEFAULT_MODEL = "meta/llama-2-7b-chat"


def llama2(settings: Settings) -> ConfiguredLLM:
    timeouts = BackendTimeouts.from_settings(settings)
    client = Client(
        api_token=required(
            settings, "REPLICATE_API_TOKEN", "the API token of the Replicate account"
        ),
        base_url=settings.get("REPLICATE_BASE_URL").strip() or None,
        timeout=httpx.Timeout(timeouts.read, connect=timeouts.connect),
    )
    return ConfiguredLLM(
        name="llama2",
        prompt_format=Llama2Format(context_tokens=4096),
        chain_of_thought=FewShotChainOfThought(k=settings.few_shot_k),
        connector=ReplicateConnector(
            client, settings.get("REPLICATE_MODEL").strip() or DEFAULT_MODEL
        ),
    )


DEFAULT_LLM = "llama2"
LLMS = {"llama2": llama2}
