"""Where a value comes from, a step further than `Semantics.origin`: the questions the
authentication rules ask of a compared, returned or forwarded value.

- the encoding of a digest is the digest (`hex.EncodeToString(m.Sum(nil))`,
  `base64.b64encode(mac.digest())`, `hex::encode(tag)`);
- a method of a bound value is what the value is: `m.Sum(nil)` of `m := hmac.New(...)`,
  `h.hexdigest()` of `h = hmac.new(...)`;
- a getter of the request or of a parameter reads it: Express `req.get("x-api-key")`,
  `req.header(...)`, `clients.get(id)` of a parameter `clients`;
- a helper handed the request that reads it (`tokenFromRequest(r)`, `bearer_header(req)`),
  and a same-file helper whose every return comes from the request (`client_ip(request)`);
- a lookup in a collection or a database (`tokens[id]`, `row.token`, `db.get(...)`):
  `stored`, a value the server holds, chosen by a key.

Each answer is a `semantics.Origin`; the kinds added here are `stored`.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.semantics import FUNCTIONS, NAMES, Binding, Origin, Semantics
from ztlint.semantics.nodes import FIELD_READS

_DEPTH = 4
# Calls that encode their single argument: the result is the argument, spelled out.
_ENCODERS = re.compile(
    r"(^|\.|::)(EncodeToString|hexlify|b64encode|urlsafe_b64encode|b16encode|b32encode|"
    r"encode_hex|encode|hex_encode|to_hex|bytesToHex|toHex)$"
)
_ACCESSORS = FIELD_READS
_INDEXES = frozenset({"subscript", "subscript_expression", "index_expression"})
# Methods that return a digest of what their receiver computed.
_DIGEST_METHODS = frozenset(
    {"Sum", "hexdigest", "digest", "finalize", "into_bytes", "hex", "toString", "update"}
)
# Getters of a request object or of a parameter: they read what it was given.
_GETTERS = frozenset({"get", "header", "getHeader", "get_header", "param", "cookie", "Get"})
# Helpers handed the request whose names say they read part of it.
_REQUEST_HELPER = re.compile(r"(?i)(from_?request|cookie|header|form|query|bearer)\w*$")
# Calls that look a record up: a database or a store.
LOOKUPS = re.compile(
    r"(?i)(^|[.:])(get|find\w*|lookup\w*|load\w*|fetch\w*|query\w*|select\w*|read\w*|"
    r"execute|scan|first|one|one_or_none|scalar\w*)$"
)


def origin(sem: Semantics, node: Node, depth: int = _DEPTH) -> Origin:
    """Where a value comes from (see the module's list), else what `sem.origin` says."""
    base = sem.origin(node, depth)
    if base.kind == "parameter" and _of_request(sem, node):
        return Origin("request", base.detail)  # `hdr := r.Header; hdr.Get("k")`
    if base.kind not in ("call", "unknown") or depth <= 0:
        return base
    node = sem.unwrap(node)
    if node.type in NAMES:
        value, key = sem.value_of(node, depth)
        if value.id == node.id:
            return base
        found = origin(sem, value, depth - 1)
        if key is not None and found.kind in ("request", "parameter", "stored"):
            return Origin(found.kind, key)
        return found if found.kind != "unknown" else base
    if node.type in ("call_expression", "call"):
        return _call(sem, node, base, depth)
    if node.type == "slice_expression" and node.named_children:  # Go `sum[:]`: the same bytes
        return origin(sem, node.child_by_field_name("operand") or node.named_children[0], depth - 1)
    if node.type in _INDEXES and node.named_children:
        head = node.named_children[0]
        inner = origin(sem, head, depth - 1)
        if inner.kind in ("request", "environment"):
            return inner
        return Origin("stored", sem.text(node)[:80])
    if node.type in _ACCESSORS and node.named_children:
        head = node.named_children[0]
        inner = origin(sem, head, depth - 1)
        if inner.kind == "stored":
            return Origin("stored", sem.text(node)[:80])
        if inner.kind == "parameter" and _of_request(sem, node):
            return Origin("request", "")  # `r.Header` of a `*http.Request` parameter
    return base


# Declared types of an HTTP request object (Go net/http, Node, Express, Fastify, Django,
# Starlette/FastAPI, Flask's proxy is untyped).
_REQUEST_TYPES = re.compile(
    r"(^|[\s*&.:])(Request|HttpRequest|IncomingMessage|FastifyRequest|ServerRequest|"
    r"HTTPServerRequest)\b"
)


# What a client writes in a request object (not `session`, `user`, `context`, `state`:
# the server's, set by middleware).
_REQUEST_FIELDS = frozenset(
    {
        "Header", "URL", "Form", "PostForm", "MultipartForm", "Body", "Cookie", "Cookies",
        "FormValue", "PostFormValue", "Trailer",
        "headers", "query", "body", "params", "cookies", "signedCookies", "get", "header",
        "GET", "POST", "COOKIES", "META", "args", "form", "json", "data", "values",
        "query_params", "path_params", "url",
    }
)  # fmt: skip


def _of_request(sem: Semantics, node: Node) -> bool:
    """The value is read off what a client wrote in a parameter declared as an HTTP
    request, through the names it is bound to (`hdr := r.Header`, then `hdr.Get("k")`;
    not `req.session.token`, the server's)."""
    for _ in range(4):
        node = sem.unwrap(node)
        field = ""
        while node.type in (*_ACCESSORS, *_INDEXES, "call_expression", "call"):
            inner = (
                node.child_by_field_name("function")
                if node.type in ("call", "call_expression")
                else node
            )
            if inner is None or not inner.named_children:
                return False
            if inner.type in _ACCESSORS and len(inner.named_children) > 1:
                field = sem.text(inner.named_children[-1])
            node = inner.named_children[0]
        if node.type not in NAMES:
            return False
        if field and _request_typed(sem, node):
            return field in _REQUEST_FIELDS
        value, _ = sem.value_of(node, 1)
        if value.id == node.id:
            return False
        node = value
    return False


def _request_typed(sem: Semantics, head: Node) -> bool:
    """A name declared with an HTTP request type (a handler's `r *http.Request`)."""
    from ztlint.semantics import types

    if head.type not in NAMES:
        return False
    declared = types.declared_type(sem, head)
    return declared is not None and _REQUEST_TYPES.search(declared) is not None


def _call(sem: Semantics, call: Node, base: Origin, depth: int) -> Origin:
    function = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    items = [a for a in args.named_children if a.type != "comment"] if args is not None else []
    if function is None:
        return base
    name = sem.callee(call)
    tail = re.split(r"[.:]+", sem.text(function))[-1]
    if _ENCODERS.search(name) and len(items) == 1:
        inner = origin(sem, items[0], depth - 1)
        if inner.kind in ("hmac", "hash"):
            return inner
    if function.type in _ACCESSORS and function.named_children:
        receiver = function.named_children[0]
        inner = origin(sem, receiver, depth - 1)
        if inner.kind in ("hmac", "hash") and tail in _DIGEST_METHODS:
            return inner
        if inner.kind in ("request", "parameter") and tail in _GETTERS:
            key = sem.const(items[0]) if items else None
            return Origin(inner.kind, key.text if key is not None and key.string else "")
        if inner.kind == "stored" or (LOOKUPS.search(tail) and inner.kind != "request"):
            return Origin("stored", sem.text(call)[:80])
    if function.type in NAMES:
        if _REQUEST_HELPER.search(tail) and any(
            a.type in NAMES and sem.is_parameter(a) for a in items
        ):
            return Origin("request", "")
        helper = helper_origin(sem, sem.text(function), depth - 1)
        if helper is not None:
            return helper
    return base


def helper_origin(sem: Semantics, name: str, depth: int = _DEPTH - 1) -> Origin | None:
    """The request read a same-file helper returns, when every value it returns is one
    (`def client_ip(request): return request.headers["X-Forwarded-For"]`)."""
    values = sem.returns(name)
    if not values or depth <= 0:
        return None
    found = [origin(sem, v, depth - 1) for v in values]
    if all(o.kind == "request" for o in found):
        return found[0]
    return None


def stored(sem: Semantics, node: Node) -> bool:
    """Whether a value is one the server holds, looked up by a key: `tokens[id]`,
    `row.token`, `store.get(id)`, `db.QueryRow(...).Scan(&v)`'s target."""
    return origin(sem, node).kind == "stored"


def binding_of(sem: Semantics, node: Node, depth: int = 6) -> Binding | None:
    """The binding that takes the value an expression is part of, looking up through
    the calls, reads and operators around it (`ip = <node>.split(",")[0]`,
    `sum := sha256.Sum256(<node>)`, `let digest = Sha256::digest(<node>)`); None when
    the expression is not bound to a name."""
    scope = sem.function_of(node)
    values = {
        b.value.id: b
        for items in sem.bindings(scope).values()
        for b in items
        if b.value is not None
    }
    for _ in range(depth):
        found = values.get(node.id)
        if found is not None:
            return found
        parent = node.parent
        if parent is None or parent.type in FUNCTIONS:
            return None
        node = parent
    return None


def derived(sem: Semantics, binding: Binding, steps: int = 1) -> list[Binding]:
    """Bindings computed from a binding in the same function, `steps` names deep
    (a rebinding of the same name is no step): `ip = ip.split(",")[0]` then
    `bucket = f"login-ip-{ip}"`, `_, found := trusted[addr]`."""
    scope = sem.function_of(binding.node)
    candidates = [
        b
        for items in sem.bindings(scope).values()
        for b in items
        if b.value is not None and b is not binding
    ]
    reached: list[Binding] = [binding]
    depth = {id(binding): 0}
    changed = True
    while changed:
        changed = False
        for b in candidates:
            if id(b) in depth or b.value is None:
                continue
            for n in _names_in(b.value):
                source = sem.resolve(n)
                step = next((r for r in reached if r == source), None)
                if step is None:
                    continue
                cost = depth[id(step)] + (0 if b.name == step.name else 1)
                if cost <= steps:
                    depth[id(b)] = cost
                    reached.append(b)
                    changed = True
                    break
    return sorted(reached[1:], key=lambda b: b.end)


def _names_in(node: Node) -> list[Node]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.type in NAMES:
            out.append(current)
        elif current.type not in FUNCTIONS:
            stack.extend(current.named_children)
    return out


def returns_of(sem: Semantics, function: Node) -> list[Node]:
    """`Semantics.returned`: what a function known by its node rather than its declared
    name returns (`const clientIp = (req) => ...`)."""
    return sem.returned(function)
