"""What the batch commands (`evaluate`, `enrich`) share on their command line."""

from __future__ import annotations

from typing import Annotated

import typer

BatchTimeout = Annotated[
    float | None,
    typer.Option(
        min=0.01,
        show_default=False,
        help=(
            "Seconds each product may take, its turn at the model included (default: "
            "BATCH_QUERY_TIMEOUT, else 300). "
            "The API's LLM_QUERY_TIMEOUT does not apply to batch work."
        ),
    ),
]
"""`--timeout`: each product's deadline; None leaves it to BATCH_QUERY_TIMEOUT."""
