"""The trust signals of an enriched product in the output files: each value's confidence, its
evidence and whether it needs review.

JSON Lines records gain `confidence`, `evidence` (spans) and `review` objects by field code, and
for list values (fields with `multiple`) `items`: by code, each item's `value`, `confidence`,
`evidence` and `review`, in the list's order. CSV rows gain three columns before `status`:
`review` (the codes that need review, space separated, or "none"), `confidence` (`CODE=0.93` for
each value that has one, and `CODE.2=0.87` for the second item of a list) and `evidence` (a JSON
object of the spans by code, and by `CODE.2` for the second item of a list).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from src.domain.model import FieldOutcome, ListItem, LookupResult
from src.domain.model.evidence import Evidence

TRUST_COLUMNS = ("review", "confidence", "evidence")


def trust_record(result: LookupResult) -> dict[str, object]:
    answered = _answered(result)
    record: dict[str, object] = {
        "confidence": {o.field_code: o.confidence for o in answered},
        "evidence": {o.field_code: _spans(o.evidence) for o in answered},
        "review": {o.field_code: o.review for o in answered},
    }
    if listed := [o for o in answered if o.items is not None]:
        record["items"] = {o.field_code: [_item(item) for item in o.items or ()] for o in listed}
    return record


def trust_cells(result: LookupResult) -> list[str]:
    answered = _answered(result)
    review = [o.field_code for o in answered if o.review]
    confidence = []
    evidence = {}
    for o in answered:
        if o.confidence is not None:
            confidence.append(f"{o.field_code}={o.confidence:.3f}")
        evidence[o.field_code] = _spans(o.evidence)
        for n, item in enumerate(o.items or (), start=1):
            if item.confidence is not None:
                confidence.append(f"{o.field_code}.{n}={item.confidence:.3f}")
            evidence[f"{o.field_code}.{n}"] = _spans(item.evidence)
    return [
        " ".join(review) or "none",
        " ".join(confidence),
        json.dumps(evidence, ensure_ascii=False),
    ]


def has_trust_columns(header: Sequence[str]) -> bool:
    return tuple(header[-5:-2]) == TRUST_COLUMNS


def _answered(result: LookupResult) -> list[FieldOutcome]:
    return [o for o in result.outcomes if o.value is not None]


def _spans(evidence: Evidence | None) -> list[dict[str, object]]:
    spans = evidence.spans if evidence else ()
    return [{"start": s.start, "end": s.end, "text": s.text} for s in spans]


def _item(item: ListItem) -> dict[str, object]:
    return {
        "value": item.value,
        "confidence": item.confidence,
        "evidence": _spans(item.evidence),
        "review": item.review,
    }
