"""`python cli.py akeneo …` as a PIM administrator runs it, against a loopback stand-in of
Akeneo's REST API, with the mock LLM: fields from a family's attributes, examples from its
filled products, and enrichment written back in place through token expiry, a 429 storm, a
refused line and a kill, never overwriting a filled attribute unless asked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from config.settings import Settings
from src.bootstrap import bootstrap
from src.domain.access.roles import DEFAULT_TENANT, Caller, Role
from src.domain.review import ReviewRequest, Verdict
from src.domain.trust.ports import FieldThreshold
from tests.conftest import REPO
from tests.support.akeneo_catalogue import (
    FAMILY,
    TARGETS,
    lamp_catalogue,
    lamp_catalogue_with_models,
    model_code,
    product_uuid,
)
from tests.support.akeneo_stand_in import AkeneoStandIn

Run = Callable[..., subprocess.CompletedProcess[str]]
TEXTS = ("--text", "name", "--text", "description")
THRESHOLD = 0.5
"""Between the mock's confidence in a value read in the text (0.9) and in a guess (0.3)."""


@pytest.fixture
def stand_in() -> Iterator[AkeneoStandIn]:
    server = AkeneoStandIn(lamp_catalogue(12)).start()
    yield server
    server.stop()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lookup.db'}"


def _environ(database_url: str, stand_in: AkeneoStandIn) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONFIG_MODULE": "config.mock",
        **stand_in.environment(),
    }


@pytest.fixture
def cli(database_url: str, stand_in: AkeneoStandIn, tmp_path: Path) -> Run:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(REPO / "cli.py"), *args],
            cwd=tmp_path,
            env=_environ(database_url, stand_in),
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


@pytest.fixture
def provisioned(cli: Run, database_url: str) -> Run:
    """Migrated, the family's attributes made fields, every target trusted at THRESHOLD."""
    for command in (("migrate",), ("akeneo", "fields", "--family", FAMILY)):
        result = cli(*command)
        assert result.returncode == 0, result.stderr
    container = bootstrap(
        Settings.from_env({"DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"})
    )
    try:
        container.thresholds.save(
            [FieldThreshold("mock", code, THRESHOLD, 0.9) for code in TARGETS]
        )
    finally:
        container.close()
    return cli


def _pending_reviews(database_url: str) -> int:
    container = bootstrap(
        Settings.from_env({"DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"})
    )
    try:
        return container.review_queue.pending_count(DEFAULT_TENANT)
    finally:
        container.close()


def _value(stand_in: AkeneoStandIn, number: int, code: str) -> object:
    values = stand_in.catalogue.products[product_uuid(number)]["values"].get(code, [])
    return values[0]["data"] if values else None


def test_fields_come_from_the_family_and_a_second_run_updates_them(cli: Run) -> None:
    assert cli("migrate").returncode == 0

    first = cli("akeneo", "fields", "--family", FAMILY, "--locale", "en_US")

    assert first.returncode == 0, first.stderr
    assert "fields: 11 created, 0 updated" in first.stdout
    assert "field power: number (W)" in first.stdout
    assert "field lamp_base: select, 4 options" in first.stdout
    assert "field colours: select, 2 options, several" in first.stdout
    assert "skipped launch_date: its type pim_catalog_date" in first.stderr
    known = {f["code"]: f for f in json.loads(cli("fields", "--json").stdout)}
    assert known["lamp_base"]["options"] == ["E27", "E14", "GU10", "B22"]
    assert known["light_colour"]["options"] == ["Warm white", "Cool white", "Daylight"]
    assert (known["voltage"]["type"], known["voltage"]["unit"]) == ("number", "V")
    assert known["dimmable"]["type"] == "boolean"
    assert (known["colours"]["options"], known["colours"]["multiple"]) == (["Red", "Blue"], True)
    assert "sku" not in known and "launch_date" not in known

    again = cli("akeneo", "fields", "--family", FAMILY)
    assert "fields: 0 created, 11 updated" in again.stdout
    assert len(json.loads(cli("fields", "--json").stdout)) == 11


