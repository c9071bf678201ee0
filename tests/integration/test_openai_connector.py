"""OpenAICompatibleConnector against a real OpenAI-compatible server on loopback (llama-cpp-python's
`python -m llama_cpp.server` serving the embedded Gemma file), and its error paths against
`httpx.MockTransport` and a socket that never answers."""

from __future__ import annotations

import json
import math
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest

from config.openai import openai_chat
from config.settings import Settings
from src.connectors.openai_compatible import OpenAICompatibleConnector
from src.connectors.structured_output import StructuredOutput
from src.domain.confidence.answer import value_confidence
from src.domain.errors import PermanentBackendError, TransientBackendError
from src.domain.model import OutcomeStatus, TokenUsage
from src.domain.prompting.families import ChatFormat
from tests.support.lamp_catalogue import CHAIN_OF_THOUGHT, CULOT, PUISSANCE, completion_request

CHAT = ChatFormat()


def local_client(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=base_url, api_key="none", max_retries=0, timeout=openai.Timeout(60, connect=2)
    )


@pytest.mark.model
def test_a_real_server_answers_a_typed_value_with_usage(llama_server: str) -> None:
    connector = OpenAICompatibleConnector(local_client(llama_server), "gemma", "json_object")

    completion = connector.complete(completion_request(CHAT, CULOT))

    parsed = CHAIN_OF_THOUGHT.parse(CULOT, completion.text)
    assert (parsed.status, parsed.value) == (OutcomeStatus.OK, "E27")
    assert completion.usage is not None
    assert completion.usage.prompt_tokens > 100
    assert completion.usage.completion_tokens > 0


@pytest.mark.model
def test_config_openai_wires_a_working_llm(llama_server: str) -> None:
    environ = {
        "OPENAI_BASE_URL": llama_server,
        "OPENAI_MODEL": "gemma",
        "OPENAI_STRUCTURED_OUTPUT": "json_object",
    }
    configured = openai_chat(Settings.from_env(environ))

    completion = configured.connector.complete(
        completion_request(configured.prompt_format, PUISSANCE)
    )

    value = json.loads(completion.text)["value"]
    assert configured.name == "openai"
    assert isinstance(value, int | float) and not isinstance(value, bool)
    assert CHAIN_OF_THOUGHT.parse(PUISSANCE, completion.text).status is OutcomeStatus.OK


# --- The wire, and the error paths, with httpx.MockTransport --------------------------------

Handler = Callable[[httpx.Request], httpx.Response]


def mocked(
    handler: Handler, structured_output: StructuredOutput = "json_schema"
) -> OpenAICompatibleConnector:
    client = openai.OpenAI(
        base_url="http://backend.test/v1",
        api_key="key",
        max_retries=0,
        # openai 3 is typed for httpx2 clients and still takes an httpx one (as openai 1 does).
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),  # type: ignore[arg-type]
    )
    return OpenAICompatibleConnector(client, "model-x", structured_output)


def chat_completion(content: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "c1",
            "object": "chat.completion",
            "created": 0,
            "model": "model-x",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ],
            "usage": {"prompt_tokens": 321, "completion_tokens": 7, "total_tokens": 328},
        },
    )


def recording(responses: list[httpx.Response]) -> tuple[Handler, list[dict[str, Any]]]:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return responses.pop(0)

    return handler, bodies


