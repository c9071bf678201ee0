"""The composition root wires every use case, and a test puts its fakes in place of the adapters
the settings choose: the lookup reads the fake catalogue and fills the fake cache, the evaluation
leaves the cache alone, the API keys are the fake store's, and the keyless re-check follows the
fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.settings import Settings
from src.bootstrap import Container, Overrides, bootstrap
from src.domain.access.api_keys import hash_secret
from src.domain.access.ports import ApiKey
from src.domain.errors import AuthenticationError, SettingsError
from src.domain.evaluation.benchmark import BenchmarkRow
from src.domain.model import Field, FieldType, LookupRequest, OutcomeStatus
from src.domain.trust.ports import NoCalibration
from tests.support.clock import ManualClock
from tests.support.fakes import (
    FakeApiKeyStore,
    FakeCache,
    FakeExampleRepository,
    FakeFieldRepository,
    FakeThresholdStore,
)

CULOT = Field("EF000042", "Culot", FieldType.SELECT, options=("E27", "E14"))
LAMP = "Lampe incandescente 40W E27"


@pytest.fixture
def fakes() -> tuple[FakeCache, FakeApiKeyStore, ManualClock]:
    return FakeCache(), FakeApiKeyStore(), ManualClock()


@pytest.fixture
def container(
    tmp_path: Path, fakes: tuple[FakeCache, FakeApiKeyStore, ManualClock]
) -> Iterator[Container]:
    cache, keys, clock = fakes
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'never-migrated.db'}",
            "CONFIG_MODULE": "config.mock",
            "KEYLESS_RECHECK_SECONDS": "1",
        }
    )
    overrides = Overrides(
        fields=FakeFieldRepository([CULOT]),
        examples=FakeExampleRepository(),
        cache=cache,
        api_key_store=keys,
        clock=clock,
        thresholds=FakeThresholdStore(),
        calibration=NoCalibration(),
    )
    built = bootstrap(settings, overrides=overrides)
    yield built
    built.close()


def test_the_lookup_reads_the_fake_catalogue_and_fills_the_fake_cache(
    container: Container, fakes: tuple[FakeCache, FakeApiKeyStore, ManualClock]
) -> None:
    cache, _, _ = fakes
    first = container.lookup.lookup(LookupRequest(LAMP, (CULOT.code, "EF999999")))
    again = container.lookup.lookup(LookupRequest(LAMP, (CULOT.code,)))

    assert first.values() == {CULOT.code: "E27", "EF999999": None}
    assert first.outcomes[1].status is OutcomeStatus.UNKNOWN_FIELD
    assert len(cache.stored) == 1  # given as it is: written at once, not behind
    assert again.outcomes[0].cached and again.values() == {CULOT.code: "E27"}


def test_the_evaluation_is_built_by_the_root_and_leaves_the_cache_alone(
    container: Container, fakes: tuple[FakeCache, FakeApiKeyStore, ManualClock]
) -> None:
    cache, _, _ = fakes
    [report] = container.evaluation().evaluate(
        [BenchmarkRow(LAMP, {CULOT.code: ("E27",)})], ["mock"]
    )

    assert report.overall.correct == 1
    assert cache.stored == {} and cache.asked == []


def test_the_keys_are_the_fake_stores_and_the_recheck_follows_the_fake_clock(
    container: Container, fakes: tuple[FakeCache, FakeApiKeyStore, ManualClock]
) -> None:
    _, keys, clock = fakes
    assert container.admission.admit(None, "10.0.0.1").id == "address:10.0.0.1"
    keys.add(ApiKey("made-elsewhere", "0123456789ab", hash_secret("s" * 32), datetime.now(UTC)))

    assert container.admission.admit(None, "10.0.0.1").id == "address:10.0.0.1"  # seen open 0 s ago
    clock.now += 1.5
    with pytest.raises(AuthenticationError):
        container.admission.admit(None, "10.0.0.1")


def test_a_database_url_of_no_known_kind_is_a_settings_error() -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": "mysql://db/lookup", "CONFIG_MODULE": "config.mock"}
    )
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        bootstrap(settings)
