"""The lookup use case: one product description, several fields, one model call per field,
all in parallel on a shared pool, answered by a deadline with whatever has finished."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from concurrent.futures import Executor, Future, wait
from dataclasses import dataclass

from src.domain.deadline import seconds_left
from src.domain.errors import FieldLookupError, InvalidRequestError
from src.domain.families import approximate_tokens
from src.domain.llms import ConfiguredLLM, LLMRegistry
from src.domain.model import (
    Example,
    Field,
    FieldOutcome,
    LookupRequest,
    LookupResult,
    OutcomeStatus,
    TokenUsage,
    Value,
)
from src.domain.ports import ExampleRepository, FieldRepository
from src.domain.prompt import CompletionRequest

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _InFlight:
    """A request whose field calls have been submitted to the pool."""

    llm: ConfiguredLLM
    codes: tuple[str, ...]
    futures: dict[str, Future[FieldOutcome]]
    started: float
    deadline: float


class FieldLookupService:
    """Looks up the values of a product's fields with a named LLM, by a deadline.

    Every field is one call to the model on `executor`, a pool shared by all requests. At
    `timeout_seconds` the result holds what finished; the other fields are `timeout` and
    their calls finish in the background (calls that had not started are cancelled).
    """

    def __init__(
        self,
        llms: LLMRegistry,
        fields: FieldRepository,
        examples: ExampleRepository,
        executor: Executor,
        timeout_seconds: float,
    ) -> None:
        self._llms = llms
        self._fields = fields
        self._examples = examples
        self._executor = executor
        self._timeout_seconds = timeout_seconds

    def lookup(self, request: LookupRequest) -> LookupResult:
        """Blocks until every field is answered or the deadline passes."""
        flight = self._start(request, time.monotonic())
        wait(flight.futures.values(), timeout=seconds_left(flight.deadline))
        return self._collect(flight)

    async def lookup_async(self, request: LookupRequest) -> LookupResult:
        """The same, without blocking the event loop: the database is read on a thread, and
        the model calls are awaited, not joined."""
        flight = await asyncio.to_thread(self._start, request, time.monotonic())
        pending = [asyncio.wrap_future(future) for future in flight.futures.values()]
        if pending:
            await asyncio.wait(pending, timeout=seconds_left(flight.deadline))
        return self._collect(flight)

    def _start(self, request: LookupRequest, started: float) -> _InFlight:
        codes = _validated_codes(request)
        llm = self._llms.get(request.llm)
        deadline = started + self._timeout_seconds
        fields = self._fields.get_many(codes)
        k = llm.chain.examples_wanted
        examples = (
            self._examples.most_similar(
                list(fields), request.description, k, request.exclude_example_context
            )
            if k and fields
            else {}
        )
        futures = {
            code: self._executor.submit(
                self._ask, llm, field, request.description, examples.get(code, []), deadline
            )
            for code, field in fields.items()
        }
        return _InFlight(llm, codes, futures, started, deadline)

    def _collect(self, flight: _InFlight) -> LookupResult:
        waited_ms = (time.monotonic() - flight.started) * 1000
        outcomes = []
        for code in flight.codes:
            future = flight.futures.get(code)
            if future is None:
                outcomes.append(FieldOutcome(code, None, OutcomeStatus.UNKNOWN_FIELD))
            elif future.done() and not future.cancelled():
                outcomes.append(future.result())
            else:
                future.cancel()
                outcomes.append(
                    FieldOutcome(
                        code, None, OutcomeStatus.TIMEOUT, elapsed_ms=waited_ms,
                        error=f"no answer within {self._timeout_seconds:g} s", llm=flight.llm.name,
                    )
                )
        usage = sum((o.usage for o in outcomes if o.usage), TokenUsage())
        return LookupResult(flight.llm.name, tuple(outcomes), waited_ms, usage)

    def _ask(
        self,
        llm: ConfiguredLLM,
        field: Field,
        description: str,
        examples: Sequence[Example],
        deadline: float,
    ) -> FieldOutcome:
        started = time.monotonic()

        def outcome(
            status: OutcomeStatus,
            value: Value = None,
            raw: str | None = None,
            error: str | None = None,
            usage: TokenUsage | None = None,
        ) -> FieldOutcome:
            elapsed_ms = (time.monotonic() - started) * 1000
            return FieldOutcome(field.code, value, status, raw, elapsed_ms, error, usage, llm.name)

        try:
            request = self._completion_request(llm, field, description, examples, deadline)
            completion = llm.connector.complete(request)
        except FieldLookupError as error:
            return outcome(OutcomeStatus.ERROR, error=str(error))
        except Exception as error:  # a defect in one connector must not fail the other fields
            log.exception("lookup of %s with %s failed", field.code, llm.name)
            return outcome(OutcomeStatus.ERROR, error=f"internal error: {type(error).__name__}")
        if time.monotonic() > deadline:
            return outcome(OutcomeStatus.TIMEOUT, raw=completion.text, usage=completion.usage)
        parsed = llm.chain.parse(field, completion.text)
        return outcome(parsed.status, value=parsed.value, raw=completion.text, usage=completion.usage)

    @staticmethod
    def _completion_request(
        llm: ConfiguredLLM,
        field: Field,
        description: str,
        examples: Sequence[Example],
        deadline: float,
    ) -> CompletionRequest:
        def count_tokens(text: str) -> int:
            counted = llm.connector.count_tokens(text)
            return approximate_tokens(text) if counted is None else counted

        prompt = llm.llm.fit(llm.chain.prompt(field, description, examples), count_tokens)
        return CompletionRequest(
            field_code=field.code,
            messages=llm.llm.messages(prompt),
            text=llm.llm.render(prompt),
            answer_schema=llm.chain.answer_schema(field),
            max_tokens=llm.llm.answer_tokens,
            deadline=deadline,
            stop=llm.llm.stop,
        )


def _validated_codes(request: LookupRequest) -> tuple[str, ...]:
    if not request.description.strip():
        raise InvalidRequestError("the description is empty", ("body", "description"))
    codes = tuple(dict.fromkeys(code.strip() for code in request.field_codes if code.strip()))
    if not codes:
        raise InvalidRequestError("no field code was given", ("body", "fields"))
    return codes
