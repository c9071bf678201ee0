"""The Akeneo settings: what is missing is named, and credentials never go over plain HTTP to
anything but a loopback address (checked without connecting)."""

from __future__ import annotations

import pytest

from config.settings import Settings
from src.bootstrap.akeneo import akeneo_client
from src.domain.errors import SettingsError

CREDENTIALS = {
    "AKENEO_CLIENT_ID": "id",
    "AKENEO_SECRET": "secret",
    "AKENEO_USERNAME": "user",
    "AKENEO_PASSWORD": "password",
}


def _settings(**env: str) -> Settings:
    return Settings.from_env({**CREDENTIALS, **env})


@pytest.mark.parametrize(
    "url",
    ["https://pim.example.com", "http://127.0.0.1:8080", "http://localhost", "http://[::1]:9"],
)
def test_https_or_a_loopback_address_is_taken(url: str) -> None:
    client = akeneo_client(_settings(AKENEO_URL=url))
    client.close()
    assert client.requests == 0


@pytest.mark.parametrize("url", ["http://pim.example.com", "ftp://pim.example.com", "pim"])
def test_plain_http_elsewhere_is_refused(url: str) -> None:
    with pytest.raises(SettingsError, match="must start with https://"):
        akeneo_client(_settings(AKENEO_URL=url))


def test_what_is_missing_is_named() -> None:
    with pytest.raises(SettingsError, match="Akeneo needs AKENEO_URL, AKENEO_PASSWORD"):
        akeneo_client(Settings.from_env({**CREDENTIALS, "AKENEO_PASSWORD": " "}))
