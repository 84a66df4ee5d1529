"""Envoy clusters that speak TLS upstream without verifying the server's certificate.

An `UpstreamTlsContext` encrypts, but unless its `common_tls_context` carries a
validation context with a trust anchor (or gets one through SDS or a certificate
provider), Envoy accepts any certificate: anyone who can intercept DNS or routing sees
the traffic, including credentials the proxy injects.
"""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.parsers.data import Mapping, Node, walk_with
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
_CLUSTER_KEYS = (
    "connect_timeout",
    "load_assignment",
    "hosts",
    "lb_policy",
    "type",
    "cluster_type",
    "eds_cluster_config",
    "dns_lookup_family",
)
_TLS_SOCKET_NAMES = ("envoy.transport_sockets.tls", "tls")


def _is_cluster(m: Mapping) -> bool:
    return m.get_str("name") is not None and any(m.get(k) is not None for k in _CLUSTER_KEYS)


def _tls_config(socket: Mapping, in_cluster: bool) -> Mapping | None:
    """The UpstreamTlsContext of a transport socket, or None when it is not one."""
    config = socket.get_map("typed_config") or socket.get_map("config")
    if config is None:
        return None
    type_url = config.get_str("@type") or ""
    if type_url.endswith("UpstreamTlsContext"):
        return config
    if type_url:
        return None
    name = socket.get_str("name") or ""
    return config if in_cluster and name in _TLS_SOCKET_NAMES else None


def _problem(tls: Mapping) -> str | None:
    """Why this TLS context does not verify the peer, or None when it does."""
    common = tls.get_map("common_tls_context")
    if common is None:
        return "no common_tls_context.validation_context"
    if any(common.get(k) is not None for k in _INDIRECT):
        return None
    validation = common.get_map("validation_context")
    if validation is None:
        return "no validation_context"
    mode = validation.get_str("trust_chain_verification")
    if mode is not None and mode.upper() == "ACCEPT_UNTRUSTED":
        return "trust_chain_verification: ACCEPT_UNTRUSTED"
    if not any(validation.get(k) is not None for k in _TRUST):
        return "validation_context has no trusted_ca"
    return None


def _enclosing_cluster(node: Node, outer: str | None) -> str | None:
    return node.get_str("name") if isinstance(node, Mapping) and _is_cluster(node) else outer


def detect(ctx: FileContext) -> Iterator[Hit]:
    documents = ctx.documents()  # a ParseFailure is reported once by the engine
    for doc in documents:
        for mapping, outer in walk_with(doc, None, _enclosing_cluster):
            if not isinstance(mapping, Mapping):
                continue
            cluster = _enclosing_cluster(mapping, outer)
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
                why = _problem(tls)
                if why is None:
                    continue
                where = f"Envoy cluster '{cluster}'" if cluster else "Envoy upstream"
                yield Hit(
                    span=key_node.span,
                    message=f"{where} uses TLS without verifying the server certificate ({why})",
                    entity=cluster,
                )
