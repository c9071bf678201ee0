"""`python cli.py evaluate` and `benchmark-from-prototype` as a user runs them, with the mock LLM,
on the project's benchmark and on the prototype's data (SQLite)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DATA, PROTOTYPE_DATA, REPO, needs_prototype_data

Run = Callable[..., subprocess.CompletedProcess[str]]
BENCHMARK = PROJECT_DATA / "benchmark.jsonl"


@pytest.fixture
def cli(tmp_path: Path) -> Run:
    database = f"sqlite:///{tmp_path / 'lookup.db'}"

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        environ = {**os.environ, "DATABASE_URL": database, "CONFIG_MODULE": "config.mock", **env}
        return subprocess.run(
            [sys.executable, "cli.py", *args],
            cwd=REPO,
            env=environ,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert run("migrate").returncode == 0
    return run


def test_evaluate_the_project_benchmark_to_json_and_csv(cli: Run, tmp_path: Path) -> None:
    assert cli("provision").returncode == 0
    out = tmp_path / "results.csv"
    pairs = sum(len(json.loads(line)["expected"]) for line in BENCHMARK.read_text().splitlines())

    result = cli("evaluate", str(BENCHMARK), "--llm", "mock", "--out", str(out), "--json")

    assert result.returncode == 0, result.stderr
    [scores] = json.loads(result.stdout)["results"]
    assert scores["llm"] == "mock" and scores["strategy"] == "few_shot" and scores["pairs"] == pairs
    assert scores["calls"] == pairs and scores["prompt_tokens"] > 0
    assert set(scores["by_type"]) == {"boolean", "number", "select", "text"}
    assert sum(t["pairs"] for t in scores["by_type"].values()) == pairs
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == pairs
    assert sum(row["correct"] == "true" for row in rows) == scores["correct"]
    capsule = next(
        r
        for r in rows
        if r["description"].startswith("Lampe halogène capsule G4") and r["field"] == "EF000042"
    )
    # the mock answers the option that the text names: right, and readable in a spreadsheet
    assert (
        capsule["label"],
        capsule["expected"],
        capsule["predicted"],
        capsule["status"],
        capsule["correct"],
    ) == (
        "culot",
        '"G4"',
        '"G4"',
        "ok",
        "true",
    )
    assert json.loads(capsule["raw_output"]) == {"value": "G4"}


def test_the_table_names_the_scores(cli: Run) -> None:
    cli("provision")
    result = cli("evaluate", str(BENCHMARK))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("mock (few_shot, k=3): accuracy ")
    assert "F1" in result.stdout and "calls" in result.stdout


@needs_prototype_data
def test_the_prototype_data_as_a_user_evaluates_it(cli: Run, tmp_path: Path) -> None:
    bench = tmp_path / "prototype.jsonl"
    converted = cli(
        "benchmark-from-prototype", str(PROTOTYPE_DATA / "examples.json"), "--out", str(bench)
    )
    assert converted.stdout.strip() == f"11 products, 42 values written to {bench}"
    cli(
        "provision",
        "--fields",
        str(PROTOTYPE_DATA / "fields.json"),
        "--examples",
        str(PROTOTYPE_DATA / "examples.json"),
    )

    result = cli("evaluate", str(bench), "--exclude-own-examples", "--json")

    assert result.returncode == 0, result.stderr
    [scores] = json.loads(result.stdout)["results"]
    assert scores["pairs"] == 42


def test_a_judge_grades_beside_the_strict_score(cli: Run, tmp_path: Path) -> None:
    cli("provision")
    out = tmp_path / "pairs.csv"
    result = cli(
        "evaluate",
        str(BENCHMARK),
        "--judge",
        "judge",
        "--json",
        "--out",
        str(out),
        CONFIG_MODULE="tests.support.two_llms_config",
    )
    assert result.returncode == 0, result.stderr
    [scores] = json.loads(result.stdout)["results"]
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    # the judge grades B (0.6) every text answer that is not strictly right, and no other
    graded = [row for row in rows if row["type"] == "text" and row["correct"] == "false"]
    assert graded and all((r["judge_grade"], r["judge_score"]) == ("B", "0.6") for r in graded)
    assert all(row["judge_grade"] == "" for row in rows if row not in graded)
    strictly_right = sum(row["correct"] == "true" for row in rows)
    assert scores["correct"] == strictly_right  # the strict score is left as it is
    assert scores["judge"] == {
        "llm": "judge",
        "graded": len(graded),
        "grades": {"B": len(graded)},
        "judged_accuracy": round((strictly_right + 0.6 * len(graded)) / len(rows), 4),
    }


def test_errors_are_one_line_and_an_exit_code(cli: Run, tmp_path: Path) -> None:
    not_provisioned = cli("evaluate", str(BENCHMARK))
    assert not_provisioned.returncode == 2 and "provision them first" in not_provisioned.stderr
    cli("provision")
    unknown = cli("evaluate", str(BENCHMARK), "--llm", "gpt-9")
    assert unknown.returncode == 2 and "gpt-9" in unknown.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"description": "Ampoule E27", "expected": {"EF000042": "E27"}}\n{"description": ""}\n'
    )
    malformed = cli("evaluate", str(bad))
    assert (
        malformed.returncode == 3
        and f"{bad}, line 2: missing or empty 'description'" in malformed.stderr
    )
    unwritable = cli("evaluate", str(BENCHMARK), "--out", str(tmp_path / "no" / "such" / "dir.csv"))
    assert unwritable.returncode == 3 and "cannot be written" in unwritable.stderr
    for result in (not_provisioned, unknown, malformed, unwritable):
        assert "Traceback" not in result.stderr


def test_mlflow_runs_in_a_local_store(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlflow  # a dev dependency: a test that needs it fails without it, never skips

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 wants it for a directory store
    cli("provision")
    store = tmp_path / "mlruns"

    result = cli(
        "evaluate",
        str(BENCHMARK),
        "--mlflow",
        MLFLOW_TRACKING_URI=store.as_uri(),
        MLFLOW_ALLOW_FILE_STORE="true",
        MLFLOW_EXPERIMENT_NAME="bench",
    )

    assert result.returncode == 0, result.stderr
    client = mlflow.tracking.MlflowClient(tracking_uri=store.as_uri())
    [run] = client.search_runs([client.get_experiment_by_name("bench").experiment_id])
    assert run.data.params == {
        "llm": "mock",
        "strategy": "few_shot",
        "k": "3",
        "benchmark": "benchmark.jsonl",
    }
    assert [a.path for a in client.list_artifacts(run.info.run_id)] == ["pairs-mock.csv"]
    pairs = client.download_artifacts(run.info.run_id, "pairs-mock.csv", str(tmp_path))
    with open(pairs, encoding="utf-8", newline="") as handle:
        buckets = [row["bucket"] for row in csv.DictReader(handle)]
    assert run.data.metrics["pairs"] == len(buckets) > 300
    right = buckets.count("NN") + buckets.count("VC")
    assert run.data.metrics["accuracy"] == pytest.approx(right / len(buckets), abs=5e-5)


def test_a_store_that_mlflow_refuses_is_one_line_and_exit_5(cli: Run, tmp_path: Path) -> None:
    cli("provision")

    result = cli(
        "evaluate",
        str(BENCHMARK),
        "--mlflow",
        MLFLOW_TRACKING_URI=(tmp_path / "mlruns").as_uri(),
        MLFLOW_ALLOW_FILE_STORE="false",
    )

    assert result.returncode == 5
    assert (
        result.stderr.startswith("error: MLflow refused the runs")
        and "Traceback" not in result.stderr
    )


def test_buckets_calibration_thresholds_and_the_plot(cli: Run, tmp_path: Path) -> None:
    assert cli("provision").returncode == 0
    out, plot = tmp_path / "pairs.csv", tmp_path / "calibration.png"

    result = cli(
        "evaluate",
        str(BENCHMARK),
        "--json",
        "--out",
        str(out),
        "--plot",
        str(plot),
        "--target-precision",
        "0.6",
        "--save-thresholds",
    )

    assert result.returncode == 0, result.stderr
    [scores] = json.loads(result.stdout)["results"]
    buckets = scores["buckets"]
    assert sum(buckets.values()) == scores["pairs"]
    assert scores["precision"] == round(
        buckets["VC"] / (buckets["NV"] + buckets["VC"] + buckets["VW"]), 4
    )
    assert scores["recall"] == round(
        buckets["VC"] / (buckets["VN"] + buckets["VC"] + buckets["VW"]), 4
    )
    calibration = scores["calibration"]
    assert len(calibration["reliability"]) == 10
    assert (
        sum(b["values"] for b in calibration["reliability"]) == calibration["with_confidence"] > 0
    )
    assert calibration["thresholds"] and calibration["held_out"]["values"] > 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    answered = [row for row in rows if row["predicted"] != "null"]
    assert answered and all(
        row["confidence"] in ("0.9", "0.3") for row in answered
    )  # the mock's two
    # each of the two confidences is a bin of its own: |right − confidence × values| / all
    judged = [(float(row["confidence"]), row["bucket"] == "VC") for row in answered]
    ece = sum(
        abs(sum(right for c, right in judged if c == level) - level * count) / len(judged)
        for level in (0.9, 0.3)
        if (count := sum(c == level for c, _ in judged))
    )
    assert len(judged) == calibration["with_confidence"]
    assert calibration["ece"] == pytest.approx(ece, abs=5e-5)
    assert {row["review"] for row in answered} <= {"true", "false"} and any(
        r["review"] == "false" for r in answered
    )
    for row in answered:
        for span in json.loads(row["evidence"]):
            assert row["description"][span["start"] : span["end"]] == span["text"]

    # another process reads the saved thresholds: the mock reads the colour in the text (0.9)
    assert calibration["thresholds"]["EF000007"] <= 0.9  # 27 of its 28 values are right
    looked_up = cli("lookup", "Lampe halogène capsule G4 20W 12V blanc", "EF000007", "EF000035")
    assert looked_up.returncode == 0, looked_up.stderr
    rows = {
        line.split()[0]: line.split()[1:5]
        for line in looked_up.stdout.splitlines()[2:]
        if line.startswith("EF")
    }
    assert rows["EF000007"] == ['"blanc"', "ok", "0.90", "ok"]
    power_threshold = calibration["thresholds"].get("EF000035")
    assert rows["EF000035"][3] == (
        "ok" if power_threshold is not None and power_threshold <= 0.9 else "review"
    )


def test_the_pairs_csv_holds_no_formula(cli: Run, tmp_path: Path) -> None:
    assert cli("provision").returncode == 0
    descriptions = [
        '=HYPERLINK("http://evil.example","x") Lampe E27',
        "@SUM(1) Lampe E14",
        "-1+2 Lampe E27",
    ]
    benchmark = tmp_path / "bench.jsonl"
    benchmark.write_text(
        "".join(
            json.dumps({"description": d, "expected": {"EF000042": "E27"}}) + "\n"
            for d in descriptions
        )
    )
    out = tmp_path / "results.csv"

    result = cli("evaluate", str(benchmark), "--llm", "mock", "--out", str(out))

    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["description"] for row in rows] == ["'" + d for d in descriptions]
    assert [row["predicted"] for row in rows] == ['"E27"', '"E14"', '"E27"']


def test_a_csv_benchmark_scores_as_its_json_lines(cli: Run, tmp_path: Path) -> None:
    assert cli("provision").returncode == 0
    spreadsheet = tmp_path / "benchmark.csv"
    spreadsheet.write_text(
        "description;EF000042;EF000035\n"
        "Lampe incandescente forme Standard 60X103 12V 40W E27;E27;40\n"
        "Lampe halogène capsule G4 12V 20W;G4|GY6.35;\n",
        encoding="utf-8",
    )
    lines = tmp_path / "benchmark.jsonl"
    lines.write_text(
        '{"description": "Lampe incandescente forme Standard 60X103 12V 40W E27", '
        '"expected": {"EF000042": "E27", "EF000035": 40}}\n'
        '{"description": "Lampe halogène capsule G4 12V 20W", '
        '"expected": {"EF000042": ["G4", "GY6.35"], "EF000035": null}}\n',
        encoding="utf-8",
    )

    from_csv = cli("evaluate", str(spreadsheet), "--llm", "mock", "--json")
    from_jsonl = cli("evaluate", str(lines), "--llm", "mock", "--json")
    malformed = tmp_path / "bad.csv"
    malformed.write_text("description;EF000042\nLampe E27;E27;extra\n", encoding="utf-8")
    refused = cli("evaluate", str(malformed), "--llm", "mock")

    assert from_csv.returncode == 0, from_csv.stderr
    [csv_scores], [jsonl_scores] = (
        json.loads(from_csv.stdout)["results"],
        json.loads(from_jsonl.stdout)["results"],
    )
    assert csv_scores["pairs"] == 4
    for key in ("pairs", "correct", "accuracy", "precision", "recall", "f1", "by_type"):
        assert csv_scores[key] == jsonl_scores[key], key
    assert (
        refused.returncode == 3
        and refused.stderr.strip() == f"error: {malformed}, line 2: 3 cells under 2 columns"
    )


def test_two_llms_are_two_runs_side_by_side_on_a_real_mlflow_server(
    cli: Run, tmp_path: Path
) -> None:
    import mlflow  # a dev dependency: a test that needs it fails without it, never skips

    from tests.support.mlflow_server import mlflow_server

    cli("provision")
    with mlflow_server(tmp_path) as tracking_uri:
        result = cli(
            "evaluate",
            str(BENCHMARK),
            "--mlflow",
            "--llm",
            "mock",
            "--llm",
            "flaky",
            CONFIG_MODULE="tests.support.fault_config",
            MLFLOW_TRACKING_URI=tracking_uri,
            MLFLOW_EXPERIMENT_NAME="side-by-side",
        )
        assert result.returncode == 0, result.stderr
        client = mlflow.tracking.MlflowClient(tracking_uri=tracking_uri)
        experiment = client.get_experiment_by_name("side-by-side")
        runs = client.search_runs([experiment.experiment_id], order_by=["params.llm"])
        artifacts = {
            run.data.params["llm"]: [a.path for a in client.list_artifacts(run.info.run_id)]
            for run in runs
        }

    assert [run.data.params["llm"] for run in runs] == ["flaky", "mock"]
    assert {run.info.run_name for run in runs} == {"flaky", "mock"}
    first, second = runs
    assert (
        set(first.data.params) == set(second.data.params) == {"llm", "strategy", "k", "benchmark"}
    )
    assert set(first.data.metrics) == set(second.data.metrics)  # the same metrics, to compare
    assert {"accuracy", "f1", "calls", "prompt_tokens", "accuracy_number"} <= set(
        first.data.metrics
    )
    assert first.data.metrics["pairs"] == second.data.metrics["pairs"] > 300
    assert artifacts == {"flaky": ["pairs-flaky.csv"], "mock": ["pairs-mock.csv"]}
