"""A list value's items, with their evidence, confidence and review flag, kept through what
stores and carries them between processes: a job's stored result, and the JSON Lines record
`enrich --submit` reads back from the service."""

from __future__ import annotations

import json

from src.adapters.driven.files.enrichment_records import record_format
from src.adapters.driven.storage.job_records import decoded_result, encoded_result
from src.adapters.driving.cli.enrich_remote import _enriched
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.model import FieldOutcome, ListItem, LookupResult, OutcomeStatus
from src.domain.model.evidence import Evidence, Span

ITEMS = (
    ListItem("CE", 0.96, Evidence((Span(20, 22, "CE"),), verbatim=True), False),
    ListItem("RoHS", 0.42, Evidence((Span(26, 30, "RoHS"),), verbatim=True), True),
)
RESULT = LookupResult(
    "gemma3",
    (
        FieldOutcome(
            "EF009002",
            ["CE", "RoHS"],
            OutcomeStatus.OK,
            llm="gemma3",
            confidence=0.42,
            review=True,
            evidence=Evidence((Span(20, 22, "CE"), Span(26, 30, "RoHS")), verbatim=True),
            items=ITEMS,
        ),
        FieldOutcome("EF000042", "E27", OutcomeStatus.OK, llm="gemma3", confidence=0.9),
    ),
)


def test_a_jobs_stored_result_keeps_each_item() -> None:
    decoded = decoded_result(encoded_result(RESULT))

    assert decoded is not None
    listed, single = decoded.outcomes
    assert listed.items == ITEMS and listed.confidence == 0.42
    assert single.items is None and single.value == "E27"


def test_a_result_stored_before_items_existed_is_read_without_them() -> None:
    stored = {"llm": "gemma3", "outcomes": [["EF009002", ["CE"], "ok", 0.9, True, None]]}

    decoded = decoded_result(json.dumps(stored))

    assert decoded is not None and decoded.outcomes[0].items is None


def test_a_json_lines_record_read_back_by_enrich_submit_keeps_each_item() -> None:
    line = record_format("jsonl").encode(EnrichedProduct("psu-1", RESULT), ["EF009002", "EF000042"])

    read = _enriched(json.loads(line))

    listed, single = read.result.outcomes
    assert [(i.value, i.confidence, i.review) for i in listed.items or ()] == [
        ("CE", 0.96, False),
        ("RoHS", 0.42, True),
    ]
    assert [s.text for i in listed.items or () for s in (i.evidence or Evidence()).spans] == [
        "CE",
        "RoHS",
    ]
    assert single.items is None
