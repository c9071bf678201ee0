"""How long other writers wait while a large catalogue is stored on SQLite.

    .venv/bin/python bench/upload_lock.py [--rows 1000000] [--every 0.2]

A real server (uvicorn, the mock LLM) on an SQLite file; one client uploads `rows` products
as a job while another sends a one-product job every `every` seconds (each a write to the same
database). Printed: the upload's time, and the other writes' count, statuses, median and
slowest answer.
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
from tests.support.jobs import LAMP_FIELDS, jsonl, lamps  # noqa: E402
from tests.support.live_server import live_server, prepare_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--every", type=float, default=0.2)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'lookup.db'}"
        prepare_database(database_url)
        catalogue = jsonl(lamps(arguments.rows))
        small = jsonl(lamps(1))
        answers: list[tuple[int, float]] = []
        uploaded = threading.Event()
        with live_server(
            database_url,
            JOB_CHUNK_SIZE="1000",
            JOB_CONCURRENCY="1",
            MOCK_LATENCY_MS="1000",
            MAX_UPLOAD_BYTES=str(len(catalogue) + 1_048_576),
        ) as server:

            def write_meanwhile() -> None:
                with httpx.Client(base_url=server.base_url, timeout=120) as other:
                    while not uploaded.is_set():
                        sent = time.monotonic()
                        answer = other.post(
                            "/api/jobs",
                            files={"file": ("one.jsonl", small)},
                            data={"fields": "EF000042"},
                        )
                        answers.append((answer.status_code, time.monotonic() - sent))
                        time.sleep(arguments.every)

            writer = threading.Thread(target=write_meanwhile)
            writer.start()
            started = time.monotonic()
            with httpx.Client(base_url=server.base_url, timeout=600) as http:
                big = http.post(
                    "/api/jobs",
                    files={"file": ("big.jsonl", catalogue)},
                    data={"fields": LAMP_FIELDS},
                )
                took = time.monotonic() - started
                uploaded.set()
                writer.join()
                if big.status_code == 202:
                    http.delete(big.json()["progress"])
    waits = [seconds for _, seconds in answers]
    statuses = sorted({status for status, _ in answers})
    print(f"upload of {arguments.rows} rows: {big.status_code} in {took:.1f} s")
    print(
        f"other writes: {len(answers)}, statuses {statuses}, "
        f"median {statistics.median(waits):.2f} s, slowest {max(waits):.2f} s"
    )


if __name__ == "__main__":
    main()
