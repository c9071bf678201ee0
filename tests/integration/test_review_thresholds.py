"""The accept thresholds' table (migration 005), on both databases: saved, replaced, read back
per LLM and field, and seen by the lookup's review flag."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from src.adapters.driven.files.provisioning_files import read_fields
from src.adapters.driven.storage.review_thresholds import PeeweeThresholdStore
from src.bootstrap import Container
from src.domain.model import LookupRequest
from src.domain.trust.ports import FieldThreshold
from tests.conftest import PROJECT_DATA

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"


def test_thresholds_are_saved_replaced_and_read_per_llm_and_field(container: Container) -> None:
    store = PeeweeThresholdStore(container.storage.database, refresh_seconds=60)
    store.save(
        [
            FieldThreshold("gemma3", "EF000042", 0.8, 0.95, 0.97, 0.6),
            FieldThreshold("gemma3", "EF000035", 0.5, 0.95, None, 0.0),
            FieldThreshold("mock", "EF000042", 0.1, 0.9),
        ]
    )

    store.save([FieldThreshold("gemma3", "EF000042", 0.7, 0.95, 0.96, 0.7)])

    assert store.thresholds("gemma3", ["EF000042", "EF000035", "EF000007"]) == {
        "EF000042": 0.7,
        "EF000035": 0.5,
    }
    assert store.thresholds("mock", ["EF000042"]) == {"EF000042": 0.1}
    assert FieldThreshold("gemma3", "EF000042", 0.7, 0.95, 0.96, 0.7) in store.list_all()
    assert len(store.list_all()) == 3


def test_another_process_sees_a_save_once_its_copy_is_refreshed(container: Container) -> None:
    reader = PeeweeThresholdStore(container.storage.database, refresh_seconds=0)
    writer = PeeweeThresholdStore(container.storage.database, refresh_seconds=60)
    assert reader.thresholds("mock", ["EF000042"]) == {}

    writer.save([FieldThreshold("mock", "EF000042", 0.5, 0.95)])

    assert reader.thresholds("mock", ["EF000042"]) == {"EF000042": 0.5}


def test_a_value_over_its_stored_threshold_needs_no_review(container: Container) -> None:
    container.provisioning.provision(read_fields(PROJECT_DATA / "fields.json"), [])
    request = LookupRequest(LAMP, ("EF000042", "EF000007"), "mock")
    before = {o.field_code: o for o in container.lookup.lookup(request).outcomes}
    container.thresholds.save(
        [
            FieldThreshold("mock", "EF000042", 0.85, 0.95),
            FieldThreshold("mock", "EF000007", 0.85, 0.95),
        ]
    )

    after = {o.field_code: o for o in container.lookup.lookup(request).outcomes}

    assert before["EF000042"].review is True  # no threshold known yet
    assert (after["EF000042"].value, after["EF000042"].confidence, after["EF000042"].review) == (
        "E27",
        0.9,
        False,
    )
    # the mock's colour is a guess (no colour in the text): under the threshold
    assert (after["EF000007"].confidence, after["EF000007"].review) == (0.3, True)


class HeldReads(PeeweeThresholdStore):
    """A store whose reads of the table can be held once they have read it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.held = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def _read_all(self) -> dict[tuple[str, str], float]:
        known = super()._read_all()
        self.held.set()
        self.release.wait(10)
        return known


def test_a_read_begun_before_a_save_does_not_hide_it(container: Container) -> None:
    store = HeldReads(container.storage.database, refresh_seconds=60)
    store.release.clear()
    with ThreadPoolExecutor(1) as pool:
        early = pool.submit(store.thresholds, "mock", ["EF000042"])
        assert store.held.wait(10)  # it has read the table: no threshold yet
        store.save([FieldThreshold("mock", "EF000042", 0.5, 0.95)])
        store.release.set()
        assert early.result(10) == {}

    assert store.thresholds("mock", ["EF000042"]) == {"EF000042": 0.5}


def test_one_lookup_reads_the_thresholds_again_the_others_meanwhile_go_by_the_copy(
    container: Container,
) -> None:
    clock = [0.0]
    store = HeldReads(container.storage.database, refresh_seconds=1, clock=lambda: clock[0])
    store.save([FieldThreshold("mock", "EF000042", 0.5, 0.95)])
    assert store.thresholds("mock", ["EF000042"]) == {"EF000042": 0.5}
    other_process = PeeweeThresholdStore(container.storage.database, refresh_seconds=60)
    other_process.save([FieldThreshold("mock", "EF000042", 0.7, 0.95)])
    assert store.thresholds("mock", ["EF000042"]) == {"EF000042": 0.5}  # the copy, not due
    clock[0] = 5.0  # the copy is due
    store.held.clear()
    store.release.clear()

    with ThreadPoolExecutor(5) as pool:
        reading = pool.submit(store.thresholds, "mock", ["EF000042"])
        assert store.held.wait(10)  # it has read 0.7 and is held there
        # the others answer while it is held (a read of theirs would be held too) by the copy
        meanwhile = [pool.submit(store.thresholds, "mock", ["EF000042"]) for _ in range(4)]
        assert [f.result(10) for f in meanwhile] == [{"EF000042": 0.5}] * 4
        store.release.set()
        assert reading.result(10) == {"EF000042": 0.7}

    assert store.thresholds("mock", ["EF000042"]) == {"EF000042": 0.7}
