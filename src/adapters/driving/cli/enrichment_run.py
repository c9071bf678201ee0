"""An enrichment run's products looked up a few at a time, stopped cleanly by Ctrl-C: what the
commands that enrich a catalogue in place (a PIM, an exchange file) share."""

from __future__ import annotations

from concurrent.futures import Future

from rich.console import Console

from src.adapters.driving.cli.bounded_pool import run_bounded
from src.adapters.driving.cli.enrich_summary import say
from src.domain.enrichment.enrich import EnrichmentRun
from src.domain.enrichment.ports import ProductToEnrich
from src.domain.model import LookupResult


def run_interruptibly(
    run: EnrichmentRun, concurrency: int, console: Console, when_stopped: str
) -> bool:
    """Runs the products left, `concurrency` at a time; whether Ctrl-C stopped the run (the
    products in flight are finished first, then `when_stopped` is said)."""

    def settle(product: ProductToEnrich, lookup: Future[LookupResult]) -> None:
        run.settle(product, lookup)

    def interrupted(in_flight: int) -> None:
        say(console, f"interrupted: finishing the {in_flight} products in flight")

    try:
        run_bounded(run.look_up, run.todo, concurrency, settle, interrupted)
    except KeyboardInterrupt:
        say(console, f"interrupted: {when_stopped}")
        return True
    return False
