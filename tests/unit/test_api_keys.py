"""API keys and admission: keys shown once and stored as hashes, checked on every request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from src.domain.access.admission import Admission
from src.domain.access.api_keys import ApiKeys, hash_secret
from src.domain.errors import AuthenticationError, InvalidRequestError, RateLimitedError
from tests.support.clock import ManualClock
from tests.support.fakes import FakeApiKeyStore


class FakeRateLimiter:
    def __init__(self, per_caller: int) -> None:
        self.per_caller = per_caller
        self.hits: dict[str, int] = {}

    def hit(self, caller: str) -> None:
        self.hits[caller] = self.hits.get(caller, 0) + 1
        if self.hits[caller] > self.per_caller:
            raise RateLimitedError("over", retry_after=30)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def store() -> FakeApiKeyStore:
    return FakeApiKeyStore()


@pytest.fixture
def keys(store: FakeApiKeyStore) -> ApiKeys:
    return ApiKeys(store, Clock())


def test_a_new_key_is_returned_once_and_only_its_hash_is_stored(
    keys: ApiKeys, store: FakeApiKeyStore
) -> None:
    key = keys.create("shop")

    [stored] = store.keys.values()
    secret = key.split("_", 2)[2]
    assert key.startswith(f"flk_{stored.key_id}_") and len(secret) >= 40
    assert stored.secret_hash == hash_secret(secret) and secret not in stored.secret_hash
    assert keys.authenticate(key).name == "shop"  # type: ignore[union-attr]
    assert keys.create("pim") != key


def test_the_api_is_open_until_the_first_key_and_closed_after(keys: ApiKeys) -> None:
    assert keys.authenticate(None) is None
    assert keys.authenticate("whatever") is None

    key = keys.create("shop")

    with pytest.raises(AuthenticationError, match="Authorization: Bearer KEY"):
        keys.authenticate(None)
    with pytest.raises(AuthenticationError, match="not valid"):
        keys.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B"))
    with pytest.raises(AuthenticationError, match="not valid"):
        keys.authenticate("flk_000000000000_" + "a" * 43)


def test_a_revoked_key_is_refused_and_revoking_every_key_does_not_reopen_the_api(
    keys: ApiKeys,
) -> None:
    key = keys.create("shop")

    revoked = keys.revoke("shop")

    assert revoked.revoked_at is not None and not revoked.active
    with pytest.raises(AuthenticationError, match="revoked"):
        keys.authenticate(key)
    with pytest.raises(AuthenticationError):
        keys.authenticate(None)
    assert keys.revoke("shop").revoked_at == revoked.revoked_at  # again: harmless, first date kept


@pytest.mark.parametrize("name", ["", "two words", "x" * 65, "-leading-dash", "é"])
def test_names_are_short_and_plain(keys: ApiKeys, name: str) -> None:
    with pytest.raises(InvalidRequestError):
        keys.create(name)


def test_names_are_unique_and_only_known_keys_can_be_revoked(keys: ApiKeys) -> None:
    keys.create("shop")
    with pytest.raises(InvalidRequestError, match="already exists"):
        keys.create("shop")
    with pytest.raises(InvalidRequestError, match="no key named"):
        keys.revoke("pim")
    assert [key.name for key in keys.list()] == ["shop"]


def test_admission_counts_a_key_as_its_caller_and_an_address_while_no_key_exists(
    keys: ApiKeys,
) -> None:
    limiter = FakeRateLimiter(per_caller=1)
    admission = Admission(keys, limiter)

    assert admission.admit(None, "10.0.0.1").id == "address:10.0.0.1"  # type: ignore[union-attr]
    key = keys.create("shop")
    assert admission.admit(key, "10.0.0.1").id == "key:shop"  # type: ignore[union-attr]
    with pytest.raises(RateLimitedError):
        admission.admit(key, "10.0.0.2")  # another address, the same key: the same budget
    with pytest.raises(AuthenticationError):
        admission.admit(None, "10.0.0.3")
    assert limiter.hits == {"address:10.0.0.1": 1, "key:shop": 2}  # refused keys are not counted


def test_the_first_key_made_by_another_process_closes_the_api_within_the_recheck_time(
    store: FakeApiKeyStore,
) -> None:
    seconds = ManualClock()
    keys = ApiKeys(store, Clock(), open_recheck_seconds=1.0, monotonic=seconds)
    assert keys.authenticate(None) is None and keys.known_open()
    another_process = ApiKeys(store, Clock())

    key = another_process.create("shop")
    seconds.now = 0.9
    assert keys.authenticate(None) is None  # the last look (0.9 s ago) said open
    assert keys.authenticate(key).name == "shop"  # type: ignore[union-attr]  # a presented key is always read from the store
    seconds.now = 1.0

    assert not keys.known_open()
    with pytest.raises(AuthenticationError):
        keys.authenticate(None)
    seconds.now = 100.0
    assert not keys.known_open()  # keys are never deleted: closed for good


def test_admission_without_the_store_only_while_the_api_is_known_open(
    store: FakeApiKeyStore,
) -> None:
    seconds = ManualClock()
    keys = ApiKeys(store, Clock(), monotonic=seconds)
    admission = Admission(keys)
    assert admission.admit_without_storage(None, "10.0.0.1") is None  # not looked yet

    assert admission.admit(None, "10.0.0.1").id == "address:10.0.0.1"  # type: ignore[union-attr]

    assert admission.admit_without_storage(None, "10.0.0.1").id == "address:10.0.0.1"  # type: ignore[union-attr]
    assert admission.admit_without_storage("flk_000000000000_" + "a" * 43, "10.0.0.1") is None
    assert (
        Admission(keys, FakeRateLimiter(per_caller=5)).admit_without_storage(None, "10.0.0.1")
        is None
    )
    keys.create("shop")
    assert admission.admit_without_storage(None, "10.0.0.1") is None
    with pytest.raises(AuthenticationError):
        admission.admit(None, "10.0.0.1")
