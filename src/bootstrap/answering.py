"""The version of the code that makes answers, for the lookup cache's keys: a deployment that
changes how a field is asked or its answer read (prompts, grammars, pre-pass rules, parsing,
confidence, the connectors) is never served the answers cached by the code before it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1]
"""`src/`."""
ANSWERING_PACKAGES = (
    "domain/prompting",
    "domain/confidence",
    "domain/model",
    "domain/lookup",
    "connectors",
)
"""What makes an answer, under `src/`: a change anywhere in them is a new version (more often
than needed, never less)."""


def answering_version(sources: Path = SOURCES, packages: Sequence[str] = ANSWERING_PACKAGES) -> str:
    """The SHA-256 of the packages' Python files, each its path under `sources` and its bytes,
    in path order; the first 16 hex digits."""
    digest = hashlib.sha256()
    for path in sorted(p for package in packages for p in (sources / package).rglob("*.py")):
        digest.update(path.relative_to(sources).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@cache
def this_code_answering() -> str:
    """`answering_version` of the running code, read once a process."""
    return answering_version()
