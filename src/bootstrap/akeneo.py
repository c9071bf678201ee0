"""Builds the Akeneo client from the settings: AKENEO_URL, the connection's AKENEO_CLIENT_ID and
AKENEO_SECRET, its API user's AKENEO_USERNAME and AKENEO_PASSWORD; AKENEO_TIMEOUT (seconds a
request may take, 30) and AKENEO_ATTEMPTS (attempts of a request that Akeneo throttles or fails,
8)."""

from __future__ import annotations

import ipaddress

import httpx

from config.settings import Settings
from src.adapters.driven.akeneo.client import AkeneoClient, AkeneoCredentials
from src.adapters.driven.akeneo.retries import RetryPolicy
from src.domain.errors import SettingsError

REQUIRED = ("AKENEO_URL", "AKENEO_CLIENT_ID", "AKENEO_SECRET", "AKENEO_USERNAME", "AKENEO_PASSWORD")


def akeneo_client(settings: Settings) -> AkeneoClient:
    """The client of the PIM the settings name; SettingsError names what is missing or wrong."""
    missing = [name for name in REQUIRED if not settings.get(name).strip()]
    if missing:
        raise SettingsError(f"Akeneo needs {', '.join(missing)} in the environment")
    url = settings.get("AKENEO_URL").strip().rstrip("/")
    address = httpx.URL(url)
    if address.scheme != "https" and not (address.scheme == "http" and _loopback(address.host)):
        raise SettingsError(
            "AKENEO_URL must start with https:// (http:// only for a loopback address): "
            "the token and the password travel on it"
        )
    attempts = int(settings.number("AKENEO_ATTEMPTS", 8))
    if attempts < 1:
        raise SettingsError("AKENEO_ATTEMPTS must be at least 1")
    http = httpx.Client(base_url=url, timeout=settings.number("AKENEO_TIMEOUT", 30.0) or 30.0)
    credentials = AkeneoCredentials(
        settings.get("AKENEO_CLIENT_ID").strip(),
        settings.get("AKENEO_SECRET"),
        settings.get("AKENEO_USERNAME").strip(),
        settings.get("AKENEO_PASSWORD"),
    )
    return AkeneoClient(http, credentials, RetryPolicy(attempts=attempts))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
