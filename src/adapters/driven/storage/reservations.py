"""Budget reservations in the database. A reservation is one transaction that serializes the
reservations of one key: PostgreSQL locks the key's account row (SELECT … FOR UPDATE); SQLite
writes the hold first, which takes the database's one write lock before anything is read. Then
the budget, the month's spend and the other holds are read, and the hold is kept only when they
leave room."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from peewee import BigIntegerField, CharField, DateTimeField

from src.adapters.driven.storage.database import is_postgres
from src.adapters.driven.storage.repositories import PeeweeRepository
from src.adapters.driven.storage.tables import BaseTable, naive_utc
from src.domain.usage.reservations import Reservation


class BudgetReservationRow(BaseTable):
    id = CharField(primary_key=True, max_length=32)
    owner = CharField(max_length=128, index=True)
    tokens = BigIntegerField()
    expires_at = DateTimeField()

    class Meta:
        table_name = "budget_reservation"


class _Refused(Exception):
    def __init__(self, reservation: Reservation) -> None:
        self.reservation = reservation


class PeeweeReservationStore(PeeweeRepository):
    def reserve(
        self, owner: str, tokens: int, month_start: date, now: datetime, expires: datetime
    ) -> Reservation:
        p = self._database.param
        hold_id = secrets.token_hex(16)
        budget_sql = f"SELECT monthly_tokens FROM key_account WHERE owner = {p}"
        spent_sql = (
            "SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM usage_count "
            f"WHERE owner = {p} AND day >= {p}"
        )
        held_sql = (
            "SELECT COALESCE(SUM(tokens), 0) FROM budget_reservation "
            f"WHERE owner = {p} AND expires_at > {p} AND id <> {p}"
        )
        insert_sql = (
            "INSERT INTO budget_reservation (id, owner, tokens, expires_at) "
            f"VALUES ({p}, {p}, {p}, {p})"
        )
        expired_sql = f"DELETE FROM budget_reservation WHERE owner = {p} AND expires_at <= {p}"
        moment, month = naive_utc(now), month_start.isoformat()

        def work() -> Reservation:
            database = self._database
            with database.atomic():
                if is_postgres(database):
                    database.execute_sql(budget_sql + " FOR UPDATE", [owner])
                database.execute_sql(insert_sql, [hold_id, owner, tokens, naive_utc(expires)])
                row = database.execute_sql(budget_sql, [owner]).fetchone()
                budget = None if row is None or row[0] is None else int(row[0])
                if budget is None:
                    raise _Refused(Reservation(None, None, 0))
                (spent,) = database.execute_sql(spent_sql, [owner, month]).fetchone()
                (held,) = database.execute_sql(held_sql, [owner, moment, hold_id]).fetchone()
                used = int(spent) + int(held)
                if used >= budget:
                    raise _Refused(Reservation(None, budget, used))
                database.execute_sql(expired_sql, [owner, moment])
                return Reservation(hold_id, budget, used)

        try:
            return self._run(work)
        except _Refused as refused:  # the transaction was rolled back: nothing is held
            return refused.reservation

    def release(self, reservation_id: str) -> None:
        query = BudgetReservationRow.delete().where(BudgetReservationRow.id == reservation_id)
        self._run(lambda: query.execute(self._database))
