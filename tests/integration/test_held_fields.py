"""The fields a lookup reads are held between checks of the catalogue version: a change made in
the process shows at once, one made by another process within the refresh time. On SQLite and
on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from src.adapters.driven.storage.storage import PeeweeStorage
from src.bootstrap import Container
from src.domain.access.roles import Caller, Role
from src.domain.model import Example, Field, FieldType
from src.domain.review import ReviewRequest, Verdict
from tests.conftest import ContainerFactory

LAMP = Field("EF000042", "culot", FieldType.TEXT)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(
    database_url: str, make_container: ContainerFactory, clock: Clock
) -> Iterator[PeeweeStorage]:
    make_container()  # migrated and emptied
    opened = PeeweeStorage(database_url, 2, catalogue_refresh_seconds=5.0, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def elsewhere(database_url: str) -> Iterator[PeeweeStorage]:
    """The same database as another process sees it: its own storage, its own holdings."""
    opened = PeeweeStorage(database_url, 2)
    yield opened
    opened.close()


def test_a_change_made_here_shows_at_once(storage: PeeweeStorage) -> None:
    assert storage.fields.get_many([LAMP.code]) == {}
    storage.catalogue_store.provision([LAMP], [Example(LAMP.code, "Ampoule E27", "E27")])
    found = storage.fields.get_many([LAMP.code, "EF9"])
    assert found == {LAMP.code: LAMP}
    assert (
        found[LAMP.code].revision == storage.stored_fields.get_many([LAMP.code])[LAMP.code].revision
    )

    relabelled = Field(LAMP.code, "culot de la lampe", FieldType.TEXT)
    storage.catalogue_store.provision([relabelled], [])
    assert storage.fields.get_many([LAMP.code])[LAMP.code].label == "culot de la lampe"


def test_another_process_change_shows_within_the_refresh_time(
    storage: PeeweeStorage, elsewhere: PeeweeStorage, clock: Clock
) -> None:
    storage.catalogue_store.provision([LAMP], [])
    assert storage.fields.get_many([LAMP.code, "EF9"]) == {LAMP.code: LAMP}

    other = Field("EF9", "puissance", FieldType.NUMBER, unit="W")
    elsewhere.catalogue_store.provision(
        [Field(LAMP.code, "culot de la lampe", FieldType.TEXT), other], []
    )
    clock.now += 4.9
    assert storage.fields.get_many([LAMP.code, "EF9"]) == {LAMP.code: LAMP}  # held
    clock.now += 0.2
    found = storage.fields.get_many([LAMP.code, "EF9"])
    assert found == {LAMP.code: Field(LAMP.code, "culot de la lampe", FieldType.TEXT), "EF9": other}


def test_a_decision_that_teaches_an_example_raises_the_held_revision_at_once(
    container: Container,
) -> None:
    container.provisioning.provision([LAMP], [Example(LAMP.code, "Ampoule E27", "E27")])
    before = container.fields.get_many([LAMP.code])[LAMP.code].revision
    reviewer = Caller("key:alice", "alice", Role.REVIEWER, "default")
    container.reviewing.decide(
        ReviewRequest("Spot GU10 LED", LAMP.code, Verdict.ACCEPT, proposed="GU10"), reviewer
    )
    assert container.fields.get_many([LAMP.code])[LAMP.code].revision > before


def test_a_field_provisioned_elsewhere_with_new_examples_gets_its_new_revision(
    storage: PeeweeStorage, elsewhere: PeeweeStorage, clock: Clock
) -> None:
    storage.catalogue_store.provision([LAMP], [Example(LAMP.code, "Ampoule E27", "E27")])
    before = storage.fields.get_many([LAMP.code])[LAMP.code].revision
    elsewhere.catalogue_store.provision([LAMP], [Example(LAMP.code, "Spot GU10 LED", "GU10")])
    clock.now += 5.0
    assert storage.fields.get_many([LAMP.code])[LAMP.code].revision > before
