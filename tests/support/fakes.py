"""Hand-written fakes of the domain's ports, shared by the unit tests: they hold what they are
given and record what they are asked, and never reach a database or a model."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from src.domain.access.ports import ApiKey
from src.domain.access.roles import Role
from src.domain.errors import StorageUnavailableError
from src.domain.jobs.model import Job, JobProduct, JobState, NewJob, ProductResult
from src.domain.lookup.cache import CachedAnswer
from src.domain.model import Example, Field, TokenUsage
from src.domain.prompting.prompt import Completion, CompletionRequest
from src.domain.trust.ports import FieldThreshold
from src.domain.usage.ports import KeyAccountStore, UsageStore
from src.domain.usage.reservations import Reservation

NO_VALUE = '{"value": null}'


class FakeFieldRepository:
    def __init__(self, fields: Sequence[Field]) -> None:
        self._fields = {field.code: field for field in fields}

    def get_many(self, codes: Sequence[str]) -> dict[str, Field]:
        return {code: self._fields[code] for code in codes if code in self._fields}

    def get(self, code: str) -> Field | None:
        return self._fields.get(code)

    def list_all(self) -> list[Field]:
        return sorted(self._fields.values(), key=lambda field: field.code)


class FakeExampleRepository:
    """Holds examples in similarity order; records every (codes, description, k) it was asked."""

    def __init__(self, examples: Sequence[Example] = ()) -> None:
        self._examples = list(examples)
        self.asked: list[tuple[tuple[str, ...], str, int]] = []

    def most_similar(
        self,
        field_codes: Sequence[str],
        description: str,
        k: int,
        exclude_context: str | None = None,
        revisions: Mapping[str, int] | None = None,
    ) -> dict[str, list[Example]]:
        self.asked.append((tuple(field_codes), description, k))
        return {
            code: [example for example in self._examples if example.field_code == code][:k]
            for code in field_codes
        }

    def labelled(self, field_codes: Sequence[str]) -> dict[str, Sequence[Example]]:
        found = {
            code: tuple(example for example in self._examples if example.field_code == code)
            for code in field_codes
        }
        return {code: examples for code, examples in found.items() if examples}


@dataclass
class Script:
    """How the fake model answers one field."""

    answer: str = NO_VALUE
    delay: float = 0.0
    error: Exception | None = None
    block_on: threading.Event | None = None
    rendezvous: threading.Barrier | None = None
    usage: TokenUsage | None = None
    answer_probability: float | None = None
    """The answer's probability as a whole, which becomes its confidence."""


class FakeConnector:
    """Answers each field as its script says (`default` for the fields without one); keeps the
    requests it received and the calls that returned."""

    def __init__(
        self, scripts: dict[str, Script] | None = None, default: Script | None = None
    ) -> None:
        self.scripts = scripts or {}
        self.default = default or Script()
        self.requests: list[CompletionRequest] = []
        self.returned: list[str] = []
        self._lock = threading.Lock()

    def complete(self, request: CompletionRequest) -> Completion:
        with self._lock:
            self.requests.append(request)
        script = self.scripts.get(request.field_code, self.default)
        if script.block_on is not None:
            script.block_on.wait(timeout=5)
        if script.rendezvous is not None:
            script.rendezvous.wait(timeout=5)
        if script.delay:
            time.sleep(script.delay)
        with self._lock:
            self.returned.append(request.field_code)
        if script.error is not None:
            raise script.error
        return Completion(script.answer, script.usage, answer_probability=script.answer_probability)

    def count_tokens(self, text: str) -> int | None:
        return None

    def requests_for(self, code: str) -> list[CompletionRequest]:
        with self._lock:
            return [request for request in self.requests if request.field_code == code]

    def wait_returned(self, code: str, within: float = 5.0) -> bool:
        end = time.monotonic() + within
        while time.monotonic() < end:
            with self._lock:
                if code in self.returned:
                    return True
            time.sleep(0.01)
        return False


class FakeApiKeyStore:
    def __init__(self) -> None:
        self.keys: dict[str, ApiKey] = {}

    def add(self, key: ApiKey) -> None:
        self.keys[key.key_id] = key

    def find(self, key_id: str) -> ApiKey | None:
        return self.keys.get(key_id)

    def named(self, name: str) -> ApiKey | None:
        return next((key for key in self.keys.values() if key.name == name), None)

    def list_all(self) -> list[ApiKey]:
        return sorted(self.keys.values(), key=lambda key: key.created_at)

    def revoke(self, name: str, when: datetime) -> ApiKey | None:
        key = self.named(name)
        if key is None:
            return None
        if key.revoked_at is None:
            key = self.keys[key.key_id] = replace(key, revoked_at=when)
        return key

    def set_role(self, name: str, role: Role) -> ApiKey | None:
        key = self.named(name)
        if key is None:
            return None
        key = self.keys[key.key_id] = replace(key, role=role)
        return key

    def any(self) -> bool:
        return bool(self.keys)


class FakeCache:
    """A lookup cache in a dict, written at once; counts the keys it was asked."""

    def __init__(self) -> None:
        self.stored: dict[str, CachedAnswer] = {}
        self.asked: list[str] = []
        self._lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, CachedAnswer]:
        with self._lock:
            self.asked.extend(keys)
            return {key: self.stored[key] for key in keys if key in self.stored}

    def put_many(self, answers: dict[str, CachedAnswer]) -> None:
        with self._lock:
            self.stored.update(answers)


