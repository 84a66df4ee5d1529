"""Go TLS semantics a query cannot express.

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
URL it fetches), a bootstrap that checks the fetched root against a
pinned SHA-256 fingerprint of its DER, and a connection that only reads the peer's
certificate chain (`tls.Dial` whose connection is used for nothing but
`ConnectionState()`). These are not findings.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.checks.transport import gating
from ztlint.model import Confidence, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext

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
    """The body of the top-level function `name` in this file; True when the name is
    not defined here (assume it verifies: it lives elsewhere)."""
    for node in ctx.tree().root_node.named_children:
        if node.type == "function_declaration":
            ident = node.child_by_field_name("name")
            if ident is not None and code.node_text(ctx.source, ident) == name:
                return node.child_by_field_name("body")
    return True


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


def _scope_sets_callback(ctx: FileContext, scope: Node, operand: str) -> bool:
    """Within `scope`, `<operand>.VerifyX = f` or `<operand> := &tls.Config{VerifyX: f}`."""
    stack = [scope]
    while stack:
        node = stack.pop()
        if node.type in ("assignment_statement", "short_var_declaration"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and right is not None:
                targets = left.named_children
                values = right.named_children
                for target, value in zip(targets, values, strict=False):
                    if target.type == "selector_expression":
                        obj = target.child_by_field_name("operand")
                        fld = target.child_by_field_name("field")
                        if (
                            obj is not None
                            and fld is not None
                            and code.node_text(ctx.source, obj) == operand
                            and code.node_text(ctx.source, fld) in VERIFY_CALLBACKS
                            and _callback_verifies(ctx, value)
                        ):
                            return True
                    elif code.node_text(ctx.source, target) == operand:
                        for lit in _descendants(value, "literal_value"):
                            if _literal_verifies(ctx, lit):
                                return True
        stack.extend(node.named_children)
    return False


def _descendants(node: Node, node_type: str) -> list[Node]:
    out = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == node_type:
            out.append(current)
        stack.extend(current.named_children)
    return out


def _callback_verdict(ctx: FileContext, captures: dict[str, list[Node]]) -> bool:
    """False when the same config gets a verification callback that really verifies."""
    finding = captures["finding"][0]
    if finding.type == "keyed_element":
        literal = finding.parent
        if literal is not None and _literal_verifies(ctx, literal):
            return False
        # `cfg := &tls.Config{InsecureSkipVerify: true}` followed by `cfg.VerifyX = f`
        holder = _enclosing(finding, ("short_var_declaration", "assignment_statement", "var_spec"))
        if holder is not None:
            left = holder.child_by_field_name("left") or holder.child_by_field_name("name")
            scope = _enclosing(
                holder, ("function_declaration", "method_declaration", "func_literal")
            )
            if left is not None and scope is not None:
                names = [code.node_text(ctx.source, n) for n in (left.named_children or [left])]
                if any(_scope_sets_callback(ctx, scope, n) for n in names):
                    return False
        return True
    operand_nodes = captures.get("operand")
    if operand_nodes:
        operand = code.node_text(ctx.source, operand_nodes[0])
        scope = _enclosing(finding, ("function_declaration", "method_declaration", "func_literal"))
        if _scope_sets_callback(ctx, scope or ctx.tree().root_node, operand):
            return False
    return True


_IMPORT = re.compile(r'(?m)^\s*(?:import\s+)?([A-Za-z_]\w*|\.)?\s*"([^"\s]+)"\s*(?://.*)?$')


def imports(ctx: FileContext) -> dict[str, str]:
    """The file's imports, name -> path (the last path element unless aliased)."""

    def collect() -> dict[str, str]:
        out = {}
        for m in _IMPORT.finditer(ctx.text):
            path = m.group(2)
            parts = [p for p in path.split("/") if not re.fullmatch(r"v\d+", p)]
            out[m.group(1) or (parts[-1] if parts else path)] = path
        return out

    return ctx.memo("go-imports", collect)


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
    path = imports(ctx).get(pkg, "crypto/tls" if pkg == "tls" else pkg)
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


def _bound_name(ctx: FileContext, node: Node) -> str | None:
    """`name := <node>` / `name = <node>`: the name node's value is bound to."""
    current = node
    while current.parent is not None and current.parent.type in (
        "unary_expression",
        "expression_list",
        "parenthesized_expression",
    ):
        current = current.parent
    holder = current.parent
    if holder is not None and holder.type in ("short_var_declaration", "assignment_statement"):
        left = holder.child_by_field_name("left")
        if left is not None and left.named_children:
            return code.node_text(ctx.source, left.named_children[0])
    return None


