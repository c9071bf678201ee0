"""The `Allow` header of a 405: every method the OpenAPI schema gives the path. Starlette names
only those of the first route that matches the path, which is wrong when two routes share it
(GET and POST /api/reviews/queue)."""

from __future__ import annotations

import re

from starlette.requests import Request

_PARAMETER = re.compile(r"\\\{[^/]+?\\\}")


def allowed_methods(request: Request, found: str) -> str:
    """The documented methods of the request's path; `found` (Starlette's) when none is."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        if re.fullmatch(_PARAMETER.sub("[^/]+", re.escape(template)), request.url.path):
            methods |= {method.upper() for method in operations}
    return ", ".join(sorted(methods)) if methods else found