def test_filled_products_become_examples(provisioned: Run, stand_in: AkeneoStandIn) -> None:
    result = provisioned("akeneo", "examples", "--family", FAMILY, *TEXTS)

    assert result.returncode == 0, result.stderr
    # products 0, 5 and 10 have their base (GU10) and colours (red, blue) filled: an example of
    # each field each
    assert "examples from 3 products: 6 created, 0 updated" in result.stdout


def test_enrich_writes_confident_values_queues_the_others_and_keeps_filled_ones(
    provisioned: Run, stand_in: AkeneoStandIn, database_url: str
) -> None:
    result = provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS, "--batch-size", "5")

    assert result.returncode == 0, result.stderr
    assert stand_in.patches == 3  # 12 products, 5 a PATCH
    written = dict(stand_in.applied)
    assert len(written) == 12 and len(stand_in.applied) == 12
    assert _value(stand_in, 1, "lamp_base") == "e14"
    assert _value(stand_in, 1, "power") == {"amount": 41, "unit": "WATT"}
    assert _value(stand_in, 1, "light_colour") == "cool"
    assert _value(stand_in, 1, "colours") == ["red"]  # a multi-select: a list of option codes
    assert _value(stand_in, 0, "colours") == ["red", "blue"]  # filled: not overwritten
    assert written[product_uuid(1)]["finish"] == [
        {"locale": None, "scope": "ecommerce", "data": "glossy"}
    ]
    assert _value(stand_in, 0, "lamp_base") == "gu10"  # filled: not overwritten
    assert "lamp_base" not in written[product_uuid(0)]
    assert _value(stand_in, 3, "lamp_base") is None  # no base in its text: a guess, for review
    assert _value(stand_in, 1, "dimmable") is None  # the mock guesses booleans: for review
    assert _value(stand_in, 2, "colours") is None  # no colour in its text: a guess, for review
    # every dimmable, product 3's base, the colours of the even products not filled (2, 4, 6, 8)
    assert _pending_reviews(database_url) == 12 + 1 + 4
    assert "refused lines: 0; values to review: 17" in result.stderr


def test_enrich_goes_through_expired_tokens_a_429_storm_and_server_errors(
    provisioned: Run, stand_in: AkeneoStandIn
) -> None:
    stand_in.faults.expire_tokens_after = stand_in.api_requests + 3
    stand_in.faults.throttled = 2
    stand_in.faults.retry_after = "1"
    started = time.monotonic()

    result = provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS, "--batch-size", "4")

    assert result.returncode == 0, result.stderr
    assert "refresh_token" in stand_in.grants
    assert stand_in.throttled == 2
    assert time.monotonic() - started >= 2.0  # each 429 waited its Retry-After
    assert sorted(dict(stand_in.applied)) == sorted(product_uuid(n) for n in range(12))


def test_enrich_after_server_errors_writes_everything_once(
    provisioned: Run, stand_in: AkeneoStandIn
) -> None:
    stand_in.faults.server_errors = 3

    result = provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS)

    assert result.returncode == 0, result.stderr
    assert Counter(uuid for uuid, _ in stand_in.applied) == Counter(
        product_uuid(n) for n in range(12)
    )


def test_a_refused_line_is_reported_and_written_by_the_next_run(
    provisioned: Run, stand_in: AkeneoStandIn, tmp_path: Path
) -> None:
    refused = product_uuid(4)
    stand_in.faults.refused[refused] = "The product is being edited by another connection"

    first = provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS, "--batch-size", "5")

    assert first.returncode == 6, first.stderr
    assert f"refused: product {refused} (HTTP 422): The product is being edited" in first.stderr
    assert '"lamp_base": [{"locale": null, "scope": null, "data": "e27"}]' in first.stderr
    assert "refused lines: 1" in first.stderr
    assert refused not in dict(stand_in.applied) and len(stand_in.applied) == 11
    state = [
        json.loads(line)
        for line in (tmp_path / f"akeneo-{FAMILY}.state.jsonl").read_text().splitlines()
    ]
    assert [r for r in state if r["uuid"] == refused][0]["refused"] == 422

    del stand_in.faults.refused[refused]
    second = provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS)

    assert second.returncode == 0, second.stderr
    assert [uuid for uuid, _ in stand_in.applied[11:]] == [refused]
    assert _value(stand_in, 4, "lamp_base") == "e27"


