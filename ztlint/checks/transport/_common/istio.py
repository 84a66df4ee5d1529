"""Reading Istio's resources: the DestinationRule and PeerAuthentication documents of a
file, and the TLS settings inside them (ZT101 and ZT102)."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.parsers.data import Mapping, Node, walk
from ztlint.rule import FileContext


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
