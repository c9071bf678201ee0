"""The Akeneo REST API client: a token for the API user (refreshed when Akeneo answers 401),
requests retried as `RetryPolicy` says, list endpoints followed through their `_links.next`,
and the collection PATCH with its per-line statuses.

It takes its `httpx.Client` (its `base_url` the PIM's address) in the constructor: tests hand it
a client of a loopback stand-in. Links that leave the PIM's address are refused before any
request, so the token never goes anywhere else.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from src.adapters.driven.akeneo.errors import AkeneoAuthenticationError, AkeneoError
from src.adapters.driven.akeneo.retries import Retryable, RetryPolicy, retryable

TOKEN_PATH = "/api/oauth/v1/token"
COLLECTION_TYPE = "application/vnd.akeneo.collection+json"


@dataclass(frozen=True, slots=True)
class AkeneoCredentials:
    """A connection's client id and secret, and its API user."""

    client_id: str
    secret: str
    username: str
    password: str

    def __repr__(self) -> str:
        return f"AkeneoCredentials(client_id={self.client_id!r}, username={self.username!r})"


@dataclass(frozen=True, slots=True)
class LineStatus:
    """Akeneo's answer to one line of a collection PATCH (`line` counts from 1)."""

    line: int
    key: str
    status_code: int
    message: str | None = None

    @property
    def refused(self) -> bool:
        return self.status_code >= 400


class AkeneoClient:
    """Requests to one PIM as one API user."""

    def __init__(
        self, http: httpx.Client, credentials: AkeneoCredentials, retry: RetryPolicy | None = None
    ) -> None:
        self._http = http
        self._credentials = credentials
        self._retry = retry or RetryPolicy()
        self._lock = threading.Lock()
        self._access_token: str | None = None
        self._refresh_token: str | None = None
        self.requests = 0
        """Requests sent, token requests and retries included."""

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """The JSON body of a GET."""
        return self._json(self._send("GET", path, params=params))

    def items(self, path: str, params: Mapping[str, str] | None = None) -> Iterator[Any]:
        """Every item of a paginated list, page after page by `_links.next`."""
        url: str | None = path
        page_params = params
        while url is not None:
            page = self._json(self._send("GET", url, params=page_params))
            yield from page.get("_embedded", {}).get("items", [])
            url = page.get("_links", {}).get("next", {}).get("href")
            page_params = None  # the next link carries them

    def patch_collection(
        self, path: str, resources: Sequence[Mapping[str, Any]]
    ) -> list[LineStatus]:
        """Sends `resources` as one collection PATCH (one JSON per line) and reads the status of
        every line; the key of a line is its `uuid`, `identifier` or `code`."""
        body = "\n".join(json.dumps(resource, ensure_ascii=False) for resource in resources)
        response = self._send(
            "PATCH",
            path,
            content=body.encode("utf-8"),
            headers={"Content-Type": COLLECTION_TYPE},
        )
        statuses = []
        for text in response.text.splitlines():
            if not text.strip():
                continue
            try:
                line = json.loads(text)
                statuses.append(
                    LineStatus(
                        int(line["line"]),
                        str(line.get("uuid") or line.get("identifier") or line.get("code") or ""),
                        int(line.get("status_code") or line.get("code") or 0),
                        line.get("message"),
                    )
                )
            except (ValueError, KeyError, TypeError) as error:
                raise AkeneoError(
                    f"Akeneo answered a PATCH line that is not a status: {error}"
                ) from None
        return statuses

    def _send(self, method: str, url: str, **request: Any) -> httpx.Response:
        self._check_address(url)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            return self._retry.delay(error, state.attempt_number)

        retrying = Retrying(
            retry=retry_if_exception_type(Retryable),
            stop=stop_after_attempt(self._retry.attempts),
            wait=wait,
            reraise=True,
        )
        try:
            return retrying(self._authorised, method, url, **request)
        except Retryable as error:
            raise AkeneoError(
                f"Akeneo kept answering {error} to {method} {_path(url)} "
                f"({self._retry.attempts} attempts)"
            ) from None

    def _authorised(self, method: str, url: str, **request: Any) -> httpx.Response:
        """One attempt, with a fresh token if Akeneo says the one sent has expired."""
        token = self._token()
        response = self._attempt(method, url, token, **request)
        if response.status_code == 401:
            self._renew(token)
            response = self._attempt(method, url, self._token(), **request)
        if response.status_code >= 400:
            problem = retryable(response)
            if problem is not None:
                raise problem
            raise AkeneoError(
                f"Akeneo answered {response.status_code} to {method} {_path(url)}: "
                f"{_message(response)}"
            )
        return response

    def _attempt(self, method: str, url: str, token: str, **request: Any) -> httpx.Response:
        headers = {**request.pop("headers", {}), "Authorization": f"Bearer {token}"}
        self.requests += 1
        try:
            return self._http.request(method, url, headers=headers, **request)
        except httpx.TransportError as error:
            raise Retryable(type(error).__name__) from error

    def _token(self) -> str:
        with self._lock:
            if self._access_token is None:
                self._grant(
                    {
                        "grant_type": "password",
                        "username": self._credentials.username,
                        "password": self._credentials.password,
                    }
                )
            assert self._access_token is not None
            return self._access_token

    def _renew(self, expired: str) -> None:
        """A new token in place of `expired` (unless another thread renewed it already): by the
        refresh token, else by the password."""
        with self._lock:
            if self._access_token != expired:
                return
            if self._refresh_token is not None:
                try:
                    self._grant(
                        {"grant_type": "refresh_token", "refresh_token": self._refresh_token}
                    )
                    return
                except AkeneoAuthenticationError:
                    pass
            self._grant(
                {
                    "grant_type": "password",
                    "username": self._credentials.username,
                    "password": self._credentials.password,
                }
            )

    def _grant(self, body: dict[str, str]) -> None:
        self.requests += 1
        try:
            response = self._http.post(
                TOKEN_PATH,
                json=body,
                auth=(self._credentials.client_id, self._credentials.secret),
            )
        except httpx.TransportError as error:
            raise Retryable(type(error).__name__) from error
        problem = retryable(response)
        if problem is not None:
            raise problem
        if response.status_code in (400, 401, 403, 422):
            raise AkeneoAuthenticationError(
                f"Akeneo refused the {body['grant_type']} grant: {_message(response)}"
            )
        if response.status_code >= 400:
            raise AkeneoError(f"Akeneo answered {response.status_code} to the token request")
        tokens = self._json(response)
        self._access_token = str(tokens["access_token"])
        self._refresh_token = tokens.get("refresh_token")

    def _check_address(self, url: str) -> None:
        target = httpx.URL(url)
        if not target.is_relative_url and (target.scheme, target.host, target.port) != (
            self._http.base_url.scheme,
            self._http.base_url.host,
            self._http.base_url.port,
        ):
            raise AkeneoError(f"Akeneo linked to another address ({target.host}); not followed")

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise AkeneoError(
                f"Akeneo answered something that is not JSON to {_path(str(response.url))}"
            ) from None


def _path(url: str) -> str:
    return httpx.URL(url).path


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "no message"
    if isinstance(body, Mapping):
        return str(body.get("message") or body.get("error_description") or body)
    return str(body)
