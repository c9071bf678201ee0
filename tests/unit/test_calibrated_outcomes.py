"""A lookup's outcomes through its LLM's calibration map: the value's and each list item's
confidence calibrated, the review flag compared with them, another LLM's answer left as it
said, and the thresholds turned back into raw confidences for the cascade."""

from __future__ import annotations

import pytest

from src.domain.confidence.calibration_map import CalibrationMap, LogisticMap
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.ongoing_lookup import OngoingLookup
from src.domain.model import Field, FieldOutcome, FieldType, ListItem, OutcomeSource, OutcomeStatus
from src.domain.prompting.chain_of_thought import FewShotChainOfThought
from src.domain.prompting.families import ChatFormat

SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
MARKS = Field("EF000099", "marquages", FieldType.TEXT, multiple=True)
LOWERING = LogisticMap(1.0, -2.0)  # 0.9 → 0.55, 0.98 → 0.87


class NoConnector:
    def complete(self, *args: object, **kwargs: object) -> object:
        raise AssertionError("nothing is asked")


def ongoing(calibration: CalibrationMap) -> OngoingLookup:
    llm = ConfiguredLLM("local", ChatFormat(), FewShotChainOfThought(k=0), NoConnector())  # type: ignore[arg-type]
    return OngoingLookup(
        llm,
        (SOCKET.code, MARKS.code),
        0.0,
        1.0,
        description="Lampe E27 marquée CE RoHS",
        fields={SOCKET.code: SOCKET, MARKS.code: MARKS},
        thresholds={SOCKET.code: 0.8, MARKS.code: 0.8},
        calibration=calibration,
    )


def test_the_value_and_its_review_flag_go_by_the_calibrated_confidence() -> None:
    answer = FieldOutcome(SOCKET.code, "E27", OutcomeStatus.OK, llm="local", confidence=0.9)

    raw = ongoing(CalibrationMap()).trusted(answer)
    calibrated = ongoing(CalibrationMap({"model": LOWERING})).trusted(answer)

    assert (raw.confidence, raw.review) == (0.9, False)
    assert calibrated.confidence == pytest.approx(LOWERING(0.9))
    assert calibrated.review is True  # 0.55 is under 0.8


def test_each_item_of_a_list_is_calibrated_and_flagged() -> None:
    items = (ListItem("CE", 0.98), ListItem("RoHS", 0.9))
    answer = FieldOutcome(
        MARKS.code, ["CE", "RoHS"], OutcomeStatus.OK, llm="local", confidence=0.9, items=items
    )

    trusted = ongoing(CalibrationMap({"model": LOWERING})).trusted(answer)

    assert trusted.items is not None
    assert [(i.value, i.confidence, i.review) for i in trusted.items] == [
        ("CE", pytest.approx(LOWERING(0.98)), False),
        ("RoHS", pytest.approx(LOWERING(0.9)), True),
    ]
    assert (trusted.confidence, trusted.review) == (pytest.approx(LOWERING(0.9)), True)


def test_another_llms_answer_and_a_group_without_a_map_keep_their_confidence() -> None:
    lookup = ongoing(CalibrationMap({"model": LOWERING}))
    fallback = FieldOutcome(SOCKET.code, "E27", OutcomeStatus.OK, llm="spare", confidence=0.9)
    prepass = FieldOutcome(
        SOCKET.code,
        "E27",
        OutcomeStatus.OK,
        llm="local",
        confidence=0.99,
        source=OutcomeSource.PREPASS,
    )

    assert lookup.trusted(fallback).confidence == 0.9
    assert lookup.trusted(prepass).confidence == 0.99


def test_the_cascade_gets_the_thresholds_as_raw_confidences() -> None:
    raw = ongoing(CalibrationMap({"model": LOWERING})).raw_thresholds()

    assert LOWERING(raw[SOCKET.code]) == pytest.approx(0.8)
    assert ongoing(CalibrationMap()).raw_thresholds() == {SOCKET.code: 0.8, MARKS.code: 0.8}
