"""Behind a path-prefix proxy (`uvicorn --root-path /svc`), the API key is still asked for:
the guard reads the path as the router does, and protects everything but the open routes."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.live_server import live_server, prepare_database

LOOKUP = {
    "description": "Lampe incandescente forme Standard 60X103 12V 40W E27",
    "fields": ["EF000042"],
}


def test_a_root_path_does_not_open_the_api_and_leaves_the_open_routes_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lookup.db'}"
    key = prepare_database(url, api_key_name="shop")
    with (
        live_server(url, uvicorn_args=("--root-path", "/svc")) as server,
        httpx.Client(base_url=server.base_url, timeout=10) as http,
    ):
        asked = [
            http.get("/api/llms"),
            http.get("/api/fields"),
            http.get("/api/fields/EF000042"),
            http.post("/api/product/fields/lookup", json=LOOKUP),
            http.post("/api/product/fields/lookup/stream", json=LOOKUP),
            http.post("/api/jobs", files={"file": ("c.jsonl", b"{}")}),
            http.get("/api/jobs/some-job"),
            http.get("/api/jobs/some-job/results"),
            http.delete("/api/jobs/some-job"),
            http.get("/api/usage"),
            http.get("/api/reviews/queue"),
            http.post("/api/reviews", json={}),
            http.get("/svc/api/llms"),  # a proxy that does not strip its prefix
            http.get("/no/such/route"),  # fails closed: unknown paths are guarded too
        ]
        assert [(r.request.url.path, r.status_code) for r in asked] == [
            (r.request.url.path, 401) for r in asked
        ]

        keyed = {"Authorization": f"Bearer {key}"}
        assert http.get("/api/llms", headers=keyed).status_code == 200
        answered = http.post("/api/product/fields/lookup", json=LOOKUP, headers=keyed)
        assert answered.status_code == 200 and answered.json() == {"EF000042": "E27"}

        for path in ("/health", "/openapi.json", "/docs", "/metrics", "/", "/page/review.js"):
            assert http.get(path).status_code == 200, path
        schema = http.get("/openapi.json").json()
        assert schema["paths"]["/api/llms"]["get"]["security"] == [{"apiKey": []}]
        assert "security" not in schema["paths"]["/health"]["get"]
