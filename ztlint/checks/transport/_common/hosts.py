"""How far a URL's host is trusted: the judgement every transport rule (ZT1xx) makes
about a host before it reports plain http to it (ZT102's URLs and Envoy clusters, the
domains of Apple's and Android's TLS exceptions)."""

from __future__ import annotations

import functools
import ipaddress
import re
from pathlib import Path

from ztlint.semantics.addresses import globally_reachable
from ztlint.semantics.placeholder import address_in_name

_DOC_HOSTS = re.compile(
    r"(?i)(^|\.)(example\.(com|org|net)|w3\.org|json-schema\.org|schemas?\.[\w.-]+|purl\.org|xmlns\.com|"
    r"apache\.org|opensource\.org|gnu\.org|creativecommons\.org|schema\.org|ietf\.org|rfc-editor\.org)$"
)


_RESERVED_TLDS = (".example", ".test", ".invalid", ".localhost")


# Public request-echo services made for trying HTTP clients out (httpbin, Postman's
# echo): a sample's upstream, what a demo or test sends requests to, never a service's
# own dependency; what reaches them is the sample's own made-up request.
_ECHO_HOSTS = re.compile(
    r"(?i)(^|\.)(httpbin\.org|httpbingo\.org|postman-echo\.com|echo\.websocket\.org|"
    r"ws\.postman-echo\.com|mockbin\.org|reqres\.in|jsonplaceholder\.typicode\.com)$"
)


# Names that resolve to loopback, and placeholder hosts of unix-socket clients.
_LOOPBACK_NAMES = re.compile(r"(?i)(^|\.)(localtest\.me|lvh\.me|localhost\.direct)$|\.sock(et)?$")


# Instance metadata services: plain http by the platform's design.
_METADATA_HOSTS = frozenset(
    {"metadata", "metadata.google.internal", "fd00:ec2::254", "100.100.100.200", "169.254.169.254"}
)


# A host name as DNS spells it (a template's `{{ .Host }}` or a `${HOST}` is no name:
# whatever it becomes is unknown).
_HOST_NAME = re.compile(
    r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)+"
)


@functools.cache
def _top_level_domains() -> frozenset[str]:
    """The delegated top-level domains (tlds.txt beside this module; a plain file read,
    once per process)."""
    text = (Path(__file__).with_name("tlds.txt")).read_text(encoding="ascii")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def public_name(host: str) -> bool:
    """A dotted name whose last label is a delegated top-level domain: one public DNS can
    resolve. Any other (`gateway.serverless`, a Kubernetes service and its namespace;
    `nas.lan`, a home network's) resolves only inside a network of its own."""
    return host.rsplit(".", 1)[-1] in _top_level_domains()


def host_trust(host: str) -> str | None:
    """ "skip", "internal", "private" or "public" for a URL host."""
    host = host.strip("[]").lower().rstrip(".")
    host = address_in_name(host) or host  # `127.0.0.1.nip.io` resolves to 127.0.0.1
    # `http://unix/...` is how Go and Python clients spell HTTP over a unix socket.
    if not host or host in ("localhost", "0.0.0.0", "::", "unix") or host.endswith(_RESERVED_TLDS):
        return "skip"
    if (
        _DOC_HOSTS.search(host)
        or _LOOPBACK_NAMES.search(host)
        or _ECHO_HOSTS.search(host)
        or host in _METADATA_HOSTS
    ):
        return "skip"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host.endswith(
            (".svc", ".svc.cluster.local", ".cluster.local", ".internal", ".local", ".consul")
        ):
            return "internal"
        if "." not in host:
            return "internal"  # a compose or Kubernetes service name
        if _HOST_NAME.fullmatch(host) and not public_name(host):
            return "internal"  # a cluster's `service.namespace`, a private network's name
        return "public"
    if ip.is_loopback or ip.is_unspecified or ip.is_link_local or ip.is_multicast:
        return "skip"
    if ip in ipaddress.ip_network("192.0.2.0/24") or ip in ipaddress.ip_network("198.51.100.0/24"):
        return "skip"
    if ip in ipaddress.ip_network("203.0.113.0/24") or ip in ipaddress.ip_network("2001:db8::/32"):
        return "skip"
    return "public" if globally_reachable(ip) else "private"
