"""A lookup request under way, between its start and its answer."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field

from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import Field, FieldOutcome
from src.domain.trust.annotate import with_trust


@dataclass(slots=True)
class InFlight:
    """A request under way: outcomes known at once (unknown fields, cache hits), and the
    model calls submitted to the pool."""

    llm: ConfiguredLLM
    codes: tuple[str, ...]
    started: float
    deadline: float
    ready: dict[str, FieldOutcome] = field(default_factory=dict)
    futures: dict[str, Future[FieldOutcome]] = field(default_factory=dict)
    cache_keys: dict[str, str] = field(default_factory=dict)
    description: str = ""
    fields: dict[str, Field] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    locate: bool = True
    """Whether values are located in the text (see `LookupRequest.evidence`)."""

    def trusted(self, outcome: FieldOutcome) -> FieldOutcome:
        """The outcome with its evidence and review flag (see `with_trust`)."""
        code = outcome.field_code
        return with_trust(
            outcome,
            self.fields.get(code),
            self.description,
            self.thresholds.get(code),
            self.locate,
        )
