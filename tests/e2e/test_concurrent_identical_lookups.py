"""Two (here four) identical lookups arriving together make one backend call per field on a
real server, counted by the loopback model server itself; with the cache off, every lookup asks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import live_server, prepare_database
from tests.support.loopback_llm import LoopbackLLM

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"
BODY = {"description": LAMP, "llm": "loopback-alone", "fields": ["EF000042", "EF000035"]}


@pytest.mark.parametrize(("cache", "calls"), [("on", 2), ("off", 8)])
def test_identical_lookups_arriving_together_share_the_backend_call(
    tmp_path: Path, cache: str, calls: int
) -> None:
    url = f"sqlite:///{tmp_path / 'lookup.db'}"
    prepare_database(url)
    with LoopbackLLM() as llm:
        llm.latency_s = 0.5
        environ = {
            "CONFIG_MODULE": "tests.support.fault_config",
            "LOOPBACK_URL": llm.base_url,
            "FEW_SHOT_K": "0",
        }
        with (
            live_server(url, LOOKUP_CACHE=cache, **environ) as server,
            ThreadPoolExecutor(4) as clients,
        ):
            lookup = f"{server.base_url}/api/product/fields/lookup?detail=true"
            answers = list(
                clients.map(lambda _: httpx.post(lookup, json=BODY, timeout=10).json(), range(4))
            )

    assert [{c: f["value"] for c, f in a["fields"].items()} for a in answers] == [
        {"EF000042": "E27", "EF000035": 40}
    ] * 4
    assert llm.calls == calls
    asked = [f for a in answers for f in a["fields"].values() if not f["cached"]]
    assert len(asked) == calls  # the others say they cost no call
