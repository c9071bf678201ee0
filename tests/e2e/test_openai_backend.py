"""`CONFIG_MODULE=config.openai` against a real OpenAI-compatible server on loopback
(llama-cpp-python's server, serving the embedded Gemma): a lookup through the CLI and the API,
answered by the model over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from src.adapters.driving.http.app import create_app
from src.bootstrap import bootstrap
from tests.conftest import REPO
from tests.e2e.conftest import provisioned

pytestmark = pytest.mark.model

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"
CULOT, PUISSANCE = "EF000042", "EF000035"


@pytest.fixture
def environ(llama_server: str, tmp_path: Path) -> dict[str, str]:
    values = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'lookup.db'}",
        "CONFIG_MODULE": "config.openai",
        "OPENAI_BASE_URL": llama_server,
        "OPENAI_MODEL": "gemma",
        "OPENAI_STRUCTURED_OUTPUT": "json_object",
        "LLM_QUERY_TIMEOUT": "120",
    }
    container = bootstrap(Settings.from_env(values))
    container.migrate()
    provisioned(container).close()
    return values


def test_the_cli_looks_up_through_the_server(environ: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "cli.py", "lookup", LAMP, CULOT, PUISSANCE, "--json"],
        cwd=REPO,
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout)
    assert values[CULOT] == "E27"
    assert isinstance(values[PUISSANCE], int | float) and not isinstance(values[PUISSANCE], bool)


def test_the_api_looks_up_through_the_server(environ: dict[str, str]) -> None:
    container = bootstrap(Settings.from_env(environ))
    with TestClient(create_app(container)) as client:
        response = client.post(
            "/api/product/fields/lookup?detail=true",
            json={"description": LAMP, "fields": [CULOT, PUISSANCE]},
        )
    container.close()

    assert response.status_code == 200
    body = response.json()
    assert body["llm"] == "openai"
    culot, puissance = body["fields"][CULOT], body["fields"][PUISSANCE]
    assert (culot["value"], culot["status"]) == ("E27", "ok")
    assert puissance["status"] == "ok" and puissance["usage"]["prompt_tokens"] > 0
