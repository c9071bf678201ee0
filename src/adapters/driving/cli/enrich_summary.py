"""What `enrich` says on stderr: the summary of a run (local or submitted), the dry run's
estimate, and plain lines above the progress bar."""

from __future__ import annotations

from rich.console import Console

from src.adapters.driven.files.enrichment_output import EnrichmentOutput
from src.domain.enrichment.enrich import EnrichmentTally
from src.domain.model import OutcomeStatus
from src.domain.usage.estimate import Estimate


def estimate_line(estimate: Estimate) -> str:
    return (
        f"dry run, no model was called: {estimate.products} products, "
        f"{estimate.calls} model calls, {estimate.prompt_tokens} prompt tokens, "
        f"at most {estimate.completion_tokens_at_most} completion tokens"
    )


def summary(tally: EnrichmentTally, output: EnrichmentOutput, interrupted: bool) -> str:
    elapsed = tally.elapsed_seconds
    rate = tally.done / elapsed if elapsed > 0 else 0.0
    lines = ["interrupted: run the same command again to go on"] if interrupted else []
    if output.dropped_bytes:
        lines.append(f"cut a torn last line ({output.dropped_bytes} bytes) off {output.path}")
    lines += [
        f"products: {tally.done} done, {tally.skipped} skipped (already in {output.path}), "
        f"{tally.failed} failed"
        + (" (not written: the next run retries them)" if tally.failed else ""),
        "fields: "
        + ", ".join(f"{tally.fields[status]} {status.value}" for status in OutcomeStatus),
        f"values to review: {tally.to_review} of {tally.fields[OutcomeStatus.OK]}",
        f"elapsed {elapsed:.1f} s, {rate:.1f} products/s",
    ]
    return "\n".join(lines)


def say(console: Console, text: str) -> None:
    """A plain line on stderr, above the progress bar if one is drawn."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)
