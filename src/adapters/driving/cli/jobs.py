"""`python cli.py jobs cancel ID`: an operator's hold on catalogue jobs, whoever owns them."""

from __future__ import annotations

from typing import Annotated

import typer

from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.service import service

jobs = typer.Typer(help="Catalogue jobs, whichever key owns them.", no_args_is_help=True)


@jobs.command()
def cancel(job_id: Annotated[str, typer.Argument(help="The job's id.")]) -> None:
    """Cancel a job: nothing new of it starts (the products under way finish); its results so
    far stay readable."""
    with service() as container, reported_errors():
        job = container.jobs.service.cancel(None, job_id)
    typer.echo(f"job {job.id}: {job.state.value}, {job.done + job.failed} of {job.total} finished")
