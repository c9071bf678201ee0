"""Provisioning and retrieval on real databases: every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from peewee import IntegrityError

from src.adapters.driven.files.provisioning_files import (
    prototype_context,
    read_examples,
    read_fields,
)
from src.adapters.driven.storage.catalogue_store import PeeweeCatalogueStore
from src.adapters.driven.storage.tables import ExampleRow, FieldRow
from src.bootstrap import Container
from src.domain.errors import DataFileError
from src.domain.model import Example, Field, FieldType
from tests.conftest import PROJECT_DATA, PROTOTYPE_DATA, needs_prototype_data


def provision_files(container: Container, fields: Path, examples: Path) -> None:
    container.provisioning.provision(read_fields(fields), read_examples(examples))


def counts(container: Container) -> tuple[int, int]:
    database = container.storage.database
    return FieldRow.select().count(database), ExampleRow.select().count(database)


def test_provisioning_the_project_data_twice_leaves_one_copy(container: Container) -> None:
    provision_files(container, PROJECT_DATA / "fields.json", PROJECT_DATA / "examples.json")
    first = counts(container)
    provision_files(container, PROJECT_DATA / "fields.json", PROJECT_DATA / "examples.json")

    assert counts(container) == first
    assert first == (
        len(json.loads((PROJECT_DATA / "fields.json").read_text())),
        len(json.loads((PROJECT_DATA / "examples.json").read_text())),
    )
    culot = container.fields.get("EF000042")
    assert culot is not None and culot.type is FieldType.SELECT and "E27" in culot.options


@needs_prototype_data
def test_provisioning_the_prototype_files_unchanged(container: Container) -> None:
    provision_files(container, PROTOTYPE_DATA / "fields.json", PROTOTYPE_DATA / "examples.json")

    raw_fields = json.loads((PROTOTYPE_DATA / "fields.json").read_text())
    raw_examples = json.loads((PROTOTYPE_DATA / "examples.json").read_text())
    assert counts(container) == (len(raw_fields), len(raw_examples))
    drying = container.fields.get("EF005364")
    assert drying is not None and drying.options == ("condensation", "air sortant")
    width = container.fields.get("EF000008")
    assert width is not None and width.type is FieldType.NUMBER and width.unit == "cm"
    fixing = container.fields.get("EF006009")
    assert fixing is not None and fixing.type is FieldType.BOOLEAN and fixing.options == ()

    labelled = next(r for r in raw_examples if r["field_name"] == "EF005364" and r["field_value"])
    found = container.storage.examples.most_similar(["EF005364"], prototype_context(labelled), k=1)
    assert found["EF005364"][0].value == "condensation"
    boolean_rows = [r for r in raw_examples if r["field_value"] == "oui"]
    stored = container.storage.examples.most_similar(
        [boolean_rows[0]["field_name"]], prototype_context(boolean_rows[0]), k=1
    )
    assert stored[boolean_rows[0]["field_name"]][0].value is True


def test_a_malformed_examples_file_names_file_and_record_and_changes_nothing(
    container: Container, tmp_path: Path
) -> None:
    provision_files(container, PROJECT_DATA / "fields.json", PROJECT_DATA / "examples.json")
    before = counts(container)
    records = [
        {"field": "EF000042", "context": "Ampoule LED 7W E14 nouvelle", "value": "E14"},
        {"field": "EF000042", "context": "Ampoule LED 5W culot rare", "value": "E99"},
    ]
    bad = tmp_path / "examples.json"
    bad.write_text(json.dumps(records))

    with pytest.raises(DataFileError) as raised:
        provision_files(container, PROJECT_DATA / "fields.json", bad)

    assert (
        str(bad) in str(raised.value)
        and "record 2" in str(raised.value)
        and "E99" in str(raised.value)
    )
    assert counts(container) == before
    assert (
        not ExampleRow.select()
        .where(ExampleRow.context == records[0]["context"])
        .exists(container.storage.database)
    )


def test_a_refused_examples_file_that_brings_new_fields_changes_nothing(
    container: Container, tmp_path: Path
) -> None:
    provision_files(container, PROJECT_DATA / "fields.json", PROJECT_DATA / "examples.json")
    before = counts(container)
    database = container.storage.database
    labels_before = dict(FieldRow.select(FieldRow.code, FieldRow.label).tuples().execute(database))
    fields = json.loads((PROJECT_DATA / "fields.json").read_text())
    socket = next(f for f in fields if f["code"] == "EF000042")
    socket["label"] = "culot (renommé)"
    fields.append({"code": "EF900001", "label": "essai", "type": "text"})
    new_fields = tmp_path / "fields.json"
    new_fields.write_text(json.dumps(fields))
    examples = tmp_path / "examples.json"
    examples.write_text(
        json.dumps(
            [
                {"field": "EF900001", "context": "Produit d'essai", "value": "valeur"},
                {"field": "EF000042", "context": "Ampoule LED 5W culot rare", "value": "E99"},
            ]
        )
    )

    with pytest.raises(DataFileError) as raised:
        provision_files(container, new_fields, examples)

    assert str(examples) in str(raised.value) and "record 2" in str(raised.value)
    assert counts(container) == before
    labels = dict(FieldRow.select(FieldRow.code, FieldRow.label).tuples().execute(database))
    assert "EF900001" not in labels and labels == labels_before  # culot keeps its label


def test_a_failure_while_writing_rolls_back_the_whole_load(container: Container) -> None:
    fields = [Field("EF900001", "essai", FieldType.TEXT)]
    examples = [
        Example("EF900001", "produit un", "valeur"),
        Example("EF900002", "produit deux", "valeur"),  # no such field: the foreign key fails
    ]
    with pytest.raises(IntegrityError):  # the whole load is rolled back
        PeeweeCatalogueStore(container.storage.database).provision(fields, examples)

    assert counts(container) == (0, 0)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "invalid JSON at line 1"),
        ('{"code": "EF1"}', "JSON list"),
        ('[{"code": "EF1", "label": "x", "type": "colour"}]', "type 'colour'"),
        ('[{"code": "EF1", "label": "x", "type": "select", "options": []}]', "needs options"),
        ('[{"label": "x", "type": "number"}]', "missing or empty 'code'"),
        (
            '[{"code": "EF1", "label": "x", "type": "text", "extract": "no"}]',
            "extract must be true or false",
        ),
    ],
)
def test_malformed_fields_files_are_refused_with_a_reason(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "fields.json"
    path.write_text(content)

    with pytest.raises(DataFileError) as raised:
        read_fields(path)

    assert str(path) in str(raised.value) and reason in str(raised.value)


def test_similar_examples_come_most_similar_first_k_per_field(container: Container) -> None:
    fields = [
        Field("EF000042", "culot", FieldType.SELECT, ("E27", "E14", "GU10")),
        Field("EF000035", "puissance", FieldType.NUMBER, unit="W"),
    ]
    examples = [
        Example("EF000042", "Ampoule LED filament E27 standard 7W blanc chaud", "E27"),
        Example("EF000042", "Spot LED GU10 5W 36 degrés", "GU10"),
        Example("EF000042", "Ampoule flamme LED E14 4W", "E14"),
        Example("EF000042", "Tube fluorescent T8 58W", None),
        Example("EF000035", "Ampoule LED filament E27 standard 7W blanc chaud", 7),
        Example("EF000035", "Radiateur à inertie 1500 W", 1500),
    ]
    PeeweeCatalogueStore(container.storage.database).provision(fields, examples)

    found = container.storage.examples.most_similar(
        ["EF000042", "EF000035"], "Ampoule LED filament E27 globe 8W", k=2
    )

    assert [e.value for e in found["EF000042"]] == ["E27", "E14"]
    assert [e.value for e in found["EF000035"]] == [7, 1500]
    mine = "Ampoule LED filament E27 standard 7W blanc chaud"
    others = container.storage.examples.most_similar(["EF000042"], mine, k=3, exclude_context=mine)
    assert mine not in [e.context for e in others["EF000042"]]
    assert len(others["EF000042"]) == 3


def test_every_labelled_example_of_a_field_comes_in_stored_order(container: Container) -> None:
    fields = [
        Field("EF000588", "marque", FieldType.TEXT),
        Field("EF000035", "puissance", FieldType.NUMBER, unit="W"),
    ]
    examples = [
        Example("EF000588", "Ampoule Philips LED E27", "Philips"),
        Example("EF000035", "Ampoule Philips LED E27 7W", 7),
        Example("EF000588", "Spot Osram GU10", "Osram"),
        Example("EF000588", "Tube T8 sans marque", None),
    ]
    PeeweeCatalogueStore(container.storage.database).provision(fields, examples)

    found = container.storage.examples.labelled(["EF000588", "EF000035", "EF999999"])

    assert {code: [e.value for e in found[code]] for code in found} == {
        "EF000588": ["Philips", "Osram", None],
        "EF000035": [7],
    }


def test_a_free_text_field_keeps_its_extract_flag(container: Container, tmp_path: Path) -> None:
    path = tmp_path / "fields.json"
    path.write_text(
        json.dumps(
            [
                {"code": "EF9", "label": "nom de la couleur", "type": "text", "extract": False},
                {"code": "EF8", "label": "marque", "type": "text"},
            ]
        )
    )

    container.provisioning.provision(read_fields(path), [])

    fields = container.fields.get_many(["EF9", "EF8"])
    assert (fields["EF9"].extract, fields["EF8"].extract) == (False, True)


def test_migrations_apply_once(container: Container) -> None:
    assert container.migrate() == []
