"""The role each `/api/…` route needs, in one table, checked by a dependency of the whole app: a
key whose role is lower is refused (403, naming the role needed), and a route missing from the
table needs `admin`, so that one added later fails closed."""

from __future__ import annotations

from fastapi import Request

from src.domain.access.roles import Caller, Role

ROUTE_ROLES: dict[tuple[str, str], Role] = {
    ("POST", "/api/product/fields/lookup"): Role.LOOKUP,
    ("POST", "/api/product/fields/lookup/stream"): Role.LOOKUP,
    ("GET", "/api/llms"): Role.LOOKUP,
    ("GET", "/api/fields"): Role.LOOKUP,
    ("GET", "/api/fields/{code}"): Role.LOOKUP,
    ("GET", "/api/me"): Role.LOOKUP,
    ("GET", "/api/usage"): Role.LOOKUP,
    ("POST", "/api/jobs"): Role.LOOKUP,
    ("GET", "/api/jobs/{job_id}"): Role.LOOKUP,
    ("GET", "/api/jobs/{job_id}/results"): Role.LOOKUP,
    ("DELETE", "/api/jobs/{job_id}"): Role.LOOKUP,
    ("POST", "/api/reviews"): Role.REVIEWER,
    ("GET", "/api/reviews/queue"): Role.REVIEWER,
    ("POST", "/api/reviews/queue"): Role.REVIEWER,
    ("GET", "/api/reviews/corrections"): Role.ADMIN,
    ("POST", "/api/reviews/{decision_id}/accept"): Role.ADMIN,
}
"""(method, route) → the lowest role that may call it. Within a route, what a role sees may be
narrower still: another key's job or usage only for an admin of its tenant."""


async def require_route_role(request: Request) -> None:
    """A dependency of every route: ForbiddenError, naming the role needed, when the key the
    guard admitted has a role below the route's. Open routes (no key read) pass."""
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Caller):
        return
    route = request.scope.get("route")
    path = getattr(route, "path", None) or request.url.path  # unknown: needs admin, below
    needed = ROUTE_ROLES.get((request.method, path), Role.ADMIN)
    caller.require(needed, f"call {request.method} {path}")
