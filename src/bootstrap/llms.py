"""The named LLMs of the CONFIG_MODULE, as the composition root wires them."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from types import ModuleType

from config.settings import Settings
from src.connectors.cooldown import CoolingDownConnector
from src.connectors.retrying import RetryingConnector
from src.domain.errors import ConfigModuleError
from src.domain.lookup.llms import ConfiguredLLM, LLMFactory, LLMRegistry
from src.domain.usage.meter import MeteredConnector, UsageMeter


def llm_registry(
    settings: Settings, clock: Callable[[], float] = time.monotonic, meter: UsageMeter | None = None
) -> LLMRegistry:
    """The named LLMs of the CONFIG_MODULE, each connector metered (every attempt is charged to
    its caller's key), wrapped with retries, then with a cool-down after repeated failures
    (timed by `clock`, monotonic seconds)."""
    module = _config_module(settings.config_module)
    factories: dict[str, LLMFactory] = {
        name: partial(factory, settings) for name, factory in module.LLMS.items()
    }

    def with_retries(configured: ConfiguredLLM) -> ConfiguredLLM:
        metered = (
            MeteredConnector(configured.connector, configured.name, meter)
            if meter
            else configured.connector
        )
        retrying = RetryingConnector(metered, settings.llm_max_retries)
        guarded = CoolingDownConnector(
            retrying,
            configured.name,
            settings.backend_failure_threshold,
            settings.backend_cooldown_seconds,
            clock=clock,
        )
        return replace(configured, connector=guarded)

    return LLMRegistry(factories, module.DEFAULT_LLM, wrap=with_retries)


def _config_module(name: str) -> ModuleType:
    try:
        module = importlib.import_module(name)
    except ImportError as error:
        raise ConfigModuleError(f"CONFIG_MODULE={name!r} cannot be imported: {error}") from error
    llms = getattr(module, "LLMS", None)
    default = getattr(module, "DEFAULT_LLM", None)
    if not isinstance(llms, dict) or not llms or not all(callable(f) for f in llms.values()):
        raise ConfigModuleError(
            f"CONFIG_MODULE={name!r} must declare LLMS, a dict of names to factories"
        )
    if default not in llms:
        raise ConfigModuleError(f"CONFIG_MODULE={name!r}: DEFAULT_LLM {default!r} is not in LLMS")
    return module
