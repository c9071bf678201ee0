"""How a request's fields become work on the pool: the pre-pass answers what it reads reliably,
and the rest is one model call per field, one call for the whole product, or (a shared-prefix
chain) one call per field, one after another from one prompt prefix, in one job. A rule that
contends with the model (`prepass/measured.py`) answers what it reads instead of the model's
null, or of a value the model was less sure of; where both read a value, the answer's
confidence is the two readers' (`confidence/two_readers.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import replace
from functools import partial

from src.domain.confidence.prepass import prepass_confidence
from src.domain.confidence.two_readers import against, agreeing
from src.domain.lookup.known_value_rules import NO_KNOWN_ANSWERS, KnownAnswers
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.null_odds import weighing_odds
from src.domain.lookup.product_call import ask_product
from src.domain.lookup.question import AskField, ProductQuestion
from src.domain.lookup.shared_prefix_calls import Escalation, submit_in_turn
from src.domain.model import Field, FieldOutcome, OutcomeSource, OutcomeStatus, Value


def submit_calls(
    executor: Executor,
    question: ProductQuestion,
    ask_field: AskField,
    fallback: AskField | None = None,
    known: KnownAnswers = NO_KNOWN_ANSWERS,
    escalation: Escalation | None = None,
) -> dict[str, Future[FieldOutcome]]:
    """A future outcome per field code; those of the pre-pass (its rules, then the `known`
    values of text fields) are already done. A per-field
    chain asks each remaining field with `ask_field`; a product-level chain asks them all in
    one call; a shared-prefix chain asks them in one turn of the model, `fallback` answering a
    field its model failed and `escalation` asking again what it was unsure of. The `known`
    contending rules of a field answer against the model's null or less sure value."""
    llm, description = question.llm, question.description
    futures: dict[str, Future[FieldOutcome]] = {}
    to_ask: dict[str, Field] = {}
    for code, field in question.fields.items():
        answer = _prepass_answer(llm, field, description, known)
        if answer is None and _only_null_allowed(llm, field, description):
            futures[code] = _done(
                FieldOutcome(
                    code, None, OutcomeStatus.NOT_FOUND, llm=llm.name, source=OutcomeSource.PREPASS
                )
            )
        elif answer is None:
            to_ask[code] = field
        else:
            value, confidence = answer
            outcome = FieldOutcome(
                code,
                value,
                OutcomeStatus.OK,
                llm=llm.name,
                source=OutcomeSource.PREPASS,
                confidence=confidence,
            )
            futures[code] = _done(outcome)
    chain_of_thought = llm.chain_of_thought
    if to_ask and chain_of_thought.scope in ("product", "shared_prefix"):
        left = replace(question, fields=to_ask, null_odds=_null_odds(question, to_ask, known))
        if chain_of_thought.scope == "product":
            ask_all = partial(ask_product, chain_of_thought, left)
            futures |= _product_futures(executor, llm.name, list(to_ask), ask_all)
        else:
            futures |= submit_in_turn(executor, chain_of_thought, left, fallback, escalation)
    else:  # one call a field, which weighs no odds of null
        futures |= {
            code: executor.submit(
                ask_field, field, description, question.examples_of(code), question.deadline
            )
            for code, field in to_ask.items()
        }
    for code in to_ask.keys() & known.contenders.keys():
        futures[code] = _contended(futures[code], partial(known.contending, code, description))
    return futures


def _null_odds(
    question: ProductQuestion, codes: Iterable[str], known: KnownAnswers
) -> dict[str, float]:
    """The odds of null each field of `codes` must beat, where under 1 (`weighing_odds`), for
    the calls that weigh them (a shared prefix's)."""
    return {
        code: odds
        for code in codes
        if (odds := weighing_odds(known.null_odds.get(code), question.examples_of(code)))
        is not None
    }


def _prepass_answer(
    llm: ConfiguredLLM, field: Field, description: str, known: KnownAnswers
) -> tuple[Value, float | None] | None:
    if llm.prepass is None:
        return None
    value = llm.prepass.answer(field, description)
    if value is not None:
        return value, prepass_confidence(field)
    return known.answer(field.code, description)


def _only_null_allowed(llm: ConfiguredLLM, field: Field, description: str) -> bool:
    """Whether the answer grammar of `field` allows only null (a number field whose text writes
    numbers, none of which it may answer: codes, other kinds of units): with a pre-pass, such a
    field is answered not found without asking the model what it could not answer otherwise."""
    chain = llm.chain_of_thought
    if llm.prepass is None or chain.scope == "product":
        return False
    value = chain.answer_schema(field, description).get("properties", {}).get("value", {})
    return isinstance(value, Mapping) and value.get("enum") == [None]


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


def _contended(
    asked: Future[FieldOutcome], contending: Callable[[float], tuple[str, float] | None]
) -> Future[FieldOutcome]:
    """`asked`'s outcome, weighed against what a contending rule reads in the text
    (`contending`), where the model answered null or a value with a confidence: the first rule
    measured more precise than the model's answer, else the first that reads a value. The
    surer reader's value is the answer (a rule's is a pre-pass answer); its confidence is the two
    readers' (`two_readers.py`): higher where they read the same value, lower where they do not.
    Cancelling the future cancels `asked`."""
    contended: Future[FieldOutcome] = Future()

    def settle(done: Future[FieldOutcome]) -> None:
        if done.cancelled():
            contended.cancel()
            return
        if (error := done.exception()) is not None:
            if contended.set_running_or_notify_cancel():
                contended.set_exception(error)
            return
        outcome = _against_rules(done.result(), contending)
        if contended.set_running_or_notify_cancel():  # False when the deadline cancelled it
            contended.set_result(outcome)

    def pass_on_cancel(done: Future[FieldOutcome]) -> None:
        if done.cancelled():
            asked.cancel()

    contended.add_done_callback(pass_on_cancel)
    asked.add_done_callback(settle)
    return contended


def _against_rules(
    outcome: FieldOutcome, contending: Callable[[float], tuple[str, float] | None]
) -> FieldOutcome:
    if outcome.source is not OutcomeSource.MODEL:
        return outcome
    if outcome.status is OutcomeStatus.NOT_FOUND:
        model = 0.0
    elif outcome.status is OutcomeStatus.OK and outcome.confidence is not None:
        model = outcome.confidence
    else:
        return outcome
    read = contending(model)
    if read is None:
        return outcome
    value, rule = read
    if outcome.status is OutcomeStatus.OK and str(outcome.value).casefold() == value.casefold():
        return replace(outcome, confidence=agreeing(rule, model))
    if rule <= model:
        return replace(outcome, confidence=against(model, rule))
    return replace(
        outcome,
        value=value,
        status=OutcomeStatus.OK,
        source=OutcomeSource.PREPASS,
        confidence=against(rule, model),
    )
