"""ZT102 in Envoy: clusters that send plaintext to a public host or to port 443
(passthrough, CONNECT and original-destination clusters excepted)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from ztlint.checks import envoy
from ztlint.checks.transport._common.hosts import host_trust
from ztlint.parsers.data import Mapping, Node, Scalar, walk_with
from ztlint.rule import FileContext, Hit


def _endpoints(cluster: Mapping) -> Iterator[tuple[str, int, Scalar]]:
    for node, _ in walk_with(cluster, None, lambda n, _: None):
        if isinstance(node, Mapping):
            socket = node.get_map("socket_address")
            if socket is None:
                continue
            address = socket.get("address")
            port = socket.get_str("port_value") or "0"
            if isinstance(address, Scalar) and port.isdigit():
                yield address.value, int(port), address


def _passthrough(root: Node) -> set[str]:
    """Clusters reached by tcp_proxy (TLS passthrough and raw TCP) or CONNECT routes."""
    out: set[str] = set()
    for m in envoy.mappings(root):
        if envoy.named(m, "envoy.filters.network.tcp_proxy", "TcpProxy"):
            config = envoy.typed_config(m)
            name = config.get_str("cluster") if config is not None else None
            if name:
                out.add(name)
        route = m.get_map("route")
        match = m.get_map("match")
        if route is not None and match is not None and match.get("connect_matcher") is not None:
            name = route.get_str("cluster")
            if name:
                out.add(name)
    return out


def detect(ctx: FileContext) -> Iterator[Hit]:
    for doc in envoy.documents(ctx):
        passthrough = _passthrough(doc.root)
        for cluster in envoy.clusters(doc.root):
            name = cluster.get_str("name") or "cluster"
            if any(
                cluster.get(k) is not None
                for k in ("transport_socket", "transport_socket_matches", "tls_context")
            ):
                continue
            kind = cluster.get_map("cluster_type")
            if name in passthrough or (
                kind is not None and "dynamic_forward_proxy" in (kind.get_str("name") or "")
            ):
                continue
            if (cluster.get_str("type") or "").upper() == "ORIGINAL_DST":
                continue
            for address, port, node in _endpoints(cluster):
                trust = host_trust(address)
                if port == 443 or (trust == "public" and not _is_ip(address)):
                    yield doc.hit(
                        Hit(
                            span=node.span,
                            message=f"Envoy cluster '{name}' sends plaintext to {address}:{port}",
                            entity=name,
                        )
                    )
                    break


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
        return True
    except ValueError:
        return False
