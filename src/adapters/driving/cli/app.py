"""`python cli.py …`: migrate, provision, lookup, llms, fields, and the commands of the modules
beside this one (enrich, evaluate, benchmark-from-prototype, keys, reviews, jobs, worker),
registered here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from config.settings import PROJECT_ROOT
from src.adapters.driven.files.provisioning_files import read_fields, stream_examples
from src.adapters.driving.cli import (
    akeneo,
    enrich,
    evaluate,
    jobs,
    key_accounts,
    keys,
    reviews,
    worker,
)
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.etim import etim
from src.adapters.driving.cli.rendering import fields_table, outcomes_table
from src.adapters.driving.cli.service import service
from src.domain.model import Field, LookupRequest

app = typer.Typer(
    help="Fill empty product attributes from product text with an LLM.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DATA_DIR = PROJECT_ROOT / "data"


@app.command()
def migrate() -> None:
    """Apply the database migrations that have not been applied yet."""
    with service(needs_schema=False) as container:
        applied = container.migrate()
    typer.echo(f"applied: {', '.join(applied)}" if applied else "the database is up to date")


@app.command()
def provision(
    fields: Annotated[
        Path, typer.Option(help="Fields file (project or prototype format).")
    ] = DATA_DIR / "fields.json",
    examples: Annotated[
        Path, typer.Option(help="Examples file (project or prototype format).")
    ] = DATA_DIR / "examples.json",
) -> None:
    """Upsert fields and labelled examples, in one transaction: all of them or nothing."""
    with service() as container, reported_errors():
        report = container.provisioning.provision(read_fields(fields), stream_examples(examples))
    typer.echo(
        f"fields: {report.fields_created} created, {report.fields_updated} updated; "
        f"examples: {report.examples_created} created, {report.examples_updated} updated"
    )


@app.command()
def lookup(
    description: Annotated[str, typer.Argument(help="The product text.")],
    codes: Annotated[list[str], typer.Argument(help="Field codes, e.g. EF000042 EF000035.")],
    llm: Annotated[str | None, typer.Option(help="A configured LLM (see `llms`).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print {code: value} as JSON.")] = False,
) -> None:
    """Look up the values of fields in one product description."""
    with service() as container, reported_errors():
        result = container.lookup.lookup(LookupRequest(description, tuple(codes), llm))
    if as_json:
        typer.echo(json.dumps(result.values(), ensure_ascii=False))
    else:
        typer.echo(outcomes_table(result))


@app.command()
def llms() -> None:
    """The configured LLM names, one per line, the default first."""
    with service(needs_schema=False) as container:
        names = container.llms.names()
    typer.echo("\n".join(names))


@app.command(name="fields")
def list_fields(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The known fields."""
    with service() as container, reported_errors():
        known = container.fields.list_all()
    if as_json:
        typer.echo(json.dumps([_field_json(f) for f in known], ensure_ascii=False, indent=2))
    else:
        typer.echo(fields_table(known))


def _field_json(field: Field) -> dict[str, object]:
    from dataclasses import asdict

    data = asdict(field)
    data["options"] = list(data["options"])
    data["type"] = str(data["type"])
    return data


app.command()(enrich.enrich)
app.command()(evaluate.evaluate)
app.command(name="benchmark-from-prototype")(evaluate.benchmark_from_prototype)
keys.keys.command(name="set-budget")(key_accounts.set_budget)
keys.keys.command()(key_accounts.usage)
app.add_typer(keys.keys, name="keys")
app.add_typer(reviews.reviews, name="reviews")
app.add_typer(akeneo.akeneo, name="akeneo")
app.add_typer(etim, name="etim")
app.add_typer(jobs.jobs, name="jobs")
app.command()(worker.worker)
