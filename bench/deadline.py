"""The deadline, measured: 20 fields at 200 ms each, with and without one stalled field.

    .venv/bin/python bench/deadline.py [--requests 10]

Prints the median and worst response time of each scenario, sequential requests to a real
uvicorn server with the mock LLM (MOCK_LATENCY_MS=200, LLM_QUERY_TIMEOUT=2).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.server import running_server  # noqa: E402

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"


def scenario(name: str, requests: int, **env: str) -> None:
    # The cache off: every request asks the backend again, as a new product would.
    with running_server(
        LLM_QUERY_TIMEOUT="2", MOCK_LATENCY_MS="200", LOOKUP_CACHE="off", **env
    ) as base:
        codes = [f["code"] for f in httpx.get(f"{base}/api/fields").json()][:20]
        if "EF000042" not in codes:
            codes = ["EF000042", *codes[:19]]
        timings, statuses, errors = [], Counter(), Counter()
        for _ in range(requests):
            started = time.perf_counter()
            body = httpx.post(
                f"{base}/api/product/fields/lookup?detail=true",
                json={"description": LAMP, "fields": codes},
                timeout=30,
            ).json()
            timings.append(time.perf_counter() - started)
            statuses.update(detail["status"] for detail in body["fields"].values())
            errors.update(d["error"] for d in body["fields"].values() if d["status"] == "error")
        per_request = {status: count / requests for status, count in statuses.items()}
        print(
            f"{name:<38} median {statistics.median(timings):.3f} s  worst {max(timings):.3f} s  "
            f"fields per request: {per_request}"
        )
        for error, count in errors.items():
            print(f"    error ×{count}: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    print(f"20 fields, 200 ms per backend call, 2 s deadline, {args.requests} sequential requests")
    scenario("no stalled field", args.requests)
    scenario("one stalled field (EF000042)", args.requests, MOCK_STALL_FIELDS="EF000042")


if __name__ == "__main__":
    main()
