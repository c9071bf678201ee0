"""NDJSON rendering of a streamed lookup: one line per field as it is known, then a summary."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from src.adapters.driving.http.lookup_schemas import FieldDetail, Usage
from src.domain.model import FieldOutcome, LookupResult


async def ndjson_lines(events: AsyncIterator[FieldOutcome | LookupResult]) -> AsyncIterator[bytes]:
    async for event in events:
        if isinstance(event, FieldOutcome):
            line = {"field": event.field_code, **FieldDetail.of(event).model_dump(mode="json")}
        else:
            line = {
                "summary": True,
                "llm": event.llm,
                "elapsed_ms": round(event.elapsed_ms, 1),
                "usage": Usage.of(event.usage).model_dump(),
                "values": event.values(),
                "statuses": {o.field_code: o.status.value for o in event.outcomes},
            }
        yield (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
