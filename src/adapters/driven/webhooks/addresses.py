"""Where a webhook may go: an http(s) URL without a user or password, whose host resolves only
to public addresses, or to networks the allow-list (WEBHOOK_ALLOWED_NETWORKS) opens. Cloud
metadata addresses stay closed whatever the allow-list says.

The host is resolved as the system resolves it, so every spelling of an address (`127.1`,
`2130706433`, `0x7f000001`, `[::ffff:127.0.0.1]`) is judged by the address it comes to; an IPv6
address that carries an IPv4 one (IPv4-mapped or -compatible, NAT64, 6to4) is judged by that."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import httpx

from src.domain.errors import InvalidRequestError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolve = Callable[[str, int], Sequence[str]]
"""A host and port to the addresses they resolve to, as text."""

MAX_URL_CHARS = 2048
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, Google Cloud, Azure, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure's wire server: a public address
        "192.0.0.192",  # Oracle Cloud
    )
)
_ONLY_PUBLIC = "; webhooks go only to public addresses"
_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


class AddressRefused(Exception):
    """A URL, or an address its host resolves to, that webhooks may not reach; the message
    says why, of `webhook_url`."""


class HostUnresolved(Exception):
    """The host did not resolve (in time): worth another attempt later."""


@dataclass(frozen=True, slots=True)
class Receiver:
    """A webhook URL, taken apart: `host` as the resolver takes it (IDNA-encoded, an IPv6
    address without its brackets), `authority` as the Host header gives it."""

    scheme: str
    host: str
    port: int
    authority: str
    target: str


def receiver(url: str) -> Receiver:
    """The parts of a webhook URL; AddressRefused when it is not one the service calls."""
    if len(url) > MAX_URL_CHARS:
        raise AddressRefused(f"webhook_url is longer than {MAX_URL_CHARS} characters")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise AddressRefused(f"webhook_url is not a URL: {error}") from None
    if parsed.scheme not in ("http", "https"):
        raise AddressRefused("webhook_url must be an http:// or https:// URL")
    if parsed.userinfo:
        raise AddressRefused("webhook_url must not carry a user name or password")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise AddressRefused("webhook_url has no host")
    return Receiver(
        parsed.scheme,
        host,
        parsed.port or (443 if parsed.scheme == "https" else 80),
        parsed.netloc.decode("ascii"),
        parsed.raw_path.decode("ascii"),
    )


def system_resolve(host: str, port: int) -> list[str]:
    """The addresses the system's resolver gives (numeric spellings such as `127.1` included)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries: IPv4-mapped, IPv4-compatible, NAT64 or 6to4."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _COMPATIBLE and int(address) > 1):  # not :: or ::1
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: IPAddress, allowed: Iterable[IPNetwork] = ()) -> str | None:
    """None when a webhook may reach the address; otherwise what kind of address it is."""
    inner = embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    judged = inner or address
    if address in METADATA_ADDRESSES or judged in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address) and address in _LOCAL_NAT64:
        return "a local-use NAT64 address"
    if any(address in network or judged in network for network in allowed):
        return None
    kind = _kind(judged)
    if kind is not None and inner is not None:
        return f"{kind} ({inner}, in IPv6 form)"
    return kind


def _kind(address: IPAddress) -> str | None:
    if address.is_loopback:
        return "a loopback address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a public address"
    return None


class WebhookAddressPolicy:
    """Judges webhook URLs and the addresses their hosts resolve to (a WebhookAddresses).

    `resolve` is the system's resolver unless a test gives its own; a resolution that takes
    longer than `resolve_seconds` (or the delivery's deadline) counts as no answer."""

    def __init__(
        self,
        allowed_networks: Sequence[IPNetwork] = (),
        resolve: Resolve = system_resolve,
        resolve_seconds: float = 5.0,
    ) -> None:
        self._allowed = tuple(allowed_networks)
        self._resolve = resolve
        self._resolve_seconds = resolve_seconds

    def check(self, url: str) -> None:
        try:
            target = receiver(url)
            self.addresses(target.host, target.port, self._resolve_seconds)
        except (AddressRefused, HostUnresolved) as error:
            raise InvalidRequestError(str(error), ("body", "webhook_url")) from None

    def addresses(self, host: str, port: int, seconds: float) -> list[IPAddress]:
        """What the host resolves to, once, when every address is one a webhook may reach;
        AddressRefused naming the first that is not, HostUnresolved when there is no answer
        within `seconds`."""
        resolved = self._resolved(host, port, min(seconds, self._resolve_seconds))
        for address in resolved:
            kind = refusal(address, self._allowed)
            if kind is not None:
                shown = host if ":" not in host else f"[{host}]"
                raise AddressRefused(
                    f"webhook_url's host {shown} is {kind}{_ONLY_PUBLIC}"
                    if str(address) == host
                    else f"webhook_url's host {shown} resolves to {address}, {kind}{_ONLY_PUBLIC}"
                )
        return resolved

    def _resolved(self, host: str, port: int, seconds: float) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        answers = _within(seconds, lambda: self._resolve(host, port))
        if answers is None:
            raise HostUnresolved(f"webhook_url's host {host} did not resolve within {seconds:g} s")
        if isinstance(answers, BaseException) or not answers:
            raise HostUnresolved(f"webhook_url's host {host} does not resolve")
        return [ipaddress.ip_address(answer.split("%")[0]) for answer in answers]


def _within(
    seconds: float, work: Callable[[], Sequence[str]]
) -> Sequence[str] | BaseException | None:
    """`work()`'s answer or error, or None if it has none within `seconds` (the system's
    resolver takes no timeout: its thread is left to end on its own)."""
    answer: list[Sequence[str] | BaseException] = []
    finished = threading.Event()

    def run() -> None:
        try:
            answer.append(work())
        except Exception as error:
            answer.append(error)
        finally:
            finished.set()

    threading.Thread(target=run, name="webhook-resolve", daemon=True).start()
    if not finished.wait(max(seconds, 0.0)):
        return None
    return answer[0]
