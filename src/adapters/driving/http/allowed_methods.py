"""The `Allow` header of a 405: every method the OpenAPI schema gives the path, and every method
of a route that matches it (undocumented ones, like the review page's, included). Starlette names
only those of the first route that matches the path, which is wrong when two routes share it
(GET and POST /api/reviews/queue, GET and POST /api/jobs)."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.routing import Match

_PARAMETER = re.compile(r"\\\{[^/]+?\\\}")


def allowed_methods(request: Request, found: str) -> str:
    """The methods of the request's path; `found` (Starlette's) when none is known."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        if re.fullmatch(_PARAMETER.sub("[^/]+", re.escape(template)), request.url.path):
            methods |= {method.upper() for method in operations}
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods)) if methods else found
