"""The storage of one container: the database behind DATABASE_URL and every adapter on it.

It is the one object of this package the composition root holds, so peewee's `Database` (and
PostgreSQL's connection pool in it) stays here: each storage has its own, and two containers in
one process never share one."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from limits.storage import Storage
from peewee import Database

from src.adapters.driven.storage.api_keys import PeeweeApiKeyStore
from src.adapters.driven.storage.calibration_maps import PeeweeCalibrationStore
from src.adapters.driven.storage.catalogue_store import PeeweeCatalogueStore
from src.adapters.driven.storage.database import open_database
from src.adapters.driven.storage.example_candidates import PeeweeExampleCandidates
from src.adapters.driven.storage.expired_rows import (
    PeeweeEndedRequestCounts,
    PeeweeExpiredCacheAnswers,
)
from src.adapters.driven.storage.held_fields import HeldFields
from src.adapters.driven.storage.jobs import PeeweeJobStore
from src.adapters.driven.storage.lookup_cache import PeeweeLookupCache
from src.adapters.driven.storage.migrations import apply_migrations, pending_migrations
from src.adapters.driven.storage.rate_limits import counter_storage
from src.adapters.driven.storage.repositories import (
    PeeweeFieldRepository,
    PeeweeHealthProbe,
    PeeweeLabelledValues,
)
from src.adapters.driven.storage.reservations import PeeweeReservationStore
from src.adapters.driven.storage.review_queue import PeeweeQueueStore
from src.adapters.driven.storage.review_thresholds import PeeweeThresholdStore
from src.adapters.driven.storage.reviews import PeeweeReviewStore
from src.adapters.driven.storage.usage import PeeweeKeyAccountStore, PeeweeUsageStore
from src.adapters.driven.storage.webhook_outbox import PeeweeWebhookOutbox
from src.domain.catalogue.ports import CatalogueStore, ExampleRepository, FieldRepository
from src.domain.catalogue.selection import SelectedExamples, SelectionPolicy, TrigramSimilarity
from src.domain.model import Example
from src.domain.purging.purge import ExpiredRows


class PeeweeExamples(SelectedExamples):
    """The examples of the catalogue in the database: few-shot examples chosen by the selection
    policy among the candidates the database's indexes offer, and every labelled value of a
    field (for the known-value rules)."""

    def __init__(self, database: Database, policy: SelectionPolicy) -> None:
        super().__init__(PeeweeExampleCandidates(database), policy)
        self._labelled = PeeweeLabelledValues(database)

    def labelled(self, field_codes: Sequence[str]) -> dict[str, Sequence[Example]]:
        return self._labelled.labelled(field_codes)


class PeeweeStorage:
    """Examples are read from the database at each lookup, the few-shot examples chosen by
    `selection` among a bounded set of candidates its word index offers (`example_postings`):
    nothing of the catalogue is loaded at start. The fields asked are held, checked against the
    catalogue version every `catalogue_refresh_seconds` (at once after a change made here).
    `clock` (monotonic seconds) times those refreshes."""

    def __init__(
        self,
        database_url: str,
        pool_size: int = 20,
        catalogue_refresh_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        selection: SelectionPolicy | None = None,
    ) -> None:
        self.database = open_database(database_url, pool_size)
        self.stored_fields = PeeweeFieldRepository(self.database)
        """The fields as stored this moment (provisioning compares with them)."""
        held = HeldFields(self.stored_fields, self.database, catalogue_refresh_seconds, clock)
        self.fields: FieldRepository = held
        """The fields a lookup reads: held, the catalogue version read again every
        `catalogue_refresh_seconds`."""
        self.examples: ExampleRepository = PeeweeExamples(
            self.database, selection or TrigramSimilarity()
        )
        self.catalogue_store: CatalogueStore = PeeweeCatalogueStore(
            self.database, on_change=held.invalidate
        )
        self.reviews = PeeweeReviewStore(self.database, on_change=held.invalidate)
        self.review_queue = PeeweeQueueStore(self.database)
        self.health = PeeweeHealthProbe(self.database)
        self.api_keys = PeeweeApiKeyStore(self.database)
        self.thresholds = PeeweeThresholdStore(self.database, catalogue_refresh_seconds, clock)
        """The review thresholds, read again every `catalogue_refresh_seconds`."""
        self.calibration = PeeweeCalibrationStore(self.database, catalogue_refresh_seconds, clock)
        """The calibration maps, read again every `catalogue_refresh_seconds`."""
        self.jobs = PeeweeJobStore(self.database)
        self.webhook_outbox = PeeweeWebhookOutbox(self.database)
        self.usage = PeeweeUsageStore(self.database)
        self.key_accounts = PeeweeKeyAccountStore(self.database)
        self.reservations = PeeweeReservationStore(self.database)

    def lookup_cache(self, ttl_seconds: float | None) -> PeeweeLookupCache:
        return PeeweeLookupCache(self.database, ttl_seconds)

    def expired_rows(self, cache_ttl_seconds: float | None) -> list[ExpiredRows]:
        """What the purge deletes: ended rate-limit windows, and cache answers past their TTL."""
        kinds: list[ExpiredRows] = [PeeweeEndedRequestCounts(self.database)]
        if cache_ttl_seconds is not None:
            kinds.append(PeeweeExpiredCacheAnswers(self.database, cache_ttl_seconds))
        return kinds

    def request_counts(self, redis_url: str | None) -> Storage:
        """Where the rate limit counts requests: Redis when `redis_url` is set, else here."""
        return counter_storage(self.database, redis_url)

    def migrate(self) -> list[str]:
        return apply_migrations(self.database)

    def pending_migrations(self) -> list[str]:
        return pending_migrations(self.database)

    def close(self) -> None:
        if not self.database.is_closed():
            self.database.close()
        close_all = getattr(self.database, "close_all", None)
        if close_all:
            close_all()
