"""gRPC without transport security, and where that is fine.

`grpc.WithInsecure()` / `insecure.NewCredentials()` (Go) and `grpc.insecure_channel`
/ `add_insecure_port` (Python) and `credentials.createInsecure()` (grpc-js) send RPCs in
plaintext. To a unix socket or over
loopback (a sidecar), or to an in-memory listener (`bufconn`, a context dialer that
returns `lis.Dial()`), that is not a finding; to a network address it is.

How sure depends on the target. A literal network address, or a configured address kept
in a field (`grpc.NewClient(m.grpcAddr, ...insecure...)`) with no TLS alternative in
sight, is certain. Plaintext chosen in a branch (`if u.Scheme == "http"`, `else` of
`if tlsOpts != nil`), as a default that a later `if` replaces with TLS credentials, or
in an option a caller opts into, is a gated mode: medium, naming the switch. A target
the caller passes in is medium; one computed some other way (a port-forward, a
listener's own address) is low. A target held in a constant (a Go `const`, a Python
module constant, a TypeScript `const`) is judged by the constant's value.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import nodes_of, walk
from ztlint.checks.transport._common import gating
from ztlint.model import Confidence, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext

_DIAL = {
    "Dial",
    "DialContext",
    "NewClient",
    "insecure_channel",
    "add_insecure_port",
    "secure_channel",
}


def _target_kind(text: str) -> str:
    value = text.strip().strip("\"'`")
    if value.startswith(("unix:", "unix-abstract:", "/", "@")):
        return "local"
    host = value.split("://", 1)[-1]
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host
    else:
        host = host.rsplit(":", 1)[0] if ":" in host else host
    if host in ("localhost", "127.0.0.1", "::1") or host.startswith("127."):
        return "local"
    return "network"


def _first_argument(call: Node) -> Node | None:
    """The dial target: the first argument, after the context of `DialContext`."""
    args = call.child_by_field_name("arguments")
    if args is None:
        return None
    named = [c for c in args.named_children if c.type != "comment"]
    fn = call.child_by_field_name("function")
    if fn is not None and fn.type == "selector_expression" and named:
        field = fn.child_by_field_name("field")
        if field is not None and field.text == b"DialContext":
            named = named[1:]
    return named[0] if named else None


UNKNOWN = (Confidence.LOW, Severity.MEDIUM)
PASSED_IN = (Confidence.MEDIUM, Severity.MEDIUM)
_SUBJECT = "TLS for this gRPC connection"
_STRINGS = frozenset(
    {"interpreted_string_literal", "raw_string_literal", "string", "template_string"}
)
# Functions in Go, Python and TypeScript: the scope a dial is judged in.
_FUNCTIONS = (*gating.FUNCTIONS, *semantics.FUNCTIONS)
_LOCAL_FORMAT = re.compile(r'^"(unix|unix-abstract):|^"/|^"@')


def _in_memory(ctx: FileContext, scope: Node) -> bool:
    """A context dialer that returns an in-memory listener's `Dial()` (bufconn), one
    end of `net.Pipe()`, or dials a listener the same function serves."""
    sem = semantics.of(ctx)
    if any(path.endswith("grpc/test/bufconn") for path in sem.imports.values()):
        return True
    calls = [
        c
        for c in nodes_of(ctx, "call_expression")
        if scope.start_byte <= c.start_byte and c.end_byte <= scope.end_byte
    ]
    for call in calls:
        if sem.callee(call).rsplit(".", 1)[-1] != "WithContextDialer":
            continue
        dialer = _first_argument(call)
        if dialer is None:
            continue
        dialer, _ = sem.value_of(dialer)
        if dialer.type == "identifier":
            dialer = _function_named(ctx, sem.text(dialer)) or dialer
        if dialer.type in ("func_literal", "function_declaration") and _dials_unix(sem, dialer):
            return True  # the kubelet's or a runtime's local socket: no network
        if dialer.type == "func_literal":
            for value in sem.returned(dialer):
                args = value.child_by_field_name("arguments")
                if (
                    value.type == "call_expression"
                    and args is not None
                    and not args.named_children
                    and sem.callee(value).rsplit(".", 1)[-1] == "Dial"
                ):
                    return True  # `return lis.Dial()`: an in-memory listener's dialer
            if any(
                n.type == "call_expression" and sem.callee(n) == "net.Pipe" for n in walk(dialer)
            ):
                return True
        elif dialer.type == "selector_expression":
            field = dialer.child_by_field_name("field")
            listener = dialer.child_by_field_name("operand")
            if field is None or listener is None or sem.text(field) not in ("Dial", "DialContext"):
                continue
            # The function serves the listener it dials, and a listener with a Dial
            # method is an in-process one (net.Listener has none): no network.
            for served in calls:
                args = served.child_by_field_name("arguments")
                if (
                    sem.callee(served).rsplit(".", 1)[-1] == "Serve"
                    and args is not None
                    and any(sem.text(a) == sem.text(listener) for a in args.named_children)
                ):
                    return True
    return False


# What a dialer is given to reach a Unix socket: the network names of net.Dial.
_UNIX_NETWORKS = frozenset({"unix", "unixpacket", "unixgram"})


def _function_named(ctx: FileContext, name: str) -> Node | None:
    """The file's top-level Go function of that name (a dialer passed by name)."""
    for node in nodes_of(ctx, "function_declaration"):
        own = node.child_by_field_name("name")
        if own is not None and gating.text(ctx, own) == name:
            return node
    return None


