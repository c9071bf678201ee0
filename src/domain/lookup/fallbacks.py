"""Fallbacks: when an LLM fails to answer a field, the LLMs its configuration names answer in turn.

An LLM declares them in the config module (`ConfiguredLLM(fallbacks=("mock",))`). Only the asked
LLM's own list is followed, once each; a name that is not configured is skipped (and logged).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace

from src.domain.lookup.deadline import seconds_left
from src.domain.lookup.field_call import ask_field
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.model import Example, Field, FieldOutcome, OutcomeStatus

log = logging.getLogger(__name__)


def fallback_chain(llms: LLMRegistry, llm: ConfiguredLLM) -> tuple[ConfiguredLLM, ...]:
    """`llm`, then each configured fallback it names."""
    configured = set(llms.names())
    chain = [llm]
    for name in dict.fromkeys(llm.fallbacks):
        if name == llm.name:
            continue
        if name not in configured:
            log.warning("LLM %s names an unknown fallback %r: skipped", llm.name, name)
            continue
        chain.append(llms.get(name))
    return tuple(chain)


def ask_with_fallbacks(
    chain: Sequence[ConfiguredLLM],
    field: Field,
    description: str,
    examples: Sequence[Example],
    deadline: float,
) -> FieldOutcome:
    """The first outcome of the chain that is not an `error`, each LLM asked in turn while the
    deadline allows; its `llm` says which one answered. When all fail, an `error` saying why
    each did."""
    started = time.monotonic()
    failures: list[FieldOutcome] = []
    for llm in chain:
        outcome = ask_field(llm, field, description, examples, deadline)
        if outcome.status is not OutcomeStatus.ERROR:
            return (
                replace(outcome, elapsed_ms=(time.monotonic() - started) * 1000)
                if failures
                else outcome
            )
        failures.append(outcome)
        if seconds_left(deadline) <= 0:
            break
    if len(failures) == 1:
        return failures[0]
    reasons = "; ".join(f"{failed.llm}: {failed.error}" for failed in failures)
    return replace(failures[-1], error=reasons, elapsed_ms=(time.monotonic() - started) * 1000)
