"""Webhooks that cannot be turned inward (issue 24, finding 3). A job's webhook_url is refused at
submit (422 naming it, no job made) when its host is, in any spelling, an address webhooks may not
reach; and refused again when the delivery connects, where the host is resolved once and the
connection goes to the very address that was checked (a host that answered a public address at
submit and loopback or a metadata address later is not called).

Only loopback is ever connected to: private and metadata addresses come from a resolver the test
gives, and the sockets are made by LoopbackOnlyNetwork, which records every address it is asked
for and refuses anything outside loopback before a packet leaves."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Sequence

from fastapi.testclient import TestClient

from src.bootstrap.overrides import Overrides
from src.domain.jobs.webhooks import Delivery, DeliveryState
from tests.e2e.conftest import ClientFactory
from tests.support.jobs import LAMP_FIELDS, finished, jsonl, lamps, wait_for
from tests.support.loopback_network import LoopbackOnlyNetwork
from tests.support.webhook_receiver import webhook_receiver

LOOPBACK_SPELLINGS = (
    "http://127.0.0.1:{port}/hook",
    "http://localhost:{port}/hook",
    "http://127.1:{port}/hook",
    "http://2130706433:{port}/hook",
    "http://0x7f000001:{port}/hook",
    "http://017700000001:{port}/hook",
    "http://0.0.0.0:{port}/hook",
    "http://[::1]:{port}/hook",
    "http://[::ffff:127.0.0.1]:{port}/hook",
    "http://[::127.0.0.1]:{port}/hook",
    "http://user:pw@127.0.0.1:{port}/hook",
    "https://[::ffff:7f00:1]:{port}/hook",
)
INWARD_NAMES = {
    "private.pim.example": "10.0.0.1",
    "corporate.pim.example": "192.168.1.20",
    "metadata.pim.example": "169.254.169.254",
    "ecs.pim.example": "169.254.170.2",
    "aws6.pim.example": "fd00:ec2::254",
    "alibaba.pim.example": "100.100.100.200",
    "azure.pim.example": "168.63.129.16",
    "link.pim.example": "fe80::1",
    "multicast.pim.example": "224.0.0.251",
    "reserved.pim.example": "240.0.0.1",
    "mapped.pim.example": "::ffff:10.1.2.3",
    "nat64.pim.example": "64:ff9b::a9fe:a9fe",
    "sixtofour.pim.example": "2002:a00:1::1",
}
PUBLIC = "93.184.215.14"
"""A public address the tests' resolver may answer; never connected to (LoopbackOnlyNetwork)."""


class ScriptedResolver:
    """Answers each host from a script, one answer per lookup, the last one again thereafter;
    records every lookup."""

    def __init__(self, script: dict[str, Sequence[str]]) -> None:
        self._script = script
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        answers = self._script[host]
        return [answers[min(self.lookups.count(host), len(answers)) - 1]]


def _submit(client: TestClient, url: str) -> dict[str, object]:
    answer = client.post(
        "/api/jobs",
        files={"file": ("l.jsonl", jsonl(lamps(2)))},
        data={"fields": LAMP_FIELDS, "webhook_url": url},
    )
    return {"status": answer.status_code, "body": answer.json()}


def _jobs_stored(client: TestClient) -> int:
    database = client.app.state.container.storage.database  # type: ignore[attr-defined]
    with database.connection_context():
        return int(database.execute_sql("SELECT COUNT(*) FROM job").fetchone()[0])


def _settled(client: TestClient, job_id: str, seconds: float = 30) -> Delivery:
    outbox = client.app.state.container.storage.webhook_outbox  # type: ignore[attr-defined]
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        delivery = outbox.get(job_id)
        if delivery is not None and delivery.state is not DeliveryState.PENDING:
            return delivery  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"the webhook of job {job_id} did not settle: {outbox.get(job_id)}")


def test_every_spelling_of_loopback_is_refused_at_submit_and_no_job_is_made(
    make_client: ClientFactory,
) -> None:
    client = make_client()
    with webhook_receiver() as receiver:
        answers = {
            url: _submit(client, url.format(port=receiver.port)) for url in LOOPBACK_SPELLINGS
        }
        time.sleep(0.5)  # a connection, were one made, would have arrived

    for url, answer in answers.items():
        assert answer["status"] == 422, url
        [error] = answer["body"]["detail"]  # type: ignore[index]
        assert error["loc"] == ["body", "webhook_url"], url
        assert error["msg"].startswith("webhook_url"), error
    assert (
        "127.0.0.1, a loopback address"
        in answers[LOOPBACK_SPELLINGS[2]]["body"]["detail"][0]["msg"]
    )  # type: ignore[index]
    assert receiver.connections == 0
    assert _jobs_stored(client) == 0


