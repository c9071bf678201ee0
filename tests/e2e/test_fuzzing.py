"""schemathesis against the live server's own OpenAPI schema, with a valid key: no request it
makes, valid or not, gets a server error, every answer is one the schema describes (status,
content type, headers, body), valid requests are accepted and invalid ones refused, requests
without the key or with a wrong one are refused; and its stateful run follows the schema's
links (a field listed is read and looked up, the default LLM is asked) with the same checks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.support.live_server import live_server, prepare_database

CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lookup.db'}"
    key = prepare_database(url, api_key_name="fuzzer")
    # FAILED_AUTH_PER_MINUTE off: the ignored_auth check sends wrong keys on purpose, many times.
    with live_server(url, LLM_QUERY_TIMEOUT="2", FAILED_AUTH_PER_MINUTE="0") as server:
        run = subprocess.run(
            [
                sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run", f"{server.base_url}/openapi.json",
                "--header", f"Authorization: Bearer {key}", "--checks", "all",
                # One worker: hypothesis's source parsing is not thread-safe on Python 3.11.
                "--max-examples", "30", "--workers", "1", "--no-color",
            ],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
    links = re.search(r"API Links:\s+(\d+) covered / (\d+) selected / (\d+) total", run.stdout)
    assert "✅ Stateful" in run.stdout and links is not None, run.stdout[-3000:]
    covered, selected, total = map(int, links.groups())
    assert covered == selected == total >= 3  # the schema's links (and any inferred), every one followed
