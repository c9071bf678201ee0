"""The version of the code that makes answers changes with any file of its packages, and with
nothing else."""

from __future__ import annotations

from pathlib import Path

from src.bootstrap.answering import ANSWERING_PACKAGES, answering_version, this_code_answering


def tree(root: Path) -> Path:
    for name, text in {
        "domain/prompting/few_shot.py": "INSTRUCTIONS = 'Answer with the value.'\n",
        "domain/prompting/grammars/span.py": "CUT = 'digits'\n",
        "connectors/llama.py": "TOP = 8\n",
        "domain/jobs/runner.py": "BATCH = 10\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_version_changes_with_a_file_that_makes_answers(tmp_path: Path) -> None:
    sources = tree(tmp_path)
    packages = ("domain/prompting", "connectors")
    first = answering_version(sources, packages)

    (sources / "domain/prompting/grammars/span.py").write_text("CUT = 'digits and case'\n")
    second = answering_version(sources, packages)
    (sources / "connectors/mock.py").write_text("LATENCY = 0\n")  # a new file counts too
    third = answering_version(sources, packages)

    assert len({first, second, third}) == 3


def test_the_version_does_not_change_with_other_code(tmp_path: Path) -> None:
    sources = tree(tmp_path)
    packages = ("domain/prompting", "connectors")
    first = answering_version(sources, packages)

    (sources / "domain/jobs/runner.py").write_text("BATCH = 50\n")
    (sources / "domain/prompting/notes.md").write_text("not code\n")

    assert answering_version(sources, packages) == first


def test_the_running_code_has_one_version_naming_real_packages() -> None:
    root = Path(__file__).resolve().parents[2] / "src"

    assert all(any((root / package).rglob("*.py")) for package in ANSWERING_PACKAGES)
    assert this_code_answering() == answering_version() != answering_version(root, ())
