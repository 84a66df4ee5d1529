"""ZT101 in Istio: DestinationRules that skip certificate checks toward a service."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.checks.transport._common.istio import _istio, _tls_settings
from ztlint.parsers.data import Scalar
from ztlint.rule import FileContext, Hit


def detect(ctx: FileContext) -> Iterator[Hit]:
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
