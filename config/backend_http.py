"""What the config modules of hosted models share: HTTP timeouts and required variables."""

from __future__ import annotations

from dataclasses import dataclass

from config.settings import Settings
from src.domain.errors import SettingsError


@dataclass(frozen=True, slots=True)
class BackendTimeouts:
    """Connect and read timeouts of a backend's HTTP client, in seconds. Connectors shorten them
    to the time left before each request's deadline."""

    connect: float
    read: float

    @classmethod
    def from_settings(cls, settings: Settings) -> BackendTimeouts:
        """LLM_CONNECT_TIMEOUT (default 5 s) and LLM_READ_TIMEOUT (default 60 s)."""
        return cls(
            connect=settings.number("LLM_CONNECT_TIMEOUT", 5.0),
            read=settings.number("LLM_READ_TIMEOUT", 60.0),
        )


def required(settings: Settings, name: str, purpose: str) -> str:
    """The variable `name`, or a SettingsError saying what it is for."""
    value = settings.get(name).strip()
    if not value:
        raise SettingsError(f"{name} is not set: {purpose}")
    return value
