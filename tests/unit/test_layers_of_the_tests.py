"""The tests mirror the layers: a file in tests/unit imports only the domain, the standard
library, pytest, its neighbours in tests/unit and the fakes of tests/support (which import only
the domain themselves). What needs an adapter, a connector, the composition root or `config`
belongs in tests/integration.

Read from the source files with `ast`, not by importing them: every `import`, `from … import`
(relative ones resolved, those inside functions too) and every `importlib.import_module`,
`__import__` or `pytest.importorskip` of a literal name.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
UNIT = TESTS / "unit"
SUPPORT = TESTS / "support"

FAKES = ("tests.support.fakes", "tests.support.clock", "tests.support.conversation_lookup")
"""The modules of tests/support a unit test may import: hand-written fakes of the domain's ports,
and a lookup that drives the domain with them."""
DOMAIN = ("src.domain",)
UNIT_ALLOWED = (*DOMAIN, *FAKES, "pytest", "tests.unit")
FAKES_ALLOWED = (*DOMAIN, *FAKES)

_IMPORTING_CALLS = frozenset({"import_module", "__import__", "importorskip"})


def imported_names(source: str, package: str) -> Iterator[str]:
    """Each dotted name the source imports; `package` is the one the source belongs to, for
    relative imports."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node.module, node.level, package)
            yield from (f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and _called_name(node.func) in _IMPORTING_CALLS:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield first.value


def _absolute(module: str | None, level: int, package: str) -> str:
    if level == 0:
        return module or ""
    base = package.split(".")[: len(package.split(".")) - level + 1]
    return ".".join([*base, module] if module else base)


def _called_name(function: ast.expr) -> str | None:
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


def outward(source: str, package: str, allowed: tuple[str, ...]) -> list[str]:
    """The names the source imports from outside the standard library and `allowed`."""
    return sorted(
        name
        for name in set(imported_names(source, package))
        if not _is_standard(name) and not any(_within(name, prefix) for prefix in allowed)
    )


def _is_standard(name: str) -> bool:
    top = name.split(".")[0]
    return top == "__future__" or top in sys.stdlib_module_names


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(f"{prefix}.")


def _offenders(files: list[Path], package: str, allowed: tuple[str, ...]) -> dict[str, list[str]]:
    read = {path.name: path.read_text(encoding="utf-8") for path in files}
    found = {name: outward(source, package, allowed) for name, source in read.items()}
    return {name: names for name, names in found.items() if names}


def test_unit_tests_import_only_the_domain_the_fakes_and_the_standard_library() -> None:
    files = sorted(UNIT.glob("*.py"))

    assert len(files) > 30
    assert _offenders(files, "tests.unit", UNIT_ALLOWED) == {}


def test_the_fakes_a_unit_test_may_import_import_only_the_domain() -> None:
    files = [SUPPORT / f"{module.rsplit('.', 1)[1]}.py" for module in FAKES]

    assert all(path.is_file() for path in files), files
    assert _offenders(files, "tests.support", FAKES_ALLOWED) == {}


@pytest.mark.parametrize(
    "line",
    [
        "import src.adapters.driven.storage.database",
        "from src.connectors.mock import MockConnector",
        "from src.bootstrap import bootstrap",
        "from src import adapters",
        "from config.settings import Settings",
        "import config",
        "import numpy as np",
        "from tests.support.live_server import served",
        "from ..support import llama_server",
        "from tests.conftest import needs_prototype_data",
        "def helper():\n    from src.adapters.driving.http import app",
        "import importlib\nimportlib.import_module('src.connectors.retrying')",
        "__import__('config.mock')",
        "import pytest\npytest.importorskip('httpx')",
    ],
)
def test_an_import_from_outside_the_domain_and_the_fakes_is_found(line: str) -> None:
    assert outward(line, "tests.unit", UNIT_ALLOWED) != []


@pytest.mark.parametrize(
    "line",
    [
        "from __future__ import annotations",
        "import os.path\nfrom collections.abc import Iterator",
        "import pytest",
        "from src.domain.model import Field\nimport src.domain.errors",
        "from src import domain",
        "from tests.support.fakes import FakeConnector\nfrom tests.support import clock",
        "from tests.unit.test_lookup_service import FIELDS",
        "from .test_lookup_service import FIELDS",
        "import importlib\nimportlib.import_module('src.domain.model')",
    ],
)
def test_the_domain_the_fakes_and_the_standard_library_are_allowed(line: str) -> None:
    assert outward(line, "tests.unit", UNIT_ALLOWED) == []
