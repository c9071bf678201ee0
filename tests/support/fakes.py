"""Hand-written fakes of the domain's ports, shared by the unit tests: they hold what they are
given and record what they are asked, and never reach a database or a model."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from src.domain.access.ports import ApiKey
from src.domain.access.roles import Role
from src.domain.lookup.cache import CachedAnswer
from src.domain.model import Example, Field, TokenUsage
from src.domain.prompting.prompt import Completion, CompletionRequest
from src.domain.trust.ports import FieldThreshold

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
        return Completion(script.answer, script.usage)

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
