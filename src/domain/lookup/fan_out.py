"""How a request's fields become work on the pool: the pre-pass answers what it reads reliably,
and the rest is one model call per field, one call for the whole product, or (a shared-prefix
chain) one call per field, one after another from one prompt prefix, in one job."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future
from functools import partial
from typing import cast

from src.domain.confidence.prepass import prepass_confidence
from src.domain.lookup.in_turn import Fallback, submit_in_turn
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.product_call import ask_product
from src.domain.model import Example, Field, FieldOutcome, OutcomeSource, OutcomeStatus
from src.domain.prompting.ports import ProductChainOfThought
from src.domain.prompting.shared_prefix.ports import SharedPrefixChainOfThought

AskField = Callable[[Field, str, Sequence[Example], float], FieldOutcome]
"""Asks a model for one field: (field, description, examples, deadline) -> outcome."""


def submit_calls(
    executor: Executor,
    llm: ConfiguredLLM,
    fields: Mapping[str, Field],
    description: str,
    examples: Mapping[str, Sequence[Example]],
    deadline: float,
    ask_field: AskField,
    fallback: Fallback | None = None,
) -> dict[str, Future[FieldOutcome]]:
    """A future outcome per field code; those of the pre-pass are already done. A per-field
    chain asks each remaining field with `ask_field`; a product-level chain asks them all in
    one call; a shared-prefix chain asks them in one turn of the model, `fallback` answering a
    field its model failed."""
    futures: dict[str, Future[FieldOutcome]] = {}
    to_ask: dict[str, Field] = {}
    for code, field in fields.items():
        value = llm.prepass.answer(field, description) if llm.prepass else None
        if value is None:
            to_ask[code] = field
        else:
            outcome = FieldOutcome(
                code,
                value,
                OutcomeStatus.OK,
                llm=llm.name,
                source=OutcomeSource.PREPASS,
                confidence=prepass_confidence(field),
            )
            futures[code] = _done(outcome)
    chain_of_thought = llm.chain_of_thought
    if llm.scope == "product" and to_ask:
        ask_all = partial(
            ask_product,
            llm,
            cast(ProductChainOfThought, chain_of_thought),
            list(to_ask.values()),
            description,
            examples,
            deadline,
        )
        futures |= _product_futures(executor, llm.name, list(to_ask), ask_all)
    elif llm.scope == "shared_prefix" and to_ask:
        futures |= submit_in_turn(
            executor,
            llm,
            cast(SharedPrefixChainOfThought, chain_of_thought),
            to_ask,
            description,
            examples,
            deadline,
            fallback,
        )
    else:
        futures |= {
            code: executor.submit(ask_field, field, description, examples.get(code, []), deadline)
            for code, field in to_ask.items()
        }
    return futures


def _product_futures(
    executor: Executor,
    llm_name: str,
    codes: Sequence[str],
    ask_all: Callable[[], dict[str, FieldOutcome]],
) -> dict[str, Future[FieldOutcome]]:
    """One call on the pool, and a future per field that the call's answer completes."""
    per_field: dict[str, Future[FieldOutcome]] = {code: Future() for code in codes}
    call = executor.submit(ask_all)

    def spread(done: Future[dict[str, FieldOutcome]]) -> None:
        if done.cancelled() or done.exception() is not None:
            error = (
                "the call was cancelled"
                if done.cancelled()
                else f"internal error: {done.exception()!r}"
            )
            answers = {
                code: FieldOutcome(code, None, OutcomeStatus.ERROR, error=error, llm=llm_name)
                for code in codes
            }
        else:
            answers = done.result()
        for code, future in per_field.items():
            if future.set_running_or_notify_cancel():  # False when the deadline cancelled it
                future.set_result(answers[code])

    call.add_done_callback(spread)
    return per_field


def _done(outcome: FieldOutcome) -> Future[FieldOutcome]:
    future: Future[FieldOutcome] = Future()
    future.set_result(outcome)
    return future
