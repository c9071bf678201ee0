"""`python cli.py akeneo fields|examples|enrich`: a catalogue where it lives, in Akeneo. Fields
come from the attributes of chosen families, labelled examples from their filled products, and
`enrich` (akeneo_enrich) writes the values found back into the PIM, `write-reviewed`
(akeneo_reviewed) those reviewers kept."""

from __future__ import annotations

from typing import Annotated

import typer

from src.adapters.driven.akeneo.descriptions import description
from src.adapters.driving.cli import akeneo_enrich, akeneo_reviewed
from src.adapters.driving.cli.akeneo_options import (
    Channel,
    Families,
    Locale,
    Search,
    Texts,
    akeneo_catalogue,
    search_filters,
    where,
)
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.service import service
from src.domain.catalogue.limits import field_defect
from src.domain.catalogue.provisioning import ExampleRecord

akeneo = typer.Typer(
    help="Akeneo PIM: fields, examples and enrichment in place.", no_args_is_help=True
)


@akeneo.command()
def fields(
    family: Families,
    channel: Channel = "ecommerce",
    locale: Locale = "en_US",
) -> None:
    """Make the attributes of families fields of the service (again: updated, not duplicated)."""
    with service() as container, reported_errors(), akeneo_catalogue(container) as (catalogue, _):
        found = catalogue.attributes(family, where(channel, locale))
        chosen, skipped = [], [(s.code, s.reason) for s in found.skipped]
        for attribute in found.mapped:
            defect = field_defect(attribute.field)
            if defect is None:
                chosen.append(attribute.field)
            else:
                skipped.append((attribute.code, defect))
        report = container.provisioning.provision(chosen, [])
    for field in chosen:
        unit = f" ({field.unit})" if field.unit else ""
        options = f", {len(field.options)} options" if field.options else ""
        several = ", several" if field.multiple else ""
        typer.echo(f"field {field.code}: {field.type}{unit}{options}{several}")
    for code, reason in skipped:
        typer.echo(f"skipped {code}: {reason}", err=True)
    typer.echo(f"fields: {report.fields_created} created, {report.fields_updated} updated")


@akeneo.command()
def examples(
    family: Families,
    text: Texts,
    channel: Channel = "ecommerce",
    locale: Locale = "en_US",
    search: Search = None,
    limit: Annotated[int, typer.Option(min=0, help="At most this many products (0: all).")] = 0,
) -> None:
    """Make the filled values of the families' products labelled examples of their fields."""
    place = where(channel, locale)
    with service() as container, reported_errors(), akeneo_catalogue(container) as (catalogue, _):
        filters = search_filters(search)
        attributes = catalogue.attributes(family, place)
        known = container.fields.get_many([a.code for a in attributes.mapped])
        readable = [a for a in attributes.mapped if a.code in known and a.code not in text]
        records: list[ExampleRecord] = []
        products = 0
        for product in catalogue.products(family, filters):
            context = description(product, text, place)
            if not context:
                continue
            found = [
                ExampleRecord(a.code, context, value, "akeneo", f"product {product['uuid']}")
                for a in readable
                if (value := a.value(product, place)) is not None
            ]
            if found:
                records += found
                products += 1
            if limit and products >= limit:
                break
        report = container.provisioning.provision([], records)
    typer.echo(
        f"examples from {products} products: {report.examples_created} created, "
        f"{report.examples_updated} updated"
    )


akeneo.command()(akeneo_enrich.enrich)
akeneo.command(name="write-reviewed")(akeneo_reviewed.write_reviewed)
