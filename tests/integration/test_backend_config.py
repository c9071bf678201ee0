"""The config modules of hosted models: what they require, and what they build (no network)."""

from __future__ import annotations

import pytest

from config.azure import azure_chat
from config.openai import openai_chat
from config.replicate import llama2
from config.settings import Settings
from src.domain.errors import SettingsError
from src.domain.prompting.families import ChatFormat, Llama2Format


def test_openai_needs_a_model() -> None:
    with pytest.raises(SettingsError, match="OPENAI_MODEL"):
        openai_chat(Settings.from_env({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}))


def test_openai_refuses_an_unknown_structured_output() -> None:
    environ = {"OPENAI_MODEL": "m", "OPENAI_STRUCTURED_OUTPUT": "guided_json"}

    with pytest.raises(SettingsError, match="OPENAI_STRUCTURED_OUTPUT"):
        openai_chat(Settings.from_env(environ))


def test_openai_declares_a_chat_llm() -> None:
    configured = openai_chat(
        Settings.from_env({"OPENAI_MODEL": "m", "OPENAI_CONTEXT_TOKENS": "4096"})
    )

    assert configured.name == "openai"
    assert (
        isinstance(configured.prompt_format, ChatFormat)
        and configured.prompt_format.context_tokens == 4096
    )
    assert configured.connector.count_tokens("text") is None


def test_azure_needs_its_four_variables() -> None:
    complete = {
        "AZURE_OPENAI_ENDPOINT": "https://example.openai.azure.com",
        "AZURE_OPENAI_API_KEY": "key",
        "OPENAI_API_VERSION": "2024-10-21",
        "AZURE_OPENAI_DEPLOYMENT": "gpt-4o-mini",
    }
    assert azure_chat(Settings.from_env(complete)).name == "azure"
    for missing in complete:
        environ = {name: value for name, value in complete.items() if name != missing}
        with pytest.raises(SettingsError, match=missing):
            azure_chat(Settings.from_env(environ))


def test_replicate_needs_a_token_and_declares_llama2() -> None:
    with pytest.raises(SettingsError, match="REPLICATE_API_TOKEN"):
        llama2(Settings.from_env({}))

    configured = llama2(Settings.from_env({"REPLICATE_API_TOKEN": "r8_x"}))

    assert configured.name == "llama2"
    assert (
        isinstance(configured.prompt_format, Llama2Format)
        and configured.prompt_format.context_tokens == 4096
    )
