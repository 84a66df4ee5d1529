"""ZT102 in Vault and OpenBao: a `listener "tcp"` block with `tls_disable` true (`1`,
`true`, `"true"`), in an HCL file, in HCL embedded in a YAML value (a Helm chart's
`server.*.config`, a ConfigMap), or in a JSON configuration. Vault's listener binds
127.0.0.1:8200 when it names no address, and a loopback listener (a Vault Agent's
local cache) is not reachable from elsewhere: neither is reported at the default
threshold (no address: low confidence). HashiCorp Boundary writes its listeners the
same way but with a `purpose`, and its cluster and proxy listeners bring their own TLS:
a listener with a `purpose` is not Vault's and is not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.checks import configtext
from ztlint.checks.transport._common.listeners import _TRUE, _span, _truthy
from ztlint.model import Confidence, Span
from ztlint.parsers import hcl
from ztlint.parsers.data import Mapping, Sequence, walk
from ztlint.rule import FileContext, Hit

_LOOPBACK_ADDRESS = re.compile(r"^(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\S*)?$", re.I)


def _vault_hit(where: Span, address: str | None) -> Hit | None:
    if address is not None and _LOOPBACK_ADDRESS.match(address.strip()):
        return None
    if address is None:
        return Hit(
            span=where,
            message='Vault listener "tcp" sets tls_disable and names no address (Vault '
            "binds 127.0.0.1:8200 then): secrets travel in plaintext if it is exposed",
            confidence=Confidence.LOW,
        )
    return Hit(
        span=where,
        message=f'Vault listener "tcp" on {address} sets tls_disable: tokens and secrets '
        "travel in plaintext",
    )


def detect_vault(ctx: FileContext) -> Iterator[Hit]:
    if not configtext.reads_settings(ctx):
        return
    if ctx.parser == "json":
        yield from _vault_json(ctx)
        return
    found = [a for a in hcl.attributes(ctx.text) if len(a.path) >= 2]
    for attr in found:
        if attr.key != "tls_disable" or attr.path[-2:] != ("listener", "tcp"):
            continue
        if attr.value.strip().lower() not in _TRUE:
            continue
        block = [a for a in found if a.block == attr.block]
        if any(a.key == "purpose" for a in block):
            continue  # a Boundary listener: its cluster and proxy traffic has its own TLS
        address = next((a.value for a in block if a.key == "address"), None)
        hit = _vault_hit(_span(attr), address)
        if hit is not None:
            yield hit


def _vault_json(ctx: FileContext) -> Iterator[Hit]:
    """`"listener": {"tcp": {...}}` or `"listener": [{"tcp": {...}}]`."""
    for doc in ctx.documents():
        for node, _ in walk(doc):
            if not isinstance(node, Mapping):
                continue
            listener = node.get("listener")
            items = listener.items if isinstance(listener, Sequence) else [listener]
            for item in items:
                tcp = item.get("tcp") if isinstance(item, Mapping) else None
                for block in tcp.items if isinstance(tcp, Sequence) else [tcp]:
                    if not isinstance(block, Mapping) or block.get("purpose") is not None:
                        continue
                    flag = block.get("tls_disable")
                    if _truthy(flag) and flag is not None:
                        hit = _vault_hit(flag.span, block.get_str("address"))
                        if hit is not None:
                            yield hit
