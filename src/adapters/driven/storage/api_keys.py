"""The API keys in the database, so that every worker process sees a new or revoked key at once."""

from __future__ import annotations

import datetime

from peewee import CharField, DateTimeField, IntegrityError

from src.adapters.driven.storage.repositories import PeeweeRepository
from src.adapters.driven.storage.tables import BaseTable, aware_utc, naive_utc
from src.domain.access.ports import ApiKey
from src.domain.access.roles import DEFAULT_TENANT, Role
from src.domain.errors import InvalidRequestError


class ApiKeyRow(BaseTable):
    key_id = CharField(primary_key=True, max_length=16)
    name = CharField(max_length=64, unique=True)
    secret_hash = CharField(max_length=64)
    """sha256 of the key's secret; the secret itself is never stored."""
    created_at = DateTimeField()
    revoked_at = DateTimeField(null=True)
    role = CharField(max_length=16, default=Role.LOOKUP.value)
    tenant = CharField(max_length=64, default=DEFAULT_TENANT)

    class Meta:
        table_name = "api_key"


class PeeweeApiKeyStore(PeeweeRepository):
    def add(self, key: ApiKey) -> None:
        row = {
            "key_id": key.key_id,
            "name": key.name,
            "secret_hash": key.secret_hash,
            "created_at": naive_utc(key.created_at),
            "revoked_at": None,
            "role": key.role.value,
            "tenant": key.tenant,
        }
        try:
            self._run(lambda: ApiKeyRow.insert(row).execute(self._database))
        except IntegrityError as error:
            raise InvalidRequestError(
                f"a key named {key.name!r} already exists", ("name",)
            ) from error

    def find(self, key_id: str) -> ApiKey | None:
        return self._first(ApiKeyRow.key_id == key_id)

    def named(self, name: str) -> ApiKey | None:
        return self._first(ApiKeyRow.name == name)

    def list_all(self) -> list[ApiKey]:
        query = ApiKeyRow.select().order_by(ApiKeyRow.created_at, ApiKeyRow.name)
        return [_key(row) for row in self._run(lambda: list(query.execute(self._database)))]

    def revoke(self, name: str, when: datetime.datetime) -> ApiKey | None:
        def work() -> None:
            ApiKeyRow.update(revoked_at=naive_utc(when)).where(
                (ApiKeyRow.name == name) & ApiKeyRow.revoked_at.is_null()
            ).execute(self._database)

        self._run(work)
        return self.named(name)

    def set_role(self, name: str, role: Role) -> ApiKey | None:
        self._run(
            lambda: (
                ApiKeyRow.update(role=role.value)
                .where(ApiKeyRow.name == name)
                .execute(self._database)
            )
        )
        return self.named(name)

    def any(self) -> bool:
        return self._run(lambda: ApiKeyRow.select().exists(self._database))

    def _first(self, condition: object) -> ApiKey | None:
        rows = self._run(
            lambda: list(ApiKeyRow.select().where(condition).limit(1).execute(self._database))
        )
        return _key(rows[0]) if rows else None


def _key(row: ApiKeyRow) -> ApiKey:
    created = aware_utc(row.created_at)
    assert created is not None
    return ApiKey(
        row.name,
        row.key_id,
        row.secret_hash,
        created,
        aware_utc(row.revoked_at),
        Role(row.role),
        row.tenant,
    )
