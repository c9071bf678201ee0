"""Mutation testing (`make mutation`): mutmut 3 over the modules pyproject.toml's [tool.mutmut]
lists, each mutant tried against the unit tests that reach its function.

    python bench/mutation.py run ["domain.trust.annotate.*"]   # every mutant, or those named
    python bench/mutation.py results                            # every mutant not killed
    python bench/mutation.py scores                             # killed of checked, per module

mutmut names a mutant after its module without a leading `src.`, taking `src/` for a source root
(the usual src layout), and refuses to record a call to a module named `src.…`. Here `src` is
the package itself, imported as `src.domain…`: this entry point runs mutmut's own command line
with the two names reconciled, the calls recorded without the prefix and the active mutant's
name given back with it, so that a mutant is both reached by its tests and switched on.

Each mutant's tests run in a process forked from one that has run the tests already: the results
the code keeps (`functools.lru_cache`) would answer for the mutant without calling it, so they
are forgotten before the mutant is switched on.
"""

from __future__ import annotations

import sys
from collections import Counter

import click
from mutmut.__main__ import cli
from mutmut.mutation import trampoline
from mutmut.mutation.data import SourceFileMutationData
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files
from mutmut.workers import isolation

_record = trampoline.record_trampoline_hit
_active = trampoline.get_mutant_under_test
_switch_on = isolation.set_mutant_under_test


def _record_without_the_package(name: str, caller: str | None = None) -> None:
    _record(name.removeprefix("src."), caller=caller and caller.removeprefix("src."))


def _active_in_the_package() -> str:
    name = _active()
    return f"src.{name}" if "__mutmut_" in name else name


def _switch_on_without_kept_results(name: str | None) -> None:
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("src."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
    _switch_on(name)


@cli.command()
def scores() -> None:
    """Per module: the mutants checked, those killed, the others by status, and the score."""
    click.echo(f"{'module':<44} {'checked':>7} {'killed':>6} {'score':>6}  not killed")
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        statuses = Counter(status_by_exit_code[code] for code in data.exit_code_by_key.values())
        checked = sum(n for status, n in statuses.items() if status != "not checked")
        if not checked:
            continue
        killed = statuses.pop("killed", 0)
        statuses.pop("not checked", None)
        others = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        module = str(path).removesuffix(".py").replace("/", ".")
        click.echo(f"{module:<44} {checked:>7} {killed:>6} {killed / checked:>6.1%}  {others}")


if __name__ == "__main__":
    trampoline.record_trampoline_hit = _record_without_the_package  # type: ignore[assignment]
    trampoline.get_mutant_under_test = _active_in_the_package
    isolation.set_mutant_under_test = _switch_on_without_kept_results
    sys.exit(cli())