def _dials_unix(sem: semantics.Semantics, function: Node) -> bool:
    """The dialer's body dials a Unix socket: `net.DialUnix`, or `Dial`/`DialContext`/
    `DialTimeout` given the network `"unix"` (a literal or a constant holding it)."""
    for node in walk(function):
        if node.type != "call_expression":
            continue
        callee = sem.callee(node).rsplit(".", 1)[-1]
        if callee == "DialUnix":
            return True
        if callee not in ("Dial", "DialContext", "DialTimeout"):
            continue
        args = node.child_by_field_name("arguments")
        for arg in args.named_children[:2] if args is not None else ():
            constant = sem.const(arg)
            if constant is not None and constant.string and constant.text in _UNIX_NETWORKS:
                return True
    return False


def _replaced_later(ctx: FileContext, finding: Node) -> str | None:
    """`creds := insecure.NewCredentials()` then `if <cond> { creds = ... }`: the
    condition of the `if` that replaces the plaintext default."""
    holder = finding.parent
    while holder is not None and holder.type in (
        "argument_list",
        "call_expression",
        "expression_list",
    ):
        holder = holder.parent
    if holder is None or holder.type not in ("short_var_declaration", "assignment_statement"):
        return None
    left = holder.child_by_field_name("left")
    function = gating.enclosing(holder, gating.FUNCTIONS)
    if left is None or function is None:
        return None
    sem = semantics.of(ctx)
    name = gating.text(ctx, left)
    for binding in sem.bindings(function).get(name, []):
        if binding.node.start_byte <= holder.end_byte or binding.value is None:
            continue
        if re.search(rf"\b{re.escape(name)}\b", sem.text(binding.value)):
            continue  # `opts = append(opts, ...)` adds to the value, does not replace it
        # The `if` holding the new binding follows the default in the same block.
        child, current = binding.node, binding.node.parent
        while current is not None and current.id != function.id:
            if current.type == "if_statement" and current.parent == holder.parent:
                consequence = current.child_by_field_name("consequence")
                cond = current.child_by_field_name("condition")
                if consequence is not None and cond is not None and consequence.id == child.id:
                    return gating.text(ctx, cond)
            child, current = current, current.parent
    return None


def grpc_target(
    ctx: FileContext, captures: dict[str, list[Node]]
) -> bool | tuple[Confidence, Severity] | tuple[Confidence, Severity, str]:
    """Keep a plaintext gRPC finding unless its dial target is local or in memory;
    word it as a gated mode when a setting chooses it; decide its confidence by where
    the target comes from."""
    finding = captures["finding"][0]
    function = gating.enclosing(finding, _FUNCTIONS)
    scope = function if function is not None else ctx.tree().root_node
    if ctx.parser == "go" and _in_memory(ctx, scope):
        return False
    sem = semantics.of(ctx)
    call = _dial_call(ctx, finding)
    target = _first_argument(call) if call is not None else None
    constant = sem.const(target) if target is not None else None
    if constant is None and target is not None and target.type in _STRINGS:
        # An interpolated string (`f"{self.host}:{self.port}"`): judged by what it spells.
        constant = semantics.Const(code.node_text(ctx.source, target).strip("\"'`fbr"), True)
    if constant is not None and constant.string:
        if _target_kind(constant.text) == "local":
            return False
    elif target is not None:
        built, _ = sem.value_of(target)
        args = built.child_by_field_name("arguments") if built.type == "call_expression" else None
        first = args.named_children[0] if args is not None and args.named_children else None
        if first is not None and _LOCAL_FORMAT.match(code.node_text(ctx.source, first)):
            return False  # fmt.Sprintf("unix:%s", path)
    if ctx.parser == "go":
        replaced = _replaced_later(ctx, finding)
        switch = ("branch", replaced) if replaced else gating.switch_of(ctx, finding, presence=True)
        if switch is not None:
            return (*PASSED_IN, gating.describe(*switch, _SUBJECT))
    else:
        # Python, JavaScript: `if self.use_ssl: secure_channel(...) else: insecure_channel(...)`
        branch = gating.any_branch(ctx, finding)
        if branch is not None:
            return (*PASSED_IN, gating.describe("branch", branch, _SUBJECT))
    if target is None:
        return UNKNOWN
    if constant is not None and constant.string:
        return True  # a network address written in the code
    text = code.node_text(ctx.source, target)
    if target.type == "selector_expression" and "(" not in text:
        return True  # a configured address kept in a field
    if target.type in semantics.NAMES and sem.is_parameter(target):
        return PASSED_IN
    return UNKNOWN


def _dial_call(ctx: FileContext, finding: Node) -> Node | None:
    node: Node | None = finding
    while node is not None:
        if node.type == "new_expression" and node is not finding:
            return node  # grpc-js: new FooClient(target, credentials)
        if node.type in ("call_expression", "call"):
            fn = node.child_by_field_name("function")
            if fn is not None and code.node_text(ctx.source, fn).rsplit(".", 1)[-1] in _DIAL:
                return node
        node = node.parent
    return None
