"""A saved calibration map, on SQLite and PostgreSQL: `evaluate --save-calibration` stores it,
and the API's lookups (detailed and streamed) report confidences through it, with the review
flag compared to them; the cache keeps the raw confidence, so a new map applies to cached
answers as to fresh ones."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from src.adapters.driving.http.app import create_app
from src.bootstrap import Container
from src.domain.confidence.calibration_map import CalibrationMap, LogisticMap
from src.domain.trust.ports import FieldThreshold
from tests.conftest import PROJECT_DATA, REPO, ContainerFactory
from tests.e2e.conftest import provisioned

LOOKUP = "/api/product/fields/lookup"
LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"
BODY = {"description": LAMP, "fields": ["EF000042", "EF000007"], "llm": "mock"}
# the mock reads the culot from the text at 0.9 and guesses a colour at 0.3


def through(fitted: LogisticMap, confidence: float) -> float:
    logit = math.log(confidence / (1 - confidence))
    return 1 / (1 + math.exp(-(fitted.slope * logit + fitted.intercept)))


def detail(client: TestClient) -> dict[str, tuple[object, object, object]]:
    response = client.post(f"{LOOKUP}?detail=true", json=BODY)
    assert response.status_code == 200, response.text
    return {
        code: (field["value"], field["confidence"], field["review"])
        for code, field in response.json()["fields"].items()
    }


def streamed(client: TestClient) -> dict[str, tuple[object, object]]:
    lines = client.post(f"{LOOKUP}/stream", json=BODY).text.splitlines()
    events = [json.loads(line) for line in lines[:-1]]
    return {e["field"]: (e["confidence"], e["review"]) for e in events}


def test_lookups_report_confidences_through_the_saved_map(
    make_container: ContainerFactory,
) -> None:
    container = provisioned(make_container(CATALOGUE_REFRESH_SECONDS="0"))
    container.thresholds.save(
        [
            FieldThreshold("mock", "EF000042", 0.85, 0.95),
            FieldThreshold("mock", "EF000007", 0.85, 0.95),
        ]
    )
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        lowering = LogisticMap(1.0, -2.0)
        container.calibration.save("mock", CalibrationMap({"model": lowering}))
        lowered = detail(client)  # the answers are cached from here on
        lowered_stream = streamed(client)
        raising = LogisticMap(1.0, 3.0)
        container.calibration.save("mock", CalibrationMap({"model": raising}))
        raised = detail(client)
        container.calibration.save("mock", CalibrationMap())
        raw = detail(client)

    assert raw == {"EF000042": ("E27", 0.9, False), "EF000007": (raw["EF000007"][0], 0.3, True)}
    culot, colour = lowered["EF000042"], lowered["EF000007"]
    assert culot[:2] == ("E27", pytest.approx(through(lowering, 0.9)))  # 0.55
    assert culot[2] is True  # under the threshold, 0.85, once calibrated
    assert colour[1:] == (pytest.approx(through(lowering, 0.3)), True)
    assert lowered_stream == {
        "EF000042": (pytest.approx(through(lowering, 0.9)), True),
        "EF000007": (pytest.approx(through(lowering, 0.3)), True),
    }
    # cached answers, mapped from their raw confidences (not from the lowered ones)
    assert raised["EF000042"][1:] == (pytest.approx(through(raising, 0.9)), False)
    assert raised["EF000007"][1:] == (pytest.approx(through(raising, 0.3)), False)  # 0.90


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"}
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_evaluate_saves_the_map_and_the_thresholds_chosen_through_it(
    make_container: ContainerFactory, database_url: str
) -> None:
    container: Container = provisioned(make_container(CATALOGUE_REFRESH_SECONDS="0"))
    benchmark = str(PROJECT_DATA / "benchmark.jsonl")

    result = run_cli(
        database_url,
        "evaluate",
        benchmark,
        "--llm",
        "mock",
        "--json",
        "--save-calibration",
        "--save-thresholds",
        "--target-precision",
        "0.6",
    )

    assert result.returncode == 0, result.stderr
    [scores] = json.loads(result.stdout)["results"]
    held = scores["calibration"]["held_out_ece"]
    assert held["values"] > 0 and held["raw"] is not None and held["calibrated"] is not None
    fitted = container.calibration.calibration("mock").groups["model"]
    assert fitted.values > 10
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        lookup = detail(client)
    assert lookup["EF000042"][1] == pytest.approx(through(fitted, 0.9))
    assert lookup["EF000042"][1] != pytest.approx(0.9, abs=1e-3)
    # the thresholds were chosen on the calibrated confidences: each is one the map gives
    thresholds = container.thresholds.thresholds("mock", ["EF000007", "EF005474", "EF003658"])
    assert thresholds
    for threshold in thresholds.values():
        assert threshold in (
            pytest.approx(through(fitted, 0.9)),
            pytest.approx(through(fitted, 0.3)),
        )
