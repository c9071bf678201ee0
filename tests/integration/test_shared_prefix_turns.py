"""Read a product once, on a local model that takes turns: a product's fields run on the model
together, one product after another, and those the turn does not reach by the deadline time out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.domain.model import LookupRequest, OutcomeStatus
from src.domain.prompting.shared_prefix.conversation import ConversationChainOfThought
from tests.support.slow_local_model import SlowLocalModel
from tests.unit.test_lookup_service import DESCRIPTION
from tests.unit.test_shared_prefix import CODES, service


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=8)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def test_products_take_turns_by_product_not_by_field(pool: ThreadPoolExecutor) -> None:
    model = SlowLocalModel(seconds_per_call=0.05)
    lookup = service(model, ConversationChainOfThought(k=2), pool)
    requests = [LookupRequest(f"{DESCRIPTION} n°{n}", CODES) for n in range(3)]
    results = []

    def ask(request: LookupRequest) -> None:
        results.append(lookup.lookup(request))

    clients = [threading.Thread(target=ask, args=(request,)) for request in requests]
    for client in clients:
        client.start()
    for client in clients:
        client.join(10)

    assert len(results) == 3 and all(
        o.status is OutcomeStatus.NOT_FOUND for r in results for o in r.outcomes
    )
    runs = [model.completed[i : i + 3] for i in range(0, 9, 3)]
    assert runs == [list(CODES)] * 3, model.completed  # each product's three fields in a row


def test_fields_the_turn_does_not_reach_by_the_deadline_are_timeouts(
    pool: ThreadPoolExecutor,
) -> None:
    model = SlowLocalModel(seconds_per_call=0.4)
    lookup = service(model, ConversationChainOfThought(k=2), pool, timeout_seconds=1.0)
    blocker = threading.Thread(
        target=lookup.lookup, args=(LookupRequest("Another product", CODES),)
    )
    blocker.start()

    result = lookup.lookup(LookupRequest(DESCRIPTION, CODES))

    blocker.join(5)
    assert [o.status for o in result.outcomes] == [OutcomeStatus.TIMEOUT] * 3, [
        o.error for o in result.outcomes
    ]
