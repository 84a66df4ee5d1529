"""Envoy clusters that speak TLS upstream without verifying the server's certificate.

An `UpstreamTlsContext` encrypts, but unless its `common_tls_context` carries a
validation context with a trust anchor (or gets one through SDS or a certificate
provider), Envoy accepts any certificate: anyone who can intercept DNS or routing sees
the traffic, including credentials the proxy injects. Every place a cluster carries TLS
is read: `transport_socket`, `transport_socket_matches`, the v2 `tls_context`, and a TLS
socket wrapped in a tap transport socket.

A context that checks the chain but names no subject alt name to match (with an SNI
set, no `auto_san_validation`, no pin) accepts any certificate the trusted CAs issued,
for any name: the format's semantics make that certain, so it is shown by default at
medium severity.
"""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.checks import envoy
from ztlint.model import Severity
from ztlint.parsers.data import Mapping, walk_with
from ztlint.rule import FileContext, Hit

# Ways a validation context can be provided without being inline.
_INDIRECT = (
    "validation_context_sds_secret_config",
    "combined_validation_context",
    "validation_context_certificate_provider",
    "validation_context_certificate_provider_instance",
)
# Keys of a CertificateValidationContext that establish trust.
_TRUST = (
    "trusted_ca",
    "system_root_certs",
    "ca_certificate_provider_instance",
    "custom_validator_config",
    "verify_certificate_spki",
    "verify_certificate_hash",
)
_SAN = ("match_typed_subject_alt_names", "match_subject_alt_names", "verify_subject_alt_name")
_TLS_SOCKET_NAMES = ("envoy.transport_sockets.tls", "tls")


def _tls_config(socket: Mapping, in_cluster: bool) -> Mapping | None:
    """The UpstreamTlsContext of a transport socket, or None when it is not one."""
    config = envoy.typed_config(socket)
    if config is None:
        return None
    kind = envoy.type_url(config)
    if kind.endswith("UpstreamTlsContext"):
        return config
    if kind:
        return None
    return config if in_cluster and socket.get_str("name") in _TLS_SOCKET_NAMES else None


def _problem(tls: Mapping) -> tuple[str, Severity | None] | None:
    """Why this TLS context does not verify the peer (and how badly), or None."""
    common = tls.get_map("common_tls_context")
    if common is None:
        return "no common_tls_context.validation_context", None
    if any(common.get(k) is not None for k in _INDIRECT):
        return None
    validation = common.get_map("validation_context")
    if validation is None:
        return "no validation_context", None
    mode = validation.get_str("trust_chain_verification")
    if mode is not None and mode.upper() == "ACCEPT_UNTRUSTED":
        return "trust_chain_verification: ACCEPT_UNTRUSTED", None
    if not any(validation.get(k) is not None for k in _TRUST):
        return "validation_context has no trusted_ca", None
    sni = tls.get_str("sni")
    pinned = validation.get("verify_certificate_spki") or validation.get("verify_certificate_hash")
    auto_san = envoy.truthy(tls.get("auto_sni_san_validation")) or envoy.truthy(
        common.get("auto_sni_san_validation")
    )
    if sni and not pinned and not auto_san and not any(validation.get(k) is not None for k in _SAN):
        return (
            f"the chain is checked but not the name: no subject_alt_name match for sni {sni}",
            Severity.MEDIUM,
        )
    return None


def detect(ctx: FileContext) -> Iterator[Hit]:
    for doc in envoy.documents(ctx):
        for mapping, outer in walk_with(doc.root, None, envoy.enclosing_cluster):
            if not isinstance(mapping, Mapping):
                continue
            cluster = envoy.enclosing_cluster(mapping, outer)
            in_cluster = cluster is not None
            for key in ("transport_socket", "tls_context"):
                entry = mapping.entry(key)
                if entry is None:
                    continue
                key_node, value = entry
                if not isinstance(value, Mapping):
                    continue
                tls: Mapping | None = None
                if key == "transport_socket":
                    tls = _tls_config(value, in_cluster)
                elif in_cluster and mapping.get("filters") is None:
                    tls = value  # v2 cluster-level tls_context is an UpstreamTlsContext
                if tls is None:
                    continue
                found = _problem(tls)
                if found is None:
                    continue
                why, severity = found
                where = f"Envoy cluster '{cluster}'" if cluster else "Envoy upstream"
                yield doc.hit(
                    Hit(
                        span=key_node.span,
                        message=f"{where} uses TLS without verifying the server certificate ({why})",
                        severity=severity,
                        entity=cluster,
                    )
                )
