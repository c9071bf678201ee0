"""What each key spends, and its budget and webhook secret, in the database: shared by every
process and machine, added to atomically (one upsert per counter), kept across restarts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from src.adapters.driven.storage.repositories import PeeweeRepository
from src.domain.usage.model import Spend, UsageKey

_ADD = """
INSERT INTO usage_count (owner, job_id, llm, day, calls, prompt_tokens, completion_tokens)
VALUES ({row})
ON CONFLICT (owner, job_id, llm, day) DO UPDATE SET
    calls = usage_count.calls + EXCLUDED.calls,
    prompt_tokens = usage_count.prompt_tokens + EXCLUDED.prompt_tokens,
    completion_tokens = usage_count.completion_tokens + EXCLUDED.completion_tokens
"""
_SET = (
    "INSERT INTO key_account (owner, {column}) VALUES ({p}, {p}) "
    "ON CONFLICT (owner) DO UPDATE SET {column} = EXCLUDED.{column}"
)


class PeeweeUsageStore(PeeweeRepository):
    def add(self, spends: Mapping[UsageKey, Spend]) -> None:
        sql = _ADD.format(row=", ".join([self._database.param] * 7))
        rows = [
            (
                key.owner,
                key.job_id,
                key.llm,
                key.day.isoformat(),
                spend.calls,
                spend.prompt_tokens,
                spend.completion_tokens,
            )
            for key, spend in sorted(
                spends.items(),
                key=lambda item: (item[0].owner, item[0].job_id, item[0].llm, item[0].day),
            )
        ]  # in one order, so that two writers never wait on each other's rows crosswise

        def work() -> None:
            with self._database.atomic():
                for row in rows:
                    self._database.execute_sql(sql, row)

        self._run(work)

    def spent(
        self, owner: str, since: date, job_id: str | None = None
    ) -> dict[tuple[str, date], Spend]:
        p = self._database.param
        sql = (
            "SELECT llm, day, calls, prompt_tokens, completion_tokens FROM usage_count "
            f"WHERE owner = {p} AND day >= {p}"
        )
        params: list[object] = [owner, since.isoformat()]
        if job_id is not None:
            sql += f" AND job_id = {p}"
            params.append(job_id)
        rows = self._run(lambda: self._database.execute_sql(sql, params).fetchall())
        found: dict[tuple[str, date], Spend] = {}
        for llm, day, calls, prompt, completion in rows:
            key = (llm, day if isinstance(day, date) else date.fromisoformat(day))
            found[key] = found.get(key, Spend()) + Spend(calls, prompt, completion)
        return found


class PeeweeKeyAccountStore(PeeweeRepository):
    def set_secret(self, owner: str, secret: str) -> None:
        self._set(owner, "webhook_secret", secret)

    def secret(self, owner: str) -> str | None:
        return self._get(owner, "webhook_secret")

    def set_budget(self, owner: str, monthly_tokens: int | None) -> None:
        self._set(owner, "monthly_tokens", monthly_tokens)

    def budget(self, owner: str) -> int | None:
        found = self._get(owner, "monthly_tokens")
        return None if found is None else int(found)

    def _set(self, owner: str, column: str, value: object) -> None:
        sql = _SET.format(column=column, p=self._database.param)
        self._run(lambda: self._database.execute_sql(sql, [owner, value]))

    def _get(self, owner: str, column: str) -> str | None:
        sql = f"SELECT {column} FROM key_account WHERE owner = {self._database.param}"
        row = self._run(lambda: self._database.execute_sql(sql, [owner]).fetchone())
        return None if row is None else row[0]
