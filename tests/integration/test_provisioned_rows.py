"""What provisioning writes, on SQLite and on PostgreSQL (where a batch goes by `COPY`): every
text stored as given whatever it holds, the examples created and updated counted by what the
writes did, and the revision of a field raised only when its examples change."""

from __future__ import annotations

import json

import pytest

from src.adapters.driven.storage import catalogue_store
from src.adapters.driven.storage.catalogue_store import PeeweeCatalogueStore
from src.adapters.driven.storage.example_postings import read_postings
from src.bootstrap import Container
from src.domain.model import Example, Field, FieldType

LAMP = Field("EF000042", "culot", FieldType.TEXT)
POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")
AWKWARD = [
    'Lampe "E27", 40W; verre\tdépoli\nligne 2\r\nligne 3\rfin',
    "\\. seul\n\\.\n",
    "  espaces autour  ",
    "barre \\ oblique \\N NULL null",
    "ünïcödé ½ 6mm² 一 🙂",
    "retour\rseul",
]


def stored(container: Container) -> list[tuple[str, str, str | None]]:
    database = container.storage.database
    with database.connection_context():
        sql = "SELECT field_code, context, value FROM example ORDER BY id"
        return [tuple(row) for row in database.execute_sql(sql).fetchall()]


def revisions(container: Container) -> dict[str, int]:
    database = container.storage.database
    with database.connection_context():
        return dict(database.execute_sql("SELECT code, revision FROM field").fetchall())


def test_every_text_is_stored_as_given_and_indexed(container: Container) -> None:
    values = ['dit "oui", puis\tnon', None, "", "\\N", "x\ry", None]
    examples = [
        Example(LAMP.code, text, value) for text, value in zip(AWKWARD, values, strict=True)
    ]

    PeeweeCatalogueStore(container.storage.database).provision([LAMP], examples)

    assert stored(container) == [
        (LAMP.code, text, None if value is None else json.dumps(value, ensure_ascii=False))
        for text, value in zip(AWKWARD, values, strict=True)
    ]
    database = container.storage.database
    with database.connection_context():
        postings = read_postings(database, [LAMP.code], ["lampe", "seul", "null", "6mm"])
        ids = [id_ for (id_,) in database.execute_sql("SELECT id FROM example ORDER BY id")]
    assert {word: listed for (_, word), (_, listed) in postings.items()} == {
        "lampe": [ids[0]],
        "seul": [ids[1], ids[5]],
        "null": [ids[3]],
        "6mm": [ids[4]],
    }


def test_created_and_updated_count_what_was_written_across_batches(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A field with examples already and a fresh one; an example given again in a later batch
    of the same provisioning, with its value changed or not."""
    monkeypatch.setattr(catalogue_store, "_EXAMPLES_A_BATCH", 3)
    store = PeeweeCatalogueStore(container.storage.database)
    store.provision([LAMP, POWER], [Example(LAMP.code, "Lampe 1", "E27")])
    before = revisions(container)

    report = store.provision(
        [],
        [
            Example(POWER.code, "Lampe 1", 40),
            Example(POWER.code, "Lampe 2", 60),
            Example(LAMP.code, "Lampe 1", "E27"),  # stored already, unchanged
            Example(POWER.code, "Lampe 1", 40),  # the first batch's again
            Example(POWER.code, "Lampe 2", 75),  # the first batch's, changed
        ],
    )

    assert (report.examples_created, report.examples_updated) == (2, 3)
    after = revisions(container)
    assert after[POWER.code] == before[POWER.code] + 1
    assert after[LAMP.code] == before[LAMP.code]
    assert (POWER.code, "Lampe 2", "75") in stored(container)

    again = store.provision([], [Example(LAMP.code, "Lampe 1", "E14")])
    assert (again.examples_created, again.examples_updated) == (0, 1)
    assert revisions(container)[LAMP.code] == after[LAMP.code] + 1
