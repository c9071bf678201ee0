"""What each fault does to the response, measured on a real uvicorn server.

    .venv/bin/python bench/faults.py [--requests 5]      (make bench-faults)

Each scenario starts its own server (the mock LLM, or a loopback OpenAI-compatible server that
answers 429, 500 or never), sends sequential requests for two fields and prints the HTTP status,
the fields' statuses and the response time (median and worst). The database outage runs on a
throwaway PostgreSQL that is stopped and started again under the server.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.live_server import LiveServer, live_server, prepare_database  # noqa: E402
from tests.support.loopback_llm import LoopbackLLM  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"
LOOKUP = "/api/product/fields/lookup?detail=true"
BODY = {"description": LAMP, "fields": ["EF000042", "EF000035"]}
FAULTS = {"CONFIG_MODULE": "tests.support.fault_config", "LOOKUP_CACHE": "off", "FEW_SHOT_K": "0"}


def measure(name: str, send: Callable[[], httpx.Response], requests: int) -> None:
    timings, codes, fields = [], Counter[str](), Counter[str]()
    for _ in range(requests):
        started = time.perf_counter()
        response = send()
        timings.append(time.perf_counter() - started)
        codes[str(response.status_code)] += 1
        body = (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else {}
        )
        if isinstance(body, dict) and isinstance(body.get("fields"), dict):
            fields.update(f"{d['status']}({d['llm']})" for d in body["fields"].values())
    print(
        f"| {name} | {', '.join(f'{c}×{n}' for c, n in codes.items())} | "
        f"{', '.join(f'{s}×{n}' for s, n in fields.items()) or '-'} | "
        f"{statistics.median(timings) * 1000:.0f} ms | {max(timings) * 1000:.0f} ms |"
    )


def sqlite_url() -> str:
    return f"sqlite:///{tempfile.mkdtemp(prefix='faults-')}/lookup.db"


def lookup(
    server: LiveServer, llm: str | None = None, **headers: str
) -> Callable[[], httpx.Response]:
    body = {**BODY, "llm": llm} if llm else BODY
    return lambda: httpx.post(f"{server.base_url}{LOOKUP}", json=body, headers=headers, timeout=30)


def backend_faults(requests: int) -> None:
    with LoopbackLLM() as llm:
        env = {**FAULTS, "LOOPBACK_URL": llm.base_url, "LLM_QUERY_TIMEOUT": "2"}
        url = sqlite_url()
        prepare_database(url)
        with live_server(url, **env) as server:
            measure("no fault (loopback answers)", lookup(server, "loopback-alone"), requests)
            llm.default = "429"
            measure(
                "429, Retry-After 1 s, for ever (2 retries)", lookup(server, "loopback-alone"), 1
            )
            llm.default, llm.retry_after_s = "ok", 1
            llm.script("429", "429")
            measure(
                "429 once per field (Retry-After 1 s), then answers",
                lookup(server, "loopback-alone"),
                1,
            )
            llm.default = "500"
            measure("500 for ever, no fallback (2 retries)", lookup(server, "loopback-alone"), 1)
            measure("500 for ever, fallback on mock", lookup(server, "loopback"), requests)
            llm.default = "never"
            measure("never answers, 2 s deadline", lookup(server, "loopback-alone"), 1)
        with live_server(
            url, **env, BACKEND_FAILURE_THRESHOLD="2", BACKEND_COOLDOWN_SECONDS="30"
        ) as server:
            llm.default = "500"
            for _ in range(2):
                lookup(server, "loopback-alone")()
            calls = llm.calls
            measure("500 for ever, while it cools down", lookup(server, "loopback-alone"), requests)
            assert llm.calls == calls, "the backend was called while it cooled down"
    url = sqlite_url()
    prepare_database(url)
    with live_server(url, **FAULTS, MOCK_FAIL_FIRST="2") as server:
        measure("MOCK_FAIL_FIRST=2, 1st request (2 retries)", lookup(server, "flaky"), 1)
    with live_server(url, **FAULTS, MOCK_FAIL_FIRST="5", LLM_MAX_RETRIES="2") as server:
        measure("MOCK_FAIL_FIRST=5, 1st request, fallback", lookup(server, "flaky"), 1)


def refusals(requests: int) -> None:
    url = sqlite_url()
    key = prepare_database(url, api_key_name="bench")
    with live_server(url, RATE_LIMIT_PER_MINUTE="1000", MAX_DESCRIPTION_CHARS="100") as server:
        measure(
            "valid key (keys and rate limit on)",
            lookup(server, Authorization=f"Bearer {key}"),
            requests,
        )
        measure("no key: 401", lookup(server), requests)
        long = {**BODY, "description": "x" * 101}
        measure(
            "description over the limit: 422",
            lambda: httpx.post(
                f"{server.base_url}{LOOKUP}", json=long, headers={"Authorization": f"Bearer {key}"}
            ),
            requests,
        )
        big = b"x" * 2_000_000
        measure(
            "2 MB body: 413",
            lambda: httpx.post(
                f"{server.base_url}{LOOKUP}",
                content=big,
                headers={"Authorization": f"Bearer {key}"},
            ),
            requests,
        )
        for name, escaped in (("lone surrogate", "\\ud800"), ("NUL", "\\u0000")):
            measure(
                f"{name} in the description (SQLite): 422",
                unstorable(server, escaped, key),
                requests,
            )
    with live_server(url, RATE_LIMIT_PER_MINUTE="2") as server:
        for _ in range(2):
            lookup(server, Authorization=f"Bearer {key}")()
        measure(
            "over RATE_LIMIT_PER_MINUTE: 429",
            lookup(server, Authorization=f"Bearer {key}"),
            requests,
        )
    with live_server(url, FAILED_AUTH_PER_MINUTE="3") as server:
        wrong = lookup(server, Authorization=f"Bearer {key[:-4]}AAAA")
        for _ in range(3):
            wrong()
        measure("wrong keys past FAILED_AUTH_PER_MINUTE: 429", wrong, requests)
        measure(
            "valid key from that address meanwhile: 429",
            lookup(server, Authorization=f"Bearer {key}"),
            requests,
        )


def unstorable(
    server: LiveServer, escaped: str, key: str | None = None
) -> Callable[[], httpx.Response]:
    """A lookup whose description holds `escaped` (a JSON escape: a lone surrogate, a NUL)."""
    content = f'{{"description": "{LAMP} {escaped}", "fields": ["EF000042", "EF000035"]}}'
    headers = {
        "Content-Type": "application/json",
        **({"Authorization": f"Bearer {key}"} if key else {}),
    }
    return lambda: httpx.post(
        f"{server.base_url}{LOOKUP}", content=content, headers=headers, timeout=30
    )


def database_outage(requests: int) -> None:
    postgres = ThrowawayPostgres()
    postgres.start()
    try:
        url = postgres.create_database("outage")
        prepare_database(url)
        with live_server(url, LOOKUP_CACHE="off") as server:
            health = lambda: httpx.get(f"{server.base_url}/health", timeout=30)  # noqa: E731
            measure("PostgreSQL up: lookup", lookup(server), requests)
            measure(
                "PostgreSQL up: NUL in the description, 422",
                unstorable(server, "\\u0000"),
                requests,
            )
            postgres.stop()
            measure("PostgreSQL stopped: /health", health, requests)
            measure("PostgreSQL stopped: lookup", lookup(server), requests)
            started = time.perf_counter()
            postgres.start()
            while health().status_code != 200:
                time.sleep(0.05)
            print(
                "| PostgreSQL started again: first /health 200 after | | | "
                f"{(time.perf_counter() - started) * 1000:.0f} ms | |"
            )
            measure("PostgreSQL back: lookup", lookup(server), requests)
    finally:
        postgres.destroy()


def sigterm() -> None:
    url = sqlite_url()
    prepare_database(url)
    with live_server(url, MOCK_LATENCY_MS="1500", LOOKUP_CACHE="off") as server:
        answers: list[httpx.Response] = []
        slow = threading.Thread(target=lambda: answers.append(lookup(server)()))
        slow.start()
        time.sleep(0.5)
        sent = time.perf_counter()
        server.process.send_signal(signal.SIGTERM)
        slow.join()
        answered = time.perf_counter() - sent
        server.process.wait(timeout=30)
        exited = time.perf_counter() - sent
    fields = Counter(d["status"] for d in answers[0].json()["fields"].values())
    print(
        f"| SIGTERM 0.5 s into a 1.5 s lookup | {answers[0].status_code} | {dict(fields)} | "
        f"answered {answered * 1000:.0f} ms after the signal | "
        f"exited after {exited * 1000:.0f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    print("| fault | HTTP | fields (status(llm)) | median | worst |\n|---|---|---|---|---|")
    backend_faults(args.requests)
    refusals(args.requests)
    database_outage(args.requests)
    sigterm()


if __name__ == "__main__":
    main()
