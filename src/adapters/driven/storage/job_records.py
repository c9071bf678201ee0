"""A job's rows as domain values, and a product's stored result: its lookup result as JSON."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

from src.adapters.driven.storage.job_tables import STATUS_COLUMNS, JobRow
from src.adapters.driven.storage.tables import aware_utc, naive_utc
from src.domain.jobs.model import Job, JobProduct, JobState, NewJob
from src.domain.model import FieldOutcome, ListItem, LookupResult, OutcomeStatus
from src.domain.model.evidence import Evidence, Span


def job_row(job: NewJob, job_id: str, now: datetime.datetime) -> dict[str, object]:
    """The row of a new job, queued; its total is set once its products are stored."""
    return {
        "id": job_id,
        "owner": job.owner,
        "state": JobState.QUEUED.value,
        "total": 0,
        "codes": json.dumps(list(job.codes)),
        "output_format": job.output_format,
        "llm": job.llm,
        "webhook_url": job.webhook_url,
        "created_at": naive_utc(now),
    }


def product_rows(job: NewJob, job_id: str) -> Iterator[dict[str, object]]:
    """The rows of a new job's products, as its products come."""
    return (
        {
            "job": job_id,
            "position": product.position,
            "product_id": json.dumps(product.id),
            "description": product.description,
            "fields": json.dumps(list(product.fields)),
        }
        for product in job.products
    )


def job_of(row: JobRow) -> Job:
    created = aware_utc(row.created_at)
    assert created is not None
    return Job(
        id=row.id,
        owner=row.owner,
        state=JobState(row.state),
        total=row.total,
        codes=tuple(json.loads(row.codes)),
        output_format=row.output_format,
        llm=row.llm,
        webhook_url=row.webhook_url,
        created_at=created,
        started_at=aware_utc(row.started_at),
        finished_at=aware_utc(row.finished_at),
        done=row.done,
        failed=row.failed,
        fields={status: getattr(row, column) for status, column in STATUS_COLUMNS.items()},
    )


def product_of(position: int, product_id: str, description: str, fields: str) -> JobProduct:
    return JobProduct(position, json.loads(product_id), description, tuple(json.loads(fields)))


def encoded_result(result: LookupResult | None) -> str | None:
    if result is None:
        return None
    outcomes = [
        [o.field_code, o.value, o.status.value, o.confidence, o.review, _spans(o.evidence)]
        + ([] if o.items is None else [[_item(item) for item in o.items]])
        for o in result.outcomes
    ]
    return json.dumps({"llm": result.llm, "outcomes": outcomes}, ensure_ascii=False)


def _spans(evidence: Evidence | None) -> dict[str, object] | None:
    if evidence is None:
        return None
    spans = [[span.start, span.end, span.text] for span in evidence.spans]
    return {"spans": spans, "verbatim": evidence.verbatim}


def _item(item: ListItem) -> list[Any]:
    return [item.value, item.confidence, item.review, _spans(item.evidence)]


def _items(data: list[Any] | None) -> tuple[ListItem, ...] | None:
    if data is None:
        return None
    return tuple(
        ListItem(value, confidence, _evidence(evidence), review)
        for value, confidence, review, evidence in data
    )


def _evidence(data: dict[str, Any] | None) -> Evidence | None:
    if data is None:
        return None
    spans = tuple(Span(start, end, text) for start, end, text in data["spans"])
    return Evidence(spans, data["verbatim"])


def decoded_result(text: str | None) -> LookupResult | None:
    if text is None:
        return None
    data = json.loads(text)
    outcomes = tuple(
        FieldOutcome(
            code,
            value,
            OutcomeStatus(status),
            llm=data["llm"],
            confidence=trust[0] if trust else None,
            review=trust[1] if trust else None,
            evidence=_evidence(trust[2]) if trust else None,
            items=_items(trust[3]) if len(trust) > 3 else None,
        )
        for code, value, status, *trust in data["outcomes"]
    )
    return LookupResult(data["llm"], outcomes)
