"""The docs hold to the code: every environment variable the code reads is in
docs/configuration.md, every one listed there is read, and a number's documented default is the
code's; README.md stays short and links every page of docs/.

Read from the source files, not by importing them: the variables are the string literals passed
to the ways this code reads its environment (`os.environ`, `os.getenv`, a mapping named `env` or
`environ`, `Settings.get/number/switch`, `_number`, `_switch`, `_networks`, `required`, typer's
`envvar=`), and the `${VAR}` that docker-compose.yml fills in.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
CONFIGURATION = DOCS / "configuration.md"
README = REPO / "README.md"
MAX_README_LINES = 200

PYTHON_SOURCES = ("config", "src", "cli.py", "web.py")
COMPOSE = REPO / "docker-compose.yml"

_VARIABLE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_READERS = frozenset({"get", "getenv", "number", "switch", "pop", "setdefault"})
"""Methods that read a variable when called on the environment or on the settings."""
_READING_FUNCTIONS = frozenset({"getenv", "_number", "_switch", "_networks", "required"})
_ENVIRONMENTS = ("env", "environ", "settings")
"""What a receiver's name ends with when it is the environment or the settings."""
_TABLE_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]+)`")


def _python_files() -> Iterator[Path]:
    for name in PYTHON_SOURCES:
        path = REPO / name
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def _literals(nodes: list[ast.expr]) -> set[str]:
    return {
        node.value
        for node in nodes
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _VARIABLE.match(node.value)
    }


def variables_read_in(source: str) -> set[str]:
    """The environment variables a Python module reads, by name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Attribute) and function.attr in _READERS:
                receiver = ast.unparse(function.value)
                if receiver.endswith(_ENVIRONMENTS) or receiver == "os":
                    found |= _literals(node.args[:1])
            elif isinstance(function, ast.Name) and function.id in _READING_FUNCTIONS:
                found |= _literals(node.args[:2])
            found |= _literals([k.value for k in node.keywords if k.arg == "envvar"])
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
            found |= _literals([node.slice])
    return found


def variables_read_by_the_code() -> set[str]:
    found: set[str] = set()
    for path in _python_files():
        found |= variables_read_in(path.read_text(encoding="utf-8"))
    return found


def variables_of_compose() -> set[str]:
    """The variables docker-compose.yml fills in from the shell or `.env` (`${NAME:-default}`)."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text(encoding="utf-8")))


def documented_variables(markdown: str) -> set[str]:
    """The variables of docs/configuration.md: the first cell of a table row, `NAME`."""
    return {m.group(1) for line in markdown.splitlines() if (m := _TABLE_ROW.match(line))}


def test_the_reader_finds_each_way_the_code_reads_a_variable() -> None:
    source = """
import os
def f(env, settings, container, record):
    os.environ.get("A_ONE"); os.getenv("A_TWO"); os.environ["A_THREE"]; env.get("A_FOUR")
    _number(env, "A_FIVE", 1, int, minimum=0); _switch(env, "A_SIX", True)
    settings.get("A_SEVEN"); settings.number("A_EIGHT", 1); settings.switch("A_NINE", False)
    container.settings.get("A_TEN"); required(settings, "A_ELEVEN", "why")
    typer.Option(envvar="A_TWELVE")
    record.get("NOT_A_VARIABLE"); env.get("lower_case")
"""
    expected = {
        "A_ONE", "A_TWO", "A_THREE", "A_FOUR", "A_FIVE", "A_SIX",
        "A_SEVEN", "A_EIGHT", "A_NINE", "A_TEN", "A_ELEVEN", "A_TWELVE",
    }  # fmt: skip
    assert variables_read_in(source) == expected


def test_the_settings_code_is_read_where_it_is() -> None:
    found = variables_read_by_the_code()
    assert {"DATABASE_URL", "LLM_QUERY_TIMEOUT", "OPENAI_MODEL", "LOOKUP_API_KEY"} <= found


def test_every_variable_the_code_reads_is_in_the_configuration_page() -> None:
    documented = documented_variables(CONFIGURATION.read_text(encoding="utf-8"))
    missing = (variables_read_by_the_code() | variables_of_compose()) - documented
    assert not missing, f"read by the code but not in docs/configuration.md: {sorted(missing)}"


def test_the_configuration_page_lists_no_variable_the_code_no_longer_reads() -> None:
    documented = documented_variables(CONFIGURATION.read_text(encoding="utf-8"))
    stale = documented - variables_read_by_the_code() - variables_of_compose()
    assert not stale, f"in docs/configuration.md but read by nothing: {sorted(stale)}"


def _constant(node: ast.expr) -> float | None:
    """The value of a numeric literal such as `10.0`, `1_048_576` or `100 * 1_048_576`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        left, right = _constant(node.left), _constant(node.right)
        return left * right if left is not None and right is not None else None
    return None


def numeric_defaults_in(source: str) -> dict[str, float]:
    """The default of each number setting a module reads: `_number(env, NAME, DEFAULT, ...)` and
    `settings.number(NAME, DEFAULT)`."""
    found: dict[str, float] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        function, args = node.func, node.args
        if isinstance(function, ast.Name) and function.id == "_number" and len(args) >= 3:
            name, default = args[1], args[2]
        elif isinstance(function, ast.Attribute) and function.attr == "number" and len(args) >= 2:
            name, default = args[0], args[1]
        else:
            continue
        value = _constant(default)
        if isinstance(name, ast.Constant) and isinstance(name.value, str) and value is not None:
            found[name.value] = value
    return found


def documented_numeric_defaults(markdown: str) -> dict[str, float]:
    """The default column of docs/configuration.md where it starts with a number: `10`."""
    found: dict[str, float] = {}
    for line in markdown.splitlines():
        if _TABLE_ROW.match(line):
            cells = [cell.strip() for cell in line.split("|")]
            if number := re.match(r"^`(-?[\d.]+)`", cells[2]):
                found[cells[1].strip("`")] = float(number.group(1))
    return found


