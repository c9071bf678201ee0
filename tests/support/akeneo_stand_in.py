"""A loopback stand-in of Akeneo's REST API, written from its public reference (api.akeneo.com):
the token endpoint (password and refresh_token grants, client id/secret as basic auth), families,
attributes and their options (offset pagination), measurement families, and the UUID product
endpoints: the list with `pagination_type=search_after` and `_links.next`, and the collection
PATCH (`application/vnd.akeneo.collection+json`, one JSON per line, a status per line). Product
models too: family variants (`/families/{family}/variants/{code}`), the list of product models
(search_after by code) and their collection PATCH; a variant product is listed with the values
it inherits from its models, and a value is refused on a product or model whose level of the
family variant does not hold its attribute, as Akeneo refuses it.

Answers as the reference documents them: 401 `The access token provided has expired.` for an
expired token, 429 with Retry-After when throttling, 422 lines for values Akeneo would refuse.
`faults` scripts the trouble (a throttle storm, server errors, tokens expiring mid-run, lines
refused, a PATCH held until the test releases it); `applied` keeps every product line applied.
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

COLLECTION_TYPE = "application/vnd.akeneo.collection+json"
CLIENT_ID = "stand-in-client"
SECRET = "stand-in-secret"
USERNAME = "stand-in-user"
PASSWORD = "stand-in-password"
EXPIRED = "The access token provided has expired."


@dataclass
class Faults:
    throttled: int = 0
    """The next N API requests are answered 429 with `retry_after`."""
    retry_after: str = "1"
    server_errors: int = 0
    """The next N API requests are answered 503."""
    expire_tokens_after: int | None = None
    """After this many API requests, every token given so far expires (once)."""
    refused: dict[str, str] = field(default_factory=dict)
    """Product uuids whose PATCH lines are refused (422), with the message."""
    hold_patch: int | None = None
    """The PATCH of this number (from 1) waits for `release` and is then dropped, unapplied."""


@dataclass
class Catalogue:
    families: dict[str, dict[str, Any]] = field(default_factory=dict)
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    options: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    measurement_families: list[dict[str, Any]] = field(default_factory=list)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    family_variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    """By code; each names its `family`."""
    product_models: dict[str, dict[str, Any]] = field(default_factory=dict)
    """By code."""


NOT_IN_SET = 'Cannot set the property "{code}" to this entity as it is not in the attribute set'


class AkeneoStandIn:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.faults = Faults()
        self.applied: list[tuple[str, dict[str, Any]]] = []
        """(uuid, values) of every product line applied, in order."""
        self.applied_models: list[tuple[str, dict[str, Any]]] = []
        """(code, values) of every product model line applied, in order."""
        self.patches = 0
        self.patched_at: list[float] = []
        """When each collection PATCH came (time.time())."""
        self.grants: list[str] = []
        """The grant type of every token given."""
        self.api_requests = 0
        self.requests: list[tuple[str, str]] = []
        """(method, path and query) of every API request answered, in order."""
        self.throttled = 0
        self.held = threading.Event()
        self.release = threading.Event()
        self._tokens: dict[str, bool] = {}
        """Access tokens given, and whether each is still valid."""
        self._refresh: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def environment(self) -> dict[str, str]:
        return {
            "AKENEO_URL": self.base_url,
            "AKENEO_CLIENT_ID": CLIENT_ID,
            "AKENEO_SECRET": SECRET,
            "AKENEO_USERNAME": USERNAME,
            "AKENEO_PASSWORD": PASSWORD,
        }

    def start(self) -> AkeneoStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens = dict.fromkeys(self._tokens, False)

    # the token endpoint

    def token(self, headers: Mapping[str, str], body: bytes) -> tuple[int, Any]:
        expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
        if headers.get("Authorization") != f"Basic {expected}":
            return 422, {
                "code": 422,
                "message": 'Parameter "client_id" is missing or does not match any client, '
                "or secret is invalid",
            }
        try:
            grant = (
                json.loads(body)
                if body.strip().startswith(b"{")
                else {k: v[0] for k, v in parse_qs(body.decode()).items()}
            )
        except ValueError:
            return 400, {"code": 400, "message": "Invalid json message received"}
        kind = grant.get("grant_type")
        with self._lock:
            if kind == "password":
                if (grant.get("username"), grant.get("password")) != (USERNAME, PASSWORD):
                    return 422, {
                        "code": 422,
                        "message": "No user found for the given username and password",
                    }
            elif kind == "refresh_token":
                if grant.get("refresh_token") not in self._refresh:
                    return 422, {"code": 422, "message": "Invalid refresh token"}
                self._refresh.discard(grant["refresh_token"])
            else:
                return 422, {
                    "code": 422,
                    "message": 'Parameter "grant_type" is missing, empty or invalid',
                }
            access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
            self._tokens[access] = True
            self._refresh.add(refresh)
            self.grants.append(kind)
        return 200, {
            "access_token": access,
            "expires_in": 3600,
            "token_type": "bearer",
            "scope": None,
            "refresh_token": refresh,
        }

    # the API

    def api(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        authorisation = headers.get("Authorization", "")
        with self._lock:
            valid = self._tokens.get(authorisation.removeprefix("Bearer "))
            if not authorisation.startswith("Bearer ") or valid is None:
                return 401, {"code": 401, "message": "The access token provided is invalid."}, {}
            if valid is False:
                return 401, {"code": 401, "message": EXPIRED}, {}
            self.api_requests += 1
            if (
                self.faults.expire_tokens_after is not None
                and self.api_requests >= self.faults.expire_tokens_after
            ):
                self.faults.expire_tokens_after = None
                self._tokens = dict.fromkeys(self._tokens, False)
            if self.faults.throttled > 0:
                self.faults.throttled -= 1
                self.throttled += 1
                return (
                    429,
                    {"code": 429, "message": "Too many requests"},
                    {"Retry-After": self.faults.retry_after},
                )
            if self.faults.server_errors > 0:
                self.faults.server_errors -= 1
                return 503, {"code": 503, "message": "Service unavailable"}, {}
        with self._lock:
            self.requests.append((method, target))
        url = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        if parts[:3] != ["api", "rest", "v1"]:
            return 404, {"code": 404, "message": "Not found"}, {}
        route = parts[3:]
        if method == "GET" and len(route) == 2 and route[0] == "families":
            family = self.catalogue.families.get(route[1])
            if family is None:
                return 404, {"code": 404, "message": f'Family "{route[1]}" does not exist.'}, {}
            return 200, family, {}
        if method == "GET" and route == ["attributes"]:
            return self._page(url.path, query, list(self._attributes(query).values()))
        if (
            method == "GET"
            and len(route) == 3
            and route[0] == "attributes"
            and route[2] == "options"
        ):
            if route[1] not in self.catalogue.attributes:
                return 404, {"code": 404, "message": f'Attribute "{route[1]}" does not exist.'}, {}
            return self._page(url.path, query, self.catalogue.options.get(route[1], []))
        if (
            method == "GET"
            and len(route) == 4
            and route[0] == "families"
            and route[2] == "variants"
        ):
            variant = self.catalogue.family_variants.get(route[3])
            if variant is None or variant.get("family") != route[1]:
                return (
                    404,
                    {"code": 404, "message": f'Family variant "{route[3]}" does not exist.'},
                    {},
                )
            return 200, {k: v for k, v in variant.items() if k != "family"}, {}
        if method == "GET" and route == ["product-models"]:
            return self._models(url.path, query)
        if method == "PATCH" and route == ["product-models"]:
            return self._patch(headers, body, self._apply_model)
        if method == "GET" and route == ["measurement-families"]:
            return 200, self.catalogue.measurement_families, {}
        if method == "GET" and route == ["products-uuid"]:
            return self._products(url.path, query)
        if method == "PATCH" and route == ["products-uuid"]:
            return self._patch(headers, body, self._apply)
        return 404, {"code": 404, "message": "Not found"}, {}

    def _attributes(self, query: Mapping[str, str]) -> dict[str, dict[str, Any]]:
        attributes = self.catalogue.attributes
        if "search" not in query:
            return attributes
        wanted = set(json.loads(query["search"])["code"][0]["value"])
        return {code: a for code, a in attributes.items() if code in wanted}

    def _page(
        self, path: str, query: Mapping[str, str], items: list[dict[str, Any]]
    ) -> tuple[int, Any, dict[str, str]]:
        limit, page = int(query.get("limit", 10)), int(query.get("page", 1))
        if limit > 100:
            return 422, {"code": 422, "message": "You cannot request more than 100 items."}, {}
        chosen = items[(page - 1) * limit : page * limit]
        links = {
            "self": {"href": self._href(path, {**query, "page": page})},
            "first": {"href": self._href(path, {**query, "page": 1})},
        }
        if page * limit < len(items):
            links["next"] = {"href": self._href(path, {**query, "page": page + 1})}
        return 200, {"_links": links, "current_page": page, "_embedded": {"items": chosen}}, {}

    def _products(self, path: str, query: Mapping[str, str]) -> tuple[int, Any, dict[str, str]]:
        if query.get("pagination_type") != "search_after":
            return (
                422,
                {"code": 422, "message": "this stand-in serves the search_after pagination"},
                {},
            )
        limit = int(query.get("limit", 10))
        if limit > 100:
            return 422, {"code": 422, "message": "You cannot request more than 100 items."}, {}
        filters = json.loads(query.get("search", "{}"))
        families: set[str] | None = None
        uuids: set[str] | None = None
        enabled: bool | None = None
        for name, conditions in filters.items():
            for condition in conditions:
                if name == "family" and condition.get("operator") == "IN":
                    families = set(condition["value"])
                elif name == "uuid" and condition.get("operator") == "IN":
                    uuids = set(condition["value"])
                elif name == "enabled" and condition.get("operator") in ("=", "!="):
                    enabled = bool(condition["value"]) == (condition["operator"] == "=")
                else:
                    return (
                        422,
                        {
                            "code": 422,
                            "message": f'Filter on property "{name}" is not supported '
                            "or does not support "
                            f'operator "{condition.get("operator")}"',
                        },
                        {},
                    )
        after = query.get("search_after")
        with self._lock:
            ordered = sorted(self.catalogue.products)
            chosen = [
                self.as_listed(self.catalogue.products[u])
                for u in ordered
                if (after is None or u > after)
                and (families is None or self.catalogue.products[u].get("family") in families)
                and (enabled is None or self.catalogue.products[u].get("enabled") is enabled)
                and (uuids is None or u in uuids)
            ]
        page = chosen[:limit]
        for item in page:
            item["_links"] = {"self": {"href": f"{self.base_url}{path}/{item['uuid']}"}}
        base = {k: v for k, v in query.items() if k != "search_after"}
        links = {
            "self": {"href": self._href(path, query)},
            "first": {"href": self._href(path, base)},
        }
        if len(chosen) > limit:
            links["next"] = {"href": self._href(path, {**base, "search_after": page[-1]["uuid"]})}
        return 200, {"_links": links, "_embedded": {"items": page}}, {}

    def as_listed(self, product: dict[str, Any]) -> dict[str, Any]:
        """A copy of `product` with the values of its models, as Akeneo lists a variant."""
        listed = json.loads(json.dumps(product))
        parent = product.get("parent")
        while parent is not None:
            model = self.catalogue.product_models[parent]
            for code, values in model.get("values", {}).items():
                listed["values"].setdefault(code, json.loads(json.dumps(values)))
            parent = model.get("parent")
        return listed

    def _models(self, path: str, query: Mapping[str, str]) -> tuple[int, Any, dict[str, str]]:
        if query.get("pagination_type") != "search_after":
            return 422, {"code": 422, "message": "this stand-in serves search_after"}, {}
        limit = int(query.get("limit", 10))
        if limit > 100:
            return 422, {"code": 422, "message": "You cannot request more than 100 items."}, {}
        families: set[str] | None = None
        for name, conditions in json.loads(query.get("search", "{}")).items():
            for condition in conditions:
                if name != "family" or condition.get("operator") != "IN":
                    return 422, {"code": 422, "message": f'Filter "{name}" not supported'}, {}
                families = set(condition["value"])
        after = query.get("search_after")
        with self._lock:
            chosen = [
                json.loads(json.dumps(self.catalogue.product_models[code]))
                for code in sorted(self.catalogue.product_models)
                if (after is None or code > after)
                and (families is None or self.catalogue.product_models[code]["family"] in families)
            ]
        page = chosen[:limit]
        base = {k: v for k, v in query.items() if k != "search_after"}
        links = {
            "self": {"href": self._href(path, query)},
            "first": {"href": self._href(path, base)},
        }
        if len(chosen) > limit:
            links["next"] = {"href": self._href(path, {**base, "search_after": page[-1]["code"]})}
        return 200, {"_links": links, "_embedded": {"items": page}}, {}

    def _level_holds(self, variant_code: str, level: int, code: str) -> bool:
        """Whether the level (0: the root model) of the family variant holds the attribute."""
        variant = self.catalogue.family_variants[variant_code]
        sets = {
            s["level"]: {*s.get("attributes", []), *s.get("axes", [])}
            for s in variant["variant_attribute_sets"]
        }
        if level == 0:
            return not any(code in held for held in sets.values())
        return code in sets.get(level, set())

    def _model_level(self, model: dict[str, Any]) -> int:
        return 0 if model.get("parent") is None else 1

    def _href(self, path: str, query: Mapping[str, object]) -> str:
        return f"{self.base_url}{path}?{urlencode(query)}"

    def _patch(
        self, headers: Mapping[str, str], body: bytes, apply: Callable[[str], dict[str, Any]]
    ) -> tuple[int, Any, dict[str, str]]:
        if headers.get("Content-Type") != COLLECTION_TYPE:
            return (
                415,
                {
                    "code": 415,
                    "message": f'"{headers.get("Content-Type")}" in "Content-Type" header '
                    "is not valid. "
                    f'Only "{COLLECTION_TYPE}" is allowed.',
                },
                {},
            )
        lines = [line for line in body.decode("utf-8").split("\n") if line.strip()]
        if len(lines) > 100:
            return (
                413,
                {
                    "code": 413,
                    "message": "Too many resources to process, 100 is the maximum allowed.",
                },
                {},
            )
        with self._lock:
            self.patches += 1
            self.patched_at.append(time.time())
            number = self.patches
        if self.faults.hold_patch == number:
            self.held.set()
            self.release.wait()
            return 503, {"code": 503, "message": "dropped"}, {}
        statuses = []
        for position, text in enumerate(lines, 1):
            statuses.append({"line": position, **apply(text)})
        return 200, "\n".join(json.dumps(s) for s in statuses), {"Content-Type": COLLECTION_TYPE}

    def _apply(self, text: str) -> dict[str, Any]:
        try:
            resource = json.loads(text)
        except ValueError:
            return {"status_code": 400, "message": "Invalid json message received"}
        uuid = str(resource.get("uuid"))
        if uuid in self.faults.refused:
            return {"uuid": uuid, "status_code": 422, "message": self.faults.refused[uuid]}
        with self._lock:
            product = self.catalogue.products.get(uuid)
            if product is None:
                return {
                    "uuid": uuid,
                    "status_code": 422,
                    "message": "this stand-in creates no product",
                }
            level = self._product_level(product)
            for code, values in resource.get("values", {}).items():
                problem = self._invalid(code, values)
                if problem is None and level is not None and not self._level_holds(*level, code):
                    problem = NOT_IN_SET.format(code=code)
                if problem:
                    return {"uuid": uuid, "status_code": 422, "message": problem}
            _set_values(product, resource.get("values", {}))
            self.applied.append((uuid, resource.get("values", {})))
        return {"uuid": uuid, "status_code": 204}

    def _product_level(self, product: dict[str, Any]) -> tuple[str, int] | None:
        """A variant product's family variant and level (its sets' count); None for a simple
        product."""
        if product.get("parent") is None:
            return None
        variant = self.catalogue.product_models[product["parent"]]["family_variant"]
        return variant, len(self.catalogue.family_variants[variant]["variant_attribute_sets"])

    def _apply_model(self, text: str) -> dict[str, Any]:
        try:
            resource = json.loads(text)
        except ValueError:
            return {"status_code": 400, "message": "Invalid json message received"}
        code = str(resource.get("code"))
        if code in self.faults.refused:
            return {"code": code, "status_code": 422, "message": self.faults.refused[code]}
        with self._lock:
            model = self.catalogue.product_models.get(code)
            if model is None:
                return {"code": code, "status_code": 422, "message": "this stand-in creates none"}
            for attribute, values in resource.get("values", {}).items():
                problem = self._invalid(attribute, values)
                level = self._model_level(model)
                if problem is None and not self._level_holds(
                    model["family_variant"], level, attribute
                ):
                    problem = NOT_IN_SET.format(code=attribute)
                if problem:
                    return {"code": code, "status_code": 422, "message": problem}
            _set_values(model, resource.get("values", {}))
            self.applied_models.append((code, resource.get("values", {})))
        return {"code": code, "status_code": 204}

    def _invalid(self, code: str, values: list[dict[str, Any]]) -> str | None:
        attribute = self.catalogue.attributes.get(code)
        if attribute is None:
            return f'Property "{code}" does not exist.'
        for value in values:
            if bool(attribute.get("localizable")) != (value.get("locale") is not None):
                return f'Attribute "{code}": the locale does not match its localizable property'
            if bool(attribute.get("scopable")) != (value.get("scope") is not None):
                return f'Attribute "{code}": the scope does not match its scopable property'
            data, kind = value.get("data"), attribute["type"]
            if kind == "pim_catalog_simpleselect":
                codes = {o["code"] for o in self.catalogue.options.get(code, [])}
                if data not in codes:
                    return (
                        f'Property "{code}" expects a valid code. '
                        f'The option "{data}" does not exist'
                    )
            elif kind == "pim_catalog_multiselect":
                codes = {o["code"] for o in self.catalogue.options.get(code, [])}
                if not isinstance(data, list):
                    return f'Property "{code}" expects an array as data, "{data}" given.'
                unknown = [item for item in data if item not in codes]
                if unknown:
                    return (
                        f'Property "{code}" expects valid codes. '
                        f'The options "{", ".join(map(str, unknown))}" do not exist'
                    )
            elif kind == "pim_catalog_metric":
                units = next(
                    (
                        f["units"]
                        for f in self.catalogue.measurement_families
                        if f["code"] == attribute["metric_family"]
                    ),
                    {},
                )
                if (
                    not isinstance(data, dict)
                    or data.get("unit") not in units
                    or not _numeric(data.get("amount"))
                ):
                    return (
                        f'Property "{code}" expects an array with the keys "amount" '
                        'and "unit" of its family'
                    )
            elif kind == "pim_catalog_number" and not _numeric(data):
                return f'Property "{code}" expects a numeric as data, "{data}" given.'
            elif kind == "pim_catalog_boolean" and not isinstance(data, bool):
                return f'Property "{code}" expects a boolean as data.'
            elif kind in ("pim_catalog_text", "pim_catalog_textarea") and not isinstance(data, str):
                return f'Property "{code}" expects a string as data.'
        return None


def _set_values(entity: dict[str, Any], values: Mapping[str, list[dict[str, Any]]]) -> None:
    for code, given in values.items():
        kept = entity.setdefault("values", {}).setdefault(code, [])
        for value in given:
            kept[:] = [
                k for k in kept if (k["locale"], k["scope"]) != (value["locale"], value["scope"])
            ]
            kept.append(value)


def _numeric(data: object) -> bool:
    if isinstance(data, bool):
        return False
    if isinstance(data, (int, float)):
        return True
    try:
        float(str(data))
    except ValueError:
        return False
    return True


def _handler(stand_in: AkeneoStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return None

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items()}
            if method == "POST" and urlsplit(self.path).path == "/api/oauth/v1/token":
                status, payload = stand_in.token(headers, body)
                extra: dict[str, str] = {}
            else:
                status, payload, extra = stand_in.api(method, self.path, headers, body)
            text = payload if isinstance(payload, str) else json.dumps(payload)
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", extra.pop("Content-Type", "application/json"))
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client went away
                self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

    return Handler
