"""FastAPI dependencies, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from src.bootstrap import Container
from src.domain.access.roles import Caller


async def get_container(request: Request) -> Container:
    """Async so that FastAPI calls it on the event loop, not through a thread of its pool."""
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def caller_of(request: Request) -> Caller:
    """Who the request comes from, as the guard admitted it."""
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Caller):  # every /api/… request passes the guard first
        raise RuntimeError("the request was not admitted by ApiGuard")
    return caller


async def get_caller(request: Request) -> Caller:
    return caller_of(request)


CallerDep = Annotated[Caller, Depends(get_caller)]
