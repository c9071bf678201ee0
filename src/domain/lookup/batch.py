"""The lookup as batch work runs it (`enrich`, `evaluate`, the jobs' workers): each product
within its own deadline, BATCH_QUERY_TIMEOUT, its turn at the model included."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from src.domain.catalogue.known_fields import KnownFields, known_fields
from src.domain.lookup.llms import LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import LookupRequest, LookupResult


@dataclass(frozen=True, slots=True)
class BatchLookup:
    """`service`'s lookups, one product at a time, each within `timeout_seconds` (the
    service's own deadline, meant for an API caller, when None)."""

    service: FieldLookupService
    timeout_seconds: float | None = None

    @property
    def llms(self) -> LLMRegistry:
        return self.service.llms

    def lookup(self, request: LookupRequest, timeout_seconds: float | None = None) -> LookupResult:
        """One product's lookup within `timeout_seconds`, by default the batch's."""
        return self.service.lookup(request, timeout_seconds or self.timeout_seconds)

    def known_fields(self, codes: Iterable[str]) -> KnownFields:
        """Which of the field codes the batch asks (repeats allowed) the catalogue knows."""
        return known_fields(self.service.fields, codes)
