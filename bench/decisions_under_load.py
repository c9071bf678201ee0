"""What review decisions do to other keys' lookups (issue 24, finding 2): one key looks up one
field of a product whose answer is cached, as fast as it can, first alone, then while a reviewer
key sends one decision a second on another field (a new text each time, near the description
limit). Prints the lookups' median and 95th percentile and how many were served from the cache,
for each phase, on a real server with the mock LLM answering in `--model-ms` (SQLite by default).

    .venv/bin/python bench/decisions_under_load.py [--seconds 10] [--model-ms 300] \\
        [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from config.settings import Settings  # noqa: E402
from src.bootstrap import bootstrap  # noqa: E402
from src.domain.access.roles import Role  # noqa: E402
from tests.support.live_server import live_server, prepare_database  # noqa: E402

LOOKED_UP = "Lampe flamme 25W culot E14, verre dépoli, 230V"
LOOKUP_FIELD = "EF000035"
DECISION_FIELD = "EF000042"


def make_keys(database_url: str) -> tuple[dict[str, str], dict[str, str]]:
    container = bootstrap(
        Settings.from_env({"DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"})
    )
    try:
        pim = container.api_keys.create("pim", Role.LOOKUP)
        alice = container.api_keys.create("alice", Role.REVIEWER)
    finally:
        container.close()
    return {"Authorization": f"Bearer {pim}"}, {"Authorization": f"Bearer {alice}"}


def lookups(client: httpx.Client, pim: dict[str, str], seconds: float) -> tuple[list[float], int]:
    """Latencies (ms) of one-field lookups for `seconds`, and how many were cached."""
    body = {"description": LOOKED_UP, "fields": [LOOKUP_FIELD]}
    latencies, cached = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        answer = client.post("/api/product/fields/lookup?detail=true", json=body, headers=pim)
        latencies.append((time.perf_counter() - start) * 1000)
        answer.raise_for_status()
        cached += bool(answer.json()["fields"][LOOKUP_FIELD]["cached"])
    return latencies, cached


def decisions(
    client: httpx.Client, alice: dict[str, str], chars: int, stop: threading.Event, kept: list[int]
) -> None:
    """One decision a second, each on a new text of `chars` characters; `kept` counts those
    stored (201) and those refused (422: over the description limit)."""
    sent = 0
    while not stop.is_set():
        text = (f"Ampoule réf. R{sent:05d} culot E27 " + "verre clair, " * (chars // 13))[:chars]
        answer = client.post(
            "/api/reviews",
            json={
                "description": text,
                "field": DECISION_FIELD,
                "verdict": "correct",
                "value": "E27",
            },
            headers=alice,
        )
        if answer.status_code not in (201, 422):
            answer.raise_for_status()
        kept[answer.status_code == 422] += 1
        sent += 1
        stop.wait(1.0)


def report(name: str, latencies: list[float], cached: int) -> None:
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(
        f"{name:<28} {len(latencies):>6} lookups  median {statistics.median(latencies):7.1f} ms"
        f"  p95 {p95:7.1f} ms  cached {cached / len(latencies):6.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--model-ms", type=float, default=300.0, help="The mock's latency.")
    parser.add_argument("--text-chars", type=int, default=9000, help="Each decision's text.")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/lookup.db"
        prepare_database(url)
        pim, alice = make_keys(url)
        with (
            live_server(url, MOCK_LATENCY_MS=str(args.model_ms)) as server,
            httpx.Client(base_url=server.base_url, timeout=60) as client,
        ):
            lookups(client, pim, 1.0)  # the answer is cached, the catalogue read
            report("alone", *lookups(client, pim, args.seconds))
            stop, kept = threading.Event(), [0, 0]
            sender = threading.Thread(
                target=decisions, args=(client, alice, args.text_chars, stop, kept)
            )
            sender.start()
            try:
                report("with 1 decision a second", *lookups(client, pim, args.seconds))
            finally:
                stop.set()
                sender.join()
            print(f"decisions stored {kept[0]}, refused {kept[1]}")


if __name__ == "__main__":
    main()
