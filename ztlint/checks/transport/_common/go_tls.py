"""Go TLS semantics a query cannot express, shared by the guards of ZT101
(`tls_verification_disabled/go.py`) and ZT103 (`weak_tls_version.py`).

`InsecureSkipVerify: true` skips Go's built-in chain and hostname check, but a config
that also installs a `VerifyPeerCertificate` or `VerifyConnection` callback that really
verifies is the documented way to do custom verification (go-spiffe does exactly this).
Such a config is not a finding; one whose callback returns nil unconditionally is.

What the setting is on decides the rest. A `tls.Config` field taken from a flag or an
option is a gated mode (medium); the same field of another type only carries a user's
setting onward to where it is applied (Istio's `ClientTLSSettings`, an IR struct) and
is not reported there; a websocket `AcceptOptions.InsecureSkipVerify` turns off the
Origin check and an SSH `InsecureSkipVerify` the host-key check, neither of them TLS. A
literal `true` in a branch on a setting, in a function or option that exists to be
opted into, or in a file behind a build tag is a gated mode too (`gating`).

A struct that is not crypto/tls's `Config` (a proxy's backend-TLS settings) and that
sets InsecureSkipVerify next to the peer names it expects (`...SANs`, SPIFFE IDs) and
its trust roots replaces Go's hostname check with its own check of the chain and those
names: not a finding; with the names but no roots of its own, medium, naming the field.
On a real `tls.Config`, RootCAs alone change nothing (Go ignores them once verification
is skipped): still a finding unless a verification callback is installed.

Some connections must accept any certificate, by protocol or by what they do with it:
ACME tls-alpn-01 validation (RFC 8737: the challenge certificate is self-signed and
the proof is inside it, `NextProtos: ["acme-tls/1"]`), http-01 validation that follows
a redirect to https (RFC 8555 8.3; the function builds the `/.well-known/acme-challenge/`
URL it fetches), EST's bootstrap of the CA bundle (RFC 7030 4.1.1: a function that fetches
`/.well-known/est/cacerts` before any trust anchor exists, whose answer the client must
confirm out of band before trusting it), a bootstrap that checks the fetched root against a
pinned SHA-256 fingerprint of its DER, and a connection that only reads the peer's
certificate chain (`tls.Dial` whose connection is used for nothing but
`ConnectionState()`). These are not findings.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks import codeutil
from ztlint.checks.transport._common import gating
from ztlint.parsers import code
from ztlint.rule import FileContext
from ztlint.semantics import Binding
from ztlint.semantics.forward import bound_to, field_assignments, uses

VERIFY_CALLBACKS = frozenset({"VerifyPeerCertificate", "VerifyConnection"})


def _field_name(ctx: FileContext, keyed: Node) -> str | None:
    key = keyed.child_by_field_name("key")
    if key is None:
        return None
    return code.node_text(ctx.source, key).strip()


def _returns_nil_only(ctx: FileContext, body: Node | None) -> bool:
    """A block whose only statement is `return nil`."""
    if body is None:
        return False
    statements = [c for c in body.named_children if c.type != "comment"]
    if len(statements) == 1 and statements[0].type == "statement_list":
        statements = [c for c in statements[0].named_children if c.type != "comment"]
    if len(statements) != 1 or statements[0].type != "return_statement":
        return False
    return " ".join(code.node_text(ctx.source, statements[0]).split()) == "return nil"


def _function_body(ctx: FileContext, name: str) -> Node | bool | None:
    """The body of the function `name` declared in this file; True when the name is
    not declared here (assume it verifies: it lives elsewhere)."""
    declared = [f for f in semantics.of(ctx).functions(name) if f.type == "function_declaration"]
    if not declared:
        return True
    return declared[0].child_by_field_name("body")


def _callback_verifies(ctx: FileContext, value: Node | None) -> bool:
    if value is None:
        return False
    while value.type == "literal_element" and value.named_child_count == 1:
        child = value.named_children[0]
        value = child
    if value.type == "func_literal":
        return not _returns_nil_only(ctx, value.child_by_field_name("body"))
    if value.type == "nil":
        return False
    if value.type == "identifier":
        body = _function_body(ctx, code.node_text(ctx.source, value))
        if body is True:
            return True
        return not _returns_nil_only(ctx, body if isinstance(body, Node) else None)
    # A method value, a call returning a verifier, a field: assume it verifies.
    return True


def _literal_verifies(ctx: FileContext, literal_value: Node) -> bool:
    return any(
        element.type == "keyed_element"
        and _field_name(ctx, element) in VERIFY_CALLBACKS
        and _callback_verifies(ctx, element.child_by_field_name("value"))
        for element in literal_value.named_children
    )


def _enclosing(node: Node, types: tuple[str, ...]) -> Node | None:
    current = node.parent
    while current is not None and current.type not in types:
        current = current.parent
    return current


def _sets_callback(ctx: FileContext, scope: Node, operand: str, binding: Binding | None) -> bool:
    """`<operand>.VerifyX = f` in the scope, or the literal `operand` is bound to
    (`cfg := &tls.Config{VerifyX: f}`) installing a callback that verifies."""
    sem = semantics.of(ctx)
    for field, value, _ in field_assignments(sem, scope, operand):
        if field in VERIFY_CALLBACKS and _callback_verifies(ctx, value):
            return True
    if binding is None or binding.value is None:
        return False
    return any(
        _literal_verifies(ctx, node)
        for node in codeutil.walk(binding.value)
        if node.type == "literal_value"
    )


def _callback_verdict(ctx: FileContext, captures: dict[str, list[Node]]) -> bool:
    """False when the same config gets a verification callback that really verifies."""
    finding = captures["finding"][0]
    if finding.type == "keyed_element":
        literal = finding.parent
        if literal is not None and _literal_verifies(ctx, literal):
            return False
        # `cfg := &tls.Config{InsecureSkipVerify: true}` followed by `cfg.VerifyX = f`
        composite = literal.parent if literal is not None else None
        binding = bound_to(semantics.of(ctx), composite) if composite is not None else None
        scope = _function_of(finding)
        if binding is not None and scope is not None:
            return not _sets_callback(ctx, scope, binding.name, None)
        return True
    operand_nodes = captures.get("operand")
    if operand_nodes:
        sem = semantics.of(ctx)
        operand = operand_nodes[0]
        scope = _function_of(finding)
        binding = sem.resolve(operand) if operand.type in semantics.NAMES else None
        if _sets_callback(ctx, scope or ctx.tree().root_node, sem.text(operand), binding):
            return False
    return True


def literal_type(ctx: FileContext, keyed: Node) -> tuple[str, str] | None:
    """(package path, type name) of the composite literal holding a keyed element."""
    body = keyed.parent
    literal = body.parent if body is not None else None
    if literal is None or literal.type != "composite_literal":
        return None
    typ = literal.child_by_field_name("type")
    if typ is None or typ.type != "qualified_type":
        return None
    package = typ.child_by_field_name("package")
    name = typ.child_by_field_name("name")
    if package is None or name is None:
        return None
    # A package name not imported here (a snippet) stands for itself: `tls` is crypto/tls.
    pkg = code.node_text(ctx.source, package)
    path = semantics.of(ctx).imports.get(pkg, "crypto/tls" if pkg == "tls" else pkg)
    return path, code.node_text(ctx.source, name)


def _not_tls(kind: tuple[str, str] | None) -> bool:
    """A websocket accept option (the Origin check) or an SSH client option (the host
    key check): named InsecureSkipVerify, but not about TLS."""
    if kind is None:
        return False
    path, name = kind
    return ("websocket" in path and name == "AcceptOptions") or bool(
        re.search(r"(^|/)(x/crypto/ssh|[\w.-]*ssh[\w.-]*)(/|$)", path)
    )


def _keyed_values(ctx: FileContext, literal: Node, key: str) -> list[Node]:
    return [
        el.child_by_field_name("value")  # type: ignore[misc]
        for el in literal.named_children
        if el.type == "keyed_element"
        and _field_name(ctx, el) == key
        and el.child_by_field_name("value") is not None
    ]


_ACME_TLS_ALPN = '"acme-tls/1"'
_HTTP01_PATH = "/.well-known/acme-challenge/"
_EST_BOOTSTRAP = "/.well-known/est/cacerts"
_DER_DIGEST = re.compile(r"\bsha(?:256|512|1)\.Sum(?:256|512)?\(\s*[\w.\[\]]*\.Raw\s*\)")
_INSPECT_ONLY = frozenset(
    {
        "ConnectionState",
        "Close",
        "Handshake",
        "HandshakeContext",
        "RemoteAddr",
        "LocalAddr",
        "SetDeadline",
        "SetReadDeadline",
        "SetWriteDeadline",
    }
)


def _function_of(node: Node) -> Node | None:
    return _enclosing(node, gating.FUNCTIONS)


def _inspection_only(ctx: FileContext, literal: Node) -> bool:
    """The config goes to `tls.Dial`/`tls.Client` and the connection is used for
    nothing but reading its state (the peer's certificates)."""
    function = _function_of(literal)
    if function is None:
        return False
    sem = semantics.of(ctx)
    config = bound_to(sem, literal)
    for call in codeutil.walk(function):
        if call.type != "call_expression":
            continue
        if sem.callee(call) not in _CLIENTS:
            continue
        args = call.child_by_field_name("arguments")
        passes = args is not None and any(
            (a.start_byte <= literal.start_byte and literal.end_byte <= a.end_byte)
            or (config is not None and a.type in semantics.NAMES and _reaches(sem, a, config))
            for a in args.named_children
        )
        conn = bound_to(sem, call) if passes else None
        if conn is None or conn.name == "_":
            continue
        return all(_inspects(sem, use) for use in uses(sem, conn, function))
    return False


_CLIENTS = frozenset({"crypto/tls.Dial", "crypto/tls.DialWithDialer", "crypto/tls.Client"})


def _reaches(sem: semantics.Semantics, name: Node, binding: Binding) -> bool:
    found = sem.resolve(name)
    return found is not None and found.node.id == binding.node.id


def _inspects(sem: semantics.Semantics, use: Node) -> bool:
    """A use of the connection that only reads its state: `conn.ConnectionState()`."""
    parent = use.parent
    if parent is None or parent.type != "selector_expression":
        return False
    field = parent.child_by_field_name("field")
    call = parent.parent
    return (
        field is not None
        and sem.text(field) in _INSPECT_ONLY
        and call is not None
        and call.type == "call_expression"
    )


# A request that carries something: headers, credentials, cookies or a body.
_SENDS = re.compile(
    r"Header|SetBasicAuth|Authorization|Cookie|Bearer|\.Do\(|\.Post|NewRequest|PostForm|Token"
)
_PROBE_CALL = re.compile(r"\b(\w+)\s*,\s*\w+\s*:?=\s*[\w.]+\.(?:Get|Head)\(")


def _outer_function_text(ctx: FileContext, finding: Node) -> str | None:
    """The text of the outermost function around the finding (closures included)."""
    function = _function_of(finding)
    while function is not None and _function_of(function) is not None:
        function = _function_of(function)
    return code.node_text(ctx.source, function) if function is not None else None


def status_probe(ctx: FileContext, finding: Node) -> bool:
    """The config serves only a reachability probe: its function sends nothing (no
    header, credential, cookie or body) and reads nothing of the answer but the status
    (`r, e := client.Get(url); if e == nil && r.StatusCode == 200`): a readiness poll of a
    service that is still starting, typically with its own self-signed certificate. A
    peer in the middle can only fake "ready"."""
    body = _outer_function_text(ctx, finding)
    if body is None:
        return False
    responses = [r for r in _PROBE_CALL.findall(body) if r != "_"]
    if not responses or _SENDS.search(body):
        return False
    if not any(f"{r}.StatusCode" in body for r in responses):
        return False  # a probe reads the status; a response thrown away says nothing
    for name in set(responses):
        for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\b(\.[\w.]+)?", body):
            rest = body[m.end() : m.end() + 8]
            used = m.group(1) or ""
            if used in (".StatusCode", ".Body.Close") or re.match(r"\s*(,|:?=|[!=]= nil)", rest):
                continue
            return False
    return True


_PEER_CHAIN = re.compile(r"\.PeerCertificates\b")
_OWN_CHECK = re.compile(
    r"\.VerifyHostname\(|\.Verify\(\s*x509\.VerifyOptions|\.Verify\(\s*\w+\s*\)"
)
_WRITES = re.compile(r"\.Write\(|\.WriteString\(|io\.Copy\(|fmt\.Fprint|\.Do\(|\.Post|\.Get\(")


def certificate_probe(ctx: FileContext, finding: Node) -> bool:
    """The config dials to collect the certificates the server presents: its function
    reads the peer's chain (`conn.ConnectionState().PeerCertificates`), checks it itself
    (`conn.VerifyHostname(name)`, `cert.Verify(opts)`) and sends nothing over the
    connection. A certificate-inspection tool's fetch, not a channel for data."""
    body = _outer_function_text(ctx, finding)
    if body is None:
        return False
    return (
        _PEER_CHAIN.search(body) is not None
        and _OWN_CHECK.search(body) is not None
        and _WRITES.search(body) is None
        and _SENDS.search(body) is None
    )


def _mandated(ctx: FileContext, finding: Node) -> bool:
    """Protocol-mandated or safe by construction (see the module docstring)."""
    literal = finding.parent if finding.type == "keyed_element" else None
    if literal is not None:
        if any(_acme_alpn(gating.text(ctx, v)) for v in _keyed_values(ctx, literal, "NextProtos")):
            return True
        composite = literal.parent
        if composite is not None and _inspection_only(ctx, composite):
            return True
    function = _function_of(finding)
    while function is not None and function.type == "func_literal":
        function = _function_of(function)
    if function is None:
        return False
    body = code.node_text(ctx.source, function)
    if _HTTP01_PATH in body or _EST_BOOTSTRAP in body or _DER_DIGEST.search(body):
        return True
    # A file of http-01 validation: it builds the challenge's URL (in a string, not a
    # comment), and the transport it makes for that fetch is built in a function of its own.
    return _HTTP01_PATH.lstrip("/") in ctx.text and ctx.cached(_builds_http01_path)


def _builds_http01_path(ctx: FileContext) -> bool:
    return any(_HTTP01_PATH.lstrip("/") in value for _, value in codeutil.strings(ctx))


# NextProtos naming tls-alpn-01's protocol: the literal, or a constant named for it
# (`ACMETLS1Protocol`, declared in another file of the package).
_ACME_ALPN_NAME = re.compile(r"(?i)\bacme_?tls_?1?\w*\b")


def _acme_alpn(text: str) -> bool:
    return _ACME_TLS_ALPN in text or _ACME_ALPN_NAME.search(text) is not None
