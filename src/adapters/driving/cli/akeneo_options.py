"""What the `akeneo` commands share on their command line, and the Akeneo side they all read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from src.adapters.driven.akeneo.attributes import Where
from src.adapters.driven.akeneo.catalogue import AkeneoCatalogue
from src.adapters.driven.akeneo.client import AkeneoClient
from src.bootstrap import Container
from src.bootstrap.akeneo import akeneo_client
from src.domain.errors import InvalidRequestError

Families = Annotated[
    list[str],
    typer.Option("--family", help="An Akeneo family code; repeat for several.", show_default=False),
]
Channel = Annotated[str, typer.Option(help="The channel (scope) of scopable attributes.")]
Locale = Annotated[
    str, typer.Option(help="The locale of localizable attributes and of option labels.")
]
Texts = Annotated[
    list[str],
    typer.Option(
        "--text",
        help="A text attribute of the product's description, in order; repeat for several.",
        show_default=False,
    ),
]
Search = Annotated[
    str | None,
    typer.Option(
        help='More Akeneo product filters, as JSON: {"enabled": [{"operator": "=", '
        '"value": true}]}.',
        show_default=False,
    ),
]


def search_filters(search: str | None) -> dict[str, Any]:
    """The `--search` JSON as filters; InvalidRequestError when it is not an object of lists."""
    if search is None:
        return {}
    try:
        filters = json.loads(search)
    except ValueError as error:
        raise InvalidRequestError(f"--search is not JSON: {error}") from None
    if not isinstance(filters, dict) or not all(isinstance(v, list) for v in filters.values()):
        raise InvalidRequestError('--search must be an object of filter lists: {"code": [...]}')
    return filters


@contextmanager
def akeneo_catalogue(container: Container) -> Iterator[tuple[AkeneoCatalogue, AkeneoClient]]:
    client = akeneo_client(container.settings)
    try:
        yield AkeneoCatalogue(client), client
    finally:
        client.close()


def where(channel: str, locale: str) -> Where:
    return Where(channel=channel, locale=locale)


DryRun = Annotated[
    bool,
    typer.Option("--dry-run", help="Print the PATCH lines that would be sent; write nothing."),
]
