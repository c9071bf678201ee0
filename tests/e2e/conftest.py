from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from src.adapters.driven.files.provisioning_files import read_examples, read_fields
from src.adapters.driving.http.app import create_app
from src.bootstrap import Container
from src.bootstrap.overrides import Overrides
from tests.conftest import PROJECT_DATA, ContainerFactory

ClientFactory = Callable[..., TestClient]


def provisioned(container: Container) -> Container:
    container.provisioning.provision(
        read_fields(PROJECT_DATA / "fields.json"), read_examples(PROJECT_DATA / "examples.json")
    )
    return container


@pytest.fixture
def make_client(make_container: ContainerFactory) -> Iterator[ClientFactory]:
    """An API client on a provisioned container; keyword arguments are environment variables,
    `overrides` the adapters a test puts in place."""
    clients: list[TestClient] = []

    def make(overrides: Overrides | None = None, **env: str) -> TestClient:
        container = make_container(overrides=overrides, **env)
        client = TestClient(create_app(provisioned(container)), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    return make_client()
