"""The cascade: a cheap LLM first, another only for the values it is unsure of.

An LLM that names `escalate_to` in its config module has each of its values under its field's
threshold (or without a confidence or a threshold: the values a person would review) asked
again of that LLM, within the same deadline. The surer answer wins (a confidence beats none);
the outcome says which LLM answered (`llm`) and why it was escalated (`escalation`). The fields
of a shared-prefix turn are asked again after the turn's own answer, on the pool, so the local
model goes on with the product's next field meanwhile. Pre-pass answers, answers that are not
values and product-level calls are not escalated.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from src.domain.errors import UnknownLLMError
from src.domain.lookup.deadline import seconds_left
from src.domain.lookup.field_call import ask_field
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.question import AskField
from src.domain.model import Example, Field, FieldOutcome, OutcomeStatus
from src.domain.trust.annotate import needs_review

log = logging.getLogger(__name__)


def escalation_target(llms: LLMRegistry, llm: ConfiguredLLM) -> ConfiguredLLM | None:
    """The LLM `llm` escalates to; None when it names none, or one that is not configured."""
    if not llm.escalate_to or llm.escalate_to == llm.name:
        return None
    try:
        return llms.get(llm.escalate_to)
    except UnknownLLMError:
        log.warning(
            "LLM %s escalates to an unknown LLM %r: not escalated", llm.name, llm.escalate_to
        )
        return None


Reconsider = Callable[[FieldOutcome, Field, str, Sequence[Example], float, float], FieldOutcome]
"""Asks another LLM about an unsure outcome: (first outcome, field, description, examples,
deadline, when the first was asked) -> the outcome that stands."""


def escalating(ask: AskField, to: ConfiguredLLM, thresholds: Mapping[str, float]) -> AskField:
    """`ask`, then `to` for the values `thresholds` says are unsure."""
    reconsider = second_opinion(to, thresholds)

    def ask_escalating(
        field: Field, description: str, examples: Sequence[Example], deadline: float
    ) -> FieldOutcome:
        started = time.monotonic()
        first = ask(field, description, examples, deadline)
        return reconsider(first, field, description, examples, deadline, started)

    return ask_escalating


def unsure(outcome: FieldOutcome, thresholds: Mapping[str, float]) -> bool:
    """Whether `outcome` is a value a person would review, so the cascade asks again."""
    return outcome.status is OutcomeStatus.OK and needs_review(
        outcome.confidence, thresholds.get(outcome.field_code)
    )


def second_opinion(to: ConfiguredLLM, thresholds: Mapping[str, float]) -> Reconsider:
    """Asks `to` about an outcome that is `unsure`; the surer answer stands."""

    def reconsider(
        first: FieldOutcome,
        field: Field,
        description: str,
        examples: Sequence[Example],
        deadline: float,
        started: float,
    ) -> FieldOutcome:
        if not unsure(first, thresholds):
            return first
        threshold = thresholds.get(field.code)
        why = f"{first.llm} was unsure ({_said(first.confidence)}, threshold {_said(threshold)})"
        if seconds_left(deadline) <= 0:
            return replace(first, escalation=f"{why}; no time was left to ask {to.name}")
        second = ask_field(to, field, description, examples, deadline)
        elapsed_ms = (time.monotonic() - started) * 1000
        if second.status is OutcomeStatus.OK and _surer(second.confidence, first.confidence):
            return replace(
                second,
                elapsed_ms=elapsed_ms,
                escalation=f"{why}; {to.name} answered surer ({_said(second.confidence)})",
            )
        return replace(
            first,
            elapsed_ms=elapsed_ms,
            escalation=f"{why}; {to.name} was not surer "
            f"({second.status.value}, {_said(second.confidence)})",
        )

    return reconsider


def _surer(confidence: float | None, than: float | None) -> bool:
    return confidence is not None and (than is None or confidence > than)


def _said(number: float | None) -> str:
    return "none" if number is None else f"{number:.2f}"
