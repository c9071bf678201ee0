"""FastAPI dependencies, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from src.bootstrap import Container


async def get_container(request: Request) -> Container:
    """Async so that FastAPI calls it on the event loop, not through a thread of its pool."""
    return request.app.state.container


ContainerDep = Annotated[Container, Depends(get_container)]
