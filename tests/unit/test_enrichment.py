"""The enrichment use case: a catalogue through the lookup, the products already written skipped,
a product whose lookup fails as a whole not written (the next run retries it), a lost database
stopping the run, and an unknown LLM refused before any output is touched."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from src.domain.catalogue.ports import Catalogue
from src.domain.enrichment.enrich import Enrichment
from src.domain.enrichment.ports import EnrichedProduct, ProductToEnrich
from src.domain.errors import PermanentBackendError, StorageUnavailableError, UnknownLLMError
from src.domain.lookup.batch import BatchLookup
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import Field, FieldType, LookupResult, OutcomeStatus
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from tests.support.fakes import FakeConnector, FakeExampleRepository, FakeFieldRepository, Script

CULOT = Field("EF000042", "Culot", FieldType.SELECT, options=("E27", "E14"))
PRODUCTS = [
    ProductToEnrich("a", "Lampe E27", (CULOT.code,), 1),
    ProductToEnrich(7, "Lampe E14", (CULOT.code, "EF999999"), 2),
    ProductToEnrich("c", "Lampe", (CULOT.code,), 3),
]


class Output:
    """Holds what is written; `done` as a resumed file would give it."""

    def __init__(self, done: frozenset[str] = frozenset()) -> None:
        self.done = frozenset(done)
        self.written: list[EnrichedProduct] = []

    def write(self, product: EnrichedProduct) -> None:
        self.written.append(product)


@pytest.fixture
def enrichment() -> Iterator[Enrichment]:
    connector = FakeConnector(default=Script('{"value": "E27"}'))
    llms = LLMRegistry(
        {"fake": lambda: ConfiguredLLM("fake", ChatFormat(), BasicChainOfThought(), connector)},
        "fake",
    )
    fields = FakeFieldRepository([CULOT])
    with ThreadPoolExecutor(2) as pool:
        yield Enrichment(
            BatchLookup(
                FieldLookupService(llms, Catalogue(fields, FakeExampleRepository()), pool, 5.0)
            )
        )


def finished(
    result: LookupResult | None = None, error: Exception | None = None
) -> Future[LookupResult]:
    future: Future[LookupResult] = Future()
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)  # type: ignore[arg-type]
    return future


def test_the_products_left_are_looked_up_and_written_with_a_tally(enrichment: Enrichment) -> None:
    plan = enrichment.plan(PRODUCTS, None)
    output = Output(done=frozenset({"c"}))
    run = plan.start(output, on_failure=lambda product, reason: None)

    assert plan.codes == [CULOT.code, "EF999999"] and plan.unknown_fields == ["EF999999"]
    assert [product.key for product in run.todo] == ["a", "7"]
    for product in run.todo:
        run.settle(product, finished(run.look_up(product)))

    assert [(p.id, p.result.values()) for p in output.written] == [
        ("a", {CULOT.code: "E27"}),
        (7, {CULOT.code: "E27", "EF999999": None}),
    ]
    assert (run.tally.done, run.tally.skipped, run.tally.failed) == (2, 1, 0)
    assert run.tally.fields == {OutcomeStatus.OK: 2, OutcomeStatus.UNKNOWN_FIELD: 1}


def test_a_product_that_fails_is_not_written_and_a_lost_database_stops_the_run(
    enrichment: Enrichment,
) -> None:
    failures: list[tuple[str, str]] = []
    output = Output()
    run = enrichment.plan(PRODUCTS, None).start(
        output, lambda product, reason: failures.append((product.key, reason))
    )

    run.settle(PRODUCTS[0], finished(error=PermanentBackendError("401 bad API key")))
    run.settle(PRODUCTS[1], finished(error=KeyError("a defect")))
    with pytest.raises(StorageUnavailableError):
        run.settle(
            PRODUCTS[2], finished(error=StorageUnavailableError("the database is unavailable"))
        )

    assert output.written == []
    assert failures == [("a", "401 bad API key"), ("7", "internal error: KeyError: 'a defect'")]
    assert (run.tally.done, run.tally.failed) == (0, 2)


def test_an_unknown_llm_is_refused_before_any_output(enrichment: Enrichment) -> None:
    with pytest.raises(UnknownLLMError):
        enrichment.plan(PRODUCTS, "gpt-9")


def test_a_stream_is_read_only_as_the_run_takes_its_products(enrichment: Enrichment) -> None:
    taken: list[str] = []

    def listed() -> Iterator[ProductToEnrich]:
        for product in PRODUCTS:
            taken.append(product.key)
            yield product

    plan = enrichment.plan(listed(), None, asked=[CULOT.code, "EF999999"])
    output = Output(done=frozenset({"7"}))
    run = plan.stream(output, on_failure=lambda product, reason: None)

    assert taken == [] and plan.unknown_fields == ["EF999999"]  # the plan read nothing
    todo = iter(run.todo)
    first = next(todo)
    assert (first.key, taken) == ("a", ["a"])  # one product read, no more
    run.settle(first, finished(run.look_up(first)))
    assert [product.key for product in todo] == ["c"]  # "7" skipped as it came
    assert (run.tally.done, run.tally.skipped, taken) == (1, 1, ["a", "7", "c"])
