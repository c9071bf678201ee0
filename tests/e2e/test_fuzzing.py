"""schemathesis against the live server's own OpenAPI schema, with a valid key: no request it
makes, valid or not, gets a server error, every answer is one the schema describes (status,
content type, headers, body), valid requests are accepted and invalid ones refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.live_server import live_server, prepare_database


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lookup.db'}"
    key = prepare_database(url, api_key_name="fuzzer")
    # A catalogue's rows cannot be described by the schema (they are checked as `enrich` checks
    # a file): a file that fits the schema may still be refused with a 422 naming its bad line.
    # And a job's id cannot be guessed: the job endpoints answer 404 to those it makes up.
    (tmp_path / "schemathesis.toml").write_text(
        '[[operations]]\ninclude-name = "POST /api/jobs"\nwarnings = false\n'
        'checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "404", "413", "422", "429"]\n'
        '[[operations]]\ninclude-path-regex = "^/api/jobs/"\nwarnings = false\n'
    )
    with live_server(url, LLM_QUERY_TIMEOUT="2") as server:
        run = subprocess.run(
            [
                sys.executable, "-m", "schemathesis.cli", "run", f"{server.base_url}/openapi.json",
                "--header", f"Authorization: Bearer {key}", "--checks", "all",
                # One worker: hypothesis's source parsing is not thread-safe on Python 3.11.
                "--max-examples", "30", "--workers", "1", "--no-color",
            ],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
