"""Catalogue jobs in the database: every worker, on any machine, reads and writes the same rows.
Every query runs on the store's own database (not the tables' shared proxy), so that two stores
of one process stand for two workers.

A job's products are stored in transactions of about half a second, so that a large catalogue
never holds SQLite's one write lock for long, and taken from the catalogue a few thousand at a
time (a stream is never held whole); the job is queued only once all are stored (if storing
fails, the job is deleted).

A result is written once per (job, product id): the insert of a second delivery does nothing,
and only an insert that did something counts in the job's totals, in the same transaction, so
the counts never drift from the results.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import islice

from peewee import JOIN, fn

from src.adapters.driven.storage.database import is_postgres
from src.adapters.driven.storage.job_records import (
    decoded_result,
    encoded_result,
    job_of,
    job_row,
    product_of,
    product_rows,
)
from src.adapters.driven.storage.job_tables import (
    STATUS_COLUMNS,
    JobProductRow,
    JobResultRow,
    JobRow,
)
from src.adapters.driven.storage.repositories import PeeweeRepository
from src.adapters.driven.storage.tables import naive_utc
from src.domain.jobs.model import Job, JobProduct, JobState, NewJob, ProductResult

_PAGE = 500
_ROWS_PER_INSERT = 150
"""Rows per INSERT: five values each, under SQLite's 999 parameters of older builds."""
_ROWS_HELD = 3000
"""Products taken from the catalogue before they are written: all the store holds of it."""
_WRITE_SECONDS = 0.4
_PAUSE_SECONDS = 0.1
"""Longer than the longest sleep of SQLite's busy handler (100 ms), so that a writer waiting
for the lock while a large catalogue is stored gets it between two of its transactions."""
_COUNT = """
UPDATE job SET {increments},
    state = CASE WHEN state IN ({unfinished}) AND done + failed + 1 >= total
        THEN 'done' ELSE state END,
    finished_at = CASE WHEN state IN ({unfinished}) AND done + failed + 1 >= total
        THEN {p} ELSE finished_at END
WHERE id = {p}
RETURNING state
"""
"""One statement: the counts of a new result, and `done` when it is the last (SET reads the old
values), so only the write that brings done + failed to total sees the job done."""
_UNFINISHED = (JobState.QUEUED.value, JobState.RUNNING.value, JobState.PAUSED.value)