def test_dry_run_prints_what_would_be_written_and_writes_nothing(
    provisioned: Run, stand_in: AkeneoStandIn, database_url: str
) -> None:
    result = provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS, "--dry-run")

    assert result.returncode == 0, result.stderr
    lines = {line["uuid"]: line["values"] for line in map(json.loads, result.stdout.splitlines())}
    assert sorted(lines) == [product_uuid(n) for n in range(12)]
    assert lines[product_uuid(1)]["lamp_base"] == [{"locale": None, "scope": None, "data": "e14"}]
    assert "lamp_base" not in lines[product_uuid(0)]
    values = sum(len(line) for line in lines.values())
    assert f"would write: {values} values of 12 products in 1 PATCH" in result.stderr
    assert stand_in.patches == 0 and stand_in.applied == []
    assert _value(stand_in, 1, "lamp_base") is None
    assert _pending_reviews(database_url) == 0


def test_killed_mid_run_the_next_run_goes_on_without_writing_twice(
    provisioned: Run, stand_in: AkeneoStandIn, database_url: str, tmp_path: Path
) -> None:
    stand_in.faults.hold_patch = 2
    arguments = ["akeneo", "enrich", "--family", FAMILY, *TEXTS, "--batch-size", "5", "--overwrite"]
    process = subprocess.Popen(
        [sys.executable, str(REPO / "cli.py"), *arguments],
        cwd=tmp_path,
        env=_environ(database_url, stand_in),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert stand_in.held.wait(60), "the second PATCH never came"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    stand_in.release.set()
    first_batch = [uuid for uuid, _ in stand_in.applied]
    assert len(first_batch) == len(set(first_batch)) == 5  # the first PATCH, the second dropped

    again = provisioned(*arguments)

    assert again.returncode == 0, again.stderr
    counts = Counter(uuid for uuid, _ in stand_in.applied)
    assert counts == Counter(product_uuid(n) for n in range(12))  # each once, none twice
    assert _value(stand_in, 0, "lamp_base") == "e27"  # --overwrite replaced the filled GU10


def test_products_are_written_while_later_pages_are_still_unlisted(
    provisioned: Run, stand_in: AkeneoStandIn
) -> None:
    stand_in.catalogue.products = lamp_catalogue(250).products  # three pages of 100

    result = provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS, "--batch-size", "10")

    assert result.returncode == 0, result.stderr
    requests = [
        (method, "search_after=" in target)
        for method, target in stand_in.requests
        if "/products-uuid" in target
    ]
    pages = [number for number, (method, _) in enumerate(requests) if method == "GET"]
    patches = [number for number, (method, _) in enumerate(requests) if method == "PATCH"]
    assert len(pages) == 3 and len(patches) == 25
    assert patches[0] < pages[1]  # the first batch went before the second page was asked
    assert len(dict(stand_in.applied)) == len(stand_in.applied) == 250


def test_a_value_of_a_model_level_goes_to_the_product_model_once(
    provisioned: Run, stand_in: AkeneoStandIn, tmp_path: Path
) -> None:
    stand_in.catalogue = lamp_catalogue_with_models(12, models=4)  # products 0-7 are variants
    arguments = ["akeneo", "enrich", "--family", FAMILY, *TEXTS, "--concurrency", "1"]

    result = provisioned(*arguments, "--batch-size", "5")

    assert result.returncode == 0, result.stderr  # no line refused
    pairs = Counter((code, name) for code, values in stand_in.applied_models for name in values)
    assert {code for code, _ in pairs} == {model_code(k) for k in range(4)}
    assert set(pairs.values()) == {1}  # each attribute of a model written once
    model = stand_in.catalogue.product_models
    assert model[model_code(0)]["values"]["finish"][0]["data"] == "matt"  # product 0 came first
    assert model[model_code(0)]["values"]["lamp_base"][0]["data"] == "gu10"  # filled: kept
    assert model[model_code(0)]["values"]["colours"][0]["data"] == ["red"]  # product 1's
    assert model[model_code(1)]["values"]["lamp_base"][0]["data"] == "gu10"  # product 2's
    written = dict(stand_in.applied)
    assert set(written[product_uuid(1)]) == {"power"}  # the variant's own level only
    assert set(written[product_uuid(9)]) > {"power", "lamp_base", "finish"}  # a simple product
    assert "finish" not in stand_in.catalogue.products[product_uuid(0)]["values"]
    assert "product models written: 4;" in result.stderr

    again = provisioned(*arguments, "--overwrite", "--state", "akeneo-lamps.state.jsonl")

    assert again.returncode == 0, again.stderr
    assert sum(len(v) for _, v in stand_in.applied_models) == sum(pairs.values())  # no more


