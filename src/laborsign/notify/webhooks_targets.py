"""Which URLs a webhook may be sent to.

Only http(s). In production, no address that points into the platform's own network
(loopback, private ranges, link-local cloud metadata...): a subscriber could otherwise make
the platform probe or call internal services (SSRF). Development and tests allow them, so
that a receiver on 127.0.0.1 works.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from laborsign.errors import InvalidInput
from laborsign.i18n import Text

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _internal(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InvalidInput(
            Text("无法解析 webhook 地址的主机名", "cannot resolve the webhook host"), field="url"
        ) from exc
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def check_target(url: str, *, allow_private: bool) -> None:
    """Raise InvalidInput unless `url` is an acceptable webhook target."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInput(
            Text("webhook 地址必须是 http(s) URL", "a webhook URL must be http(s)"), field="url"
        )
    if parts.username or parts.password:
        raise InvalidInput(
            Text("webhook 地址不能包含账号密码", "a webhook URL must not carry credentials"),
            field="url",
        )
    if allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if any(_internal(address) for address in resolve(parts.hostname, port)):
        raise InvalidInput(
            Text(
                "生产模式下 webhook 不能指向内网或本机地址",
                "in production a webhook must not target a private or loopback address",
            ),
            field="url",
        )
