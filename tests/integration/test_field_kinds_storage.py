"""Fields of every kind provisioned from both file formats, stored and read back, on SQLite and
PostgreSQL; their examples keep their typed values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from src.adapters.driven.files.provisioning_files import read_examples, read_fields
from src.bootstrap import Container
from src.domain.errors import DataFileError
from src.domain.model import Field, FieldType

PROJECT_FIELDS = [
    {"code": "EF000001", "label": "Culot", "type": "select", "options": ["E27", "E14"]},
    {"code": "EF000002", "label": "Puissance", "type": "number", "unit": "W"},
    {"code": "EF000003", "label": "Dimmable", "type": "boolean"},
    {"code": "EF000004", "label": "Marque", "type": "text"},
    {"code": "EF000005", "label": "Tension d'entrée", "type": "range", "unit": "V"},
    {
        "code": "EF000006",
        "label": "Certifications",
        "type": "select",
        "options": ["CE", "RoHS", "UL"],
        "multiple": True,
    },
    {"code": "EF000007", "label": "Matériaux", "type": "text", "multiple": True},
    {"code": "EF000008", "label": "Température d'utilisation", "type": "R", "unit": "°C"},
]
PROTOTYPE_FIELDS = [
    {"name": "EF100001", "label": "Culot", "type": "A", "multiple": False, "options": ["E27"]},
    {"name": "EF100002", "label": "Puissance (W)", "type": "N", "multiple": False, "options": []},
    {"name": "EF100003", "label": "Dimmable", "type": "L", "multiple": False, "options": []},
    {"name": "EF100004", "label": "Tension (V)", "type": "range", "multiple": False},
    {
        "name": "EF100005",
        "label": "Certifications",
        "type": "select",
        "multiple": True,
        "options": ["CE", "RoHS"],
    },
]


def written(tmp_path: Path, name: str, records: list[dict[str, object]]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def test_every_kind_is_provisioned_from_the_project_format(
    container: Container, tmp_path: Path
) -> None:
    fields = written(tmp_path, "fields.json", PROJECT_FIELDS)
    examples = written(
        tmp_path,
        "examples.json",
        [
            {"field": "EF000005", "context": "Alimentation 100-240 V", "value": "100-240 V"},
            {"field": "EF000005", "context": "Bloc ≥ 90 V", "value": {"min": 90, "max": None}},
            {"field": "EF000006", "context": "Marquage CE, RoHS", "value": ["ce", "RoHS"]},
            {"field": "EF000007", "context": "Acier et verre", "value": ["Acier", "Verre"]},
        ],
    )

    container.provisioning.provision(read_fields(fields), read_examples(examples))

    stored = container.fields.get_many([record["code"] for record in PROJECT_FIELDS])
    assert {code: (f.type.value, f.multiple) for code, f in stored.items()} == {
        "EF000001": ("select", False),
        "EF000002": ("number", False),
        "EF000003": ("boolean", False),
        "EF000004": ("text", False),
        "EF000005": ("range", False),
        "EF000006": ("select", True),
        "EF000007": ("text", True),
        "EF000008": ("range", False),
    }
    assert stored["EF000005"].unit == "V" and stored["EF000008"].unit == "°C"
    labelled = container.storage.examples.labelled(["EF000005", "EF000006", "EF000007"])
    assert {code: [e.value for e in found] for code, found in labelled.items()} == {
        "EF000005": [{"min": 100, "max": 240}, {"min": 90, "max": None}],
        "EF000006": [["CE", "RoHS"]],
        "EF000007": [["Acier", "Verre"]],
    }


def test_every_kind_is_provisioned_from_the_prototype_format(
    container: Container, tmp_path: Path
) -> None:
    fields = written(tmp_path, "fields.json", PROTOTYPE_FIELDS)

    container.provisioning.provision(read_fields(fields), [])

    stored = container.fields.get_many([record["name"] for record in PROTOTYPE_FIELDS])
    assert {code: (f.type, f.unit, f.multiple) for code, f in stored.items()} == {
        "EF100001": (FieldType.SELECT, None, False),
        "EF100002": (FieldType.NUMBER, "W", False),
        "EF100003": (FieldType.BOOLEAN, None, False),
        "EF100004": (FieldType.RANGE, "V", False),
        "EF100005": (FieldType.SELECT, None, True),
    }
    assert stored["EF100005"] == Field(
        "EF100005", "Certifications", FieldType.SELECT, ("CE", "RoHS"), multiple=True
    )


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (
            {"code": "EF1", "label": "x", "type": "number", "multiple": True},
            "a number field holds one value; multiple is for select, text",
        ),
        (
            {"code": "EF1", "label": "x", "type": "text", "multiple": "yes"},
            "multiple must be true or false",
        ),
        ({"code": "EF1", "label": "x", "type": "Z"}, "is not one of number, select"),
    ],
)
def test_a_field_that_cannot_hold_what_it_declares_is_refused(
    tmp_path: Path, record: dict[str, object], reason: str
) -> None:
    path = written(tmp_path, "fields.json", [record])

    with pytest.raises(DataFileError) as raised:
        read_fields(path)

    assert f"{path}, record 1 (EF1): " in str(raised.value) and reason in str(raised.value)


@pytest.mark.parametrize(
    ("example", "reason"),
    [
        (
            {"field": "EF000005", "context": "x", "value": {"min": 240, "max": 100}},
            "value min 240 is above max 100 for field EF000005",
        ),
        (
            {"field": "EF000006", "context": "x", "value": ["CE", "FCC"]},
            "value 'FCC' is not one of ['CE', 'RoHS', 'UL'] for field EF000006",
        ),
        (
            {"field": "EF000002", "context": "x", "value": [40]},
            "value must be a number, a string, a boolean or null",
        ),
    ],
)
def test_a_bad_example_value_names_the_record_and_changes_nothing(
    container: Container, tmp_path: Path, example: dict[str, object], reason: str
) -> None:
    fields = written(tmp_path, "fields.json", PROJECT_FIELDS)
    container.provisioning.provision(read_fields(fields), [])
    examples = written(tmp_path, "examples.json", [example])

    with pytest.raises(DataFileError) as raised:
        container.provisioning.provision([], read_examples(examples))

    assert str(raised.value).endswith(reason)
    assert container.storage.examples.labelled([str(example["field"])]) == {}
