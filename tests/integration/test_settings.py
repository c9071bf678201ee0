"""Settings refuse what they cannot use, naming the variable: non-finite numbers included."""

from __future__ import annotations

import pytest

from config.settings import Settings
from src.domain.errors import SettingsError

FLOAT_SETTINGS = [
    "LLM_QUERY_TIMEOUT",
    "LOOKUP_CACHE_TTL",
    "CATALOGUE_REFRESH_SECONDS",
    "KEYLESS_RECHECK_SECONDS",
    "BACKEND_COOLDOWN_SECONDS",
    "WEBHOOK_DEADLINE_SECONDS",
]


@pytest.mark.parametrize("name", FLOAT_SETTINGS)
@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
def test_a_number_that_is_not_finite_is_refused_by_name(name: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=f"^{name}=.* is not a finite number$"):
        Settings.from_env({name: raw})


def test_config_modules_numbers_are_held_to_the_same_rule() -> None:
    settings = Settings.from_env({"MOCK_LATENCY_MS": "nan"})
    with pytest.raises(SettingsError, match="MOCK_LATENCY_MS"):
        settings.number("MOCK_LATENCY_MS", 0)


def test_finite_numbers_are_still_read() -> None:
    settings = Settings.from_env({"LLM_QUERY_TIMEOUT": "2.5", "LOOKUP_CACHE_TTL": "1e3"})
    assert settings.llm_query_timeout == 2.5 and settings.lookup_cache_ttl == 1000.0


def test_the_webhook_allow_list_is_read_as_networks_and_empty_by_default() -> None:
    settings = Settings.from_env(
        {"WEBHOOK_ALLOWED_NETWORKS": " 10.20.0.0/16, fd12::/48 ,127.0.0.1,"}
    )

    assert [str(network) for network in settings.webhook_allowed_networks] == [
        "10.20.0.0/16",
        "fd12::/48",
        "127.0.0.1/32",
    ]
    assert Settings.from_env({}).webhook_allowed_networks == ()


@pytest.mark.parametrize("raw", ["10.0.0.1/8", "intranet.example", "10.0.0.0/33"])
def test_a_bad_webhook_network_is_refused_by_name(raw: str) -> None:
    with pytest.raises(SettingsError, match=f"^WEBHOOK_ALLOWED_NETWORKS: '{raw}' is not a network"):
        Settings.from_env({"WEBHOOK_ALLOWED_NETWORKS": f"10.20.0.0/16,{raw}"})
