"""An error nothing handles is a 500 that carries its request id, in the answer's header and in
its log line, and whose log line says where it failed but never the error's words."""

from __future__ import annotations

import json
import logging
from io import StringIO

import pytest

from src.adapters.driving.http.observability import json_log_handler
from src.domain.model import Field
from tests.e2e.conftest import ClientFactory

SECRET = "Lampe confidentielle 40W E27"


class BrokenFields:
    """A field repository that fails as no adapter should, quoting a product's text."""

    def list_all(self) -> list[Field]:
        raise RuntimeError(f"cannot read the fields of {SECRET!r}")


def test_an_unexpected_error_is_a_500_with_its_request_id_and_without_its_words(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client = make_client()
    client.app.state.container.fields = BrokenFields()
    written = StringIO()
    handler = json_log_handler(written)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        failed = client.get("/api/fields", headers={"X-Request-ID": "trace-me-42"})
        unnamed = client.get("/api/fields")
    finally:
        root.removeHandler(handler)

    assert failed.status_code == 500 and failed.json() == {"detail": "internal error"}
    assert failed.headers["x-request-id"] == "trace-me-42"
    made = unnamed.headers["x-request-id"]
    assert unnamed.status_code == 500 and len(made) == 32
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    errors = [line for line in lines if line["levelname"] == "ERROR"]
    assert [line["request_id"] for line in errors] == ["trace-me-42", made]
    assert "builtins.RuntimeError" in errors[0]["message"] and "in list_all" in errors[0]["message"]
    assert {line["status"] for line in lines if line["name"] == "lookup.access"} == {500}
    assert SECRET not in written.getvalue() and "confidentielle" not in written.getvalue()
