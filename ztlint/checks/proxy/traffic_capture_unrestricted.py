"""ZT401 traffic-capture-unrestricted: Envoy traffic taps and access logs that record
credentials.

Envoy's other surfaces are their own rules' (admin-interface-exposed,
forwarded-header-trust, cors-wildcard-credentials, plaintext-transport); what they share
is `ztlint.checks.envoy`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.checks import envoy
from ztlint.checks.envoy import EnvoyDoc
from ztlint.model import Confidence, Severity
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk_with
from ztlint.rule import FileContext, Hit

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


def detect_envoy(ctx: FileContext) -> Iterator[Hit]:
    for doc in envoy.documents(ctx):
        for m in envoy.mappings(doc.root):
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
