"""`python cli.py keys create --monthly-tokens`, `keys set-budget` and `keys usage` as a user runs
them, against what the API spends and refuses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from fastapi.testclient import TestClient

from tests.conftest import REPO

LOOKUP = {"description": "Lampe incandescente 60W E27", "fields": ["EF000042", "EF000035"]}


def _keys(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"}
    return subprocess.run(
        [sys.executable, "cli.py", "keys", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_budget_set_by_the_cli_holds_the_api_and_usage_reports_the_spend(
    client: TestClient, database_url: str
) -> None:
    made = _keys(database_url, "create", "shop", "--monthly-tokens", "100000")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert re.fullmatch(r"flk_[0-9a-f]{12}_\S+", key)  # stdout holds the key alone, for scripts
    secret = re.search(r"webhook signing secret .*: (whsec_\S+)", made.stderr)
    assert secret is not None and client.app.state.container.accounts.webhook_secret(
        "key:shop"
    ) == secret.group(1)  # type: ignore[attr-defined]
    shop = {"Authorization": f"Bearer {key}"}

    assert client.post("/api/product/fields/lookup", json=LOOKUP, headers=shop).status_code == 200
    client.app.state.container.accounts.flush()  # type: ignore[attr-defined]
    usage = _keys(database_url, "usage", "shop")
    assert usage.returncode == 0, usage.stderr
    assert usage.stdout.splitlines()[0].startswith("shop: budget 100000 tokens, ")
    assert "today: 2 calls, " in usage.stdout and "mock: 2 calls, " in usage.stdout

    assert (
        _keys(database_url, "set-budget", "shop", "10").stdout.strip()
        == "key 'shop': 10 tokens a month"
    )
    time.sleep(1.1)  # a process reads budgets again within a second
    assert client.post("/api/product/fields/lookup", json=LOOKUP, headers=shop).status_code == 429
    assert (
        _keys(database_url, "set-budget", "shop", "none").stdout.strip() == "key 'shop': no budget"
    )
    time.sleep(1.1)
    assert client.post("/api/product/fields/lookup", json=LOOKUP, headers=shop).status_code == 200

    for bad in (
        ("set-budget", "nobody", "10"),
        ("set-budget", "shop", "lots"),
        ("usage", "nobody"),
    ):
        failed = _keys(database_url, *bad)
        assert (
            failed.returncode == 2
            and failed.stderr.startswith("error: ")
            and "Traceback" not in failed.stderr
        )
