"""The enrichment use case: every product of a catalogue is one lookup (the API's own path), its
result written as soon as it is known, so a run stopped in any way loses at most the products
in flight, and the next run does only what is left.

The policy: an unknown LLM fails before any work; products already in the output are skipped;
a product whose lookup fails as a whole (the backend, not a field) is not written, so the next
run retries it; a lost database stops the run; fields answered `timeout` or `error` are written
like any others.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from src.domain.access.roles import DEFAULT_TENANT
from src.domain.enrichment.ports import EnrichedProduct, EnrichedProducts, ProductToEnrich
from src.domain.errors import FieldLookupError, StorageUnavailableError
from src.domain.lookup.batch import BatchLookup
from src.domain.model import LookupRequest, LookupResult, OutcomeStatus
from src.domain.review.lookup_results import QueueChoice, values_to_review
from src.domain.review.queue import ReviewQueue


@dataclass(slots=True)
class EnrichmentTally:
    """What a run has done so far."""

    skipped: int
    done: int = 0
    failed: int = 0
    fields: Counter[OutcomeStatus] = field(default_factory=Counter)
    to_review: int = 0
    """Values a person should check (see FieldOutcome.review)."""
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed_seconds(self) -> float:
        return time.monotonic() - self.started


@dataclass(slots=True)
class EnrichmentRun:
    """One run: the products left to do, each one's lookup, and what becomes of its result.
    `on_failure` hears of each product that failed (it is not written), and why."""

    todo: Iterable[ProductToEnrich]
    """The products to look up: a list, or a stream read as room frees up (see `stream`)."""
    tally: EnrichmentTally
    look_up: Callable[[ProductToEnrich], LookupResult]
    output: EnrichedProducts
    on_failure: Callable[[ProductToEnrich, str], None]
    for_review: Callable[[ProductToEnrich, LookupResult], None] = lambda product, result: None
    """Sends a written product's values to the review queue, as the plan chose."""

    def settle(self, product: ProductToEnrich, lookup: Future[LookupResult]) -> None:
        """Writes a finished product, or counts it failed; a lost database stops the run."""
        try:
            result = lookup.result()
        except StorageUnavailableError:
            raise
        except FieldLookupError as error:
            self._failed(product, str(error))
        except Exception as error:  # one product's defect must not stop the catalogue
            self._failed(product, f"internal error: {type(error).__name__}: {error}")
        else:
            self.output.write(EnrichedProduct(product.id, result))
            self.for_review(product, result)
            self.tally.done += 1
            self.tally.fields.update(outcome.status for outcome in result.outcomes)
            self.tally.to_review += sum(
                bool(o.review) for o in result.outcomes if o.value is not None
            )

    def _failed(self, product: ProductToEnrich, reason: str) -> None:
        self.tally.failed += 1
        self.on_failure(product, reason)


@dataclass(frozen=True, slots=True)
class EnrichmentPlan:
    """A catalogue checked before any work: its LLM exists, and these are its field codes."""

    products: Iterable[ProductToEnrich]
    """A list, or a stream read once by the run (see `stream`)."""
    codes: list[str]
    """Every field code asked, in the order first asked."""
    unknown_fields: list[str]
    """The codes no field has: they answer unknown_field."""
    look_up: Callable[[ProductToEnrich], LookupResult]
    for_review: Callable[[ProductToEnrich, LookupResult], None] = lambda product, result: None

    def start(
        self, output: EnrichedProducts, on_failure: Callable[[ProductToEnrich, str], None]
    ) -> EnrichmentRun:
        """A run into `output`: the products it holds already are skipped, all counted in
        `tally.skipped` before the run starts."""
        products = list(self.products)
        todo = [product for product in products if product.key not in output.done]
        return EnrichmentRun(
            todo=todo,
            tally=EnrichmentTally(skipped=len(products) - len(todo)),
            look_up=self.look_up,
            output=output,
            on_failure=on_failure,
            for_review=self.for_review,
        )

    def stream(
        self, output: EnrichedProducts, on_failure: Callable[[ProductToEnrich, str], None]
    ) -> EnrichmentRun:
        """A run into `output` that reads the products only as it looks them up, so that they
        are never all held at once: those `output` holds already are skipped (and counted in
        `tally.skipped`) as they come."""
        tally = EnrichmentTally(skipped=0)

        def todo() -> Iterator[ProductToEnrich]:
            for product in self.products:
                if product.key in output.done:
                    tally.skipped += 1
                else:
                    yield product

        return EnrichmentRun(
            todo=todo(),
            tally=tally,
            look_up=self.look_up,
            output=output,
            on_failure=on_failure,
            for_review=self.for_review,
        )


@dataclass(frozen=True, slots=True)
class Enrichment:
    """Plans runs of catalogues through the lookup service, each product within the batch's
    deadline."""

    lookup: BatchLookup
    review_queue: ReviewQueue | None = None

    def plan(
        self,
        products: Iterable[ProductToEnrich],
        llm: str | None,
        review: QueueChoice = QueueChoice.FLAGGED,
        timeout_seconds: float | None = None,
        review_tenant: str = DEFAULT_TENANT,
        asked: Sequence[str] | None = None,
    ) -> EnrichmentPlan:
        """UnknownLLMError at once for an unknown `llm`, before any output is touched. `review`
        says which values of each product written go to the review queue of `review_tenant`;
        each product has `timeout_seconds`, by default the batch's. `asked`, the codes the
        products may ask, spares reading `products` here: a stream is then read once, by the
        run (`EnrichmentPlan.stream`)."""
        self.lookup.llms.get(llm)
        known = self.lookup.known_fields(
            asked if asked is not None else (c for product in products for c in product.fields)
        )

        def look_up(product: ProductToEnrich) -> LookupResult:
            return self.lookup.lookup(
                LookupRequest(product.description, product.fields, llm), timeout_seconds
            )

        def for_review(product: ProductToEnrich, result: LookupResult) -> None:
            if self.review_queue is not None:
                self.review_queue.add(
                    values_to_review(product.key, product.description, result, review),
                    review_tenant,
                )

        return EnrichmentPlan(products, known.codes, known.unknown, look_up, for_review)
