"""ReplicateConnector, and config.replicate, against a loopback stand-in of Replicate's API."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest
import replicate

from config.replicate import llama2
from config.settings import Settings
from src.connectors.replicate import ReplicateConnector
from src.domain.errors import PermanentBackendError, TransientBackendError
from src.domain.model import OutcomeStatus, TokenUsage
from src.domain.prompting.families import Llama2Format
from tests.support.lamp_catalogue import CHAIN_OF_THOUGHT, CULOT, completion_request
from tests.support.replicate_stand_in import ReplicateStandIn, Script

LLAMA2 = Llama2Format(context_tokens=4096)


@pytest.fixture
def stand_in() -> Iterator[ReplicateStandIn]:
    server = ReplicateStandIn().start()
    yield server
    server.stop()


def connector(
    stand_in: ReplicateStandIn, model: str = "meta/llama-2-7b-chat"
) -> ReplicateConnector:
    client = replicate.Client(
        api_token="r8_test", base_url=stand_in.base_url, timeout=httpx.Timeout(10, connect=2)
    )
    return ReplicateConnector(client, model)


def test_answers_from_the_token_list_with_usage(stand_in: ReplicateStandIn) -> None:
    request = completion_request(LLAMA2, CULOT)

    completion = connector(stand_in).complete(request)

    parsed = CHAIN_OF_THOUGHT.parse(CULOT, completion.text)
    assert (parsed.status, parsed.value) == (OutcomeStatus.OK, "E27")
    assert completion.usage == TokenUsage(412, 9)
    [created] = stand_in.creations()
    assert created.path == "/v1/models/meta/llama-2-7b-chat/predictions"
    assert created.headers["Authorization"] == "Bearer r8_test"
    assert created.headers["Prefer"].startswith("wait=")


def test_sends_the_llama2_prompt_as_it_is(stand_in: ReplicateStandIn) -> None:
    request = completion_request(LLAMA2, CULOT)

    connector(stand_in).complete(request)

    body = stand_in.creations()[0].body
    assert body is not None
    sent = body["input"]
    assert request.text.startswith("<s>[INST] <<SYS>>\n")
    assert sent["prompt"] == request.text.removeprefix("<s>")  # the BOS is the tokenizer's to add
    assert sent["prompt"].endswith(
        'Lampe incandescente forme Standard 60X103 12V 40W E27\n""" [/INST]'
    )
    assert sent["prompt"].count("[INST]") == 4  # three shots and the question
    assert sent["prompt_template"] == "{prompt}"
    assert sent["max_new_tokens"] == LLAMA2.answer_tokens
    assert sent["stop_sequences"] == "</s>,[INST]"


def test_a_pinned_version_is_created_through_the_versions_endpoint(
    stand_in: ReplicateStandIn,
) -> None:
    connector(stand_in, "meta/llama-2-7b-chat:8e6975e5").complete(completion_request(LLAMA2, CULOT))

    [created] = stand_in.creations()
    assert created.path == "/v1/predictions"
    assert created.body is not None and created.body["version"] == "8e6975e5"


def test_a_slow_prediction_is_polled_until_it_succeeds(stand_in: ReplicateStandIn) -> None:
    stand_in.script = Script(polls_before_done=2)

    completion = connector(stand_in).complete(completion_request(LLAMA2, CULOT, deadline_s=10))

    assert CHAIN_OF_THOUGHT.parse(CULOT, completion.text).value == "E27"
    assert [r.method for r in stand_in.received] == ["POST", "GET", "GET"]


def test_a_prediction_unfinished_at_the_deadline_is_cancelled(stand_in: ReplicateStandIn) -> None:
    stand_in.script = Script(polls_before_done=-1)
    started = time.monotonic()

    with pytest.raises(TransientBackendError, match="in time"):
        connector(stand_in).complete(completion_request(LLAMA2, CULOT, deadline_s=1.5))

    assert time.monotonic() - started < 4.0
    assert stand_in.received[-1].path.endswith("/cancel")


def test_a_failed_prediction_is_transient(stand_in: ReplicateStandIn) -> None:
    stand_in.script = Script(final_status="failed")

    with pytest.raises(TransientBackendError, match="CUDA out of memory"):
        connector(stand_in).complete(completion_request(LLAMA2, CULOT))


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, TransientBackendError),
        (500, TransientBackendError),
        (503, TransientBackendError),
        (401, PermanentBackendError),
        (404, PermanentBackendError),
        (422, PermanentBackendError),
    ],
)
def test_status_codes_map_to_transient_or_permanent(
    stand_in: ReplicateStandIn, status: int, error: type[Exception]
) -> None:
    stand_in.script = Script(error_status=status, error_headers={"Retry-After": "1"})

    with pytest.raises(error, match=str(status)):
        connector(stand_in).complete(completion_request(LLAMA2, CULOT))
    assert len(stand_in.creations()) == 1  # not retried behind our back


@pytest.mark.parametrize(
    "body",
    [b'{"id": "p1", "status": "succ', b'{"id": "p1"}'],
    ids=["truncated", "not-a-prediction"],
)
def test_a_malformed_answer_is_transient(stand_in: ReplicateStandIn, body: bytes) -> None:
    stand_in.script = Script(malformed_body=body)

    with pytest.raises(TransientBackendError, match="malformed"):
        connector(stand_in).complete(completion_request(LLAMA2, CULOT))


def test_an_unreachable_api_is_transient() -> None:
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = replicate.Client(api_token="r8_test", base_url=f"http://127.0.0.1:{port}")

    with pytest.raises(TransientBackendError, match="could not be reached"):
        ReplicateConnector(client, "meta/llama-2-7b-chat").complete(
            completion_request(LLAMA2, CULOT)
        )


def test_a_past_deadline_sends_nothing(stand_in: ReplicateStandIn) -> None:
    with pytest.raises(TransientBackendError, match="deadline"):
        connector(stand_in).complete(completion_request(LLAMA2, CULOT, deadline_s=-1))
    assert stand_in.received == []


def test_config_replicate_declares_llama2_on_the_configured_api(stand_in: ReplicateStandIn) -> None:
    environ = {"REPLICATE_API_TOKEN": "r8_config", "REPLICATE_BASE_URL": stand_in.base_url}
    configured = llama2(Settings.from_env(environ))

    completion = configured.connector.complete(completion_request(configured.prompt_format, CULOT))

    assert configured.name == "llama2"
    assert configured.prompt_format.context_tokens == 4096
    assert CHAIN_OF_THOUGHT.parse(CULOT, completion.text).value == "E27"
    assert stand_in.creations()[0].headers["Authorization"] == "Bearer r8_config"
