"""The catalogue held in memory (SQLite's fields and examples): it ranks examples as the database
does, and it reads the catalogue again when a provisioning changes it. On both databases."""

from __future__ import annotations

import json

import pytest

from src.adapters.driven.files.provisioning_files import read_examples, read_fields
from src.adapters.driven.storage.catalogue_snapshot import CatalogueSnapshot
from src.adapters.driven.storage.catalogue_store import PeeweeCatalogueStore
from src.adapters.driven.storage.repositories import (
    PeeweeExampleRepository,
    PeeweeFieldRepository,
)
from src.bootstrap import Container
from src.domain.access.roles import Caller, Role
from src.domain.model import Example, Field, FieldType
from src.domain.review import ReviewRequest, Verdict
from tests.conftest import PROJECT_DATA
from tests.support.clock import ManualClock

LAMP = Field("EF000042", "culot", FieldType.SELECT, ("E27", "E14", "GU10"))


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_ranks_the_project_examples_as_postgres_does(container: Container) -> None:
    """pg_trgm's similarity() in SQL is the reference."""
    container.provisioning.provision(
        read_fields(PROJECT_DATA / "fields.json"), read_examples(PROJECT_DATA / "examples.json")
    )
    snapshot = CatalogueSnapshot(container.storage.database)
    in_database = PeeweeExampleRepository(container.storage.database)
    codes = [field.code for field in PeeweeFieldRepository(container.storage.database).list_all()]
    rows = [
        json.loads(line) for line in (PROJECT_DATA / "benchmark.jsonl").read_text().splitlines()
    ]
    compared = 0
    for row in rows:
        wanted = [code for code in row["expected"] if code in codes]
        expected = in_database.most_similar(wanted, row["description"], k=3)
        assert snapshot.most_similar(wanted, row["description"], k=3) == expected, row[
            "description"
        ]
        compared += sum(len(found) for found in expected.values())
    assert compared > 3 * len(rows)  # most fields of the benchmark have examples to rank


def test_leaves_out_the_excluded_text_and_fills_up_with_unrelated_examples(
    container: Container,
) -> None:
    mine = "Ampoule LED filament E27 standard 7W blanc chaud"
    PeeweeCatalogueStore(container.storage.database).provision(
        [LAMP],
        [
            Example(LAMP.code, mine, "E27"),
            Example(LAMP.code, "Spot GU10 5W", "GU10"),
            Example(LAMP.code, "Radiateur 1500 W", None),
            Example(LAMP.code, "Ampoule flamme E14 4W", "E14"),
        ],
    )
    snapshot = CatalogueSnapshot(container.storage.database)

    found = snapshot.most_similar([LAMP.code, "EF999999"], mine, k=4, exclude_context=mine)

    # The E14 lamp shares trigrams with the text; the two others none, so they come in stored order.
    assert [example.context for example in found[LAMP.code]] == [
        "Ampoule flamme E14 4W",
        "Spot GU10 5W",
        "Radiateur 1500 W",
    ]
    assert "EF999999" not in found
    assert snapshot.most_similar([LAMP.code], mine, k=0) == {}


def test_another_process_provisioning_shows_after_the_refresh_time(container: Container) -> None:
    clock = ManualClock()
    snapshot = CatalogueSnapshot(container.storage.database, refresh_seconds=1.0, clock=clock)
    assert snapshot.get_many([LAMP.code]) == {}
    another_process = PeeweeCatalogueStore(container.storage.database)

    another_process.provision([LAMP], [Example(LAMP.code, "Spot GU10 5W", "GU10")])
    clock.now = 0.5
    assert (
        snapshot.get(LAMP.code) is None
        and snapshot.most_similar([LAMP.code], "Spot GU10", k=1) == {}
    )
    clock.now = 1.0

    assert snapshot.get(LAMP.code) == LAMP
    assert snapshot.most_similar([LAMP.code], "Spot GU10", k=1) == {
        LAMP.code: [Example(LAMP.code, "Spot GU10 5W", "GU10")]
    }
    assert [f.code for f in snapshot.list_all()] == [LAMP.code]


def test_a_provisioning_in_this_process_shows_at_once(container: Container) -> None:
    clock = ManualClock()
    snapshot = CatalogueSnapshot(container.storage.database, refresh_seconds=60.0, clock=clock)
    store = PeeweeCatalogueStore(container.storage.database, on_change=snapshot.invalidate)
    assert snapshot.get(LAMP.code) is None

    store.provision([LAMP], [Example(LAMP.code, "Spot GU10 5W", "GU10")])

    assert snapshot.get(LAMP.code) == LAMP
    assert snapshot.most_similar([LAMP.code], "Spot GU10", k=1) == {
        LAMP.code: [Example(LAMP.code, "Spot GU10 5W", "GU10")]
    }


def test_the_catalogue_is_read_again_only_when_its_version_moved(container: Container) -> None:
    clock = ManualClock()
    snapshot = CatalogueSnapshot(container.storage.database, refresh_seconds=1.0, clock=clock)
    PeeweeCatalogueStore(container.storage.database).provision([LAMP], [])
    first = snapshot.get(LAMP.code)
    clock.now = 5.0

    assert snapshot.get(LAMP.code) is first  # checked, unchanged: the same objects

    PeeweeCatalogueStore(container.storage.database).provision([LAMP], [])
    clock.now = 10.0
    again = snapshot.get(LAMP.code)
    assert again == first and again is not first


def test_a_provisioning_that_ends_while_the_catalogue_is_read_is_not_missed(
    container: Container,
) -> None:
    clock = ManualClock()
    snapshot = CatalogueSnapshot(container.storage.database, refresh_seconds=60.0, clock=clock)
    store = PeeweeCatalogueStore(container.storage.database, on_change=snapshot.invalidate)
    reading = snapshot._read
    provisioned: list[bool] = []

    def read_then_provision(held):  # type: ignore[no-untyped-def]
        read = reading(held)
        if not provisioned:
            provisioned.append(True)
            store.provision([LAMP], [])  # commits after the read above: the read is already stale
        return read

    snapshot._read = read_then_provision  # type: ignore[method-assign]

    assert snapshot.get(LAMP.code) is None  # read before the provisioning committed
    assert snapshot.get(LAMP.code) == LAMP  # within the 60 s, yet read again


def test_a_decision_reads_again_the_examples_of_its_field_only(container: Container) -> None:
    power = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")
    PeeweeCatalogueStore(container.storage.database).provision(
        [LAMP, power],
        [Example(LAMP.code, "Spot GU10 5W", "GU10"), Example(power.code, "Spot GU10 5W", 5)],
    )
    snapshot = CatalogueSnapshot(container.storage.database, refresh_seconds=0)
    held = snapshot.labelled([LAMP.code, power.code])
    before = held_revision(snapshot, LAMP)
    reviewer = Caller("key:alice", "alice", Role.REVIEWER, "default")

    container.reviewing.decide(
        ReviewRequest("Ampoule flamme E14 4W", LAMP.code, Verdict.ACCEPT, proposed="E14"), reviewer
    )

    after = snapshot.labelled([LAMP.code, power.code])
    assert [e.context for e in after[LAMP.code]] == ["Spot GU10 5W", "Ampoule flamme E14 4W"]
    assert after[power.code] is held[power.code]  # not read again: the very same examples
    assert held_revision(snapshot, LAMP) == before + 1  # its cached answers are not served


def held_revision(snapshot: CatalogueSnapshot, field: Field) -> int:
    found = snapshot.get(field.code)
    assert found is not None
    return found.revision
