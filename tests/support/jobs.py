"""Helpers of the job tests: a catalogue of lamps, and following a job over the API."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Protocol

import httpx

LAMP_FIELDS = "EF000042,EF000035,EF000007"  # culot (select), puissance (number), couleur (select)


class Client(Protocol):
    def get(self, url: str, **kwargs: Any) -> httpx.Response: ...


def enrich_arguments(catalogue: Path, out: Path) -> list[str]:
    """`enrich CATALOGUE --fields LAMP_FIELDS --out OUT`, the CLI arguments the tests start from."""
    return ["enrich", str(catalogue), "--fields", LAMP_FIELDS, "--out", str(out)]


def lamps(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"lamp-{n:03d}",
            "description": f"Lampe incandescente {100 + n}W E27 blanc, réf. {n}",
        }
        for n in range(count)
    ]


def jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode(
        "utf-8"
    )


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(jsonl(records))
    return path


def read_jsonl(data: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def wait_for(
    client: Client,
    job_id: str,
    until: Any,
    headers: dict[str, str] | None = None,
    seconds: float = 120,
) -> dict[str, Any]:
    """Polls the job's progress until `until(progress)` holds; AssertionError after `seconds`."""
    give_up = time.monotonic() + seconds
    progress: dict[str, Any] = {}
    while time.monotonic() < give_up:
        answer = client.get(f"/api/jobs/{job_id}", headers=headers or {})
        assert answer.status_code == 200, answer.text
        progress = answer.json()
        if until(progress):
            return progress
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not get there within {seconds:g} s: {progress}")


def finished(progress: dict[str, Any]) -> bool:
    return progress["state"] in ("done", "cancelled")
