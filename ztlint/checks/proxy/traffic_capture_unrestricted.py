"""Envoy surfaces that leak or trust too much: traffic taps and access logs that record
credentials, the admin listener, client-supplied forwarding headers on edge listeners,
wildcard CORS with credentials, and clusters that leave in plaintext."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from ztlint.checks.proxy import envoy
from ztlint.checks.proxy.envoy import EnvoyDoc
from ztlint.checks.transport.plaintext import host_trust
from ztlint.model import Confidence, Related, Severity
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk_with
from ztlint.rule import FileContext, Hit


def _nodes(root: Node) -> Iterator[Mapping]:
    for node, _ in walk_with(root, None, lambda n, _: None):
        if isinstance(node, Mapping):
            yield node


# --- traffic capture ----------------------------------------------------------------

_CREDENTIAL_HEADERS = re.compile(
    r"%(?:REQ|RESP|REQUEST_HEADER|RESPONSE_HEADER|REQ_WITHOUT_QUERY)\((?:authorization|proxy-authorization|cookie|"
    r"set-cookie|x-api-key|x-auth-token|x-amz-security-token|api-key)(?:[?:][^)]*)?\)%",
    re.I,
)


def _tap_config(m: Mapping) -> Mapping | None:
    """The TapConfig of an HTTP tap filter or a tap transport socket."""
    if envoy.named(m, "envoy.filters.http.tap", "filters.http.tap.v3.Tap") or envoy.named(
        m, "envoy.transport_sockets.tap", "transport_sockets.tap.v3.Tap"
    ):
        config = envoy.typed_config(m)
        return config.get_map("common_config") if config is not None else None
    return None


def _match_all(static: Mapping) -> bool:
    match = static.get_map("match") or static.get_map("match_config")
    if match is None:
        return True
    return envoy.truthy(match.get("any_match"))


def detect_capture(ctx: FileContext) -> Iterator[Hit]:
    for doc in envoy.documents(ctx):
        for m in _nodes(doc.root):
            common = _tap_config(m)
            if common is not None:
                yield from _tap_hits(doc, m, common)
            logs = m.get("access_log")
            if isinstance(logs, Sequence):
                for log in logs.items:
                    yield from _log_hits(doc, log)


def _tap_hits(doc: EnvoyDoc, filt: Mapping, common: Mapping) -> Iterator[Hit]:
    kind = (
        "tap transport socket"
        if "transport_sockets" in (filt.get_str("name") or "")
        else "tap filter"
    )
    static = common.get_map("static_config")
    if static is not None:
        if not _match_all(static):
            return
        sinks = static.get_map("output_config")
        where = (
            static.key_node("match")
            or static.key_node("match_config")
            or common.key_node("static_config")
        )
        yield doc.hit(
            Hit(
                span=(where or filt).span,
                message=f"Envoy {kind} records every request"
                + (" to an output sink" if sinks is not None else "")
                + ", Authorization and other credential headers included",
            )
        )
    elif common.get("admin_config") is not None:
        where = common.key_node("admin_config")
        yield doc.hit(
            Hit(
                span=(where or filt).span,
                message=f"Envoy {kind} can be switched on at run time through the admin API and records headers, credentials included",
                severity=Severity.MEDIUM,
                confidence=Confidence.LOW,
            )
        )


def _log_hits(doc: EnvoyDoc, log: Node) -> Iterator[Hit]:
    for node, _ in walk_with(log, None, lambda n, _: None):
        if isinstance(node, Scalar):
            m = _CREDENTIAL_HEADERS.search(node.value)
            if m:
                yield doc.hit(
                    Hit(
                        span=node.span,
                        message=f"Envoy access log writes {m.group(0)}, a credential, to the log",
                    )
                )
                return


# --- admin --------------------------------------------------------------------------


def _exposed(address: str) -> bool:
    text = address.strip().strip("[]")
    if text in ("localhost",) or text.startswith("127.") or "{{" in text:
        return False  # (a template's action: the address is not known here)
    try:
        return not ipaddress.ip_address(text).is_loopback
    except ValueError:
        return True  # a hostname: resolves to whatever it resolves to


def detect_admin(ctx: FileContext) -> Iterator[Hit]:
    for doc in envoy.documents(ctx):
        if not isinstance(doc.root, Mapping):
            continue
        admin = doc.root.get_map("admin")
        address = admin.get_map("address") if admin is not None else None
        socket = address.get_map("socket_address") if address is not None else None
        node = socket.get("address") if socket is not None else None
        if isinstance(node, Scalar) and _exposed(node.value):
            yield doc.hit(
                Hit(
                    span=node.span,
                    message=f"Envoy admin interface listens on {node.value}: anyone who reaches it can read config and stats and shut Envoy down",
                )
            )


# --- forwarded headers --------------------------------------------------------------


def _edge(address: str) -> bool:
    text = address.strip().strip("[]")
    if text in ("0.0.0.0", "::"):
        return True
    try:
        return ipaddress.ip_address(text).is_global
    except ValueError:
        return False


def _not_edge(listener: Mapping) -> bool:
    """Listeners that take traffic redirected from inside a pod (a mesh sidecar's
    outbound and virtual listeners), not from the edge."""
    if (listener.get_str("traffic_direction") or "").upper() == "OUTBOUND":
        return True
    bind = listener.get("bind_to_port")
    if isinstance(bind, Scalar) and bind.truthy() is False:
        return True
    return envoy.truthy(listener.get("use_original_dst")) or listener.get_str("name") in (
        "virtualInbound",
        "virtualOutbound",
    )


_INTERNAL_PATHS = (
    "/stats",
    "/healthz",
    "/ready",
    "/metrics",
    "/server_info",
    "/clusters",
    "/config_dump",
)


def _serves_only_internal(hcm: Mapping) -> bool:
    """Every route of the manager serves Envoy's own stats or health endpoints, or
    terminates CONNECT tunnels from other proxies (a mesh's HBONE listener): nothing
    behind it decides on the client's address."""
    routes = hcm.get_map("route_config")
    paths = []
    for node, _ in walk_with(routes, None, lambda n, _: None) if routes is not None else []:
        if isinstance(node, Mapping) and isinstance(
            node.get("route") or node.get("direct_response"), Mapping
        ):
            match = node.get_map("match")
            if match is not None and match.get("connect_matcher") is not None:
                paths.append("CONNECT")
                continue
            path = (
                (match.get_str("prefix") or match.get_str("path") or "")
                if match is not None
                else ""
            )
            paths.append(path)
    return bool(paths) and all(
        p == "CONNECT" or (p != "/" and p.startswith(_INTERNAL_PATHS)) for p in paths
    )


def detect_forwarded(ctx: FileContext) -> Iterator[Hit]:
    for doc in envoy.documents(ctx):
        for listener in envoy.listeners(doc.root):
            found = envoy.listener_address(listener)
            if found is None or not _edge(found[0]) or _not_edge(listener):
                continue
            name = listener.get_str("name") or "listener"
            for hcm in envoy.http_managers(listener):
                if _serves_only_internal(hcm):
                    continue
                remote = hcm.entry("use_remote_address")
                hops = hcm.get("xff_num_trusted_hops")
                if isinstance(hops, Scalar) and hops.value.isdigit() and int(hops.value) > 0:
                    where = hcm.key_node("xff_num_trusted_hops")
                    message = f"edge listener '{name}' trusts {hops.value} X-Forwarded-For hop(s) from the client"
                elif remote is None or not envoy.truthy(remote[1]):
                    where = (
                        remote[0]
                        if remote is not None
                        else hcm.key_node("stat_prefix") or hcm.key_node("@type")
                    )
                    message = f"edge listener '{name}' does not set use_remote_address, so Envoy trusts the client's X-Forwarded-For"
                else:
                    continue
                yield doc.hit(
                    Hit(
                        span=(where or hcm).span,
                        message=message,
                        related=(
                            Related(ctx.path, doc.remap(found[1].span), f"bound to {found[0]}"),
                        ),
                        entity=name,
                    )
                )


# --- CORS ---------------------------------------------------------------------------

_ANY_REGEX = re.compile(r"^\^?\.[*+]\$?$")


def _any_origin(policy: Mapping) -> str | None:
    for key in ("allow_origin_string_match", "allow_origin"):
        matchers = policy.get_seq(key)
        for m in matchers.items if matchers is not None else []:
            if isinstance(m, Scalar) and m.value.strip() == "*":
                return "*"
            if isinstance(m, Mapping):
                if m.get_str("exact") == "*":
                    return "exact *"
                for empty in ("prefix", "suffix", "contains"):
                    if m.get_str(empty) == "":
                        return f"an empty {empty}"
                regex = m.get_map("safe_regex")
                if regex is not None and _ANY_REGEX.match(regex.get_str("regex") or ""):
                    return f"regex {regex.get_str('regex')}"
    legacy = policy.get_seq("allow_origin_regex")
    for r in legacy.items if legacy is not None else []:
        if isinstance(r, Scalar) and _ANY_REGEX.match(r.value):
            return f"regex {r.value}"
    return None


def detect_cors(ctx: FileContext) -> Iterator[Hit]:
    for doc in envoy.documents(ctx):
        for m in _nodes(doc.root):
            is_policy = envoy.type_url(m).endswith("cors.v3.CorsPolicy") or any(
                m.get(k) is not None
                for k in ("allow_origin_string_match", "allow_origin", "allow_origin_regex")
            )
            if not is_policy or not envoy.truthy(m.get("allow_credentials")):
                continue
            origin = _any_origin(m)
            if origin is None:
                continue
            where = m.key_node("allow_credentials")
            yield doc.hit(
                Hit(
                    span=(where or m).span,
                    message=f"Envoy CORS policy accepts any origin ({origin}) with credentials: any site can make authenticated requests",
                )
            )


# --- plaintext clusters -------------------------------------------------------------


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
    for m in _nodes(root):
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


def detect_plaintext_clusters(ctx: FileContext) -> Iterator[Hit]:
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