def test_sends_chat_messages_and_a_strict_json_schema() -> None:
    handler, bodies = recording([chat_completion('{"value": "E27"}')])

    completion = mocked(handler).complete(completion_request(CHAT, CULOT))

    assert completion.text == '{"value": "E27"}'
    assert completion.usage == TokenUsage(321, 7)
    sent = bodies[0]
    assert [m["role"] for m in sent["messages"]] == ["system", *["user", "assistant"] * 3, "user"]
    assert sent["temperature"] == 0 and sent["max_tokens"] == CHAT.answer_tokens
    response_format = sent["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    value = response_format["json_schema"]["schema"]["properties"]["value"]
    assert value == {"enum": [*CULOT.options, None], "type": ["null", "string"]}


def test_vllm_gets_every_answer_of_a_select_as_a_choice() -> None:
    handler, bodies = recording([chat_completion('{"value": "E27"}')])

    mocked(handler, "vllm").complete(completion_request(CHAT, CULOT))

    choices = bodies[0]["structured_outputs"]["choice"]
    assert '{"value": "E27"}' in choices and '{"value": null}' in choices
    assert len(choices) == len(CULOT.options) + 1
    assert "response_format" not in bodies[0]


def test_a_server_refusing_structured_output_is_asked_without_it_from_then_on() -> None:
    refusal = httpx.Response(400, json={"error": {"message": "response_format is not supported"}})
    handler, bodies = recording(
        [refusal, chat_completion('{"value": 40}'), chat_completion('{"value": "E27"}')]
    )
    connector = mocked(handler)

    first = connector.complete(completion_request(CHAT, PUISSANCE))
    second = connector.complete(completion_request(CHAT, CULOT))

    assert (first.text, second.text) == ('{"value": 40}', '{"value": "E27"}')
    assert ["response_format" in body for body in bodies] == [True, False, False]


def test_a_bad_request_that_is_not_about_structured_output_stays_permanent() -> None:
    too_long = httpx.Response(400, json={"error": {"message": "context length exceeded"}})
    handler, bodies = recording([too_long, too_long])

    with pytest.raises(PermanentBackendError, match="400"):
        mocked(handler).complete(completion_request(CHAT, CULOT))
    assert len(bodies) == 2


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [({"Retry-After": "7"}, 7.0), ({"retry-after-ms": "1500"}, 1.5), ({}, None)],
)
def test_429_is_transient_with_the_server_s_retry_after(
    headers: dict[str, str], retry_after: float | None
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers=headers, json={"error": {"message": "slow down"}})

    with pytest.raises(TransientBackendError) as raised:
        mocked(handler).complete(completion_request(CHAT, CULOT))
    assert raised.value.retry_after == retry_after
    assert isinstance(raised.value.__cause__, openai.RateLimitError)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, TransientBackendError),
        (503, TransientBackendError),
        (401, PermanentBackendError),
        (403, PermanentBackendError),
        (404, PermanentBackendError),
    ],
)
def test_status_codes_map_to_transient_or_permanent(status: int, error: type[Exception]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"error": {"message": f"status {status}"}})

    with pytest.raises(error, match=str(status)):
        mocked(handler, "none").complete(completion_request(CHAT, CULOT))


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(
            200, content=b'{"id": "c1", "choices": [', headers={"content-type": "application/json"}
        ),
        httpx.Response(200, content=b"<html>gateway</html>", headers={"content-type": "text/html"}),
        httpx.Response(200, json={"unexpected": True}),
    ],
    ids=["truncated-json", "html", "not-a-chat-completion"],
)
def test_a_malformed_body_is_transient(response: httpx.Response) -> None:
    with pytest.raises(TransientBackendError, match="malformed|not a chat completion"):
        mocked(lambda request: response).complete(completion_request(CHAT, CULOT))


def test_a_transport_timeout_is_transient() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    with pytest.raises(TransientBackendError) as raised:
        mocked(handler).complete(completion_request(CHAT, CULOT))
    assert isinstance(raised.value.__cause__, openai.APITimeoutError)


def test_a_server_that_never_answers_is_given_up_at_the_deadline() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        accepted: list[socket.socket] = []
        threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
        # The client would wait 60 s to read; the deadline, 1 s away, cuts it.
        connector = OpenAICompatibleConnector(
            local_client(f"http://127.0.0.1:{listener.getsockname()[1]}/v1"), "model-x"
        )
        started = time.monotonic()

        with pytest.raises(TransientBackendError):
            connector.complete(completion_request(CHAT, CULOT, deadline_s=1.0))

        assert time.monotonic() - started < 3.0
        assert accepted  # the request reached the server, which never replied
        for connection in accepted:
            connection.close()


def test_a_past_deadline_sends_nothing() -> None:
    handler, bodies = recording([chat_completion('{"value": "E27"}')])

    with pytest.raises(TransientBackendError, match="deadline"):
        mocked(handler).complete(completion_request(CHAT, CULOT, deadline_s=-1))
    assert bodies == []


def test_asked_logprobs_give_each_token_its_probability() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        response = chat_completion('{"value": "E27"}')
        body = json.loads(response.content)
        body["choices"][0]["logprobs"] = {
            "content": [
                {"token": '{"value": ', "logprob": 0.0, "bytes": None, "top_logprobs": []},
                {"token": '"E27"', "logprob": math.log(0.8), "bytes": None, "top_logprobs": []},
                {"token": "}", "logprob": math.log(0.9), "bytes": None, "top_logprobs": []},
            ]
        }
        return httpx.Response(200, json=body)

    client = openai.OpenAI(
        base_url="http://backend.test/v1",
        api_key="key",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )  # type: ignore[arg-type]
    connector = OpenAICompatibleConnector(client, "model-x", logprobs=True)

    completion = connector.complete(completion_request(CHAT, CULOT))

    assert seen[0]["logprobs"] is True
    assert value_confidence(completion.tokens, completion.text) == pytest.approx(
        0.8
    )  # the value's token only


def test_without_logprobs_there_is_no_confidence() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return chat_completion('{"value": "E27"}')

    completion = mocked(handler).complete(completion_request(CHAT, CULOT))

    assert "logprobs" not in seen[0]
    assert (
        completion.tokens is None and value_confidence(completion.tokens, completion.text) is None
    )
