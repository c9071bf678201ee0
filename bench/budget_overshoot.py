"""What concurrent requests spend of a monthly budget.

    .venv/bin/python bench/budget_overshoot.py [--concurrent 30] [--budget 2000]

A real server (uvicorn, the mock LLM at 300 ms a call, the cache off) on SQLite, then on a
throwaway PostgreSQL; one key with a budget of `budget` tokens sends `concurrent` lookups at
once, then as many streams (a fresh database each). Printed per database and route: the
requests answered 200, the tokens spent, and one request's hold (its worst case, as the dry
run estimates it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.jobs import jsonl  # noqa: E402
from tests.support.live_server import live_server, prepare_database  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FIELDS = ["EF000042", "EF000035"]
LOOKUP = "/api/product/fields/lookup"


def _description(n: int) -> str:
    return f"Lampe incandescente {100 + n}W E27 blanc, réf. {n:03d}"


def measure(database_url: str, path: str, concurrent: int, budget: int) -> str:
    key = prepare_database(database_url, "shop")
    headers = {"Authorization": f"Bearer {key}"}
    with (
        live_server(database_url, LOOKUP_CACHE="off", MOCK_LATENCY_MS="300") as server,
        httpx.Client(base_url=server.base_url, timeout=60) as http,
    ):
        catalogue = [{"id": n, "description": _description(n)} for n in range(concurrent)]
        estimate = http.post(
            "/api/jobs?dry_run=true",
            files={"file": ("l.jsonl", jsonl(catalogue))},
            data={"fields": ",".join(FIELDS)},
            headers=headers,
        ).json()
        hold = (estimate["prompt_tokens"] + estimate["completion_tokens_at_most"]) / concurrent
        subprocess.run(
            [sys.executable, "cli.py", "keys", "set-budget", "shop", str(budget)],
            cwd=REPO,
            env={**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"},
            check=True,
            capture_output=True,
        )

        def send(n: int) -> int:
            answer = http.post(
                path, json={"description": _description(n), "fields": FIELDS}, headers=headers
            )
            answer.read()
            return answer.status_code

        with ThreadPoolExecutor(concurrent) as pool:
            statuses = list(pool.map(send, range(concurrent)))
        month = http.get("/api/usage", headers=headers).json()["month"]
    spent = month["prompt_tokens"] + month["completion_tokens"]
    return (
        f"{statuses.count(200)}/{concurrent} answered 200, {spent} tokens spent "
        f"of {budget} (one hold: {hold:.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrent", type=int, default=30)
    parser.add_argument("--budget", type=int, default=2_000)
    arguments = parser.parse_args()
    postgres = ThrowawayPostgres()
    postgres.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            for path in (LOOKUP, f"{LOOKUP}/stream"):
                sqlite_url = f"sqlite:///{Path(folder) / (path.replace('/', '_') + '.db')}"
                postgres_url = postgres.create_database(f"bench{len(path)}")
                for name, url in (("sqlite", sqlite_url), ("postgres", postgres_url)):
                    result = measure(url, path, arguments.concurrent, arguments.budget)
                    print(f"{name:8} {path}: {result}")
    finally:
        postgres.destroy()


if __name__ == "__main__":
    main()
