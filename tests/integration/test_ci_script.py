"""CI never runs without the prototype's data: `.ci/run` refuses, naming the missing folder,
before `make test`, whose tests that read the data would otherwise be skipped.

The script runs from a copy in a throwaway clone whose Makefile's `test` only leaves a mark, so
the check is seen without running the suite."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

PROTOTYPE_FILES = ("fields.json", "examples.json", "input.json")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A folder holding a clone beside which `../shared` may or may not exist."""
    assert shutil.which("make"), "no make on this machine"
    repo = tmp_path / "clone"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy2(REPO / ".ci" / "run", repo / ".ci" / "run")
    (repo / "Makefile").write_text("test:\n\ttouch make-test-ran\n")
    return repo


def run_ci(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(repo / ".ci" / "run")], capture_output=True, text=True, timeout=60
    )


def test_without_the_shared_folder_ci_fails_naming_it_before_any_test(clone: Path) -> None:
    done = run_ci(clone)

    assert done.returncode != 0
    assert str(clone.parent / "shared" / "prototype-data") in done.stderr
    assert not (clone / "make-test-ran").exists()


def test_with_one_file_missing_ci_fails_naming_that_file(clone: Path) -> None:
    data = clone.parent / "shared" / "prototype-data"
    data.mkdir(parents=True)
    for name in PROTOTYPE_FILES[:-1]:
        (data / name).write_text("[]")

    done = run_ci(clone)

    assert done.returncode != 0
    assert str(data / PROTOTYPE_FILES[-1]) in done.stderr
    assert not (clone / "make-test-ran").exists()


def test_with_the_shared_folder_ci_runs_make_test(clone: Path) -> None:
    data = clone.parent / "shared" / "prototype-data"
    data.mkdir(parents=True)
    for name in PROTOTYPE_FILES:
        (data / name).write_text("[]")

    done = run_ci(clone)

    assert done.returncode == 0, done.stderr
    assert (clone / "make-test-ran").exists()
