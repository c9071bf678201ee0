"""The provisioning use case: examples typed by their field (loaded with them or stored
already), and a bad record refused, naming its file and record, before anything is written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest

from src.domain.catalogue.ports import ProvisionReport
from src.domain.catalogue.provisioning import ExampleRecord, Provisioning
from src.domain.errors import DataFileError
from src.domain.model import Example, Field, FieldType
from tests.support.fakes import FakeFieldRepository

SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")
BRAND = Field("EF000588", "marque", FieldType.TEXT)


class FakeCatalogueStore:
    """Keeps what each provisioning wrote, all or nothing (a failure while its examples are
    read keeps nothing), and reports it all created."""

    def __init__(self) -> None:
        self.written: list[tuple[list[Field], list[Example]]] = []

    def provision(self, fields: Sequence[Field], examples: Iterable[Example]) -> ProvisionReport:
        read = list(examples)
        self.written.append((list(fields), read))
        return ProvisionReport(len(fields), 0, len(read), 0)


def record(code: str, value: object, number: int = 1) -> ExampleRecord:
    return ExampleRecord(code, f"Produit {number}", value, "examples.json", f"record {number}")


def test_examples_are_typed_by_a_field_stored_already_or_loaded_with_them() -> None:
    store = FakeCatalogueStore()
    provisioning = Provisioning(store, FakeFieldRepository([SOCKET]))

    report = provisioning.provision(
        [POWER],
        [record("EF000042", "e27", 1), record("EF000035", "1,5 kW", 2), record("EF000035", 40, 3)],
    )

    assert report == ProvisionReport(1, 0, 3, 0)
    assert store.written == [
        (
            [POWER],
            [
                Example("EF000042", "Produit 1", "E27"),  # the option as stored
                Example("EF000035", "Produit 2", 1.5),
                Example("EF000035", "Produit 3", 40),
            ],
        )
    ]


def test_a_field_loaded_again_types_its_examples_by_its_new_definition() -> None:
    store = FakeCatalogueStore()
    widened = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14", "GU10"))

    Provisioning(store, FakeFieldRepository([SOCKET])).provision(
        [widened], [record("EF000042", "gu10")]
    )

    assert store.written == [([widened], [Example("EF000042", "Produit 1", "GU10")])]


@pytest.mark.parametrize("value", [None, "inconnu", "N/A"])
def test_an_example_without_a_value_is_kept_as_one_the_text_does_not_give(value: object) -> None:
    store = FakeCatalogueStore()

    Provisioning(store, FakeFieldRepository([BRAND])).provision([], [record("EF000588", value)])

    assert store.written == [([], [Example("EF000588", "Produit 1", None)])]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (record("EF999999", "x", 2), "unknown field code 'EF999999'"),
        (
            record("EF000042", "E99", 2),
            "value 'E99' is not one of ['E27', 'E14'] for field EF000042",
        ),
        (
            record("EF000035", "beaucoup", 2),
            "value 'beaucoup' is not a number value for field EF000035",
        ),
    ],
)
def test_a_bad_record_is_refused_by_file_and_record_and_nothing_is_written(
    bad: ExampleRecord, reason: str
) -> None:
    store = FakeCatalogueStore()
    provisioning = Provisioning(store, FakeFieldRepository([SOCKET, POWER]))

    with pytest.raises(DataFileError) as refused:
        provisioning.provision([BRAND], [record("EF000042", "E27", 1), bad])

    assert (refused.value.path, refused.value.record, refused.value.reason) == (
        "examples.json",
        "record 2",
        reason,
    )
    assert str(refused.value) == f"examples.json, record 2: {reason}"
    assert store.written == []


def test_a_value_met_again_is_typed_by_its_own_field_and_json_type() -> None:
    store = FakeCatalogueStore()
    provisioning = Provisioning(store, FakeFieldRepository([SOCKET, BRAND, POWER]))

    provisioning.provision(
        [],
        [
            record("EF000042", "e27", 1),
            record("EF000588", "e27", 2),
            record("EF000042", "e27", 3),
            record("EF000035", 1, 4),
            record("EF000035", "1", 5),
        ],
    )

    assert [example.value for example in store.written[0][1]] == ["E27", "e27", "E27", 1, 1]


def test_a_boolean_after_the_number_it_equals_is_still_refused_by_a_number_field() -> None:
    store = FakeCatalogueStore()
    provisioning = Provisioning(store, FakeFieldRepository([POWER]))

    with pytest.raises(DataFileError) as refused:
        provisioning.provision([], [record("EF000035", 1, 1), record("EF000035", True, 2)])

    assert refused.value.record == "record 2"
    assert store.written == []
