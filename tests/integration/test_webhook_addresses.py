"""Which addresses a webhook may reach, judged without any network: the address rules on a
table of addresses, and the policy with a resolver the test gives."""

from __future__ import annotations

import ipaddress
import threading

import pytest

from src.adapters.driven.webhooks.addresses import (
    AddressRefused,
    HostUnresolved,
    WebhookAddressPolicy,
    receiver,
    refusal,
)
from src.domain.errors import InvalidRequestError

REFUSED = {
    "127.0.0.1": "a loopback address",
    "127.255.0.9": "a loopback address",
    "::1": "a loopback address",
    "0.0.0.0": "an unspecified address",
    "::": "an unspecified address",
    "10.1.2.3": "a private address",
    "172.16.0.1": "a private address",
    "192.168.0.1": "a private address",
    "fd12:3456::1": "a private address",
    "100.64.0.1": "not a public address",
    "169.254.1.1": "a link-local address",
    "fe80::1": "a link-local address",
    "224.0.0.251": "a multicast address",
    "233.252.0.1": "a multicast address",
    "ff02::1": "a multicast address",
    "240.0.0.1": "a reserved address",
    "255.255.255.255": "a reserved address",
    "169.254.169.254": "a cloud metadata address",
    "fd00:ec2::254": "a cloud metadata address",
    "168.63.129.16": "a cloud metadata address",
    "100.100.100.200": "a cloud metadata address",
    "::ffff:127.0.0.1": "a loopback address (127.0.0.1, in IPv6 form)",
    "::ffff:169.254.169.254": "a cloud metadata address",
    "::10.0.0.1": "a private address (10.0.0.1, in IPv6 form)",
    "64:ff9b::a00:1": "a private address (10.0.0.1, in IPv6 form)",
    "2002:7f00:1::1": "a loopback address (127.0.0.1, in IPv6 form)",
    "64:ff9b:1::1": "a local-use NAT64 address",
}
PUBLIC = ("93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808")


@pytest.mark.parametrize(("address", "kind"), REFUSED.items())
def test_inward_addresses_are_refused_as_what_they_are(address: str, kind: str) -> None:
    assert refusal(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_reachable(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_the_allow_list_opens_its_networks_and_never_a_metadata_address() -> None:
    allowed = [ipaddress.ip_network("10.20.0.0/16"), ipaddress.ip_network("169.254.0.0/16")]

    assert refusal(ipaddress.ip_address("10.20.3.4"), allowed) is None
    assert refusal(ipaddress.ip_address("::ffff:10.20.3.4"), allowed) is None
    assert refusal(ipaddress.ip_address("10.21.0.1"), allowed) == "a private address"
    assert refusal(ipaddress.ip_address("169.254.1.1"), allowed) is None
    assert refusal(ipaddress.ip_address("169.254.169.254"), allowed) == "a cloud metadata address"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "must be an http:// or https:// URL"),
        ("ftp://hooks.example/x", "must be an http:// or https:// URL"),
        ("http://user:pw@hooks.example/x", "must not carry a user name or password"),
        ("http://:pw@hooks.example/x", "must not carry a user name or password"),
        ("http:///x", "has no host"),
        ("http://hooks.example/" + "x" * 2048, "is longer than 2048 characters"),
    ],
)
def test_urls_the_service_never_calls(url: str, why: str) -> None:
    with pytest.raises(AddressRefused, match=why):
        receiver(url)


def test_a_url_is_taken_apart_for_the_resolver_and_the_host_header() -> None:
    plain = receiver("https://Hooks.Example/done?job=1")
    v6 = receiver("http://[::1]:8080/x")

    assert (plain.host, plain.port, plain.authority, plain.target) == (
        "hooks.example",
        443,
        "hooks.example",
        "/done?job=1",
    )
    assert (v6.host, v6.port, v6.authority) == ("::1", 8080, "[::1]:8080")


def test_a_name_is_refused_when_any_of_its_addresses_is_inward() -> None:
    policy = WebhookAddressPolicy(resolve=lambda host, port: ["93.184.215.14", "10.0.0.7"])

    with pytest.raises(InvalidRequestError) as refused:
        policy.check("https://hooks.example/done")

    assert refused.value.location == ("body", "webhook_url")
    assert str(refused.value) == (
        "webhook_url's host hooks.example resolves to 10.0.0.7, a private address; "
        "webhooks go only to public addresses"
    )


def test_a_public_name_passes_and_its_addresses_are_the_ones_resolved() -> None:
    lookups: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[str]:
        lookups.append((host, port))
        return ["93.184.215.14"]

    policy = WebhookAddressPolicy(resolve=resolve)
    policy.check("https://hooks.example/done")

    assert policy.addresses("hooks.example", 443, 1.0) == [ipaddress.ip_address("93.184.215.14")]
    assert lookups == [("hooks.example", 443)] * 2


def test_a_resolver_that_does_not_answer_in_time_is_no_answer() -> None:
    release = threading.Event()

    def stuck(host: str, port: int) -> list[str]:
        release.wait(5)
        return ["93.184.215.14"]

    policy = WebhookAddressPolicy(resolve=stuck, resolve_seconds=0.2)
    try:
        with pytest.raises(HostUnresolved, match="did not resolve within 0.2 s"):
            policy.addresses("slow.example", 443, 5.0)
        with pytest.raises(InvalidRequestError, match="did not resolve"):
            policy.check("https://slow.example/")
    finally:
        release.set()


def test_a_name_that_does_not_resolve_is_refused_at_submit() -> None:
    def nothing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(InvalidRequestError, match="hooks.invalid does not resolve"):
        WebhookAddressPolicy(resolve=nothing).check("https://hooks.invalid/")
