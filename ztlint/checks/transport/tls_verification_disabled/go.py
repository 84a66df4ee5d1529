"""ZT101 in Go: the guard on InsecureSkipVerify findings (`go.scm`).

A config that also installs a verification callback that really verifies, a field that
is not TLS or only carries a setting onward, a protocol that mandates accepting any
certificate, and a struct that checks the peer names itself are not findings; a setting
that decides it is a gated mode (medium). The Go TLS reasoning it rests on is shared
with ZT103 (`ztlint.checks.transport._common.go_tls`).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.transport._common import gating
from ztlint.checks.transport._common.flagdefaults import go_flag_default
from ztlint.checks.transport._common.go_tls import (
    _callback_verdict,
    _field_name,
    _function_of,
    _keyed_values,
    _mandated,
    _not_tls,
    certificate_probe,
    literal_type,
    status_probe,
)
from ztlint.model import Confidence, Severity
from ztlint.rule import FileContext
from ztlint.semantics.forward import bound_to, field_assignments

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
    always: bool | tuple[Confidence, Severity, str] = True
    constant = semantics.of(ctx).const(value[0]) if value else None
    if constant is not None and not constant.string and constant.falsy:
        return False
    if value and constant is not None and constant.truthy:
        # InsecureSkipVerify: <a constant that is true>: as a literal true.
        always = (
            Confidence.HIGH,
            Severity.CRITICAL,
            f"InsecureSkipVerify is `{gating.text(ctx, value[0])}`, a constant true, "
            "so any server certificate is accepted",
        )
    elif value and "Value:" not in gating.text(ctx, value[0]):
        # InsecureSkipVerify: <a flag or setting>: gated on a tls.Config, a setting
        # carried onward on anything else.
        if kind is None or kind != ("crypto/tls", "Config"):
            return False
        switch_text = gating.text(ctx, value[0])
        by_default = _off_by_default(ctx, switch_text)
        if by_default is not None:
            return by_default
        return (*GATED, f"TLS verification can be turned off by `{switch_text}`")
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
    if _server_config(ctx, finding):
        return False
    if _holder_unused(ctx, finding):
        return False
    if certificate_probe(ctx, finding):
        return (
            *GATED,
            "TLS verification is off to collect the certificates the server presents; the "
            "function checks the chain it reads itself and sends nothing over the connection",
        )
    if status_probe(ctx, finding):
        return (
            *GATED,
            "TLS verification is off for a reachability probe that sends nothing and reads "
            "only the status code",
        )
    listener = _own_listener(ctx, finding)
    if listener is not None:
        return (
            *GATED,
            f"TLS verification is off for a connection to the server's own listener at "
            f"`{listener}` (the file listens on it), whose certificate names the public "
            "address, not the one dialed",
        )
    switch = gating.switch_of(ctx, finding)
    if switch is not None:
        if switch[0] == "branch":
            by_default = _off_by_default(ctx, switch[1])
            if by_default is not None:
                return by_default
        return (*GATED, gating.describe(*switch, "TLS verification"))
    return always


def _server_config(ctx: FileContext, finding: Node) -> bool:
    """`tls.Config{InsecureSkipVerify: true, ClientAuth: ..}`: a server's config (only a
    server asks for client certificates), and a server never reads InsecureSkipVerify:
    how it checks clients is ClientAuth's to say."""
    literal = finding.parent if finding.type == "keyed_element" else None
    if literal is None or literal.type != "literal_value":
        return False
    for element in literal.named_children:
        if element.type != "keyed_element" or not element.named_children:
            continue
        if gating.text(ctx, element.named_children[0]).strip() == "ClientAuth":
            return True
    return False


def _holder_unused(ctx: FileContext, finding: Node) -> bool:
    """The config is put into a local that nothing reads (`tr.TLSClientConfig =
    &tls.Config{..}` or `tr := &http.Transport{TLSClientConfig: ..}`, and `tr` appears
    after only as the target of more field settings): a client built beside it uses
    its own transport, so the setting reaches no connection."""
    literal = finding.parent
    while literal is not None and literal.type != "composite_literal":
        literal = literal.parent
    if literal is None:
        return False
    holder = _holder_name(ctx, literal)
    function = _function_of(literal)
    if holder is None or function is None:
        return False
    seen = 0
    stack = [function]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        if node.type != "identifier" or gating.text(ctx, node) != holder:
            continue
        seen += 1
        parent = node.parent
        if parent is not None and parent.type == "expression_list":
            parent = parent.parent  # `tr := ...`: the declaration's own target
        if parent is not None and parent.type in ("short_var_declaration", "var_spec"):
            left = parent.child_by_field_name("left") or parent.child_by_field_name("name")
            if left is not None and left.start_byte <= node.start_byte < left.end_byte:
                continue
        operand = parent.child_by_field_name("operand") if parent is not None else None
        if (
            parent is not None
            and parent.type == "selector_expression"
            and operand is not None
            and operand.id == node.id
            and _assigned_to(parent)
        ):
            continue
        return False  # read: passed on, returned, dialed with
    return seen > 0


def _assigned_to(selector: Node) -> bool:
    """The selector is what an assignment writes (`tr.Proxy = ...`)."""
    outer = selector.parent
    if outer is not None and outer.type == "expression_list":
        outer = outer.parent
    if outer is None or outer.type != "assignment_statement":
        return False
    left = outer.child_by_field_name("left")
    return left is not None and left.start_byte <= selector.start_byte < left.end_byte


