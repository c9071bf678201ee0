"""`python cli.py etim provision|enrich`: an ETIM xChange file's features become fields and its
filled values labelled examples; `enrich` (etim_enrich) fills the empty ones and writes the file
back."""

from __future__ import annotations

from typing import Annotated

import typer

from src.adapters.driven.etim_xchange.document import read_document
from src.adapters.driving.cli import etim_enrich
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.etim_options import (
    Features,
    Language,
    XChangeFile,
    language_of,
    mapping_of,
    product_keys,
)
from src.adapters.driving.cli.service import service
from src.domain.catalogue.limits import field_defect
from src.domain.catalogue.provisioning import ExampleRecord

etim = typer.Typer(
    help="ETIM xChange files: features as fields, examples, and enrichment of the file.",
    no_args_is_help=True,
)


@etim.command()
def provision(
    file: XChangeFile,
    features: Features = None,
    language: Language = None,
    examples: Annotated[
        bool, typer.Option(help="Make the filled feature values labelled examples.")
    ] = True,
) -> None:
    """Make the file's features fields (again: updated, not duplicated), and its filled values
    labelled examples."""
    with service() as container, reported_errors():
        document = read_document(file)
        mapping = mapping_of(document, features)
        chosen, skipped = [], list(mapping.skipped.items())
        for code, feature in mapping.mapped.items():
            defect = field_defect(feature.field)
            if defect is None:
                chosen.append(feature.field)
            else:
                skipped.append((code, defect))
        records: list[ExampleRecord] = []
        products = unreadable = 0
        if examples:
            place = language_of(document, language)
            usable = {f.code: mapping.mapped[f.code] for f in chosen}
            for key, product in product_keys(document).items():
                context = product.descriptions.get(place)
                if not context:
                    continue
                found: dict[str, ExampleRecord] = {}
                for entry in product.features:
                    read_as = usable.get(entry.code)
                    if read_as is None or not entry.has_value or entry.code in found:
                        continue
                    value = read_as.kind.read(entry.entry, read_as.definition)
                    if value is None:
                        unreadable += 1
                        continue
                    found[entry.code] = ExampleRecord(
                        entry.code, context, value, str(file), f"{entry.record} (product {key})"
                    )
                records += found.values()
                products += bool(found)
        report = container.provisioning.provision(chosen, records)
    for field in chosen:
        unit = f" ({field.unit})" if field.unit else ""
        options = f", {len(field.options)} options" if field.options else ""
        typer.echo(f"field {field.code}: {field.type}{unit}{options} {field.label!r}")
    for code, reason in skipped:
        typer.echo(f"skipped {code}: {reason}", err=True)
    if unreadable:
        typer.echo(
            f"not examples: {unreadable} values their feature does not know (an EV code "
            "missing from --features, or a value of another type)",
            err=True,
        )
    typer.echo(f"fields: {report.fields_created} created, {report.fields_updated} updated")
    if examples:
        typer.echo(
            f"examples from {products} products: {report.examples_created} created, "
            f"{report.examples_updated} updated"
        )


etim.command()(etim_enrich.enrich)
