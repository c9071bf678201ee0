"""Provisioning streams its examples file: a JSON list read a chunk at a time, written a batch
at a time in one transaction. A file of 200,000 examples provisions within a bounded memory,
and a bad record near its end leaves nothing written. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import src.adapters.driven.files.json_list as json_list
from src.adapters.driven.files.json_list import json_list_records
from src.adapters.driven.files.provisioning_files import read_fields, stream_examples
from src.bootstrap import Container
from src.domain.errors import DataFileError
from src.domain.model import Example

REPO = Path(__file__).resolve().parents[2]
FIELDS = [
    {"code": "EF000042", "label": "culot", "type": "select", "options": ["E27", "E14", "GU10"]},
    {"code": "EF000035", "label": "puissance", "type": "number", "unit": "W"},
]
SOCKETS = ("E27", "E14", "GU10")
PEAK_RSS_GROWTH_MB = 40
"""What 200,000 examples may add to the peak memory of a provisioning of 2,000 (streamed, about
12 MB on SQLite). Held whole, the records alone add about 90 MB."""


def write_catalogue(folder: Path, count: int) -> tuple[Path, Path]:
    """A fields file, and `count` examples of varied lamp texts written one record at a time."""
    fields = folder / "fields.json"
    fields.write_text(json.dumps(FIELDS), encoding="utf-8")
    examples = folder / f"examples-{count}.json"
    with examples.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for n in range(count):
            field = FIELDS[n % 2]["code"]
            value = SOCKETS[n % 3] if n % 2 == 0 else 4 + n % 60
            text = (
                f"Lampe {n} forme standard {SOCKETS[n % 3]} {4 + n % 60}W réf. {n * 7919 % 10**6}"
            )
            record = {"field": field, "context": text, "value": value}
            out.write(("" if n == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
        out.write("\n]\n")
    return fields, examples


PEAK = """
import resource, runpy, sys
sys.argv = ["cli.py", *sys.argv[1:]]
try:
    runpy.run_path("cli.py", run_name="__main__")
finally:
    print(f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""


def provision_measured(database_url: str, fields: Path, examples: Path) -> tuple[str, int]:
    """`python cli.py provision` in a fresh process: its output and its peak RSS in KB."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK,
            "provision",
            "--fields",
            str(fields),
            "--examples",
            str(examples),
        ],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    peak = next(line for line in done.stderr.splitlines() if line.startswith("peak "))
    return done.stdout, int(peak.removeprefix("peak "))


def test_200000_examples_provision_in_bounded_memory(
    container: Container, database_url: str, tmp_path: Path
) -> None:
    fields, small = write_catalogue(tmp_path, 2_000)
    _, large = write_catalogue(tmp_path, 200_000)
    assert large.stat().st_size > 15_000_000

    _, small_peak = provision_measured(database_url, fields, small)
    output, large_peak = provision_measured(database_url, fields, large)

    assert "examples: 198000 created, 2000 updated" in output
    assert (large_peak - small_peak) / 1024 < PEAK_RSS_GROWTH_MB, (small_peak, large_peak)
    with container.storage.database.connection_context():
        stored = container.storage.database.execute_sql("SELECT COUNT(*) FROM example")
        assert stored.fetchone()[0] == 200_000


def test_a_bad_record_after_written_batches_leaves_nothing_written(
    container: Container, tmp_path: Path
) -> None:
    fields, examples = write_catalogue(tmp_path, 12_000)  # more than two batches
    text = examples.read_text(encoding="utf-8").rstrip().removesuffix("]")
    examples.write_text(text + ',\n{"field": "EF000042", "context": "Spot", "value": "E99"}\n]')

    with pytest.raises(DataFileError) as refused:
        container.provisioning.provision(read_fields(fields), stream_examples(examples))

    assert refused.value.record == "record 12001 (EF000042)"
    assert container.fields.list_all() == []
    assert container.storage.examples.most_similar(["EF000042"], "Lampe", k=3) == {}


def test_a_streamed_file_provisions_what_a_whole_one_does(
    container: Container, tmp_path: Path
) -> None:
    fields, examples = write_catalogue(tmp_path, 30)
    text = examples.read_text(encoding="utf-8").rstrip().removesuffix("]")
    again = (
        '{"field": "EF000042", "context": "Lampe 0 forme standard E27 4W réf. 0", "value": "E14"}'
    )
    examples.write_text(text + ",\n" + again + "\n]")  # the first example, given again

    report = container.provisioning.provision(read_fields(fields), stream_examples(examples))

    assert (report.examples_created, report.examples_updated) == (30, 0)
    found = container.storage.examples.most_similar(["EF000042"], "Lampe 0 forme E27 réf. 0", k=1)
    assert found == {
        "EF000042": [Example("EF000042", "Lampe 0 forme standard E27 4W réf. 0", "E14")]
    }


def test_records_cut_by_the_chunks_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_list, "_CHUNK_CHARS", 5)
    records = [{"a": 1}, {"b": 'x"y\n', "c": [1.25, None, {"d": "é"}]}, {}]
    path = tmp_path / "records.json"
    path.write_text(" [\n" + ",\n ".join(json.dumps(r) for r in records) + " ]\n", encoding="utf-8")

    assert list(json_list_records(path)) == records


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "invalid JSON at line 1, column 1: Expecting value"),
        ("{not json", "invalid JSON at line 1, column 2: Expecting property name"),
        ('{"a": 1}', "the file must hold a JSON list of records"),
        ('[{"a": 1},\n  {"b": 2} {"c": 3}]', "invalid JSON at line 2, column 12: Expecting ','"),
        ('[{"a": 1},\n {"b": "unterminated', "invalid JSON at line 2, column 8: Unterminated"),
        ('[{"a": 1}] {}', "invalid JSON at line 1, column 12: Extra data"),
        ('[{"a": 1}, 2]', "record 2: a record must be a JSON object"),
    ],
)
def test_defects_are_told_where_a_whole_read_told_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, reason: str
) -> None:
    monkeypatch.setattr(json_list, "_CHUNK_CHARS", 4)
    path = tmp_path / "records.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(DataFileError) as refused:
        list(json_list_records(path))

    assert reason in str(refused.value)
