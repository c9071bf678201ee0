"""A product's fields asked one after another, in one turn of the model, from one shared prefix.

One job on the pool per product: it waits for the model's turn (other products wait theirs, by
product, not by field), then asks each field with the prefix and the field's tail, completing
that field's future at once (so streaming still tells each field as it is known). A field the
deadline cancelled is not asked; a turn that does not come by the deadline is every field's
`timeout`, never an `error`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from functools import cached_property, partial

from src.domain.errors import DeadlinePassedError
from src.domain.lookup.escalation import Reconsider, unsure
from src.domain.lookup.field_call import ask_field
from src.domain.lookup.model_call import token_counter
from src.domain.lookup.question import AskField, ProductQuestion
from src.domain.model import Field, FieldOutcome, OutcomeStatus
from src.domain.prompting.formatted import FormattedPrompt
from src.domain.prompting.prompt import CompletionRequest
from src.domain.prompting.shared_prefix.ports import (
    ProductPrompts,
    SharedPrefixChainOfThought,
    turn_of,
)


def submit_in_turn(
    executor: Executor,
    chain: SharedPrefixChainOfThought,
    question: ProductQuestion,
    fallback: AskField | None,
    escalation: Escalation | None = None,
) -> dict[str, Future[FieldOutcome]]:
    """A future outcome per field code, all completed by one job on `executor`; `fallback`
    asks the LLM's fallbacks for a field its model failed; with `escalation`, an unsure value
    is asked again of the other LLM in a job of its own, which completes that field."""
    per_field: dict[str, Future[FieldOutcome]] = {code: Future() for code in question.fields}
    requests = _ProductRequests(chain, question)
    finish = partial(_finish, executor, question, escalation, time.monotonic())
    executor.submit(_ask_in_turn, question, per_field, requests, fallback, finish)
    return per_field


@dataclass(frozen=True, slots=True)
class Escalation:
    """The cascade of a shared-prefix turn: when an outcome is `unsure` (by `thresholds`),
    `reconsider` asks the other LLM."""

    reconsider: Reconsider
    thresholds: Mapping[str, float]


def _finish(
    executor: Executor,
    question: ProductQuestion,
    escalation: Escalation | None,
    started: float,
    future: Future[FieldOutcome],
    field: Field,
    outcome: FieldOutcome,
) -> None:
    """Completes `future` with `outcome`, or with the other LLM's second opinion of it."""
    if escalation is None or not unsure(outcome, escalation.thresholds):
        future.set_result(outcome)
        return
    examples, deadline = question.examples_of(field.code), question.deadline
    second = executor.submit(
        escalation.reconsider, outcome, field, question.description, examples, deadline, started
    )
    second.add_done_callback(
        lambda done: future.set_result(outcome if done.exception() else done.result())
    )


def _ask_in_turn(
    question: ProductQuestion,
    per_field: Mapping[str, Future[FieldOutcome]],
    requests: _ProductRequests,
    fallback: AskField | None,
    finish: Callable[[Future[FieldOutcome], Field, FieldOutcome], None],
) -> None:
    llm, description, deadline = question.llm, question.description, question.deadline
    try:
        with turn_of(llm.connector, deadline):
            for code, field in question.fields.items():
                future = per_field[code]
                if not future.set_running_or_notify_cancel():
                    continue
                outcome = ask_field(
                    llm,
                    field,
                    description,
                    (),
                    deadline,
                    prepared=partial(requests.of, code),
                    bare_answer=requests.opens_answer(code),
                )
                if outcome.status is OutcomeStatus.ERROR and fallback is not None:
                    outcome = fallback(field, description, question.examples_of(code), deadline)
                finish(future, field, outcome)
    except DeadlinePassedError as error:
        for code, future in per_field.items():
            if future.set_running_or_notify_cancel():
                future.set_result(
                    FieldOutcome(code, None, OutcomeStatus.TIMEOUT, error=str(error), llm=llm.name)
                )


class _ProductRequests:
    """The completion request of each field: the shots that fit in the context for the longest
    prompt (the same for all, so that the prefix stays shared), then its answer start."""

    def __init__(self, chain: SharedPrefixChainOfThought, question: ProductQuestion) -> None:
        self._chain, self._question, self._llm = chain, question, question.llm

    @cached_property
    def _prompts(self) -> ProductPrompts:
        """The fitted prompts; raises PromptTooLongError (then each field's `error`)."""
        question = self._question
        product = self._chain.prompts(
            list(question.fields.values()), question.description, question.examples
        )
        longest = max(
            product.prompts.values(), key=lambda prompt: len(self._llm.prompt_format.render(prompt))
        )
        kept = len(self._llm.prompt_format.fit(longest, token_counter(self._llm)).prompt.shots)
        fitted = {
            code: replace(prompt, shots=prompt.shots[:kept])
            for code, prompt in product.prompts.items()
        }
        return ProductPrompts(fitted, product.answer_starts)

    def opens_answer(self, code: str) -> bool:
        """Whether the prompt of `code` opens its answer, so that the model writes only the
        value."""
        return bool(self._prompts.answer_starts[code])

    def of(self, code: str) -> CompletionRequest:
        prompt = self._prompts.prompts[code]
        field = self._question.fields[code]
        return CompletionRequest(
            field_code=code,
            prompt=FormattedPrompt(
                prompt, self._llm.prompt_format, self._prompts.answer_starts[code]
            ),
            answer_schema=self._chain.answer_schema(field, self._question.description),
            max_tokens=self._llm.prompt_format.answer_tokens,
            deadline=self._question.deadline,
            stop=self._llm.prompt_format.stop,
            null_odds=self._question.null_odds.get(code),
        )