class FakeThresholdStore:
    """Review thresholds by LLM and field code, in memory; records what was saved."""

    def __init__(self, known: dict[str, dict[str, float]] | None = None) -> None:
        self.known = known or {}
        self.saved: list[FieldThreshold] = []

    def thresholds(self, llm: str, field_codes: Sequence[str]) -> dict[str, float]:
        of_llm = self.known.get(llm, {})
        return {code: of_llm[code] for code in field_codes if code in of_llm}

    def save(self, thresholds: Sequence[FieldThreshold]) -> None:
        self.saved += thresholds
        for t in thresholds:
            self.known.setdefault(t.llm, {})[t.field_code] = t.threshold


class FakeJobStore:
    """Jobs, products and results in dicts, with the store's promises: one result per product
    whatever the writes, and `done` only for the write that finishes the job. The lookup results
    of the product keys in `refused` are refused (as a row the database cannot hold), their
    failures are written; with `unavailable`, a write raises as a database that is away."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self.products: dict[str, tuple[JobProduct, ...]] = {}
        self.written: dict[str, dict[str, ProductResult]] = {}
        self.refused: set[str] = set()
        self.unavailable = False
        self._lock = threading.Lock()

    def create(self, job: NewJob, job_id: str, now: datetime) -> Job:
        self.products[job_id], self.written[job_id] = job.products, {}
        self.jobs[job_id] = Job(
            job_id,
            job.owner,
            JobState.QUEUED,
            len(job.products),
            job.codes,
            job.output_format,
            job.llm,
            job.webhook_url,
            now,
        )
        return self.jobs[job_id]

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def start(self, job_id: str, now: datetime) -> None:
        job = self.jobs[job_id]
        if job.state in (JobState.QUEUED, JobState.PAUSED):
            self.jobs[job_id] = replace(
                job, state=JobState.RUNNING, started_at=job.started_at or now
            )

    def pause(self, job_id: str) -> None:
        job = self.jobs[job_id]
        if job.state in (JobState.QUEUED, JobState.RUNNING):
            self.jobs[job_id] = replace(job, state=JobState.PAUSED)

    def cancel(self, job_id: str, now: datetime) -> Job | None:
        job = self.jobs.get(job_id)
        if job is not None and not job.state.finished:
            job = self.jobs[job_id] = replace(job, state=JobState.CANCELLED, finished_at=now)
        return job

    def cancel_owned(self, owner: str, now: datetime) -> int:
        owned = [j.id for j in self.jobs.values() if j.owner == owner and not j.state.finished]
        for job_id in owned:
            self.cancel(job_id, now)
        return len(owned)

    def pending(self, job_id: str, first: int, last: int) -> list[JobProduct]:
        written = self.written[job_id]
        return [
            product
            for product in self.products[job_id]
            if first <= product.position <= last and product.key not in written
        ]

    def record(self, job_id: str, outcome: ProductResult, now: datetime) -> JobState | None:
        if self.unavailable:
            raise StorageUnavailableError("the database does not answer")
        if outcome.result is not None and outcome.product.key in self.refused:
            raise ValueError("a value the column cannot hold")
        with self._lock:
            written = self.written[job_id]
            if outcome.product.key in written:
                return None
            written[outcome.product.key] = outcome
            job = self.jobs[job_id]
            fields = dict(job.fields)
            for field_outcome in outcome.result.outcomes if outcome.result else ():
                fields[field_outcome.status] = fields.get(field_outcome.status, 0) + 1
            found = outcome.result is not None
            job = replace(
                job, done=job.done + found, failed=job.failed + (not found), fields=fields
            )
            if not job.state.finished and job.done + job.failed >= job.total:
                job = replace(job, state=JobState.DONE, finished_at=now)
            self.jobs[job_id] = job
            return job.state

    def results(self, job_id: str) -> Iterator[ProductResult]:
        return iter(sorted(self.written[job_id].values(), key=lambda r: r.product.position))


class FakeReservationStore:
    """Holds in a dict, against the budgets of `accounts` and the spend written to `usage`: a
    hold is refused when what was spent and what others hold reach the budget."""

    def __init__(self, accounts: KeyAccountStore, usage: UsageStore) -> None:
        self._accounts, self._usage = accounts, usage
        self._ids = itertools.count(1)
        self.held: dict[str, tuple[str, int]] = {}
        """Each hold's owner and tokens, by its id."""

    def reserve(
        self, owner: str, tokens: int, month_start: date, now: datetime, expires: datetime
    ) -> Reservation:
        budget = self._accounts.budget(owner)
        if budget is None:
            return Reservation(None, None, 0)
        spent = sum(spend.tokens for spend in self._usage.spent(owner, month_start).values())
        used = spent + sum(n for holder, n in self.held.values() if holder == owner)
        if used >= budget:
            return Reservation(None, budget, used)
        hold = f"hold-{next(self._ids)}"
        self.held[hold] = (owner, tokens)
        return Reservation(hold, budget, used)

    def release(self, reservation_id: str) -> None:
        self.held.pop(reservation_id, None)
