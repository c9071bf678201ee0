"""What tests put in place of the adapters the settings choose."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpcore

from src.domain.access.ports import ApiKeyStore
from src.domain.catalogue.ports import CatalogueStore, ExampleRepository, FieldRepository
from src.domain.lookup.ports import LookupCache
from src.domain.trust.ports import CalibrationStore, ThresholdStore


@dataclass(frozen=True, slots=True)
class Overrides:
    """Adapters a test puts in place of the ones the settings choose (None: the settings' own)."""

    fields: FieldRepository | None = None
    """The fields the lookup reads and provisioning compares with."""
    examples: ExampleRepository | None = None
    catalogue_store: CatalogueStore | None = None
    cache: LookupCache | None = None
    """In place of the database's cache (or of none, with LOOKUP_CACHE=off); used as given."""
    api_key_store: ApiKeyStore | None = None
    clock: Callable[[], float] | None = None
    """Monotonic seconds: the backends' cool-downs, the keyless re-checks, the catalogue's
    refresh."""
    thresholds: ThresholdStore | None = None
    """In place of the database's review thresholds."""
    calibration: CalibrationStore | None = None
    """In place of the database's calibration maps."""
    webhook_resolve: Callable[[str, int], Sequence[str]] | None = None
    """In place of the system's resolver, for webhook hosts: a host and port to addresses."""
    webhook_network: httpcore.NetworkBackend | None = None
    """What connects a webhook's socket to an address already checked (the system's sockets)."""
