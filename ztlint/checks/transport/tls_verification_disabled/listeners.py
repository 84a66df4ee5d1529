"""ZT101 in control planes that do not authenticate their clients by certificate.

- Consul: `verify_incoming`, `verify_incoming_rpc` or `verify_incoming_https` set
  false (HCL or JSON): clients are not asked for a certificate. Consul's default is
  false too; the omission is reported (medium confidence) only where the file sets up
  TLS itself (`verify_outgoing` true) and names no `verify_incoming`.
- etcd: `--client-cert-auth=false`, `--peer-client-cert-auth=false` (command lines in
  manifests, compose files, scripts and systemd units), `client-cert-auth: false` in
  its YAML configuration, `ETCD_CLIENT_CERT_AUTH` / `ETCD_PEER_CLIENT_CERT_AUTH` false in
  an environment. Explicit settings only.

Vault's listener is ZT102's (`plaintext_transport/vault.py`), the kubelet's flags
ZT402's (`proxy/admin_interface_exposed.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.checks import configtext, envvars
from ztlint.checks.transport._common.listeners import _span, _truthy
from ztlint.model import Confidence, Severity, Span
from ztlint.parsers import hcl
from ztlint.parsers.data import Mapping, Node, Scalar, walk
from ztlint.rule import FileContext, Hit

_CONSUL_VERIFY = ("verify_incoming", "verify_incoming_rpc", "verify_incoming_https")
_CONSUL_MESSAGE = "Consul {key} = false: clients and servers are not asked for a certificate"


def detect_consul(ctx: FileContext) -> Iterator[Hit]:
    if not configtext.reads_settings(ctx):
        return
    if ctx.parser == "json":
        yield from _consul_json(ctx)
        return
    found = list(hcl.attributes(ctx.text))
    explicit = [a for a in found if a.key in _CONSUL_VERIFY]
    for attr in explicit:
        if attr.value.strip().lower() == "false":
            yield Hit(
                span=_span(attr),
                message=_CONSUL_MESSAGE.format(key=attr.key),
                severity=Severity.HIGH,
            )
    if explicit:
        return
    for attr in found:
        if attr.key == "verify_outgoing" and attr.value.strip().lower() == "true":
            yield _omitted(_span(attr))
            return


def _omitted(span: Span) -> Hit:
    return Hit(
        span=span,
        message="Consul sets up TLS (verify_outgoing) but not verify_incoming, whose "
        "default is false: clients are not asked for a certificate",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
    )


def _consul_json(ctx: FileContext) -> Iterator[Hit]:
    for doc in ctx.documents():
        outgoing: Node | None = None
        explicit = False
        for node, _ in walk(doc):
            if not isinstance(node, Mapping):
                continue
            for key, value in node.items():
                if key.value in _CONSUL_VERIFY:
                    explicit = True
                    if isinstance(value, Scalar) and value.value.strip().lower() == "false":
                        yield Hit(
                            span=value.span,
                            message=_CONSUL_MESSAGE.format(key=key.value),
                            severity=Severity.HIGH,
                        )
                elif key.value == "verify_outgoing" and _truthy(value) and outgoing is None:
                    outgoing = value
        if outgoing is not None and not explicit:
            yield _omitted(outgoing.span)


# --- etcd --------------------------------------------------------------------------------

_ETCD_FLAG = re.compile(
    r"(?<![\w-])(?:--)?((?:peer-)?client-cert-auth)[\"']?(?:\s*[=:]\s*|\s+)[\"']?(false)\b"
)
_ETCD_ENV = ("ETCD_CLIENT_CERT_AUTH", "ETCD_PEER_CLIENT_CERT_AUTH")


def detect_etcd(ctx: FileContext) -> Iterator[Hit]:
    if not configtext.reads_settings(ctx):
        return
    for number, line in enumerate(ctx.source.lines, 1):
        if "cert-auth" not in line or configtext.COMMENT_LINE.match(line):
            continue
        m = _ETCD_FLAG.search(line)
        if m is None:
            continue
        who = "peers" if m.group(1).startswith("peer") else "clients"
        yield Hit(
            span=Span(number, m.start() + 1, number, m.end() + 1),
            message=f"etcd {m.group(1)} false: {who} are not asked for a certificate, so "
            "anyone who reaches the port reads and writes the store",
            severity=Severity.HIGH,
        )
    for setting in envvars.settings(ctx, _ETCD_ENV, shell=False):
        if setting.value.strip().lower() == "false":
            yield Hit(
                span=setting.span,
                message=f"{setting.name}=false: etcd does not ask for a client certificate",
                severity=Severity.HIGH,
            )