def test_the_configuration_page_gives_the_defaults_the_code_has() -> None:
    code = {
        name: float(default)
        for name, default in re.findall(
            r"\$\{([A-Z][A-Z0-9_]*):-([\d.]+)\}", COMPOSE.read_text(encoding="utf-8")
        )
    }
    for path in _python_files():
        code |= numeric_defaults_in(path.read_text(encoding="utf-8"))
    documented = documented_numeric_defaults(CONFIGURATION.read_text(encoding="utf-8"))
    assert len(code) > 20, "the settings code no longer reads its numbers as this test expects"
    wrong = {
        name: (documented[name], default)
        for name, default in code.items()
        if name in documented and documented[name] != default
    }
    assert not wrong, f"documented default, code's default: {wrong}"


def test_the_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, f"README.md has {len(lines)} lines"


def test_the_readme_links_every_page_of_docs() -> None:
    readme = README.read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[^)#\s]+\.md)", readme))
    pages = {f"docs/{page.name}" for page in DOCS.glob("*.md")}
    assert pages, "docs/ holds no page"
    assert not pages - linked, f"not linked from README.md: {sorted(pages - linked)}"


def anchors(markdown: str) -> set[str]:
    """The anchors GitHub makes of a page's headings: lower case, punctuation dropped, spaces
    as hyphens."""
    headings = re.findall(r"^#+ (.+)$", markdown, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_links_between_the_docs_point_at_files_and_headings_that_exist() -> None:
    broken = []
    for page in [README, *DOCS.glob("*.md"), REPO / "CHANGELOG.md"]:
        text = page.read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([^)#\s:]+)(?:#([^)]*))?\)", text):
            linked = page.parent / target
            if not linked.exists():
                broken.append(f"{page.relative_to(REPO)} -> {target}")
            elif anchor and anchor not in anchors(linked.read_text(encoding="utf-8")):
                broken.append(f"{page.relative_to(REPO)} -> {target}#{anchor}")
    assert not broken, f"links to missing files or headings: {broken}"