def test_a_model_written_before_a_refused_sibling_is_not_written_again_by_the_next_run(
    provisioned: Run, stand_in: AkeneoStandIn
) -> None:
    stand_in.catalogue = lamp_catalogue_with_models(4, models=2)
    stand_in.faults.refused = {product_uuid(1): "The product is locked."}
    arguments = ["akeneo", "enrich", "--family", FAMILY, *TEXTS, "--concurrency", "1"]
    arguments += ["--overwrite"]

    first = provisioned(*arguments)
    stand_in.faults.refused = {}
    again = provisioned(*arguments)

    assert first.returncode == 6 and "refused: product " + product_uuid(1) in first.stderr
    assert again.returncode == 0, again.stderr
    products = Counter(uuid for uuid, _ in stand_in.applied)
    assert products == Counter(product_uuid(n) for n in range(4))  # product 1 by the second run
    pairs = Counter((code, name) for code, values in stand_in.applied_models for name in values)
    assert set(pairs.values()) == {1}  # the second run wrote no model attribute again
    assert ("lamp-series-0", "lamp_base") in pairs  # --overwrite: product 0's E27 replaced GU10


def test_reviewed_values_are_written_back_once(
    provisioned: Run, stand_in: AkeneoStandIn, database_url: str
) -> None:
    assert provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS).returncode == 0
    written_by_enrich = len(stand_in.applied)
    container = bootstrap(
        Settings.from_env({"DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"})
    )
    try:
        waiting = {
            (product.product_id, value.field_code): value
            for product in container.review_queue.pending(DEFAULT_TENANT, 100)
            for value in product.values
        }
        decide = [
            (product_uuid(1), "dimmable", Verdict.ACCEPT, None),
            (product_uuid(3), "lamp_base", Verdict.CORRECT, "B22"),
            (product_uuid(2), "dimmable", Verdict.REJECT, None),
            (product_uuid(2), "colours", Verdict.CORRECT, ["Blue", "Red"]),
        ]
        for uuid, code, verdict, corrected in decide:
            queued = waiting[(uuid, code)]
            container.reviewing.decide(
                ReviewRequest(
                    queued.description,
                    code,
                    verdict,
                    proposed=queued.value,
                    corrected=corrected,
                    product_id=uuid,
                    queue_item=queued.id,
                ),
                Caller("key:reviewer", "reviewer", Role.REVIEWER, DEFAULT_TENANT),
            )
    finally:
        container.close()

    first = provisioned("akeneo", "write-reviewed", "--family", FAMILY)

    assert first.returncode == 0, first.stderr
    assert _value(stand_in, 1, "dimmable") is True
    assert _value(stand_in, 3, "lamp_base") == "b22"
    assert _value(stand_in, 2, "dimmable") is None  # rejected: nothing to write
    assert _value(stand_in, 2, "colours") == ["blue", "red"]  # a corrected list, as codes
    assert sorted(uuid for uuid, _ in stand_in.applied[written_by_enrich:]) == [
        product_uuid(1),
        product_uuid(2),
        product_uuid(3),
    ]

    again = provisioned("akeneo", "write-reviewed", "--family", FAMILY)

    assert again.returncode == 0, again.stderr
    assert len(stand_in.applied) == written_by_enrich + 3  # nothing written twice
    assert "already in Akeneo: 3" in again.stderr


