"""Kubernetes objects that turn off TLS verification between cluster components.

An `APIService` (apiregistration.k8s.io) registers an aggregated API server; with
`spec.insecureSkipTLSVerify: true` the kube-apiserver proxies every request for that
API group, with the caller's identity in its headers, to whatever answers at the
service without checking its certificate. `spec.caBundle` is how it should verify.
"""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.parsers.data import Mapping, Scalar
from ztlint.rule import FileContext, Hit


def detect_apiservice(ctx: FileContext) -> Iterator[Hit]:
    for doc in ctx.documents():
        if not isinstance(doc, Mapping) or doc.get_str("kind") != "APIService":
            continue
        if not (doc.get_str("apiVersion") or "").startswith("apiregistration.k8s.io/"):
            continue
        spec = doc.get_map("spec")
        entry = spec.entry("insecureSkipTLSVerify") if spec is not None else None
        if entry is None or not isinstance(entry[1], Scalar) or entry[1].truthy() is not True:
            continue
        meta = doc.get_map("metadata")
        name = (meta.get_str("name") if meta is not None else None) or "APIService"
        yield Hit(
            span=entry[0].span,
            message=f"APIService '{name}' sets insecureSkipTLSVerify: the API server does not "
            "verify the aggregated server it forwards requests to",
            entity=name,
        )