def _inspection_only(ctx: FileContext, literal: Node) -> bool:
    """The config goes to `tls.Dial`/`tls.Client` and the connection is used for
    nothing but reading its state (the peer's certificates)."""
    function = _function_of(literal)
    if function is None:
        return False
    config_name = _bound_name(ctx, literal)
    for call in _descendants(function, "call_expression"):
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if fn is None or args is None:
            continue
        if gating.text(ctx, fn) not in ("tls.Dial", "tls.DialWithDialer", "tls.Client"):
            continue
        passes = any(
            (a.start_byte <= literal.start_byte and literal.end_byte <= a.end_byte)
            or (config_name is not None and gating.text(ctx, a) == config_name)
            for a in args.named_children
        )
        conn = _bound_name(ctx, call) if passes else None
        if conn is None or conn == "_":
            continue
        return _only_inspected(ctx, function, conn)
    return False


def _only_inspected(ctx: FileContext, function: Node, conn: str) -> bool:
    for ident in _descendants(function, "identifier"):
        if code.node_text(ctx.source, ident) != conn:
            continue
        parent = ident.parent
        if parent is None:
            return False
        if parent.type == "expression_list" and parent.parent is not None:
            holder = parent.parent
            if holder.type in ("short_var_declaration", "assignment_statement") and (
                holder.child_by_field_name("left") == parent
            ):
                continue  # the binding itself
        if parent.type == "var_spec":
            continue
        if parent.type == "selector_expression":
            field = parent.child_by_field_name("field")
            call = parent.parent
            if (
                field is not None
                and code.node_text(ctx.source, field) in _INSPECT_ONLY
                and call is not None
                and call.type == "call_expression"
            ):
                continue
        return False
    return True


def _mandated(ctx: FileContext, finding: Node) -> bool:
    """Protocol-mandated or safe by construction (see the module docstring)."""
    literal = finding.parent if finding.type == "keyed_element" else None
    if literal is not None:
        if any(
            _ACME_TLS_ALPN in gating.text(ctx, v) for v in _keyed_values(ctx, literal, "NextProtos")
        ):
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
    return _HTTP01_PATH in body or bool(_DER_DIGEST.search(body))


GATED = (Confidence.MEDIUM, Severity.MEDIUM)


def verified_elsewhere(
    ctx: FileContext, captures: dict[str, list[Node]]
) -> bool | tuple[Confidence, Severity, str]:
    """Guard for InsecureSkipVerify findings: False (drop) when the same config gets a
    verification callback that really verifies, when the field is not TLS or only
    carries a setting onward, or when the protocol mandates it; a gated mode (medium,
    naming the switch) when a setting decides it."""
    if not _callback_verdict(ctx, captures):
        return False
    finding = captures["finding"][0]
    kind = literal_type(ctx, finding) if finding.type == "keyed_element" else None
    if _not_tls(kind):
        return False
    value = captures.get("value")
    if value and "Value:" not in gating.text(ctx, value[0]):
        # InsecureSkipVerify: <a flag or setting>: gated on a tls.Config, a setting
        # carried onward on anything else.
        if kind is None or kind != ("crypto/tls", "Config"):
            return False
        return (*GATED, f"TLS verification can be turned off by `{gating.text(ctx, value[0])}`")
    own = _own_peer_check(ctx, captures)
    if own is not None:
        peers, roots = own
        if roots:
            return False
        return (
            *GATED,
            f"Go's hostname check is skipped; the struct checks the peer against `{peers}` "
            "itself, with the system roots",
        )
    if _mandated(ctx, finding):
        return False
    switch = gating.switch_of(ctx, finding)
    if switch is not None:
        return (*GATED, gating.describe(*switch, "TLS verification"))
    return True


def inspection_only(ctx: FileContext, captures: dict[str, list[Node]]) -> bool:
    """Guard for weak-version findings: False (drop) when the config only serves a
    connection that reads the peer's state (a diagnostic that reports what a server
    negotiates)."""
    finding = captures["finding"][0]
    literal = finding.parent.parent if finding.parent is not None else None
    return not (
        finding.type == "keyed_element" and literal is not None and _inspection_only(ctx, literal)
    )