class PeeweeJobStore(PeeweeRepository):
    def create(self, job: NewJob, job_id: str, now: datetime.datetime) -> Job:
        row = job_row(job, job_id, now)
        self._run(lambda: JobRow.insert(row).execute(self._database))
        try:
            total = self._insert_products(product_rows(job, job_id))
            self._run(
                lambda: (
                    JobRow.update(total=total).where(JobRow.id == job_id).execute(self._database)
                )
            )
        except BaseException:
            self._run(lambda: JobRow.delete().where(JobRow.id == job_id).execute(self._database))
            raise
        created = self.get(job_id)
        assert created is not None
        return created

    def _insert_products(self, rows: Iterable[dict[str, object]]) -> int:
        """Writes the rows in transactions of at most about _WRITE_SECONDS each; on SQLite, with
        a pause between them in which the writers waiting for its one write lock get it. Rows
        are taken _ROWS_HELD at a time, outside any transaction (a stream may be slow to give
        them); returns how many were written."""
        stored = 0
        pending = iter(rows)
        while held := list(islice(pending, _ROWS_HELD)):
            written = 0
            while written < len(held):
                if (stored or written) and not is_postgres(self._database):
                    time.sleep(_PAUSE_SECONDS)
                written = self._run(partial(self._insert_from, held, written))
            stored += len(held)
        return stored

    def _insert_from(self, rows: list[dict[str, object]], start: int) -> int:
        """Inserts rows from `start` on in one transaction, until _WRITE_SECONDS have passed;
        returns where it stopped."""
        began = time.monotonic()
        with self._database.atomic():
            while start < len(rows) and time.monotonic() - began < _WRITE_SECONDS:
                batch = rows[start : start + _ROWS_PER_INSERT]
                JobProductRow.insert_many(batch).execute(self._database)
                start += len(batch)
        return start

    def get(self, job_id: str) -> Job | None:
        rows = self._run(
            lambda: list(JobRow.select().where(JobRow.id == job_id).execute(self._database))
        )
        return job_of(rows[0]) if rows else None

    def start(self, job_id: str, now: datetime.datetime) -> None:
        query = JobRow.update(
            state=JobState.RUNNING.value,
            started_at=fn.COALESCE(JobRow.started_at, naive_utc(now)),
        ).where(
            (JobRow.id == job_id) & JobRow.state.in_((JobState.QUEUED.value, JobState.PAUSED.value))
        )
        self._run(lambda: query.execute(self._database))

    def pause(self, job_id: str) -> None:
        query = JobRow.update(state=JobState.PAUSED.value).where(
            (JobRow.id == job_id)
            & JobRow.state.in_((JobState.QUEUED.value, JobState.RUNNING.value))
        )
        self._run(lambda: query.execute(self._database))

    def cancel(self, job_id: str, now: datetime.datetime) -> Job | None:
        query = JobRow.update(state=JobState.CANCELLED.value, finished_at=naive_utc(now)).where(
            (JobRow.id == job_id) & JobRow.state.in_(_UNFINISHED)
        )
        self._run(lambda: query.execute(self._database))
        return self.get(job_id)

    def cancel_owned(self, owner: str, now: datetime.datetime) -> int:
        query = JobRow.update(state=JobState.CANCELLED.value, finished_at=naive_utc(now)).where(
            (JobRow.owner == owner) & JobRow.state.in_(_UNFINISHED)
        )
        return int(self._run(lambda: query.execute(self._database)))

    def pending(self, job_id: str, first: int, last: int) -> list[JobProduct]:
        query = (
            JobProductRow.select(
                JobProductRow.position,
                JobProductRow.product_id,
                JobProductRow.description,
                JobProductRow.fields,
            )
            .join(
                JobResultRow,
                JOIN.LEFT_OUTER,
                on=(
                    (JobResultRow.job == JobProductRow.job)
                    & (JobResultRow.position == JobProductRow.position)
                ),
            )
            .where(
                (JobProductRow.job == job_id)
                & JobProductRow.position.between(first, last)
                & JobResultRow.job.is_null()
            )
            .order_by(JobProductRow.position)
            .tuples()
        )
        return [product_of(*row) for row in self._run(lambda: list(query.execute(self._database)))]

    def record(
        self, job_id: str, outcome: ProductResult, now: datetime.datetime
    ) -> JobState | None:
        param = self._database.param
        insert = (
            f"INSERT INTO job_result (job_id, product_key, position, result, error, created_at) "
            f"VALUES ({', '.join([param] * 6)}) ON CONFLICT DO NOTHING"
        )
        values = [
            job_id,
            outcome.product.key,
            outcome.product.position,
            encoded_result(outcome.result),
            outcome.error,
            naive_utc(now),
        ]
        counts: dict[str, int] = {"done" if outcome.result is not None else "failed": 1}
        statuses = (
            Counter(o.status for o in outcome.result.outcomes) if outcome.result else Counter()
        )
        counts.update({STATUS_COLUMNS[status]: count for status, count in statuses.items()})

        increments = ", ".join(f"{column} = {column} + {int(n)}" for column, n in counts.items())
        count = _COUNT.format(
            increments=increments,
            p=param,
            unfinished=", ".join(f"'{state}'" for state in _UNFINISHED),
        )

        def work() -> JobState | None:
            with self._database.atomic():
                if self._database.execute_sql(insert, values).rowcount != 1:
                    return None  # written already, by an earlier delivery of the chunk
                (state,) = self._database.execute_sql(count, [naive_utc(now), job_id]).fetchone()
                return JobState(state)

        return self._run(work)

    def results(self, job_id: str, after: int = -1) -> Iterator[ProductResult]:
        while True:
            page = self._page(job_id, after)
            for position, product_id, description, fields, result, error in page:
                product = product_of(position, product_id, description, fields)
                yield ProductResult(product, decoded_result(result), error)
            if len(page) < _PAGE:
                return
            after = page[-1][0]

    def _page(
        self, job_id: str, after: int
    ) -> list[tuple[int, str, str, str, str | None, str | None]]:
        query = (
            JobResultRow.select(
                JobResultRow.position,
                JobProductRow.product_id,
                JobProductRow.description,
                JobProductRow.fields,
                JobResultRow.result,
                JobResultRow.error,
            )
            .join(
                JobProductRow,
                on=(
                    (JobProductRow.job == JobResultRow.job)
                    & (JobProductRow.position == JobResultRow.position)
                ),
            )
            .where((JobResultRow.job == job_id) & (JobResultRow.position > after))
            .order_by(JobResultRow.position)
            .limit(_PAGE)
            .tuples()
        )
        return self._run(lambda: list(query.execute(self._database)))
