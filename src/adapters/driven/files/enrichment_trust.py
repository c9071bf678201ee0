"""The trust signals of an enriched product in the output files: each value's confidence, its
evidence and whether it needs review.

JSON Lines records gain `confidence`, `evidence` (spans) and `review` objects by field code. CSV
rows gain three columns before `status`: `review` (the codes that need review, space separated,
or "none"), `confidence` (`CODE=0.93` for each value that has one) and `evidence` (a JSON object
of the spans by code).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from src.domain.model import FieldOutcome, LookupResult

TRUST_COLUMNS = ("review", "confidence", "evidence")


def trust_record(result: LookupResult) -> dict[str, object]:
    answered = _answered(result)
    return {
        "confidence": {o.field_code: o.confidence for o in answered},
        "evidence": {o.field_code: _spans(o) for o in answered},
        "review": {o.field_code: o.review for o in answered},
    }


def trust_cells(result: LookupResult) -> list[str]:
    answered = _answered(result)
    review = [o.field_code for o in answered if o.review]
    confidence = [
        f"{o.field_code}={o.confidence:.3f}" for o in answered if o.confidence is not None
    ]
    evidence = {o.field_code: _spans(o) for o in answered}
    return [
        " ".join(review) or "none",
        " ".join(confidence),
        json.dumps(evidence, ensure_ascii=False),
    ]


def has_trust_columns(header: Sequence[str]) -> bool:
    return tuple(header[-5:-2]) == TRUST_COLUMNS


def _answered(result: LookupResult) -> list[FieldOutcome]:
    return [o for o in result.outcomes if o.value is not None]


def _spans(outcome: FieldOutcome) -> list[dict[str, object]]:
    spans = outcome.evidence.spans if outcome.evidence else ()
    return [{"start": s.start, "end": s.end, "text": s.text} for s in spans]
