"""`enrich --submit URL`: the catalogue goes to a running service as a job, followed with the same
progress bar as a local run; its results are written to `--out` as a local run writes them.

An existing output is resumed as locally: only the products it does not hold are submitted.
Ctrl-C cancels the job (what is under way finishes on the server), writes what it finished and
exits 130; the same command then goes on.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import httpx
from rich.console import Console

from src.adapters.driven.files.enrichment_output import EnrichmentOutput
from src.adapters.driving.cli.progress_bar import progress_bar
from src.domain.enrichment.ports import EnrichedProduct, ProductToEnrich
from src.domain.errors import (
    DataFileError,
    FieldLookupError,
    InvalidRequestError,
    StorageUnavailableError,
)
from src.domain.model import FieldOutcome, ListItem, LookupResult, OutcomeStatus
from src.domain.model.evidence import Evidence, Span

POLL_SECONDS = 0.5


def run_remotely(
    url: str,
    key: str | None,
    catalogue: list[ProductToEnrich],
    output: EnrichmentOutput,
    llm: str | None,
    console: Console,
) -> tuple[dict[str, Any], bool]:
    """Submits the products `output` does not hold, follows the job, appends its results; returns
    its last progress and whether Ctrl-C interrupted it."""
    todo = [product for product in catalogue if product.key not in output.done]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with httpx.Client(
        base_url=url.rstrip("/"), headers=headers, timeout=httpx.Timeout(60.0, connect=5.0)
    ) as client:
        if not todo:
            return {"total": 0, "done": 0, "failed": 0, "fields": {}}, False
        job = _submit(client, todo, llm)
        bar = progress_bar(console, "products")
        task = bar.add_task("enrich", total=len(catalogue), completed=len(catalogue) - len(todo))
        interrupted = False
        with bar:
            try:
                progress = _follow(
                    client,
                    job["id"],
                    lambda p: bar.update(
                        task, completed=len(catalogue) - len(todo) + p["done"] + p["failed"]
                    ),
                )
            except KeyboardInterrupt:
                interrupted = True
                progress = _answer(client.delete(f"/api/jobs/{job['id']}"))
        for product in _results(client, job["id"]):
            output.write(product)
        return progress, interrupted


def _submit(client: httpx.Client, todo: list[ProductToEnrich], llm: str | None) -> dict[str, Any]:
    with tempfile.TemporaryFile() as upload:  # the products to do, with their own fields each
        for product in todo:
            record = {
                "id": product.id,
                "description": product.description,
                "fields": list(product.fields),
            }
            upload.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        upload.seek(0)
        return _answer(
            client.post(
                "/api/jobs", files={"file": ("catalogue.jsonl", upload)}, data={"llm": llm or ""}
            ),
            202,
        )


def _follow(client: httpx.Client, job_id: str, shown: Any) -> dict[str, Any]:
    while True:
        progress = _answer(client.get(f"/api/jobs/{job_id}"))
        shown(progress)
        if progress["state"] in ("done", "cancelled"):
            return progress
        time.sleep(POLL_SECONDS)


def _results(client: httpx.Client, job_id: str) -> Iterator[EnrichedProduct]:
    with client.stream("GET", f"/api/jobs/{job_id}/results", params={"format": "jsonl"}) as answer:
        if answer.status_code != 200:
            answer.read()
            _answer(answer)
        for line in answer.iter_lines():
            if line.strip():
                yield _enriched(json.loads(line))


def _enriched(record: dict[str, Any]) -> EnrichedProduct:
    """A JSON Lines record of the service back into outcomes, trust signals included."""
    confidence, review = record.get("confidence", {}), record.get("review", {})
    evidence, items = record.get("evidence", {}), record.get("items", {})
    outcomes = tuple(
        FieldOutcome(
            code,
            record["values"].get(code),
            OutcomeStatus(status),
            llm=record["llm"],
            confidence=confidence.get(code),
            review=review.get(code),
            evidence=_evidence(evidence[code]) if code in evidence else None,
            items=_items(items[code]) if code in items else None,
        )
        for code, status in record["status"].items()
    )
    return EnrichedProduct(record["id"], LookupResult(record["llm"], outcomes))


def _answer(answer: httpx.Response, expected: int = 200) -> dict[str, Any]:
    """The JSON of an expected answer; otherwise the service's own words as a domain error."""
    if answer.status_code == expected:
        body: dict[str, Any] = answer.json()
        return body
    try:
        detail = answer.json().get("detail")
    except ValueError:
        detail = answer.text
    if isinstance(detail, list) and detail:
        if detail[0].get("loc") == ["body", "file"]:
            raise DataFileError("the service", None, detail[0]["msg"])
        detail = detail[0].get("msg")
    message = f"the service answered {answer.status_code}: {detail}"
    if answer.status_code >= 500:
        raise StorageUnavailableError(message)
    raise InvalidRequestError(message)


def unreachable(url: str, error: httpx.HTTPError) -> FieldLookupError:
    return StorageUnavailableError(f"the service at {url} is unavailable: {error}")


def _items(items: list[dict[str, Any]]) -> tuple[ListItem, ...]:
    return tuple(
        ListItem(i["value"], i["confidence"], _evidence(i["evidence"]), i["review"]) for i in items
    )


def _evidence(spans: list[dict[str, Any]]) -> Evidence:
    return Evidence(tuple(Span(s["start"], s["end"], s["text"]) for s in spans))
