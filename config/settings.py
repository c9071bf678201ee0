"""Every setting the service reads from the environment, read in this one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T", int, float)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'lookup.db'}"


class SettingsError(ValueError):
    """An environment variable holds a value that cannot be used."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    config_module: str = "config.example"
    llm_query_timeout: float = 10.0
    lookup_workers: int = 64
    few_shot_k: int = 3
    llm_max_retries: int = 2
    db_pool_size: int = 20
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The whole environment, for config modules that read their own variables."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            config_module=env.get("CONFIG_MODULE") or "config.example",
            llm_query_timeout=_number(env, "LLM_QUERY_TIMEOUT", 10.0, float, minimum=0.01),
            lookup_workers=_number(env, "LOOKUP_WORKERS", 64, int, minimum=1),
            few_shot_k=_number(env, "FEW_SHOT_K", 3, int, minimum=0),
            llm_max_retries=_number(env, "LLM_MAX_RETRIES", 2, int, minimum=0),
            db_pool_size=_number(env, "DB_POOL_SIZE", 20, int, minimum=1),
            environ=env,
        )

    def get(self, name: str, default: str = "") -> str:
        """A variable of the environment, for config modules."""
        return self.environ.get(name, default)

    def number(self, name: str, default: float) -> float:
        return _number(self.environ, name, default, float, minimum=0)


def _number(
    env: Mapping[str, str], name: str, default: T, kind: type[T], minimum: float
) -> T:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a {kind.__name__}") from None
    if value < minimum:
        raise SettingsError(f"{name}={raw!r} must be at least {minimum:g}")
    return value
