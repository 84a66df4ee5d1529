"""ZT102 in Istio: DestinationRules that turn TLS off toward a service, and
PeerAuthentication that does not enforce mesh mTLS."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.checks.transport._common.istio import _istio, _tls_settings
from ztlint.model import Confidence, Severity
from ztlint.parsers.data import Mapping, Scalar, walk
from ztlint.rule import FileContext, Hit


def detect(ctx: FileContext) -> Iterator[Hit]:
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