# Fields crypto/tls.Config does not have: a struct that carries the peer names it expects
# (subject alternative names, SPIFFE IDs) and sets InsecureSkipVerify turns off Go's
# hostname check to put its own check of the chain and those names in its place.
_PEER_NAMES = re.compile(
    r"\w*(SANs?|SubjectAltNames?|PeerNames?|PeerIDs?|Spiffe[Ii][Dd]s?|SPIFFEIDs?|"
    r"ExpectedServerNames?|AllowedNames?)"
)
_ROOTS = re.compile(
    r"\w*(RootCAs?|CAs|CA|CABundle|CaCertificates|CACertificates|CACerts?|TrustBundle|TrustRoots?|TrustedCAs?)"
)


def _own_peer_check(ctx: FileContext, captures: dict[str, list[Node]]) -> tuple[str, bool] | None:
    """(the peer-names field, whether trust roots are set too) when InsecureSkipVerify
    sits on a struct that is not crypto/tls's Config and that, in the same literal or
    function, is given the peer names to expect: it verifies in Go's place."""
    finding = captures["finding"][0]
    fields: list[str] = []
    literal: Node | None = None
    operand = None
    if finding.type == "keyed_element":
        literal = finding.parent
        holder = _enclosing(finding, ("short_var_declaration", "assignment_statement"))
        if holder is not None and literal is not None:
            operand = _bound_name(ctx, literal.parent) if literal.parent is not None else None
    elif captures.get("operand"):
        operand = code.node_text(ctx.source, captures["operand"][0])
        literal = _declared_literal(ctx, finding, operand)
    if literal is not None:
        composite = literal.parent
        if composite is not None and composite.type == "composite_literal":
            typ = composite.child_by_field_name("type")
            if typ is not None and re.fullmatch(r"tls\.Config", gating.text(ctx, typ)):
                return None
        fields += [f for el in literal.named_children if (f := _field_name(ctx, el)) is not None]
    scope = _function_of(finding)
    if operand and scope is not None:
        fields += _assigned_fields(ctx, scope, operand)
    peers = next((f for f in fields if _PEER_NAMES.fullmatch(f)), None)
    if peers is None:
        return None
    return peers, any(_ROOTS.fullmatch(f) for f in fields)


def _declared_literal(ctx: FileContext, node: Node, operand: str) -> Node | None:
    """The literal_value `operand` (`st`, `st.TLS`) stands for, from `st := &T{...}` in
    the function: the nested literal under each selected field."""
    scope = _function_of(node)
    parts = operand.split(".")
    if scope is None or not all(re.fullmatch(r"[A-Za-z_]\w*", p) for p in parts):
        return None
    literal = None
    for decl in _descendants(scope, "short_var_declaration"):
        left = decl.child_by_field_name("left")
        right = decl.child_by_field_name("right")
        if left is None or right is None or decl.start_byte > node.start_byte:
            continue
        names = [code.node_text(ctx.source, n) for n in left.named_children]
        if parts[0] in names and right.named_children:
            value = right.named_children[min(names.index(parts[0]), len(right.named_children) - 1)]
            literal = _literal_body(value)
    for field in parts[1:]:
        if literal is None:
            return None
        values = _keyed_values(ctx, literal, field)
        literal = _literal_body(values[0]) if values else None
    return literal


def _literal_body(value: Node) -> Node | None:
    while value.type in ("unary_expression", "literal_element", "parenthesized_expression"):
        if not value.named_children:
            return None
        value = value.named_children[-1]
    if value.type != "composite_literal":
        return None
    return value.child_by_field_name("body")


def _assigned_fields(ctx: FileContext, scope: Node, operand: str) -> list[str]:
    """Fields assigned on `operand` in the scope: `operand.Field = ...`."""
    out = []
    for node in _descendants(scope, "selector_expression"):
        obj = node.child_by_field_name("operand")
        fld = node.child_by_field_name("field")
        parent = node.parent
        if (
            obj is not None
            and fld is not None
            and code.node_text(ctx.source, obj) == operand
            and parent is not None
            and parent.type == "expression_list"
            and parent.parent is not None
            and parent.parent.type == "assignment_statement"
            and parent.parent.child_by_field_name("left") == parent
        ):
            out.append(code.node_text(ctx.source, fld))
    return out
