"""What the key check says when it refuses, and how it counts wrong keys: per client address.

The messages and the part of the request they name are what a client reads in a 401 or a 422."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from src.domain.access.admission import Admission
from src.domain.access.api_keys import ApiKeys
from src.domain.errors import (
    AuthenticationError,
    InvalidRequestError,
    RateLimitedError,
    StorageUnavailableError,
)
from tests.support.clock import ManualClock
from tests.support.fakes import FakeApiKeyStore

MADE_AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def keys_on(store: FakeApiKeyStore, **options: object) -> ApiKeys:
    return ApiKeys(store, lambda: MADE_AT, **options)  # type: ignore[arg-type]


class FailuresPerAddress:
    """Allows `limit` failed authentications per address; `unreachable`: counts cannot be kept."""

    def __init__(self, limit: int, unreachable: bool = False) -> None:
        self.limit = limit
        self.unreachable = unreachable
        self.failures: dict[str, int] = {}

    def check(self, address: str) -> None:
        if self.failures.get(address, 0) >= self.limit:
            raise RateLimitedError("too many failed authentications", retry_after=60)

    def record_failure(self, address: str) -> None:
        if self.unreachable:
            raise StorageUnavailableError("the counts' store does not answer")
        self.failures[address] = self.failures.get(address, 0) + 1


def test_a_key_is_shown_once_with_its_secret_and_listed_with_the_time_it_was_made() -> None:
    keys = keys_on(FakeApiKeyStore())

    key = keys.create("shop")

    _, key_id, secret = key.split("_", 2)
    assert (len(key_id), len(secret)) == (12, 43)  # 6 random bytes in hex, 32 in base64
    [listed] = keys.list()
    assert (listed.name, listed.key_id, listed.created_at) == ("shop", key_id, MADE_AT)


def test_refused_names_say_why_and_name_the_field() -> None:
    keys = keys_on(FakeApiKeyStore())
    keys.create("shop")

    refusals = []
    for attempt in (lambda: keys.create("two words"), lambda: keys.create("shop")):
        with pytest.raises(InvalidRequestError) as refused:
            attempt()
        refusals.append((str(refused.value), refused.value.location))
    with pytest.raises(InvalidRequestError) as unknown:
        keys.revoke("pim")

    assert refusals == [
        ("a key name is 1 to 64 letters, digits, '.', '_' or '-', not 'two words'", ("name",)),
        ("a key named 'shop' already exists", ("name",)),
    ]
    assert (str(unknown.value), unknown.value.location) == ("no key named 'pim'", ("name",))


def test_each_refused_key_says_what_is_wrong_with_it() -> None:
    keys = keys_on(FakeApiKeyStore())
    key = keys.create("shop")
    revoked = keys.create("old")
    keys.revoke("old")

    said = []
    for presented in (None, key[:-1] + ("A" if key[-1] != "A" else "B"), revoked):
        with pytest.raises(AuthenticationError) as refused:
            keys.authenticate(presented)
        said.append(str(refused.value))

    assert said == [
        "an API key is needed: send 'Authorization: Bearer KEY'",
        "this API key is not valid",
        "this API key has been revoked",
    ]


def test_the_api_is_seen_closed_a_second_after_another_process_makes_the_first_key() -> None:
    store, seconds = FakeApiKeyStore(), ManualClock()
    keys = keys_on(store, monotonic=seconds)
    assert keys.authenticate(None) is None

    keys_on(store).create("shop")
    seconds.now = 0.99
    assert keys.authenticate(None) is None  # the last look, under a second ago, said open
    seconds.now = 1.0
    with pytest.raises(AuthenticationError):
        keys.authenticate(None)


def test_wrong_keys_are_counted_against_the_address_that_sent_them() -> None:
    keys = keys_on(FakeApiKeyStore())
    key = keys.create("shop")
    admission = Admission(keys, failures=FailuresPerAddress(limit=2))

    for _ in range(2):
        with pytest.raises(AuthenticationError):
            admission.admit("flk_000000000000_" + "a" * 43, "10.0.0.1")

    with pytest.raises(RateLimitedError):
        admission.admit(key, "10.0.0.1")  # past its limit: even a good key is not read
    assert admission.admit(key, "10.0.0.2").id == "key:shop"  # another address is not held back


def test_a_wrong_key_is_refused_even_when_its_failure_cannot_be_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    keys = keys_on(FakeApiKeyStore())
    keys.create("shop")
    admission = Admission(keys, failures=FailuresPerAddress(limit=2, unreachable=True))

    with caplog.at_level(logging.WARNING), pytest.raises(AuthenticationError):
        admission.admit("flk_000000000000_" + "a" * 43, "10.0.0.1")

    assert [r.getMessage() for r in caplog.records] == [
        "a failed authentication was not counted: the counts' store does not answer"
    ]
