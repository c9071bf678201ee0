"""Counting every model call for the account it is made for.

The account travels with the work in a context variable: set by the edge (the API key of a
request, the job a worker runs) and copied to the pool's threads with each model call (see
ContextCopyingExecutor), so a connector wrapped in MeteredConnector, inside the retries, charges
every attempt to the right account. Counts gather in memory and reach the store in one write
at most every `flush_seconds` (and whenever `flush` is called), so that a lookup does not write
once per field; that write runs on a thread of its own, so that the model call whose charge
made it due neither waits for the database nor fails with it."""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any, TypeVar

from src.domain.model.clock import utc_today
from src.domain.prompting.ports import Connector
from src.domain.prompting.prompt import Completion, CompletionRequest
from src.domain.prompting.shared_prefix.ports import turn_of
from src.domain.usage.model import Account, Spend, UsageKey
from src.domain.usage.ports import UsageStore

T = TypeVar("T")
log = logging.getLogger(__name__)

charged_to: contextvars.ContextVar[Account | None] = contextvars.ContextVar(
    "charged_to", default=None
)


@contextmanager
def charging(account: Account) -> Iterator[None]:
    """Model calls made within (on this thread, and on the pool for it) are charged to `account`."""
    token = charged_to.set(account)
    try:
        yield
    finally:
        charged_to.reset(token)


class UsageMeter:
    """Adds up spends per counter and writes them to `store`, one write for many calls."""

    def __init__(
        self, store: UsageStore, flush_seconds: float = 1.0, today: Callable[[], date] = utc_today
    ) -> None:
        self._store = store
        self._flush_seconds = flush_seconds
        self._today = today
        self._unsaved: dict[UsageKey, Spend] = {}
        self._charged: deque[tuple[UsageKey, Spend]] = deque()
        """Charges not added up yet: appended without a lock (a deque's append is atomic),
        added up under the lock when read or written."""
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        """Held by a write: one at a time, so that `flush` returns after any write under way."""
        self._writing_behind = False
        self._flushed_at = time.monotonic()

    def charge(self, llm: str, spend: Spend) -> None:
        """Counts `spend` for the current account (nothing when there is none)."""
        account = charged_to.get()
        if account is None:
            return
        self._charged.append((UsageKey(account.owner, account.job_id, llm, self._today()), spend))
        if time.monotonic() - self._flushed_at >= self._flush_seconds:
            self._flush_behind()

    def unsaved(self, owner: str) -> Spend:
        """What this process has counted for `owner` and not written yet."""
        with self._lock:
            self._add_up()
            return sum(
                (spend for key, spend in self._unsaved.items() if key.owner == owner), Spend()
            )

    def flush(self) -> None:
        """Writes what was counted, after any write under way; on failure it is kept for the
        next write."""
        with self._writing:
            with self._lock:
                self._add_up()
                spends, self._unsaved = self._unsaved, {}
                self._flushed_at = time.monotonic()
            if not spends:
                return
            try:
                self._store.add(spends)
            except Exception:
                with self._lock:
                    for key, spend in spends.items():
                        self._unsaved[key] = self._unsaved.get(key, Spend()) + spend
                raise

    def _flush_behind(self) -> None:
        """`flush` on a thread of its own, unless one is under way already."""
        with self._lock:
            if self._writing_behind:
                return
            self._writing_behind = True
        threading.Thread(target=self._write_behind, name="usage-meter", daemon=True).start()

    def _write_behind(self) -> None:
        try:
            self.flush()
        except Exception as error:  # kept for the next write; the error may not be the store's
            log.warning("usage counts not written yet: %s", type(error).__name__)
        finally:
            with self._lock:
                self._writing_behind = False

    def _add_up(self) -> None:
        """Adds the charges made since into the unsaved counts; under the lock."""
        while self._charged:  # others append meanwhile; only the lock's holder takes
            key, spend = self._charged.popleft()
            self._unsaved[key] = self._unsaved.get(key, Spend()) + spend


class MeteredConnector:
    """Wraps a connector: each call is charged to the current account, its tokens when it
    answered, the call alone when it failed (a failed attempt is still a call)."""

    def __init__(self, inner: Connector, llm: str, meter: UsageMeter) -> None:
        self._inner = inner
        self._llm = llm
        self._meter = meter

    @property
    def inner(self) -> Connector:
        return self._inner

    def complete(self, request: CompletionRequest) -> Completion:
        try:
            completion = self._inner.complete(request)
        except Exception:
            self._meter.charge(self._llm, Spend(calls=1))
            raise
        usage = completion.usage
        self._meter.charge(
            self._llm,
            Spend(1, usage.prompt_tokens if usage else 0, usage.completion_tokens if usage else 0),
        )
        return completion

    def count_tokens(self, text: str) -> int | None:
        return self._inner.count_tokens(text)

    def turn(self, deadline: float) -> AbstractContextManager[None]:
        """The wrapped connector's turn, for one product's calls (see TakesTurns)."""
        return turn_of(self._inner, deadline)


class ContextCopyingExecutor(Executor):
    """Runs each task on `inner` in a copy of the submitter's context, so the account set at the
    edge reaches the pool's threads."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        context = contextvars.copy_context()
        return self._inner.submit(context.run, fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)
