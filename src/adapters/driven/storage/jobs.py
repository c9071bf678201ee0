"""Catalogue jobs in the database: every worker, on any machine, reads and writes the same rows.
Every query runs on the store's own database (not the tables' shared proxy), so that two stores
of one process stand for two workers.

A result is written once per (job, product id): the insert of a second delivery does nothing,
and only an insert that did something counts in the job's totals, in the same transaction, so
the counts never drift from the results.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Iterator

from peewee import JOIN

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
        row, products = job_row(job, job_id, now), product_rows(job, job_id)

        def work() -> None:
            with self._database.atomic():
                JobRow.insert(row).execute(self._database)
                for start in range(0, len(products), 150):
                    JobProductRow.insert_many(products[start : start + 150]).execute(self._database)

        self._run(work)
        created = self.get(job_id)
        assert created is not None
        return created

    def get(self, job_id: str) -> Job | None:
        rows = self._run(
            lambda: list(JobRow.select().where(JobRow.id == job_id).execute(self._database))
        )
        return job_of(rows[0]) if rows else None

    def start(self, job_id: str, now: datetime.datetime) -> None:
        resumed = (JobRow.id == job_id) & (JobRow.state == JobState.PAUSED.value)
        started = (JobRow.id == job_id) & (JobRow.state == JobState.QUEUED.value)

        def work() -> None:
            JobRow.update(state=JobState.RUNNING.value).where(resumed).execute(self._database)
            JobRow.update(state=JobState.RUNNING.value, started_at=naive_utc(now)).where(
                started
            ).execute(self._database)

        self._run(work)

    def pause(self, job_id: str) -> None:
        query = JobRow.update(state=JobState.PAUSED.value).where(
            (JobRow.id == job_id) & (JobRow.state == JobState.RUNNING.value)
        )
        self._run(lambda: query.execute(self._database))

    def cancel(self, job_id: str, now: datetime.datetime) -> Job | None:
        query = JobRow.update(state=JobState.CANCELLED.value, finished_at=naive_utc(now)).where(
            (JobRow.id == job_id) & JobRow.state.in_(_UNFINISHED)
        )
        self._run(lambda: query.execute(self._database))
        return self.get(job_id)

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
        counts: dict[str, object] = {"done" if outcome.result is not None else "failed": 1}
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

    def results(self, job_id: str) -> Iterator[ProductResult]:
        after = -1
        while True:
            page = self._page(job_id, after)
            for position, product_id, fields, result, error in page:
                product = JobProduct(
                    position, json.loads(product_id), "", tuple(json.loads(fields))
                )
                yield ProductResult(product, decoded_result(result), error)
            if len(page) < _PAGE:
                return
            after = page[-1][0]

    def _page(self, job_id: str, after: int) -> list[tuple[int, str, str, str | None, str | None]]:
        query = (
            JobResultRow.select(
                JobResultRow.position,
                JobProductRow.product_id,
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
