"""The calibration maps' table (migration 016), on both databases: saved per LLM, replaced whole,
and read by another process once its copy is due."""

from __future__ import annotations

from src.adapters.driven.storage.calibration_maps import PeeweeCalibrationStore
from src.bootstrap import Container
from src.domain.confidence.calibration_map import CalibrationMap, LogisticMap

MODEL = LogisticMap(0.8, 1.2, 120)
PREPASS = LogisticMap(1.0, -0.4, 30)


def test_a_map_is_saved_per_llm_and_replaced_whole(container: Container) -> None:
    store = PeeweeCalibrationStore(container.storage.database, refresh_seconds=60)
    store.save("gemma3", CalibrationMap({"model": MODEL, "prepass": PREPASS}))
    store.save("mock", CalibrationMap({"model": PREPASS}))

    store.save("gemma3", CalibrationMap({"model": LogisticMap(1.5, 0.5, 200)}))

    assert store.calibration("gemma3") == CalibrationMap({"model": LogisticMap(1.5, 0.5, 200)})
    assert store.calibration("mock") == CalibrationMap({"model": PREPASS})
    assert store.calibration("other") == CalibrationMap()
    store.save("mock", CalibrationMap())
    assert store.calibration("mock") == CalibrationMap()


def test_another_process_sees_a_save_once_its_copy_is_due(container: Container) -> None:
    clock = [0.0]
    reader = PeeweeCalibrationStore(
        container.storage.database, refresh_seconds=5, clock=lambda: clock[0]
    )
    writer = PeeweeCalibrationStore(container.storage.database, refresh_seconds=60)
    assert reader.calibration("mock") == CalibrationMap()

    writer.save("mock", CalibrationMap({"model": MODEL}))

    assert reader.calibration("mock") == CalibrationMap()  # its copy is not due yet
    clock[0] = 6.0
    assert reader.calibration("mock") == CalibrationMap({"model": MODEL})
