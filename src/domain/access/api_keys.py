"""API keys: who may call the API.

A key reads `flk_<id>_<secret>`. Only its id and a SHA-256 hash of its secret are stored, and the
full key is shown once, when it is made. The secret holds 256 random bits, so a fast hash is
enough (a slow password hash would only slow every request down); the hashes are compared in
constant time. From the first key made on, every call needs a valid key: revoking every key does
not open the API again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from datetime import datetime

from src.domain.access.ports import ApiKey, ApiKeyStore
from src.domain.access.roles import DEFAULT_TENANT, Role, checked_tenant
from src.domain.errors import AuthenticationError, InvalidRequestError
from src.domain.model.clock import utc_now
from src.domain.model.recent import Recent

KEY_PREFIX = "flk"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KEY = re.compile(rf"^{KEY_PREFIX}_(?P<key_id>[0-9a-f]{{12}})_(?P<secret>[A-Za-z0-9_-]{{20,100}})$")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiKeys:
    """Makes, lists, revokes and checks the API keys kept in `store`. A presented key is read
    from the store at every check, so a key revoked by another process counts at once.

    While no key exists the API is open, and asking the store on every request whether that is
    still so would cost more than the rest of the check: the answer is kept for
    `open_recheck_seconds`, so the first key made by another process (the CLI) closes the API
    within that time; one made here closes it at once. Keys are never deleted, so once a key
    exists the answer is kept for good."""

    def __init__(
        self,
        store: ApiKeyStore,
        now: Callable[[], datetime] = utc_now,
        open_recheck_seconds: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._now = now
        self._keys_exist = False
        self._any_key = Recent(store.any, open_recheck_seconds, monotonic)

    def create(self, name: str, role: Role = Role.LOOKUP, tenant: str = DEFAULT_TENANT) -> str:
        """Stores a new key named `name`, of `role` in `tenant`, and returns it in full: the
        only time it is shown."""
        if not _NAME.match(name):
            raise InvalidRequestError(
                f"a key name is 1 to 64 letters, digits, '.', '_' or '-', not {name!r}", ("name",)
            )
        checked_tenant(tenant)
        if self._store.named(name) is not None:
            raise InvalidRequestError(f"a key named {name!r} already exists", ("name",))
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        self._store.add(
            ApiKey(name, key_id, hash_secret(secret), self._now(), role=role, tenant=tenant)
        )
        self._keys_exist = True
        return f"{KEY_PREFIX}_{key_id}_{secret}"

    def list(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        return self._store.list_all()

    def revoke(self, name: str) -> ApiKey:
        """Revokes the key named `name` (again is harmless) and returns it."""
        revoked = self._store.revoke(name, self._now())
        if revoked is None:
            raise InvalidRequestError(f"no key named {name!r}", ("name",))
        return revoked

    def set_role(self, name: str, role: Role) -> ApiKey:
        """Gives the key named `name` the role `role`; it counts at the key's next request."""
        changed = self._store.set_role(name, role)
        if changed is None:
            raise InvalidRequestError(f"no key named {name!r}", ("name",))
        return changed

    def named(self, name: str) -> ApiKey | None:
        """The key named `name`, revoked or not."""
        return self._store.named(name)

    def authenticate(self, presented: str | None) -> ApiKey | None:
        """The valid key `presented`, or None while no key has ever been made.

        Raises AuthenticationError when keys exist and `presented` is missing, wrong or revoked.
        """
        match = _KEY.match(presented.strip()) if presented else None
        stored = self._store.find(match["key_id"]) if match else None
        if (
            stored is not None
            and match is not None
            and hmac.compare_digest(stored.secret_hash, hash_secret(match["secret"]))
        ):
            if stored.active:
                return stored
            raise AuthenticationError("this API key has been revoked")
        if not self._keys_made():
            return None
        if presented is None:
            raise AuthenticationError("an API key is needed: send 'Authorization: Bearer KEY'")
        raise AuthenticationError("this API key is not valid")

    def known_open(self) -> bool:
        """True when no key existed at the last look, which is recent enough to go by: a request
        without a key may then be let in without reading the store."""
        return not self._keys_exist and self._any_key.known(False)

    def _keys_made(self) -> bool:
        if not self._keys_exist:
            self._keys_exist = self._any_key.get()
        return self._keys_exist
