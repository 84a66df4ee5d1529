"""Secret stores and control planes that serve without TLS or without authenticating
their clients.

- Vault and OpenBao: a `listener "tcp"` block with `tls_disable` true (`1`, `true`,
  `"true"`), in an HCL file, in HCL embedded in a YAML value (a Helm chart's
  `server.*.config`, a ConfigMap), or in a JSON configuration. Vault's listener binds
  127.0.0.1:8200 when it names no address, and a loopback listener (a Vault Agent's
  local cache) is not reachable from elsewhere: neither is reported at the default
  threshold (no address: low confidence). HashiCorp Boundary writes its listeners the
  same way but with a `purpose`, and its cluster and proxy listeners bring their own
  TLS: a listener with a `purpose` is not Vault's and is not read. Reported under
  plaintext-transport.
- Consul: `verify_incoming`, `verify_incoming_rpc` or `verify_incoming_https` set
  false (HCL or JSON): clients are not asked for a certificate. Consul's default is
  false too; the omission is reported (medium confidence) only where the file sets up
  TLS itself (`verify_outgoing` true) and names no `verify_incoming`. Reported under
  tls-verification-disabled.
- etcd: `--client-cert-auth=false`, `--peer-client-cert-auth=false` (command lines in
  manifests, compose files, scripts and systemd units), `client-cert-auth: false` in
  its YAML configuration, `ETCD_CLIENT_CERT_AUTH` / `ETCD_PEER_CLIENT_CERT_AUTH` false in
  an environment. Explicit settings only. Under tls-verification-disabled.
- kubelet: `--anonymous-auth=true` on a kubelet command line (or a kubeadm
  `kubeletExtraArgs`), `--authorization-mode` with `AlwaysAllow` (kubelet or
  kube-apiserver); and in a `KubeletConfiguration`, `authentication.anonymous.enabled:
  true` or `authorization.mode: AlwaysAllow` (rule.yaml, declarative). Explicit
  settings only: the flags' insecure defaults are not reported where they are omitted.
  Under admin-interface-exposed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint import classify
from ztlint.checks import configtext, envvars
from ztlint.model import Confidence, Severity, Span
from ztlint.parsers import hcl
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk
from ztlint.rule import FileContext, Hit

_TRUE = frozenset({"1", "true"})
_LOOPBACK_ADDRESS = re.compile(r"^(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\S*)?$", re.I)


def _reads_text(ctx: FileContext) -> bool:
    """Configuration text, not code (shell is read: its lines are command lines)."""
    return not (ctx.parser in classify.LANGUAGES and ctx.parser != "bash") and configtext.is_config(
        ctx
    )


def _span(attr: hcl.Attribute) -> Span:
    return Span(attr.line, attr.col, attr.line, attr.end_col)


# --- Vault / OpenBao ---------------------------------------------------------------------


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
    if not _reads_text(ctx):
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


def _truthy(node: Node | None) -> bool:
    return isinstance(node, Scalar) and node.value.strip().lower() in ("1", "true")


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


# --- Consul ------------------------------------------------------------------------------

_CONSUL_VERIFY = ("verify_incoming", "verify_incoming_rpc", "verify_incoming_https")
_CONSUL_MESSAGE = "Consul {key} = false: clients and servers are not asked for a certificate"


def detect_consul(ctx: FileContext) -> Iterator[Hit]:
    if not _reads_text(ctx):
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
_COMMENT = re.compile(r"^\s*(?:#|//|;)")


def detect_etcd(ctx: FileContext) -> Iterator[Hit]:
    if not _reads_text(ctx):
        return
    for number, line in enumerate(ctx.source.lines, 1):
        if "cert-auth" not in line or _COMMENT.match(line):
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


# --- kubelet and kube-apiserver flags -----------------------------------------------------

# The program a command line or an arguments block belongs to (`--etcd-servers` is not
# etcd; k3s passes kubelet flags as `--kubelet-arg=`).
_PROGRAM = re.compile(
    r"(?:(?<![\w-])|(?<=--))(kubelet(?:ExtraArgs|-arg)?|kube-apiserver|apiServer|"
    r"kube-controller-manager|kube-scheduler|kube-proxy|etcd)(?![\w-])"
)
_ANONYMOUS = re.compile(r"(?<![\w-])(?:--)?anonymous-auth[\"']?(?:\s*[=:]\s*|\s+)[\"']?true\b")
_ALWAYS_ALLOW = re.compile(
    r"(?<![\w-])(?:--)?authorization-mode[\"']?(?:\s*[=:]\s*|\s+)[\"']?[\w,]*\bAlwaysAllow\b"
)


def detect_kube_flags(ctx: FileContext) -> Iterator[Hit]:
    if not _reads_text(ctx):
        return
    program = ""
    for number, line in enumerate(ctx.source.lines, 1):
        if _COMMENT.match(line):
            continue
        for m in _PROGRAM.finditer(line):
            program = m.group(1)
        kubelet = program.startswith("kubelet")
        anonymous = _ANONYMOUS.search(line)
        if anonymous is not None and kubelet:
            yield Hit(
                span=Span(number, anonymous.start() + 1, number, anonymous.end() + 1),
                message="kubelet --anonymous-auth=true: anyone who reaches port 10250 is "
                "served as system:anonymous",
            )
        allow = _ALWAYS_ALLOW.search(line)
        if allow is not None and (kubelet or program in ("kube-apiserver", "apiServer")):
            who = "kubelet" if kubelet else "kube-apiserver"
            yield Hit(
                span=Span(number, allow.start() + 1, number, allow.end() + 1),
                message=f"{who} --authorization-mode AlwaysAllow: every authenticated (or "
                "anonymous) request is allowed",
            )
