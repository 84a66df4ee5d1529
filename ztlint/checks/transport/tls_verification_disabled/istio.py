"""Istio's own Envoy settings: DestinationRules that skip certificate checks or turn
TLS off toward a service, and PeerAuthentication that does not enforce mesh mTLS."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.model import Confidence, Severity
from ztlint.parsers.data import Mapping, Node, Scalar, walk
from ztlint.rule import FileContext, Hit


def _istio(ctx: FileContext, kind: str) -> Iterator[tuple[Mapping, str]]:
    for doc in ctx.documents():
        if not isinstance(doc, Mapping) or doc.get_str("kind") != kind:
            continue
        if "istio.io" not in (doc.get_str("apiVersion") or ""):
            continue
        meta = doc.get_map("metadata")
        yield doc, (meta.get_str("name") if meta is not None else None) or kind


def _tls_settings(spec: Node) -> Iterator[Mapping]:
    for node, _ in walk(spec):
        if isinstance(node, Mapping):
            tls = node.get_map("tls")
            if tls is not None:
                yield tls


def detect_skip_verify(ctx: FileContext) -> Iterator[Hit]:
    for doc, name in _istio(ctx, "DestinationRule"):
        spec = doc.get_map("spec")
        for tls in _tls_settings(spec) if spec is not None else []:
            entry = tls.entry("insecureSkipVerify")
            if entry is not None and isinstance(entry[1], Scalar) and entry[1].truthy() is True:
                host = spec.get_str("host") if spec is not None else None
                yield Hit(
                    span=entry[0].span,
                    message=f"DestinationRule '{name}' skips certificate verification toward {host or 'its host'}",
                    entity=name,
                )


def detect_plaintext(ctx: FileContext) -> Iterator[Hit]:
    for doc, name in _istio(ctx, "DestinationRule"):
        spec = doc.get_map("spec")
        for tls in _tls_settings(spec) if spec is not None else []:
            entry = tls.entry("mode")
            if (
                entry is not None
                and isinstance(entry[1], Scalar)
                and entry[1].value.strip().upper() == "DISABLE"
            ):
                host = spec.get_str("host") if spec is not None else None
                yield Hit(
                    span=entry[1].span,
                    message=f"DestinationRule '{name}' turns TLS off toward {host or 'its host'}",
                    entity=name,
                )
    for doc, name in _istio(ctx, "PeerAuthentication"):
        spec = doc.get_map("spec")
        for node, _ in walk(spec) if spec is not None else []:
            if not isinstance(node, Mapping):
                continue
            mode = node.get("mode")
            if not isinstance(mode, Scalar) or node is spec:
                continue
            value = mode.value.strip().upper()
            if value == "DISABLE":
                yield Hit(
                    span=mode.span,
                    message=f"PeerAuthentication '{name}' disables mesh mTLS",
                    entity=name,
                )
            elif value == "PERMISSIVE":
                yield Hit(
                    span=mode.span,
                    message=f"PeerAuthentication '{name}' accepts plaintext alongside mTLS (PERMISSIVE)",
                    severity=Severity.MEDIUM,
                    confidence=Confidence.HIGH,
                    entity=name,
                )
