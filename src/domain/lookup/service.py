"""The lookup use case: one product description, several fields, one model call per field,
all in parallel on a shared pool, answered by a deadline with whatever has finished."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from concurrent.futures import Executor, Future, wait
from functools import partial

from src.domain.catalogue.ports import Catalogue, FieldRepository
from src.domain.errors import InvalidRequestError
from src.domain.lookup.cache import NoCache, cache_key
from src.domain.lookup.deadline import seconds_left
from src.domain.lookup.escalation import escalating, escalation_target, second_opinion
from src.domain.lookup.fallbacks import ask_with_fallbacks, fallback_chain
from src.domain.lookup.fan_out import submit_calls
from src.domain.lookup.known_value_rules import KnownValueRules
from src.domain.lookup.limits import RequestLimits
from src.domain.lookup.llms import LLMRegistry
from src.domain.lookup.one_field_per_value import one_field_per_value, shared_values
from src.domain.lookup.ongoing_lookup import OngoingLookup
from src.domain.lookup.ports import LookupCache, LookupObserver
from src.domain.lookup.question import AskField, ProductQuestion
from src.domain.lookup.shared_prefix_calls import Escalation
from src.domain.lookup.single_flight import SingleFlight, shared_field_calls
from src.domain.lookup.waiting import wait_all
from src.domain.model import FieldOutcome, LookupRequest, LookupResult, OutcomeStatus
from src.domain.trust.ports import CalibrationStore, NoCalibration, NoThresholds, ThresholdStore


class FieldLookupService:
    """Looks up the values of a product's fields with a named LLM, by a deadline, in the fields
    and examples of `catalogue`.

    Every field is one call to the model on `executor`, a pool shared by all requests. At
    `timeout_seconds` the result holds what finished; the other fields are `timeout` and
    their calls finish in the background (calls that had not started are cancelled).
    Answers already given for the same text, field, LLM and strategy come from `cache`, and
    new answers go to it (a cache that writes behind, so `put_many` must not block); with
    `single_flight`, a question asked again while it is under way waits for the same call.
    Confidences are reported through the LLM's map in `calibration` (the review flag compares
    them so); the cache keeps them raw.
    """

    def __init__(
        self,
        llms: LLMRegistry,
        catalogue: Catalogue,
        executor: Executor,
        timeout_seconds: float,
        cache: LookupCache | None = None,
        observer: LookupObserver | None = None,
        limits: RequestLimits | None = None,
        thresholds: ThresholdStore | None = None,
        single_flight: SingleFlight[FieldOutcome] | None = None,
        calibration: CalibrationStore | None = None,
        answering: str = "",
    ) -> None:
        self._llms = llms
        self._catalogue = catalogue
        self._executor = executor
        self._timeout_seconds = timeout_seconds
        self._cache = cache or NoCache()
        self._observer = observer
        self._limits = limits or RequestLimits()
        self._thresholds = thresholds or NoThresholds()
        self._calibration = calibration or NoCalibration()
        self._single_flight = single_flight
        self._answering = answering
        """The version of the code that makes answers: part of the cache keys (`cache_key`)."""
        self._keyed = (
            cache is not None and not isinstance(cache, NoCache) or single_flight is not None
        )
        """Whether answers need their cache keys: a cache or single flight reads them."""
        self._known = KnownValueRules(catalogue.labelled)

    @property
    def llms(self) -> LLMRegistry:
        """The LLMs a request may name."""
        return self._llms

    @property
    def fields(self) -> FieldRepository:
        return self._catalogue.fields

    def lookup(self, request: LookupRequest, timeout_seconds: float | None = None) -> LookupResult:
        """Blocks until every field is answered or the deadline passes, `timeout_seconds` after
        the start: by default the service's, meant for an API caller; batch work gives its own."""
        ongoing = self._start(request, time.monotonic(), timeout_seconds or self._timeout_seconds)
        wait(ongoing.futures.values(), timeout=seconds_left(ongoing.deadline))
        return self._finish(ongoing)

    async def lookup_async(self, request: LookupRequest) -> LookupResult:
        """The same, without blocking the event loop: the database is read on the pool, and
        the model calls are awaited, not joined."""
        ongoing = await self._start_on_pool(request)
        await wait_all(list(ongoing.futures.values()), seconds_left(ongoing.deadline))
        return self._finish(ongoing)

    async def stream(self, request: LookupRequest) -> AsyncIterator[FieldOutcome | LookupResult]:
        """Each field's outcome as soon as it is known, then the whole result."""
        ongoing = await self._start_on_pool(request)
        told: set[str] = set()
        for outcome in ongoing.ready.values():
            if ongoing.held(outcome):
                continue
            told.add(outcome.field_code)
            yield ongoing.trusted(outcome)
        pending = {asyncio.wrap_future(future): code for code, future in ongoing.futures.items()}
        while pending:
            done, _ = await asyncio.wait(
                pending, timeout=seconds_left(ongoing.deadline), return_when=asyncio.FIRST_COMPLETED
            )
            if not done:
                break
            for finished in done:
                del pending[finished]
                if not finished.cancelled():
                    outcome = finished.result()
                    if ongoing.held(outcome):
                        continue
                    told.add(outcome.field_code)
                    yield ongoing.trusted(outcome)
        result = self._finish(ongoing)
        for outcome in result.outcomes:
            if outcome.field_code not in told:  # timeouts, and the values held to the end
                yield outcome
        yield result

    async def _start_on_pool(self, request: LookupRequest) -> OngoingLookup:
        """`_start` on the lookup pool, whose threads are busy already, rather than waking one
        of asyncio's (under load, the wake-ups cost more than the reads). When the pool is so
        busy that the start has not finished by the deadline, every field is a timeout."""
        started = time.monotonic()
        deadline = started + self._timeout_seconds
        begun = self._executor.submit(self._start, request, started, self._timeout_seconds)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(begun), seconds_left(deadline))
        except TimeoutError:
            begun.cancel()
            llm = self._llms.get(request.llm)
            return OngoingLookup(llm, _validated_codes(request), started, deadline)

    def _start(
        self, request: LookupRequest, started: float, timeout_seconds: float
    ) -> OngoingLookup:
        self._limits.check(request)
        codes = _validated_codes(request)
        llm = self._llms.get(request.llm)
        chain = fallback_chain(self._llms, llm)
        fields = self._catalogue.fields.get_many(codes)
        ongoing = OngoingLookup(
            llm,
            codes,
            started,
            started + timeout_seconds,
            description=request.description,
            exclude=request.exclude_example_context,
            fields=fields,
            thresholds=self._thresholds.thresholds(llm.name, list(fields)),
            trust=request.trust,
            calibration=self._calibration.calibration(llm.name),
        )
        for code in codes:
            if code not in fields:
                ongoing.ready[code] = FieldOutcome(code, None, OutcomeStatus.UNKNOWN_FIELD)
        if self._keyed:
            selection = self._catalogue.selection.identity
            ongoing.cache_keys = {
                code: cache_key(llm, f, request.description, selection, self._answering)
                for code, f in fields.items()
            }
        hits = self._cache.get_many(list(ongoing.cache_keys.values())) if self._keyed else {}
        to_ask = {}
        for code, field in fields.items():
            hit = hits.get(ongoing.cache_keys[code]) if hits else None
            if hit is None:
                to_ask[code] = field
            else:
                ongoing.ready[code] = hit.outcome(code, llm.name)
        ask: AskField = partial(ask_with_fallbacks, chain)
        escalation: Escalation | None = None
        if (target := escalation_target(self._llms, llm)) is not None:
            raw = ongoing.raw_thresholds()
            ask = escalating(ask, target, raw)
            escalation = Escalation(second_opinion(target, raw), raw)
        after = partial(ask_with_fallbacks, chain[1:]) if len(chain) > 1 else None

        def start(codes: list[str]) -> dict[str, Future[FieldOutcome]]:
            k, asked = (
                llm.chain_of_thought.examples_per_field,
                {code: to_ask[code] for code in codes},
            )
            examples = (
                self._catalogue.examples.most_similar(
                    codes,
                    request.description,
                    k,
                    request.exclude_example_context,
                    {code: field.revision for code, field in asked.items()},
                )
                if k and codes
                else {}
            )
            question = ProductQuestion(llm, asked, request.description, examples, ongoing.deadline)
            known = self._known.of(llm, asked, request.exclude_example_context)
            return submit_calls(self._executor, question, ask, after, known, escalation)

        ongoing.futures = shared_field_calls(
            self._single_flight, llm, ongoing.cache_keys, list(to_ask), request, start
        )
        return ongoing

    def _finish(self, ongoing: OngoingLookup) -> LookupResult:
        answered = ongoing.answered()
        result = ongoing.result(self._one_field_per_value(ongoing, answered))
        fresh = ongoing.answers_to_keep(answered)  # each field's own answer
        if fresh:
            self._cache.put_many(fresh)
        if self._observer is not None:
            self._observer.lookup_finished(result)
        return result

    def _one_field_per_value(
        self, ongoing: OngoingLookup, answered: list[FieldOutcome]
    ) -> list[FieldOutcome]:
        """`answered`, a value the model gave several text fields kept where it suits best,
        for an LLM with a pre-pass (`one_field_per_value.py`)."""
        if not ongoing.weighs_shared_values or not shared_values(answered, ongoing.text_codes):
            return answered
        labels = self._known.labels(ongoing.llm, sorted(ongoing.text_codes), ongoing.exclude)
        return one_field_per_value(answered, ongoing.text_codes, labels)


def _validated_codes(request: LookupRequest) -> tuple[str, ...]:
    if not request.description.strip():
        raise InvalidRequestError("the description is empty", ("body", "description"))
    codes = tuple(dict.fromkeys(code.strip() for code in request.field_codes if code.strip()))
    if not codes:
        raise InvalidRequestError("no field code was given", ("body", "fields"))
    return codes
