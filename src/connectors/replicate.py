"""Models hosted on Replicate, through its predictions API and the `replicate` library.

A prediction is created with `Prefer: wait`, so a quick model answers in that one request; a
slower one is polled until its output is ready or the deadline passes, and then cancelled.

Two limits of the `replicate` library: `wait` is whole seconds, at least 1, so a call with less
than a second left may end up to ~1.5 s late; and its transport retries a poll (GET) answered
429/503/504 by itself, sleeping as Retry-After says. The lookup stops waiting at the deadline
anyway; only this worker thread is held.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Mapping
from typing import Any

import httpx
from replicate.client import Client
from replicate.exceptions import ReplicateError
from replicate.prediction import Prediction

from src.domain.errors import BackendError, PermanentBackendError, TransientBackendError
from src.domain.lookup.deadline import seconds_left
from src.domain.model import TokenUsage
from src.domain.prompting.prompt import Completion, CompletionRequest

_TRANSIENT_STATUSES = frozenset({408, 409, 425, 429})
_FINISHED = frozenset({"succeeded", "failed", "canceled"})
_MAX_WAIT_S = 60  # the longest `Prefer: wait` Replicate honours
_POLL_INTERVAL_S = 0.5


class ReplicateConnector:
    """Runs `model` ("owner/name" or "owner/name:version") on the raw-text prompt.

    The prompt is sent as it is (`prompt_template` "{prompt}"), since the family's format is
    already applied; `input_defaults` adds or overrides model inputs (e.g. "temperature").
    """

    def __init__(
        self,
        client: Client,
        model: str,
        input_defaults: Mapping[str, Any] | None = None,
    ) -> None:
        self._client = client
        self._model, _, self._version = model.partition(":")
        self._input_defaults = dict(input_defaults or {})

    def complete(self, request: CompletionRequest) -> Completion:
        try:
            prediction = self._create(request)
            while prediction.status not in _FINISHED and seconds_left(request.deadline) > 0:
                time.sleep(min(_POLL_INTERVAL_S, seconds_left(request.deadline)))
                prediction.reload()
        except ReplicateError as error:
            raise _status_error(error, self._model) from error
        except httpx.HTTPError as error:
            raise TransientBackendError(f"{self._model} could not be reached: {error}") from error
        except ValueError as error:  # not JSON, or not a prediction (pydantic's errors included)
            raise TransientBackendError(
                f"{self._model} answered malformed JSON: {error}"
            ) from error
        if prediction.status not in _FINISHED:
            self._cancel(prediction)
            raise TransientBackendError(
                f"{self._model} did not finish {request.field_code} in time"
            )
        if prediction.status != "succeeded":
            raise TransientBackendError(
                f"{self._model} prediction {prediction.id} {prediction.status}: {prediction.error}"
            )
        return Completion(text=_text(prediction.output), usage=_usage(prediction.metrics))

    def count_tokens(self, text: str) -> int | None:
        return None

    def _create(self, request: CompletionRequest) -> Prediction:
        left = seconds_left(request.deadline)
        if left <= 0:
            raise TransientBackendError(f"the deadline of {request.field_code} has passed")
        # Replicate holds the request open for `wait` whole seconds (1 to 60).
        wait = max(1, min(_MAX_WAIT_S, math.floor(left)))
        model_input = {
            # The tokenizer adds the BOS itself: a leading "<s>" in the text would be a second one.
            "prompt": request.text.removeprefix("<s>"),
            "prompt_template": "{prompt}",
            "max_new_tokens": request.max_tokens,
            "temperature": 0.01,
            **({"stop_sequences": ",".join(request.stop)} if request.stop else {}),
            **self._input_defaults,
        }
        if self._version:
            return self._client.predictions.create(
                version=self._version, input=model_input, wait=wait
            )
        return self._client.models.predictions.create(
            model=self._model, input=model_input, wait=wait
        )

    def _cancel(self, prediction: Prediction) -> None:
        """Stops paying for an answer nobody waits for any more; failing to is no news."""
        with contextlib.suppress(ReplicateError, httpx.HTTPError, ValueError):
            prediction.cancel()


def _text(output: object) -> str:
    """Language models answer a list of tokens (a plain string from some)."""
    if output is None:
        return ""
    if isinstance(output, str):
        return output
    if isinstance(output, list):
        return "".join(str(token) for token in output)
    return str(output)


def _usage(metrics: Mapping[str, Any] | None) -> TokenUsage | None:
    prompt = (metrics or {}).get("input_token_count")
    completion = (metrics or {}).get("output_token_count")
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    return TokenUsage(prompt, completion)


def _status_error(error: ReplicateError, model: str) -> BackendError:
    status = error.status
    message = f"{model} answered {status}: {error.detail or error.title or 'no detail'}"
    if status is None or status >= 500 or status in _TRANSIENT_STATUSES:
        return TransientBackendError(message)
    return PermanentBackendError(message)
