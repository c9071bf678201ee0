"""A product's fields asked one after another, in one turn of the model, from one shared prefix.

One job on the pool per product: it waits for the model's turn (other products wait theirs, by
product, not by field), then asks each field with the prefix and the field's tail, completing
that field's future at once (so streaming still tells each field as it is known). A field the
deadline cancelled is not asked; a turn that does not come by the deadline is every field's
`timeout`, never an `error`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import replace
from functools import cached_property, partial

from src.domain.errors import DeadlinePassedError
from src.domain.lookup.field_call import ask_field
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.lookup.model_call import token_counter
from src.domain.model import Example, Field, FieldOutcome, OutcomeStatus
from src.domain.prompting.prompt import CompletionRequest
from src.domain.prompting.shared_prefix.ports import (
    ProductPrompts,
    SharedPrefixChainOfThought,
    turn_of,
)

Fallback = Callable[[Field, str, Sequence[Example], float], FieldOutcome]
"""Asks the LLM's fallbacks for a field its model failed: (field, description, examples, deadline)."""


def submit_in_turn(
    executor: Executor,
    llm: ConfiguredLLM,
    chain: SharedPrefixChainOfThought,
    fields: Mapping[str, Field],
    description: str,
    examples: Mapping[str, Sequence[Example]],
    deadline: float,
    fallback: Fallback | None = None,
) -> dict[str, Future[FieldOutcome]]:
    """A future outcome per field code, all completed by one job on `executor`."""
    per_field: dict[str, Future[FieldOutcome]] = {code: Future() for code in fields}
    requests = _ProductRequests(llm, chain, list(fields.values()), description, examples, deadline)
    executor.submit(
        _ask_in_turn, llm, fields, description, examples, deadline, per_field, requests, fallback
    )
    return per_field


def _ask_in_turn(
    llm: ConfiguredLLM,
    fields: Mapping[str, Field],
    description: str,
    examples: Mapping[str, Sequence[Example]],
    deadline: float,
    per_field: Mapping[str, Future[FieldOutcome]],
    requests: _ProductRequests,
    fallback: Fallback | None,
) -> None:
    try:
        with turn_of(llm.connector, deadline):
            for code, field in fields.items():
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
                    outcome = fallback(field, description, examples.get(code, ()), deadline)
                future.set_result(outcome)
    except DeadlinePassedError as error:
        for code, future in per_field.items():
            if future.set_running_or_notify_cancel():
                future.set_result(
                    FieldOutcome(code, None, OutcomeStatus.TIMEOUT, error=str(error), llm=llm.name)
                )


class _ProductRequests:
    """The completion request of each field: the shots that fit in the context for the longest
    prompt (the same for all, so that the prefix stays shared), then its answer start."""

    def __init__(
        self,
        llm: ConfiguredLLM,
        chain: SharedPrefixChainOfThought,
        fields: Sequence[Field],
        description: str,
        examples: Mapping[str, Sequence[Example]],
        deadline: float,
    ) -> None:
        self._llm, self._chain, self._fields = llm, chain, {field.code: field for field in fields}
        self._description, self._examples, self._deadline = description, examples, deadline

    @cached_property
    def _prompts(self) -> ProductPrompts:
        """The fitted prompts; raises PromptTooLongError (then each field's `error`)."""
        product = self._chain.prompts(
            list(self._fields.values()), self._description, self._examples
        )
        longest = max(
            product.prompts.values(), key=lambda prompt: len(self._llm.prompt_format.render(prompt))
        )
        kept = len(self._llm.prompt_format.fit(longest, token_counter(self._llm)).shots)
        fitted = {
            code: replace(prompt, shots=prompt.shots[:kept])
            for code, prompt in product.prompts.items()
        }
        return ProductPrompts(fitted, product.answer_starts)

    def opens_answer(self, code: str) -> bool:
        """Whether the prompt of `code` opens its answer, so that the model writes only the value."""
        return bool(self._prompts.answer_starts[code])

    def of(self, code: str) -> CompletionRequest:
        prompt = self._prompts.prompts[code]
        field = self._fields[code]
        return CompletionRequest(
            field_code=code,
            messages=self._llm.prompt_format.messages(prompt),
            text=self._llm.prompt_format.render(prompt) + self._prompts.answer_starts[code],
            answer_schema=self._chain.answer_schema(field, self._description),
            max_tokens=self._llm.prompt_format.answer_tokens,
            deadline=self._deadline,
            stop=self._llm.prompt_format.stop,
        )
