"""A config module with one LLM, `azure`: a deployment of Azure OpenAI.

AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, OPENAI_API_VERSION and AZURE_OPENAI_DEPLOYMENT
(all required); OPENAI_STRUCTURED_OUTPUT and OPENAI_CONTEXT_TOKENS as in config.openai.
"""

from __future__ import annotations

import openai

from config.backend_http import BackendTimeouts, required
from config.openai import chat_llm
from config.settings import Settings
from src.domain.lookup.llms import ConfiguredLLM


def azure_chat(settings: Settings) -> ConfiguredLLM:
    deployment = required(
        settings, "AZURE_OPENAI_DEPLOYMENT", "the deployment that serves the model"
    )
    timeouts = BackendTimeouts.from_settings(settings)
    client = openai.AzureOpenAI(
        azure_endpoint=required(
            settings, "AZURE_OPENAI_ENDPOINT", "https://<resource>.openai.azure.com"
        ),
        api_key=required(settings, "AZURE_OPENAI_API_KEY", "the key of the Azure OpenAI resource"),
        api_version=required(settings, "OPENAI_API_VERSION", "the API version, e.g. 2024-10-21"),
        azure_deployment=deployment,
        timeout=openai.Timeout(timeouts.read, connect=timeouts.connect),
        max_retries=0,  # RetryingConnector retries, within the deadline
    )
    return chat_llm(settings, "azure", client, deployment)


DEFAULT_LLM = "azure"
LLMS = {"azure": azure_chat}