def _holder_name(ctx: FileContext, literal: Node) -> str | None:
    """The local the config literal is stored into: `tr.TLSClientConfig = <literal>`, or
    `tr := &http.Transport{TLSClientConfig: <literal>}`."""
    node = literal.parent
    if node is not None and node.type == "unary_expression":
        node = node.parent
    if node is not None and node.type == "literal_element":
        node = node.parent  # a keyed element's value, as the grammar wraps it
    if node is not None and node.type == "expression_list":
        node = node.parent
    if node is not None and node.type == "assignment_statement":
        left = node.child_by_field_name("left")
        target = left.named_children[0] if left is not None and left.named_children else None
        if target is not None and target.type == "selector_expression":
            operand = target.child_by_field_name("operand")
            if operand is not None and operand.type == "identifier":
                return gating.text(ctx, operand)
        return None
    if node is not None and node.type == "keyed_element":
        outer = node.parent
        while outer is not None and outer.type != "composite_literal":
            outer = outer.parent
        holder = outer.parent if outer is not None else None
        if holder is not None and holder.type == "literal_element":
            return None  # nested deeper in another literal: what holds it is read apart
        if holder is not None and holder.type == "unary_expression":
            holder = holder.parent
        if holder is not None and holder.type == "expression_list":
            holder = holder.parent
        if holder is not None and holder.type == "short_var_declaration":
            left = holder.child_by_field_name("left")
            names = left.named_children if left is not None else []
            if len(names) == 1 and names[0].type == "identifier":
                return gating.text(ctx, names[0])
    return None


def _off_by_default(ctx: FileContext, switch: str) -> tuple[Confidence, Severity, str] | None:
    """A switch that is a boolean flag of this program whose default skips verification
    (`InsecureSkipVerify: !*sslVerify` with `--ssl-verify` false unless passed): the
    insecure mode is what every user gets, not an opt-in (high)."""
    default = go_flag_default(ctx, switch)
    if default is None or not default[1]:
        return None
    flag, _ = default
    return (
        Confidence.HIGH,
        Severity.HIGH,
        f"TLS verification is off by default: `{switch}` holds unless the user changes `--{flag}`",
    )


# Each starts where a name starts (the lookbehind): one attempt per word, not one per
# character of a long one.
_LISTEN_CALL = re.compile(r"(?<![\w.])([\w.]*[Ll]isten\w*)\s*\(([^()]*)\)")
_ADDRESS_ARG = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def _own_listener(ctx: FileContext, finding: Node) -> str | None:
    """The address the function dials when the same file listens on it
    (`createListener(ctx, s.conf.GRPCListenAddr)`, then `grpc.NewClient(
    s.conf.GRPCListenAddr, ..)`): the server connecting to itself, an in-process gateway
    or a health check, whose certificate is issued for the public name."""
    function = _function_of(finding)
    while function is not None and function.type == "func_literal":
        function = _function_of(function)
    if function is None or "isten" not in ctx.text:
        return None
    listened = {
        arg.strip()
        for m in _LISTEN_CALL.finditer(ctx.text)
        for arg in m.group(2).split(",")
        if _ADDRESS_ARG.fullmatch(arg.strip())
    }
    if not listened:
        return None
    body = gating.text(ctx, function)
    for address in sorted(listened):
        dialed = rf"(?<![\w.])([\w.]+)\s*\((?:[^()]*,)?\s*{re.escape(address)}\s*[,)]"
        for m in re.finditer(dialed, body):
            if "isten" not in m.group(1):
                return address
    return None


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
    sem = semantics.of(ctx)
    fields: list[str] = []
    literal: Node | None = None
    operand = None
    if finding.type == "keyed_element":
        literal = finding.parent
        composite = literal.parent if literal is not None else None
        binding = bound_to(sem, composite) if composite is not None else None
        operand = binding.name if binding is not None else None
    elif captures.get("operand"):
        operand = sem.text(captures["operand"][0])
        literal = _declared_literal(sem, captures["operand"][0])
    if literal is not None:
        composite = literal.parent
        if composite is not None and composite.type == "composite_literal":
            typ = composite.child_by_field_name("type")
            if typ is not None and re.fullmatch(r"tls\.Config", gating.text(ctx, typ)):
                return None
        fields += [f for el in literal.named_children if (f := _field_name(ctx, el)) is not None]
    scope = _function_of(finding)
    if operand and scope is not None:
        fields += [f for f, _, _ in field_assignments(sem, scope, operand)]
    peers = next((f for f in fields if _PEER_NAMES.fullmatch(f)), None)
    if peers is None:
        return None
    return peers, any(_ROOTS.fullmatch(f) for f in fields)


def _declared_literal(sem: semantics.Semantics, operand: Node) -> Node | None:
    """The literal_value `operand` (`st`, `st.TLS`) stands for, from the binding of its
    head (`st := &T{...}`): the nested literal under each selected field."""
    fields: list[str] = []
    head = operand
    while head.type == "selector_expression":
        selected = head.child_by_field_name("field")
        inner = head.child_by_field_name("operand")
        if selected is None or inner is None:
            return None
        fields.insert(0, sem.text(selected))
        head = inner
    if head.type not in semantics.NAMES:
        return None
    binding = sem.resolve(head)
    literal = _literal_body(binding.value) if binding is not None and binding.value else None
    for field in fields:
        if literal is None:
            return None
        values = _keyed_values(sem.ctx, literal, field)
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
