"""Catalogue files read and enrichment output files resumed, on real files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from src.adapters.driven.files.enrichment_output import open_output
from src.adapters.driven.files.product_files import read_products
from src.domain.enrichment.ports import EnrichedProduct, ProductToEnrich
from src.domain.errors import DataFileError, InvalidRequestError
from src.domain.model import FieldOutcome, LookupResult, OutcomeStatus, Value


def _result(**values: Value) -> LookupResult:
    outcomes = tuple(
        FieldOutcome(
            code, value, OutcomeStatus.OK if value is not None else OutcomeStatus.NOT_FOUND
        )
        for code, value in values.items()
    )
    return LookupResult("mock", outcomes)


def test_ids_texts_and_fields_of_jsonl_rows(tmp_path: Path) -> None:
    catalogue = tmp_path / "products.jsonl"
    catalogue.write_text(
        json.dumps({"id": 7, "description": " Lampe E27 "})
        + "\n\n"
        + json.dumps(
            {
                "sku": "S-2",
                "Titre": "Radiateur",
                "Description": "-",
                "LIBL_LIBELLE": "Radiateur 1000W",
                "fields_to_extract": ["EF1", "EF2"],
            }
        )
        + "\n"
        + json.dumps({"description": "Lampe", "fields": "EF3; EF4 EF3"})
        + "\n",
        encoding="utf-8",
    )

    products = read_products(catalogue, ["EF9"])

    assert products == [
        ProductToEnrich(7, "Lampe E27", ("EF9",), 1),
        ProductToEnrich("S-2", "Radiateur\nRadiateur 1000W", ("EF1", "EF2"), 3),
        ProductToEnrich(3, "Lampe", ("EF3", "EF4"), 4),
    ]


def test_csv_rows_with_semicolons_and_a_quoted_newline(tmp_path: Path) -> None:
    catalogue = tmp_path / "products.csv"
    catalogue.write_text(
        '\ufeffid;description;fields\nA;"Lampe\n40W";\nB;Spot GU10;EF5\n', encoding="utf-8"
    )

    assert read_products(catalogue, ["EF9"]) == [
        ProductToEnrich("A", "Lampe\n40W", ("EF9",), 2),
        ProductToEnrich("B", "Spot GU10", ("EF5",), 4),
    ]


def test_a_repeated_id_is_malformed(tmp_path: Path) -> None:
    catalogue = tmp_path / "products.csv"
    catalogue.write_text("sku,description\n7,Lampe\n7,Spot\n", encoding="utf-8")

    with pytest.raises(DataFileError, match=r"products.csv, line 3: id '7' repeats line 2$"):
        read_products(catalogue, ["EF9"])


def test_a_csv_without_a_text_column(tmp_path: Path) -> None:
    catalogue = tmp_path / "products.csv"
    catalogue.write_text("id,name\n1,Lampe\n", encoding="utf-8")

    with pytest.raises(DataFileError, match="line 1: no text column"):
        read_products(catalogue, ["EF9"])


def test_a_torn_jsonl_line_is_cut_and_the_rest_resumed(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with open_output(out, ["EF1"]) as output:
        output.write(EnrichedProduct("a", _result(EF1=40)))
        output.write(EnrichedProduct(2, _result(EF1=None)))
    whole = out.read_bytes()
    out.write_bytes(
        whole + '{"id": "c", "values": {"EF1": "é'.encode()[:-1]
    )  # cut inside a character

    with open_output(out, ["EF1"]) as resumed:
        assert resumed.done == {"a", "2"}
        assert resumed.dropped_bytes > 0
        resumed.write(EnrichedProduct("c", _result(EF1=True)))

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["a", 2, "c"]
    assert lines[1] == {
        "id": 2,
        "values": {"EF1": None},
        "status": {"EF1": "not_found"},
        "llm": "mock",
        "confidence": {},
        "evidence": {},
        "review": {},  # no value: none of them
    }


def test_a_torn_csv_row_is_cut_even_after_a_newline_inside_quotes(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with open_output(out, ["EF1", "EF2"]) as output:
        output.write(EnrichedProduct("a", _result(EF1='Lampe "40W"\nE27', EF2=None)))
    whole = out.read_bytes()
    out.write_bytes(whole + b'b,"Spot\n')  # the kill came after the newline inside the quotes

    with open_output(out, ["EF2"]) as resumed:
        assert resumed.done == {"a"}
        resumed.write(EnrichedProduct("b", _result(EF2=False)))

    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    trust = {"review": "none", "confidence": ""}
    assert rows == [
        {
            "id": "a",
            "EF1": 'Lampe "40W"\nE27',
            "EF2": "",
            **trust,
            "evidence": '{"EF1": []}',
            "status": "EF2=not_found",
            "llm": "mock",
        },
        {
            "id": "b",
            "EF1": "",
            "EF2": "false",
            **trust,
            "evidence": '{"EF2": []}',
            "status": "ok",
            "llm": "mock",
        },
    ]


def test_a_csv_output_without_a_column_for_a_field_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    open_output(out, ["EF1"]).close()

    with pytest.raises(InvalidRequestError, match="has no column for EF2"):
        open_output(out, ["EF1", "EF2"])


def test_a_file_that_is_not_an_enrichment_output_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"description": "Lampe"}\n', encoding="utf-8")

    with pytest.raises(DataFileError, match="line 1: not an enrichment record"):
        open_output(out, ["EF1"])
    assert out.read_text(encoding="utf-8") == '{"description": "Lampe"}\n'
