"""A product-level call whose answers cannot be given out (a defect after the model answered, or
the call cancelled before it ran) is an error of every field it asked, at once, not a lookup
left waiting for its deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from src.domain.catalogue.ports import Catalogue
from src.domain.lookup.fan_out import submit_calls
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.question import ProductQuestion
from src.domain.lookup.service import FieldLookupService
from src.domain.model import (
    Example,
    Field,
    FieldOutcome,
    FieldType,
    LookupRequest,
    OutcomeStatus,
)
from src.domain.model.values import ParsedValue
from src.domain.prompting.chain_of_thought import AllFieldsChainOfThought
from src.domain.prompting.families import ChatFormat
from tests.support.fakes import FakeConnector, FakeExampleRepository, FakeFieldRepository, Script

SOCKET = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "E14"))
BRAND = Field("EF000588", "marque", FieldType.TEXT)


class ForgetsTheLastField(AllFieldsChainOfThought):
    """Parses the answer of every field but the last."""

    def parse(self, fields: Sequence[Field], raw: str) -> dict[str, ParsedValue]:
        return {code: parsed for code, parsed in list(super().parse(fields, raw).items())[:-1]}


def test_a_defect_after_the_answer_is_an_error_of_every_field_at_once() -> None:
    connector = FakeConnector(default=Script('{"EF000042": "E27", "EF000588": "Osram"}'))
    llm = ConfiguredLLM("all", ChatFormat(), ForgetsTheLastField(), connector)
    with ThreadPoolExecutor(2) as pool:
        lookup = FieldLookupService(
            LLMRegistry({"all": lambda: llm}, default="all"),
            Catalogue(FakeFieldRepository([SOCKET, BRAND]), FakeExampleRepository()),
            pool,
            5.0,
        )
        started = time.monotonic()
        result = lookup.lookup(LookupRequest("Ampoule Osram E27", (SOCKET.code, BRAND.code)))
        elapsed = time.monotonic() - started

    assert [(o.field_code, o.status, o.llm) for o in result.outcomes] == [
        (SOCKET.code, OutcomeStatus.ERROR, "all"),
        (BRAND.code, OutcomeStatus.ERROR, "all"),
    ]
    assert all((o.error or "").startswith("internal error: KeyError") for o in result.outcomes)
    assert elapsed < 2.5  # not the 5 s deadline


def test_a_product_call_cancelled_before_it_ran_is_an_error_of_every_field() -> None:
    """The pool shut down with the call still queued: each field says the call was cancelled,
    at once, instead of waiting for the deadline."""
    connector = FakeConnector(default=Script('{"EF000042": "E27", "EF000588": "Osram"}'))
    llm = ConfiguredLLM("all", ChatFormat(), AllFieldsChainOfThought(), connector)
    question = ProductQuestion(
        llm,
        {SOCKET.code: SOCKET, BRAND.code: BRAND},
        "Ampoule Osram E27",
        {},
        time.monotonic() + 5.0,
    )
    busy = threading.Event()
    pool = ThreadPoolExecutor(1)
    try:
        pool.submit(busy.wait, 5.0)  # the pool's one worker, taken: the call waits in the queue
        futures = submit_calls(pool, question, ask_field=_never_asked)
        pool.shutdown(wait=False, cancel_futures=True)

        outcomes = [futures[code].result(timeout=1.0) for code in (SOCKET.code, BRAND.code)]
    finally:
        busy.set()
        pool.shutdown(wait=True)

    assert [(o.field_code, o.status, o.error, o.llm) for o in outcomes] == [
        (SOCKET.code, OutcomeStatus.ERROR, "the call was cancelled", "all"),
        (BRAND.code, OutcomeStatus.ERROR, "the call was cancelled", "all"),
    ]
    assert connector.requests == []


def _never_asked(
    field: Field, description: str, examples: Sequence[Example], deadline: float
) -> FieldOutcome:
    raise AssertionError(f"{field.code} asked alone: a product-level chain asks all at once")
