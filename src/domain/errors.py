"""The errors of the lookup service, as one small tree.

    FieldLookupError                 base of everything the service raises on purpose
    ├── InvalidRequestError          the caller asked for something that cannot be served
    │   └── UnknownLLMError          no LLM of that name is configured
    ├── DataFileError                a provisioning file is malformed (file, record, reason)
    ├── StorageUnavailableError      the database cannot be reached
    ├── PromptTooLongError           the description alone exceeds the model's context
    ├── AuthenticationError          no API key where one is needed, or a wrong or revoked one
    ├── ForbiddenError               the key's role does not allow what it asked
    ├── NotFoundError                no such thing for this caller (another tenant's: not found)
    ├── RateLimitedError             the caller sent more requests than its limit allows
    │   └── BudgetExceededError      the key has spent its monthly token budget
    ├── JobNotFoundError             no catalogue job of that id belongs to the caller
    ├── ConfigurationError           the service is configured in a way that cannot work
    │   ├── SettingsError            an environment variable (DATABASE_URL…) holds a bad value
    │   └── ConfigModuleError        CONFIG_MODULE cannot be imported or declares no LLMs
    ├── DeadlinePassedError          no answer could come by the deadline (the model was busy):
    │                                a timeout
    └── BackendError                 a model backend failed
        ├── TransientBackendError    worth retrying: 429, 5xx, reset connection, timeout
        ├── PermanentBackendError    not worth retrying: bad credentials, bad request, no model
        └── BackendCoolingDownError  not called: it failed too often lately, it is left to rest

Adapters catch their library's errors and raise one of these `from` it, so the edges (HTTP, CLI)
map one table of domain errors to status and exit codes.
"""

from __future__ import annotations


class FieldLookupError(Exception):
    """Base of the service's own errors."""


class InvalidRequestError(FieldLookupError):
    """The request names something that cannot be served; `location` says which part."""

    def __init__(self, message: str, location: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.location = location


class UnknownLLMError(InvalidRequestError):
    def __init__(self, name: str, configured: list[str]) -> None:
        super().__init__(
            f"unknown LLM {name!r}; configured LLMs: {', '.join(configured)}", ("body", "llm")
        )
        self.name = name
        self.configured = configured


class DataFileError(FieldLookupError):
    """A provisioning file cannot be read; names the file, the record and the reason."""

    def __init__(self, path: str, record: str | None, reason: str) -> None:
        where = f"{path}, {record}" if record else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.record = record
        self.reason = reason


class StorageUnavailableError(FieldLookupError):
    """The database does not answer."""


class DeadlinePassedError(FieldLookupError):
    """The answer could not come before the request's deadline: a local model was busy with other
    work until then, or was stopped at it. The field is a `timeout`; the backend is not at fault,
    so this is neither retried nor counted toward a cool-down."""


class BackendError(FieldLookupError):
    """A model backend failed to answer."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientBackendError(BackendError):
    """A failure that may pass: rate limit, server error, reset connection, timeout."""


class PermanentBackendError(BackendError):
    """A failure that retrying will not mend: credentials, malformed request, missing model."""


class PromptTooLongError(FieldLookupError):
    """The instructions and the description alone exceed the model's context."""


class BackendCoolingDownError(BackendError):
    """The backend failed too many times in a row and is not called until its cool-down ends."""


class AuthenticationError(FieldLookupError):
    """The request carries no API key where one is needed, or a wrong or revoked one."""


class ForbiddenError(FieldLookupError):
    """The key is valid but its role does not allow the request; the message names the role
    needed."""


class NotFoundError(FieldLookupError):
    """Nothing of that id is there for the caller: what belongs to another tenant is not found
    either, so that its existence does not leak."""


class RateLimitedError(FieldLookupError):
    """The caller is over its request rate; `retry_after` says in how many seconds to retry."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConfigurationError(FieldLookupError):
    """The service is configured in a way that cannot work (a setting, the CONFIG_MODULE, an
    optional extra that is not installed): fix the configuration, not the request."""


class SettingsError(ConfigurationError):
    """An environment variable holds a value that cannot be used, or one needed is not set."""


class ConfigModuleError(ConfigurationError):
    """CONFIG_MODULE cannot be imported or does not declare LLMS and DEFAULT_LLM."""


class JobNotFoundError(FieldLookupError):
    """No catalogue job of this id belongs to the caller (another key's job is not found either)."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"no job {job_id!r}")
        self.job_id = job_id


class BudgetExceededError(RateLimitedError):
    """The key has spent its monthly token budget; the message says the budget and when it
    renews."""