def test_names_that_resolve_to_private_or_metadata_addresses_are_refused_without_connecting(
    make_client: ClientFactory,
) -> None:
    resolver = ScriptedResolver({name: [address] for name, address in INWARD_NAMES.items()})
    network = LoopbackOnlyNetwork()
    client = make_client(Overrides(webhook_resolve=resolver, webhook_network=network))

    answers = {name: _submit(client, f"https://{name}/hooks/done") for name in INWARD_NAMES}

    for name, answer in answers.items():
        assert answer["status"] == 422, name
        [error] = answer["body"]["detail"]  # type: ignore[index]
        assert error["loc"] == ["body", "webhook_url"]
        assert f"resolves to {ipaddress.ip_address(INWARD_NAMES[name])}," in error["msg"], error
    assert "a cloud metadata address" in answers["metadata.pim.example"]["body"]["detail"][0]["msg"]  # type: ignore[index]
    assert sorted(resolver.lookups) == sorted(INWARD_NAMES)
    assert network.connects == []
    assert _jobs_stored(client) == 0


def test_a_host_that_turns_inward_after_submit_is_refused_when_connecting(
    make_client: ClientFactory,
) -> None:
    with webhook_receiver() as receiver:
        resolver = ScriptedResolver(
            {
                "rebind.pim.example": [PUBLIC, "127.0.0.1"],
                "meta.pim.example": [PUBLIC, "169.254.169.254"],
            }
        )
        network = LoopbackOnlyNetwork()
        client = make_client(Overrides(webhook_resolve=resolver, webhook_network=network))
        jobs = [
            _submit(client, f"http://{host}:{receiver.port}/hook")
            for host in ("rebind.pim.example", "meta.pim.example")
        ]
        assert [job["status"] for job in jobs] == [202, 202]  # public when submitted
        settled = []
        for job in jobs:
            job_id = job["body"]["id"]  # type: ignore[index]
            wait_for(client, job_id, finished)
            settled.append(_settled(client, job_id))

    assert [delivery.state for delivery in settled] == [DeliveryState.REFUSED] * 2
    assert [delivery.attempts for delivery in settled] == [1, 1]  # refused: not tried again
    assert "resolves to 127.0.0.1, a loopback address" in (settled[0].detail or "")
    assert "resolves to 169.254.169.254, a cloud metadata address" in (settled[1].detail or "")
    assert network.connects == []
    assert receiver.connections == 0


def test_a_webhook_connects_to_the_address_it_checked_with_its_urls_host_header(
    make_client: ClientFactory,
) -> None:
    with webhook_receiver() as receiver:
        resolver = ScriptedResolver({"pinned.pim.example": ["127.0.0.1", "10.9.9.9"]})
        network = LoopbackOnlyNetwork()
        client = make_client(
            Overrides(webhook_resolve=resolver, webhook_network=network),
            WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8",
        )
        job = _submit(client, f"http://pinned.pim.example:{receiver.port}/hook")
        job_id = job["body"]["id"]  # type: ignore[index]
        wait_for(client, job_id, finished)
        delivery = _settled(client, job_id)
        # submit answered 127.0.0.1, the connection's one lookup 10.9.9.9: refused, not connected
        assert delivery.state is DeliveryState.REFUSED
        assert network.connects == [] and receiver.connections == 0

        resolver = ScriptedResolver({"pinned.pim.example": ["127.0.0.1"]})
        network = LoopbackOnlyNetwork()
        client = make_client(
            Overrides(webhook_resolve=resolver, webhook_network=network),
            WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8",
        )
        job = _submit(client, f"http://pinned.pim.example:{receiver.port}/hook")
        job_id = job["body"]["id"]  # type: ignore[index]
        wait_for(client, job_id, finished)
        assert receiver.arrived.wait(30)

    assert _settled(client, job_id).state is DeliveryState.SENT
    assert resolver.lookups == ["pinned.pim.example"] * 2  # at submit, and once to connect
    assert network.connects == [("127.0.0.1", receiver.port)]
    [(headers, _)] = receiver.deliveries
    assert headers["host"] == f"pinned.pim.example:{receiver.port}"
