"""A slow webhook receiver holds nothing (issue 24, finding 4). A receiver on loopback that
trickles its answer, one header line at a time, is cut at the delivery's overall deadline
(WEBHOOK_DEADLINE_SECONDS), however soon each line follows the last (so no per-read timeout would
ever cut it); and, since deliveries run apart from the threads that run jobs, another key's job
goes on meanwhile even with one job thread."""

from __future__ import annotations

import time

from tests.e2e.conftest import ClientFactory
from tests.support.jobs import LAMP_FIELDS, finished, jsonl, lamps, wait_for
from tests.support.slow_receiver import slow_receiver

DEADLINE_SECONDS = 2.0
LINE_SECONDS = 0.5
"""Well within the deadline: only a deadline for the whole attempt cuts such a receiver."""


def test_a_receiver_that_trickles_its_answer_is_cut_at_the_deadline_and_holds_no_job(
    make_client: ClientFactory,
) -> None:
    client = make_client(
        JOB_CONCURRENCY="1",
        WEBHOOK_DEADLINE_SECONDS=str(DEADLINE_SECONDS),
        WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32",  # the receiver is on loopback
    )
    container = client.app.state.container  # type: ignore[attr-defined]
    shop = {"Authorization": f"Bearer {container.api_keys.create('shop')}"}
    pim = {"Authorization": f"Bearer {container.api_keys.create('pim')}"}

    with slow_receiver(line_seconds=LINE_SECONDS, for_at_most=60.0) as receiver:
        slow = client.post(
            "/api/jobs",
            files={"file": ("l.jsonl", jsonl(lamps(2)))},
            data={"fields": LAMP_FIELDS, "webhook_url": receiver.url},
            headers=shop,
        ).json()
        wait_for(client, slow["id"], finished, headers=shop)
        assert receiver.requested.wait(10), "the webhook never arrived"
        submitted = time.monotonic()
        other = client.post(
            "/api/jobs",
            files={"file": ("l.jsonl", jsonl(lamps(2)))},
            data={"fields": LAMP_FIELDS},
            headers=pim,
        ).json()
        done = wait_for(client, other["id"], finished, headers=pim, seconds=30)
        other_took = time.monotonic() - submitted
        assert receiver.hung_up.wait(10), "the first attempt was never cut"

    assert (done["state"], done["done"]) == ("done", 2)
    assert other_took < 10
    assert receiver.held_seconds[0] <= DEADLINE_SECONDS + 2
