"""Python TLS semantics a query cannot express: which library a keyword belongs to.

`ssl=False` means "do not verify" to aiohttp but "no TLS at all" to redis or
psycopg; `obj.verify = False` is a requests session setting only where an HTTP client
is in use. These guards look at the file's imports.

A context that verifies nothing is fine when its only use is to read the peer's
certificate: the function wraps a socket with it and calls nothing on that socket but
`getpeercert()` (and timeouts, handshake, close), so nothing is sent or trusted.

Over 400 lines: one language (Python), its two detectors and the query guards of
`python.scm` share the import and setting analysis.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks import codeutil
from ztlint.checks.transport.tls_verification_disabled.guards import Verdict, gated_branch
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics.forward import bound_to, field_assignments

_AIOHTTP = re.compile(r"^\s*(?:import|from)\s+aiohttp\b", re.M)
_HTTP_CLIENT = re.compile(
    r"^\s*(?:import|from)\s+(?:requests|httpx|urllib3|aiohttp|hvac|zeep)\b", re.M
)


def imports_aiohttp(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    return bool(_AIOHTTP.search(ctx.text)) and gated_branch(ctx, captures)


def imports_http_client(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    return bool(_HTTP_CLIENT.search(ctx.text)) and gated_branch(ctx, captures)


_READ_ONLY = frozenset(
    {
        "getpeercert",
        "settimeout",
        "close",
        "cipher",
        "version",
        "do_handshake",
        "selected_alpn_protocol",
        "shared_ciphers",
        "unwrap",
    }
)


def inspection_only(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    """Guard: False (drop) when the unverified context only serves a socket whose peer
    certificate is read and nothing else is done with it."""
    finding = captures["finding"][0]
    left = finding.child_by_field_name("left")
    holder = left.child_by_field_name("object") if left is not None else None
    function = finding.parent
    while function is not None and function.type != "function_definition":
        function = function.parent
    if holder is None or function is None:
        return gated_branch(ctx, captures)
    sem = semantics.of(ctx)
    context = sem.text(holder)
    # The socket the context wraps: `sock = context.wrap_socket(...)` or `with ... as sock`.
    sockets = [
        name
        for name, bindings in sem.bindings(function).items()
        for b in bindings
        if b.value is not None
        and b.value.type == "call"
        and sem.text(b.value.child_by_field_name("function") or b.value) == f"{context}.wrap_socket"
    ]
    if len(sockets) != 1:
        return gated_branch(ctx, captures)
    methods = [m for m, _ in _method_calls(sem, function, sockets[0])]
    uses = [
        n
        for n in codeutil.walk(function)
        if n.type == "identifier" and sem.text(n) == sockets[0] and n.parent is not None
    ]
    # Every use is a read-only method call on it, or the binding itself.
    called = [n for n in uses if n.parent is not None and n.parent.type == "attribute"]
    if (
        "getpeercert" in methods
        and len(called) == len(methods)
        and len(uses) - len(called) <= 1
        and all(m in _READ_ONLY for m in methods)
    ):
        return False
    return gated_branch(ctx, captures)


# --- falsy constants and option dictionaries -----------------------------------------


def _insecure_verify(sem: semantics.Semantics, value: Node) -> bool:
    """A `verify` value that turns checks off: a constant Python takes as false, except
    None, which requests and httpx read as "the default" (verify)."""
    found = sem.const(value)
    return found is not None and found.falsy and found.text != "None"


def _plain_http(sem: semantics.Semantics, finding: Node) -> bool:
    """The request goes to a URL that starts with a constant `http://` (a literal, an
    f-string whose host is computed, a `self.base` the class sets to one): no TLS is
    spoken, so `verify` has nothing to turn off (the plaintext itself is
    `plaintext-transport`'s to judge)."""
    args = finding.parent
    if args is None or args.type != "argument_list":
        return False
    urls = []
    for arg in args.named_children:
        value = arg
        if arg.type == "keyword_argument":
            name = arg.child_by_field_name("name")
            if name is None or sem.text(name) != "url":
                continue
            value = arg.child_by_field_name("value") or arg
        head = sem.leading(value)
        if head is not None and "://" in head:
            urls.append(head.lower())
    return bool(urls) and all(u.startswith("http://") for u in urls)


def falsy_verify(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    """Guard: `verify=<value>` where the value folds to a falsy constant (`False`, `0`,
    a module constant holding one), unless the URL is plain `http://`; then as
    `gated_branch`."""
    sem = semantics.of(ctx)
    if not _insecure_verify(sem, captures["value"][0]):
        return False
    if _plain_http(sem, captures["finding"][0]):
        return False
    if _acme_http01(ctx, sem, captures["finding"][0]):
        return False  # RFC 8555 8.3: http-01 validation follows redirects to any https
    return gated_branch(ctx, captures)


_HTTP01_PATH = ".well-known/acme-challenge"


def _acme_http01(ctx: FileContext, sem: semantics.Semantics, call: Node) -> bool:
    """An ACME http-01 self-check: the file defines the challenge path, and the fetched
    URL is the challenge's (`uri = chall.uri(domain)`) or the function builds the path.
    RFC 8555 8.3 has the validator follow redirects to https without checking the
    certificate: the key authorization in the body is the proof."""
    if _HTTP01_PATH not in ctx.text:
        return False
    while call.type != "call" and call.parent is not None:
        call = call.parent  # from the `verify=` argument to its call
    function = codeutil.enclosing_function(call)
    if function is not None and _HTTP01_PATH in sem.text(function):
        return True
    args = call.child_by_field_name("arguments")
    first = next((a for a in args.named_children if a.type != "comment"), None) if args else None
    if first is None or first.type == "keyword_argument":
        return False
    value, _ = sem.value_of(first)
    if value.type != "call":
        return False
    function_node = value.child_by_field_name("function")
    return function_node is not None and sem.text(function_node).rsplit(".", 1)[-1] == "uri"


def _verify_entry(sem: semantics.Semantics, options: Node) -> Node | None:
    """The falsy `verify` entry of an options dictionary passed as `**options`: a dict
    literal (`{"verify": False}`) or `dict(verify=False)`, through bindings."""
    value, key = sem.value_of(options)
    if key is not None:
        return None
    if value.type == "dictionary":
        for pair in value.named_children:
            k, v = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if pair.type == "pair" and k is not None and v is not None:
                key_const = sem.const(k, 0)
                if key_const is not None and key_const.string and key_const.text == "verify":
                    return v if _insecure_verify(sem, v) else None
    elif value.type == "call" and sem.callee(value) == "dict":
        args = value.child_by_field_name("arguments")
        for arg in args.named_children if args is not None else []:
            kw = arg.child_by_field_name("name")
            v = arg.child_by_field_name("value")
            if (
                arg.type == "keyword_argument"
                and kw is not None
                and v is not None
                and sem.text(kw) == "verify"
            ):
                return v if _insecure_verify(sem, v) else None
    return None


def verify_in_options(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    """Guard: `requests.get(url, **opts)` where `opts` holds a falsy `verify`."""
    if _verify_entry(semantics.of(ctx), captures["options"][0]) is None:
        return False
    return gated_branch(ctx, captures)


# --- pyOpenSSL ---------------------------------------------------------------------------
#
# pyOpenSSL's `Context` verifies nothing until `set_verify(VERIFY_PEER, ...)` is called
# (OpenSSL's default mode is SSL_VERIFY_NONE), and its callback's return value is the
# verdict: one that returns True accepts every certificate. A server that does not ask
# for client certificates leaves the mode at VERIFY_NONE by design, so an unset or
# VERIFY_NONE context is reported only on the client side.

_OPENSSL = "OpenSSL.SSL."
_CLIENT_CALLS = frozenset({"set_connect_state", "connect", "connect_ex"})
_SERVER_CALLS = frozenset(
    {"set_accept_state", "accept", "use_privatekey_file", "use_privatekey", "bind", "listen"}
)


def _openssl_name(sem: semantics.Semantics, node: Node) -> str:
    """`SSL.VERIFY_NONE` as `OpenSSL.SSL.VERIFY_NONE`, through a name bound to it."""
    value, _ = sem.value_of(node)
    name = sem.qualified(value)
    return name[len(_OPENSSL) :] if name.startswith(_OPENSSL) else ""


def _method_calls(sem: semantics.Semantics, scope: Node, name: str) -> list[tuple[str, Node]]:
    """`(method, call)` for each `<name>.method(...)` in the scope."""
    out = []
    for node in codeutil.walk(scope):
        if node.type != "call":
            continue
        function = node.child_by_field_name("function")
        if function is None or function.type != "attribute":
            continue
        obj, attr = (
            function.child_by_field_name("object"),
            function.child_by_field_name("attribute"),
        )
        if obj is not None and attr is not None and sem.text(obj) == name:
            out.append((sem.text(attr), node))
    return out


def _bound_to(sem: semantics.Semantics, value: Node) -> str | None:
    """The name an assignment binds this value to; for `self.ctx = ...` (an attribute,
    which the layer does not track as a binding) the attribute as written."""
    binding = bound_to(sem, value)
    if binding is not None:
        return binding.name
    parent = value.parent
    left = parent.child_by_field_name("left") if parent is not None else None
    if parent is not None and parent.type == "assignment" and left is not None:
        right = parent.child_by_field_name("right")
        if right is not None and right.id == value.id and left.type == "attribute":
            return sem.text(left)
    return None


def _side(sem: semantics.Semantics, context_call: Node, scope: Node, name: str) -> str | None:
    """ "client" or "server" for a pyOpenSSL context, by its method and what the
    connections made from it do; None when nothing says."""
    args = context_call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    method = _openssl_name(sem, first) if first is not None else ""
    if "CLIENT" in method:
        return "client"
    if "SERVER" in method:
        return "server"
    calls = {m for m, _ in _method_calls(sem, scope, name)}
    if calls & _SERVER_CALLS:
        return "server"
    for node in codeutil.walk(scope):
        if (
            node.type != "call"
            or _openssl_name(sem, node.child_by_field_name("function") or node) != "Connection"
        ):
            continue
        conn_args = node.child_by_field_name("arguments")
        passes = conn_args is not None and any(
            sem.text(a) == name for a in conn_args.named_children
        )
        conn = _bound_to(sem, node) if passes else None
        if conn is None:
            continue
        used = {m for m, _ in _method_calls(sem, scope, conn)}
        if used & _SERVER_CALLS:
            return "server"
        if used & _CLIENT_CALLS:
            return "client"
    return None


def _accepts_all(sem: semantics.Semantics, callback: Node) -> bool:
    """A verify callback whose every return is a true constant."""
    value, _ = sem.value_of(callback)
    if value.type == "lambda":
        body = value.child_by_field_name("body")
        found = sem.const(body, 0) if body is not None else None
        return found is not None and found.truthy
    if value.type == "function_definition":
        name = value.child_by_field_name("name")
        returns = sem.returns(sem.text(name)) if name is not None else []
    elif value.type == "identifier":
        returns = sem.returns(sem.text(value))
    else:
        return False
    consts = [sem.const(r, 0) for r in returns]
    return bool(consts) and all(c is not None and c.truthy for c in consts)


def detect_pyopenssl(ctx: FileContext) -> Iterator[Hit]:
    sem = semantics.of(ctx)
    reported: set[int] = set()
    servers: set[str] = set()
    for hit, verify in _pyopenssl_contexts(ctx, sem, servers):
        if verify is not None:
            reported.add(verify.id)
        if hit is not None:
            yield hit
    # set_verify(VERIFY_NONE) on a context made elsewhere (a parameter, an attribute).
    for call in codeutil.nodes_of(ctx, "call"):
        function = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if (
            call.id in reported
            or function is None
            or function.type != "attribute"
            or args is None
            or not args.named_children
        ):
            continue
        attr = function.child_by_field_name("attribute")
        obj = function.child_by_field_name("object")
        if attr is None or obj is None or sem.text(attr) != "set_verify":
            continue
        if sem.text(obj) in servers or _openssl_name(sem, args.named_children[0]) != "VERIFY_NONE":
            continue
        yield Hit(
            span=code.node_span(ctx.source, call),
            message="pyOpenSSL set_verify(VERIFY_NONE) turns off certificate verification",
        )


def _pyopenssl_contexts(
    ctx: FileContext, sem: semantics.Semantics, servers: set[str]
) -> Iterator[tuple[Hit | None, Node | None]]:
    for call in codeutil.nodes_of(ctx, "call"):
        function = call.child_by_field_name("function")
        if function is None or _openssl_name(sem, function) != "Context":
            continue
        name = _bound_to(sem, call)
        scope = codeutil.enclosing_function(call) or ctx.tree().root_node
        if name is None:
            continue
        if name.startswith("self."):
            scope = ctx.tree().root_node
        set_verify = [c for m, c in _method_calls(sem, scope, name) if m == "set_verify"]
        side = _side(sem, call, scope, name)
        if side == "server":
            servers.add(name)
        for verify in set_verify:
            args = verify.child_by_field_name("arguments")
            named = args.named_children if args is not None else []
            mode = _openssl_name(sem, named[0]) if named else ""
            if mode == "VERIFY_NONE":
                # A server that does not ask for client certificates: by design.
                hit = (
                    None
                    if side == "server"
                    else Hit(
                        span=code.node_span(ctx.source, verify),
                        message="pyOpenSSL set_verify(VERIFY_NONE) turns off certificate verification",
                    )
                )
                yield hit, verify
            elif len(named) > 1 and _accepts_all(sem, named[1]):
                yield (
                    Hit(
                        span=code.node_span(ctx.source, verify),
                        message=f"the verify callback `{sem.text(named[1])}` returns True for every certificate, so any peer is accepted",
                    ),
                    verify,
                )
        if not set_verify and side == "client":
            yield (
                Hit(
                    span=code.node_span(ctx.source, call),
                    message=f"pyOpenSSL context `{name}` is never given set_verify: its default, VERIFY_NONE, accepts any server certificate",
                ),
                None,
            )


# -- ssl.SSLContext made without a client protocol -------------------------------------

# Protocols whose new context verifies nothing: `ssl.SSLContext()` and these leave
# `verify_mode` at CERT_NONE and `check_hostname` off (PROTOCOL_TLS_CLIENT turns both on).
_UNVERIFIED_PROTOCOLS = frozenset(
    {"PROTOCOL_TLS", "PROTOCOL_SSLv23", "PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2"}
)
# Keywords through which a context reaches the code that opens a connection with it.
_CONTEXT_KEYWORDS = frozenset({"context", "ssl", "ssl_context", "sslcontext", "verify", "tls"})
# Callees that take a context to serve, not to connect.
_SERVING = re.compile(r"(?i)serve|server|listen|run_app|bind|accept")


def _protocol(sem: semantics.Semantics, call: Node) -> str | None:
    """The protocol an `ssl.SSLContext(...)` call names ("" when none)."""
    args = call.child_by_field_name("arguments")
    items = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
    for item in items:
        if item.type == "keyword_argument":
            name, value = item.child_by_field_name("name"), item.child_by_field_name("value")
            if name is not None and value is not None and sem.text(name) == "protocol":
                return sem.qualified(sem.value_of(value)[0]).rsplit(".", 1)[-1]
        else:
            return sem.qualified(sem.value_of(item)[0]).rsplit(".", 1)[-1]
    return ""


def _keyword_of(node: Node) -> tuple[str, Node] | None:
    """(keyword, call) when the node is the value of a keyword argument of a call."""
    parent = node.parent
    if parent is None or parent.type != "keyword_argument":
        return None
    name = parent.child_by_field_name("name")
    call = parent.parent.parent if parent.parent is not None else None
    if name is None or call is None or call.type != "call":
        return None
    return name.text.decode("utf-8", "replace") if name.text else "", call


def _context_use(sem: semantics.Semantics, node: Node) -> str | None:
    """ "client" or "server" for one place a context is used: given to a call as its
    context, or wrapping a socket; None when the place says nothing."""
    keyword = _keyword_of(node)
    if keyword is not None and keyword[0] in _CONTEXT_KEYWORDS:
        callee = sem.callee(keyword[1]).rsplit(".", 1)[-1]
        return "server" if _SERVING.search(callee) else "client"
    return None


def _wraps(sem: semantics.Semantics, call: Node) -> str | None:
    """`ctx.wrap_socket(sock, server_hostname=h)` connects; `server_side=True` serves."""
    args = call.child_by_field_name("arguments")
    keywords = {
        sem.text(k.child_by_field_name("name") or k): k.child_by_field_name("value")
        for k in (args.named_children if args is not None else [])
        if k.type == "keyword_argument"
    }
    side = keywords.get("server_side")
    if side is not None:
        found = sem.const(side)
        return "server" if found is None or found.truthy else "client"
    return "client"


def detect_stdlib_context(ctx: FileContext) -> Iterator[Hit]:
    """`ssl.SSLContext()` (or PROTOCOL_TLS and its aliases) used to connect, never told
    to verify: such a context has verify_mode CERT_NONE and check_hostname off."""
    sem = semantics.of(ctx)
    for call in codeutil.nodes_of(ctx, "call"):
        if sem.callee(call) != "ssl.SSLContext":
            continue
        protocol = _protocol(sem, call)
        if protocol is None or (protocol and protocol not in _UNVERIFIED_PROTOCOLS):
            continue
        name = _bound_to(sem, call)
        sides: set[str] = set()
        if name is None:
            use = _context_use(sem, call)
            sides = {use} if use else set()
        else:
            scope = codeutil.enclosing_function(call) or ctx.tree().root_node
            if name.startswith("self."):
                scope = ctx.tree().root_node
            if _told_to_verify(sem, scope, name):
                continue
            for method, used in _method_calls(sem, scope, name):
                if method in ("wrap_socket", "wrap_bio"):
                    sides.add(_wraps(sem, used) or "")
                elif method == "load_cert_chain":
                    sides.add("server")
            for node in codeutil.walk(scope):
                if node.type in ("identifier", "attribute") and sem.text(node) == name:
                    use = _context_use(sem, node)
                    if use:
                        sides.add(use)
        if sides != {"client"}:
            continue  # served, unused, or both: nothing says a client trusts any peer
        shown = f"`{name}`" if name else "the context"
        made = f"ssl.SSLContext({protocol})" if protocol else "ssl.SSLContext()"
        yield Hit(
            span=code.node_span(ctx.source, call),
            message=f"{made} starts with verify_mode CERT_NONE and check_hostname off, and "
            f"{shown} connects without being told to verify: any server certificate is "
            "accepted (use ssl.create_default_context() or PROTOCOL_TLS_CLIENT)",
        )


def _told_to_verify(sem: semantics.Semantics, scope: Node, name: str) -> bool:
    """`ctx.verify_mode = ...` or `ctx.check_hostname = ...` set anywhere in the scope
    (a weakening assignment is reported by the rule's own patterns)."""
    return any(
        field in ("verify_mode", "check_hostname")
        for field, _, _ in field_assignments(sem, scope, name)
    )
