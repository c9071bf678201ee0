"""The API's protections, installed on the app in the order they must see a request."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from config.settings import Settings
from src.adapters.driving.http.openapi import document_protections
from src.adapters.driving.http.security import ApiGuard


def install_protections(app: FastAPI, settings: Settings) -> None:
    """The API key and the rate limit on `/api/…` (ApiGuard), and outside them CORS for
    CORS_ORIGINS (none by default), so that preflights are answered without a key and browsers
    can read a 401 or a 429. The body limit (MAX_BODY_BYTES) is FastAPI's own `max_body_size`,
    set where the app is made."""
    app.add_middleware(ApiGuard)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["Retry-After"],
            max_age=600,
        )
    document_protections(app, settings)
