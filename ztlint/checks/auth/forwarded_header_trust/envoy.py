"""ZT512 in Envoy: edge listeners that trust the client's X-Forwarded-For (no
`use_remote_address`, or trusted hops the client controls). High when the config itself
decides on the client's address (RBAC by `remote_ip`, a rate limit keyed by
`remote_address`, a matcher on `x-forwarded-for`); otherwise medium."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from ztlint.checks import envoy
from ztlint.model import Confidence, Related
from ztlint.parsers.data import Mapping, Scalar, walk_with
from ztlint.rule import FileContext, Hit
from ztlint.semantics.addresses import globally_reachable


def _edge(address: str) -> bool:
    text = address.strip().strip("[]")
    if text in ("0.0.0.0", "::"):
        return True
    try:
        return globally_reachable(ipaddress.ip_address(text))
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


# What decides on the client's address in an Envoy config: RBAC principals by address,
# rate limits keyed by it, matchers on the forwarded headers, IP tagging.
_ADDRESS_DECISION = re.compile(
    r"\b(?:remote_ip|direct_remote_ip|source_ip|remote_address|ip_tagging|"
    r"x-forwarded-for|x-envoy-external-address|x-real-ip)\b",
    re.I,
)


def detect(ctx: FileContext) -> Iterator[Hit]:
    # Without a decision on the address in the config, whether Envoy's view of the
    # client matters is up to the services behind it: medium.
    decides = _ADDRESS_DECISION.search(ctx.text) is not None
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
                if not decides:
                    message += (
                        " (nothing in this config decides on the client's address; the "
                        "services behind it may)"
                    )
                yield doc.hit(
                    Hit(
                        span=(where or hcm).span,
                        message=message,
                        related=(
                            Related(ctx.path, doc.remap(found[1].span), f"bound to {found[0]}"),
                        ),
                        entity=name,
                        confidence=None if decides else Confidence.MEDIUM,
                    )
                )