def test_a_reviewed_value_of_a_model_level_is_written_to_the_model(
    provisioned: Run, stand_in: AkeneoStandIn, database_url: str
) -> None:
    stand_in.catalogue = lamp_catalogue_with_models(4, models=2)
    assert provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS).returncode == 0
    products_written = len(stand_in.applied)
    container = bootstrap(
        Settings.from_env({"DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"})
    )
    try:
        [queued] = [
            value
            for product in container.review_queue.pending(DEFAULT_TENANT, 100)
            for value in product.values
            if product.product_id == product_uuid(1) and value.field_code == "dimmable"
        ]
        container.reviewing.decide(
            ReviewRequest(
                queued.description,
                "dimmable",
                Verdict.CORRECT,
                proposed=queued.value,
                corrected=True,
                product_id=product_uuid(1),
                queue_item=queued.id,
            ),
            Caller("key:reviewer", "reviewer", Role.REVIEWER, DEFAULT_TENANT),
        )
    finally:
        container.close()

    result = provisioned("akeneo", "write-reviewed", "--family", FAMILY)

    assert result.returncode == 0, result.stderr  # no line refused
    model = stand_in.catalogue.product_models[model_code(0)]
    assert model["values"]["dimmable"][0]["data"] is True
    assert stand_in.applied_models[-1] == (model_code(0), {"dimmable": model["values"]["dimmable"]})
    assert len(stand_in.applied) == products_written  # no product line: its model took it
    assert "written: 1 of 0 products and 1 product models" in result.stderr


def test_missing_or_wrong_credentials_are_one_clear_line(
    database_url: str, stand_in: AkeneoStandIn, tmp_path: Path
) -> None:
    def run(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(REPO / "cli.py"), "akeneo", "fields", "--family", FAMILY],
            cwd=tmp_path,
            env={**_environ(database_url, stand_in), **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run().returncode == 4  # not migrated yet: said before any request
    migrated = subprocess.run(
        [sys.executable, str(REPO / "cli.py"), "migrate"],
        env=_environ(database_url, stand_in),
        capture_output=True,
    )
    assert migrated.returncode == 0

    missing = run(AKENEO_SECRET="", AKENEO_PASSWORD="")
    wrong = run(AKENEO_PASSWORD="not-the-password")

    assert missing.returncode == 5
    assert missing.stderr.strip() == (
        "error: Akeneo needs AKENEO_SECRET, AKENEO_PASSWORD in the environment"
    )
    assert wrong.returncode == 5
    assert wrong.stderr.startswith("error: Akeneo refused the password grant: No user found")
    assert "Traceback" not in wrong.stderr and stand_in.grants == []


def test_without_thresholds_every_value_waits_for_review(
    cli: Run, stand_in: AkeneoStandIn, database_url: str
) -> None:
    for command in (("migrate",), ("akeneo", "fields", "--family", FAMILY)):
        assert cli(*command).returncode == 0

    result = cli("akeneo", "enrich", "--family", FAMILY, *TEXTS, "--attribute", "lamp_base")

    assert result.returncode == 0, result.stderr
    assert "warning: no threshold for lamp_base: their values all go to review" in result.stderr
    assert stand_in.applied == []
    assert _pending_reviews(database_url) == 9  # the 12 lamps less the 3 whose base is filled


def test_search_filters_choose_the_products_and_a_bad_one_is_refused_before_any_work(
    provisioned: Run, stand_in: AkeneoStandIn
) -> None:
    enabled = '{"enabled": [{"operator": "=", "value": true}]}'

    result = provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS, "--search", enabled)
    bad = provisioned("akeneo", "enrich", "--family", FAMILY, *TEXTS, "--search", "[1]")

    assert result.returncode == 0, result.stderr
    assert sorted(dict(stand_in.applied)) == [product_uuid(n) for n in range(12) if n % 6 != 5]
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        'error: --search must be an object of filter lists: {"code": [...]}'
    )
