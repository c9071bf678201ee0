"""The serverless entry point (vercel.json → web.py's `app`): it builds the service from the
environment on its first request, with no lifespan events, as such platforms call it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

import web
from config.settings import Settings
from src.adapters.driving.http.serverless import LazyApp
from src.bootstrap import bootstrap
from tests.conftest import REPO
from tests.e2e.conftest import provisioned

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"


def test_vercel_routes_every_path_to_the_module_that_holds_the_app() -> None:
    config = json.loads((REPO / "vercel.json").read_text())

    [build] = config["builds"]
    assert build["use"] == "@vercel/python" and (REPO / build["src"]).exists()
    assert config["routes"] == [{"src": "/(.*)", "dest": build["src"]}]
    assert isinstance(web.app, LazyApp)


def test_the_app_builds_itself_on_its_first_request_without_lifespan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'lookup.db'}",
        "CONFIG_MODULE": "config.mock",
    }
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    setup = bootstrap(Settings.from_env(environ))
    setup.migrate()
    provisioned(setup).close()

    app = LazyApp()
    assert not app.is_built  # importing and constructing build nothing

    async def ask() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://vercel"
        ) as client:
            health = await client.get("/health")
            lookup = await client.post(
                "/api/product/fields/lookup", json={"description": LAMP, "fields": ["EF000042"]}
            )
            return health, lookup

    try:
        health, lookup = asyncio.run(ask())
    finally:
        if app.is_built:
            app.built().state.container.close()

    assert health.status_code == 200 and health.json()["database"] == "ok"
    assert lookup.status_code == 200 and lookup.json() == {"EF000042": "E27"}
