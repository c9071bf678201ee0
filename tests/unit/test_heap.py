"""A served process's collector, once its service is built: what was built is frozen out of the
full passes, and the young generation is collected every 10,000 allocations, not 700."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_tuning_freezes_what_was_built_and_collects_the_young_less_often() -> None:
    script = (
        "import gc\n"
        "from src.bootstrap.heap import YOUNG_GENERATION_THRESHOLD, tune_the_collector\n"
        "built = [[n] for n in range(1000)]\n"
        "before = gc.get_threshold()\n"
        "tune_the_collector()\n"
        "print(before[0], gc.get_threshold(), gc.get_freeze_count() >= 1000)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )

    assert done.stdout.split("\n")[0] == "700 (10000, 10, 10) True"
