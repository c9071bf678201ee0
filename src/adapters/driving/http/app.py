"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from config.settings import Settings
from src.adapters.driving.http.access_routes import router as access_router
from src.adapters.driving.http.errors import install_error_handlers
from src.adapters.driving.http.job_routes import job_router
from src.adapters.driving.http.lookup_routes import router as lookup_router
from src.adapters.driving.http.observability import RequestIdMiddleware, configure_json_logging
from src.adapters.driving.http.protection import install_protections
from src.adapters.driving.http.purge_task import background_purge
from src.adapters.driving.http.review_page_routes import router as review_page_router
from src.adapters.driving.http.review_routes import router as review_router
from src.adapters.driving.http.route_roles import require_route_role
from src.adapters.driving.http.unexpected import UnexpectedErrorMiddleware
from src.adapters.driving.http.usage_routes import router as usage_router
from src.bootstrap import Container, bootstrap
from src.bootstrap.heap import tune_the_collector


def create_app(container: Container | None = None) -> FastAPI:
    """The API, on `container`, or on one bootstrapped from the environment at start-up."""
    settings = container.settings if container is not None else Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = container is None
        if owned:
            configure_json_logging()
        app.state.container = container or bootstrap(settings)
        if owned:
            tune_the_collector()
        purge = background_purge(app.state.container)
        app.state.container.jobs.serve()
        try:
            yield
        finally:
            if purge is not None:
                purge.cancel()
            if owned:
                app.state.container.close()

    app = FastAPI(
        title="Product-field lookup",
        summary="Fills empty product attributes from product text with an LLM.",
        version="0.1.0",
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
        dependencies=[Depends(require_route_role)],
    )
    if container is not None:
        app.state.container = container
    install_error_handlers(app)
    app.include_router(lookup_router)
    app.include_router(job_router(settings.max_upload_bytes))
    app.include_router(usage_router)
    app.include_router(access_router)
    app.include_router(review_router)
    app.include_router(review_page_router)
    install_protections(app, settings)
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(RequestIdMiddleware)
    return app
