"""When a secret compared early-exit has no attacker timing it (ZT501's context).

Five readings of what surrounds a comparison, each a general shape:

- the double-submit CSRF check: a request's cookie against the value the same request
  carries under the same name in its body, form or a handler's payload: both sides are
  the client's;
- a field of the record a store's update hands its callback (`s.UpdateRefreshToken(ctx,
  id, func(old RefreshToken) ...)`): a re-check inside the update of a value already
  checked when the record was found (reported at medium confidence);
- a method of a type the code marks as example code, by its name or by a constructor
  the file names for an example (`func NewExampleStore() *MemoryStore`), reported at
  medium confidence;
- an HTTP client checking the answer of the server it called (a side read from the
  response whose status the function reads), reported at medium confidence;
- the caller's own token as a Vault or OpenBao plugin is handed it (`req.ClientToken`
  of the SDK's `*logical.Request`): the server's core checked it before the plugin ran,
  so no caller can put a guess there.

The operand origins come from the shared semantic layer (`ztlint.semantics`).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import FUNCTIONS, enclosing_function, nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.rule import FileContext
from ztlint.semantics import origins, types
from ztlint.semantics.nodes import FIELD_READS
from ztlint.semantics.secret_operands import unwrap as _unwrap
from ztlint.semantics.vocabulary import words

_NAMES = semantics.NAMES
# Member accesses per grammar (Go, Python, JavaScript/TypeScript, Rust).
ACCESSORS = FIELD_READS
_INDEX_READS = frozenset({"subscript", "subscript_expression", "index_expression"})


# Reads of a request's cookie by name: Koa `ctx.cookies.get(k)`, Express/Fastify
# `req.cookies[k]`, Flask/Starlette `request.cookies.get(k)`, Django `request.COOKIES`,
# Go `r.Cookie(k)` (its `.Value`).
_COOKIE_JARS = frozenset({"cookies", "signedCookies", "COOKIES"})
_KEYED_GETTERS = frozenset(
    {"get", "Get", "FormValue", "PostFormValue", "param", "getParam", "query", "Query"}
)


def double_submit(sem: semantics.Semantics, left: Node, right: Node) -> Node | None:
    """The double-submit CSRF pattern: a request's cookie compared with a value read under
    the same name from the request's body, form or payload (`ctx.cookies.get(K) ===
    payload[K]`, `r.Cookie("csrf")` against `r.PostFormValue("csrf")`). The client sends
    the same value twice, so both sides are its own: no secret of the server is on either
    side. Returns the side read from the body or payload, for the caller to ask whether
    a session's value hides behind it, else None. (A session's or a store's value under
    that name is the server's, and stays checked.)"""
    (a_kind, a_key), (b_kind, b_key) = (_keyed_read(sem, side) for side in (left, right))
    if a_key is None or a_key != b_key or {a_kind, b_kind} != {"cookie", "field"}:
        return None
    return right if b_kind == "field" else left


def _keyed_read(sem: semantics.Semantics, node: Node) -> tuple[str, str | None]:
    """("cookie", key) for a read of a request's cookie, ("field", key) for a read of a
    request object's or a parameter's field under a key, ("", None) otherwise; keys are
    compared as written (a string literal by its content)."""
    value, _ = sem.value_of(node)
    value = sem.unwrap(value)
    if value.type in ACCESSORS and len(value.named_children) > 1:
        head, field = value.named_children[0], sem.text(value.named_children[-1])
        if field == "Value":  # Go `cookie.Value` of `cookie, err := r.Cookie("csrf")`
            inner = _keyed_read(sem, head)
            if inner[0] == "cookie":
                return inner
        if _jar(sem, head):
            return "cookie", field
        return ("field", field) if _outside_object(sem, head) else ("", None)
    if value.type in _INDEX_READS and value.named_children:
        head = value.named_children[0]
        key = value.child_by_field_name("index") or value.child_by_field_name("subscript")
        if key is None and len(value.named_children) > 1:
            key = value.named_children[-1]
        if key is None:
            return "", None
        if _jar(sem, head):
            return "cookie", _key_text(sem, key)
        return ("field", _key_text(sem, key)) if _outside_object(sem, head) else ("", None)
    if value.type in ("call_expression", "call"):
        function = value.child_by_field_name("function")
        args = value.child_by_field_name("arguments")
        items = [a for a in args.named_children if a.type != "comment"] if args else []
        if function is None or function.type not in ACCESSORS or len(items) != 1:
            return "", None
        head, method = function.named_children[0], sem.text(function.named_children[-1])
        if method in ("Cookie", "Cookies") or (method in ("get", "Get") and _jar(sem, head)):
            return "cookie", _key_text(sem, items[0])
        if method in _KEYED_GETTERS and _outside_object(sem, head):
            return "field", _key_text(sem, items[0])
    return "", None


# Handler parameters a web framework fills from the request (Rust axum and actix-web
# extractors): the client's cookies, and the parts of the request the client wrote.
_COOKIE_EXTRACTORS = re.compile(
    r"^(?:&\s*)?(?:mut\s+)?(?:\w+::)*(CookieJar|PrivateCookieJar|SignedCookieJar|Cookies)\b"
)
_PART_EXTRACTORS = re.compile(
    r"^(?:&\s*)?(?:\w+::)*(Json|Form|Query|Path|TypedHeader|Multipart|HeaderMap)\b"
)
# Steps that keep a value what it was: a field, a method chain (`.get(K)`, `.ok_or(e)?`,
# `.value_trimmed()`, `.to_string()`), a borrow, `?`, parentheses.
_CHAIN = frozenset(
    {
        "field_expression", "call_expression", "try_expression", "reference_expression",
        "parenthesized_expression", "unary_expression",
    }
)  # fmt: skip


def extracted_part(sem: semantics.Semantics, node: Node, depth: int = 4) -> str:
    """ "cookie" when a value is read, through fields and a method chain, off a handler's
    cookie-jar extractor (`private_cookies.get(CSRF).ok_or(e)?.value().to_string()` of
    `private_cookies: PrivateCookieJar`), "field" when off an extractor of a part of the
    request the client wrote (`payload.state.secret()` of `Json(payload): Json<Callback>`),
    else "". Follows the names a value is bound to."""
    while depth > 0:
        depth -= 1
        while node.type in _CHAIN:
            if node.type == "call_expression":
                function = node.child_by_field_name("function")
                if function is None or function.type != "field_expression":
                    return ""  # a plain function's result is what the function makes
                node = function
            elif node.type == "field_expression":
                value = node.child_by_field_name("value")
                if value is None:
                    return ""
                node = value
            elif node.named_children:
                node = node.named_children[-1 if node.type == "unary_expression" else 0]
            else:
                return ""
        if node.type not in _NAMES:
            return ""
        if sem.is_parameter(node):
            declared = types.declared_type(sem, node) or ""
            if _COOKIE_EXTRACTORS.match(declared.strip()):
                return "cookie"
            if _PART_EXTRACTORS.match(declared.strip()):
                return "field"
            return ""
        value, _ = sem.value_of(node, 1)
        if value.id == node.id:
            return ""
        node = value
    return ""


def _jar(sem: semantics.Semantics, head: Node) -> bool:
    """A request's cookies as a framework hangs them on it (`ctx.cookies`,
    `req.signedCookies`, `request.COOKIES`), through a name bound to them."""
    value, _ = sem.value_of(head)
    value = sem.unwrap(value)
    if value.type not in ACCESSORS or len(value.named_children) < 2:
        return False
    return sem.text(value.named_children[-1]) in _COOKIE_JARS


# Where a server keeps its own values beside a request: a session, a framework's
# per-request state, a store or cache.
_SERVER_STATE = frozenset({"session", "sessions", "sess", "state", "locals", "store", "cache"})
# Declared types of what a client sent: a payload, body, form, input, request or DTO.
_PAYLOAD_TYPES = frozenset({"payload", "body", "form", "input", "request", "req", "dto"})


def _outside_object(sem: semantics.Semantics, head: Node) -> bool:
    """A part of the request (`req.body`, `request.form`) or a parameter declared as
    what the client sent (`payload: OneTapPayload`, `form: CsrfForm`), not the server's
    state hung on a request (`ctx.session`) nor a record passed in (`user: User`)."""
    head = sem.unwrap(head)
    value, _ = sem.value_of(head)
    if any(_SERVER_STATE & set(words(sem.text(n))) for n in (head, value)):
        return False
    kind = origins.origin(sem, head).kind
    if kind == "request":
        return True
    if (
        head.type in ACCESSORS
        and words(sem.text(head))[-1:]
        and (words(sem.text(head))[-1] in _SUBMITTED)
    ):
        return True  # `self.data`, `request.POST`: what the client submitted
    if kind != "parameter" or head.type not in _NAMES:
        return False
    declared = types.declared_type(sem, head)
    return declared is not None and bool(_PAYLOAD_TYPES & set(words(declared)))


# The last word of an object's member that holds what the client submitted.
_SUBMITTED = frozenset({"data", "body", "form", "json", "payload", "params", "post", "args"})


def _key_text(sem: semantics.Semantics, key: Node) -> str:
    found = sem.const(key, 0)
    if found is not None and found.string:
        return found.text
    return re.sub(r"\s+", "", sem.text(key))


_EXAMPLE_WORDS = frozenset({"example", "demo", "sample"})


def example_type(ctx: FileContext, node: Node) -> str:
    """Why the type whose method compares is example code, or "": its name says so
    (`DemoStore`), or the file offers it as one through a constructor named for an
    example (`func NewExampleStore() *MemoryStore`, `def make_demo_store() -> Store`):
    a store seeded for a walkthrough or the tests, whose plaintext passwords say as much.
    Reported at medium confidence: the same type may serve a deployment too."""
    name = _owner_type(ctx, node)
    if not name:
        return ""
    if _EXAMPLE_WORDS & set(words(name)):
        return f"`{name}` is named as an example"
    for function in nodes_of(ctx, "function_declaration", "function_definition"):
        fname = function.child_by_field_name("name")
        result = function.child_by_field_name("result") or function.child_by_field_name(
            "return_type"
        )
        if (
            fname is not None
            and result is not None
            and _EXAMPLE_WORDS & set(words(_text(ctx, fname)))
            and name in re.findall(r"\w+", _text(ctx, result))
        ):
            return f"the file offers `{name}` as an example (`{_text(ctx, fname)}`)"
    return ""


def _owner_type(ctx: FileContext, node: Node) -> str:
    """The type a method belongs to: a Go receiver's type, a class, a Rust `impl`."""
    function = enclosing_function(node)
    while function is not None and function.type != "method_declaration":
        parent = function.parent
        function = enclosing_function(parent) if parent is not None else None
    if function is not None:
        receiver = function.child_by_field_name("receiver")
        names = re.findall(r"\w+", _text(ctx, receiver)) if receiver is not None else []
        return names[-1] if names else ""
    owner = node.parent
    while owner is not None:
        if owner.type in ("class_definition", "class_declaration", "impl_item"):
            name = owner.child_by_field_name("name") or owner.child_by_field_name("type")
            return _text(ctx, name) if name is not None else ""
        owner = owner.parent
    return ""


_UPDATES = re.compile(r"(?i)^(update|modify|mutate|upsert|patch)|^(compare_?and_?swap|cas)$")
_CALLBACKS = frozenset(
    {"func_literal", "arrow_function", "function_expression", "closure_expression", "lambda"}
)


def update_callback(ctx: FileContext, node: Node, operands: list[Node]) -> str:
    """The update call (`store.UpdateRefreshToken(ctx, id, updater)`) whose callback
    compares a field of its own parameter, the record the store reads and hands back for
    changing (`func(old storage.RefreshToken) ... old.Token != requested.Token`), or "".
    Inside such a callback the record was already found, usually by a check of the
    compared value; what is compared there is a re-check within the update (has another
    request rotated the token meanwhile?), not the authentication itself. It cannot be
    told for certain in the callback, so the finding is kept, at medium confidence. (A
    transaction handle's reads, `tx.Bucket(b).Get(k)`, are no field of a record.)"""
    sem = semantics.of(ctx)
    callback = node.parent
    while callback is not None and callback.type not in FUNCTIONS:
        callback = callback.parent
    if callback is None or callback.type not in _CALLBACKS:
        return ""
    params = sem.parameters(callback)
    if not any(_field_head(sem, o) in params for o in operands):
        return ""
    call = _call_taking(sem, callback)
    function = call.child_by_field_name("function") if call is not None else None
    name = sem.text(function) if function is not None else ""
    return name if _UPDATES.match(re.split(r"[.:]+", name)[-1]) else ""


def _field_head(sem: semantics.Semantics, operand: Node) -> str:
    """`old` of `old.Token`: the name whose field the operand is, or ""."""
    node = _unwrap(operand)
    if node.type not in ACCESSORS or len(node.named_children) < 2:
        return ""
    head = node.named_children[0]
    return sem.text(head) if head.type in _NAMES else ""


def _call_taking(sem: semantics.Semantics, callback: Node) -> Node | None:
    """The call the callback is passed to: as an argument, or through the name it is
    bound to in the enclosing function (`updater := func(...) {...}` then
    `s.Update(ctx, id, updater)`)."""
    parent = callback.parent
    if parent is not None and parent.type in ("argument_list", "arguments"):
        return parent.parent
    binding = origins.binding_of(sem, callback, depth=2)
    scope = sem.function_of(callback)
    if binding is None or scope is None:
        return None
    for inner in walk(scope):
        if (
            inner.type in _NAMES
            and inner.start_byte > binding.end
            and sem.text(inner) == binding.name
            and inner.parent is not None
            and inner.parent.type in ("argument_list", "arguments")
        ):
            return inner.parent.parent
    return None


# The status of a response an HTTP client received: `resp.status_code` (requests,
# httpx), `resp.StatusCode` (Go), `res.status` (fetch, aiohttp).
_STATUS_READ = re.compile(r"\b([A-Za-z_]\w*)\.(?:status_code|StatusCode|status)\b")


def client_response(ctx: FileContext, node: Node, operands: list[Node]) -> str:
    """The name of the response a side of the comparison is read from, when the
    function is an HTTP client checking what the server it called answered
    (`mac = response_json["results"]["hmac"]` from `response = client.get(..)`, whose
    `response.status_code` the function reads), or "". The comparison runs on the
    client: the only party that could time it is the server that answered, through the
    client's next request, across the network."""
    sem = semantics.of(ctx)
    function = enclosing_function(node)
    if function is None:
        return ""
    responses = set(_STATUS_READ.findall(sem.text(function)))
    if not responses:
        return ""
    for operand in operands:
        value, _ = sem.value_of(operand)
        for inner in walk(value):
            if inner.type not in _NAMES:
                continue
            name = sem.text(inner)
            if name in responses:
                return name
            bound, _ = sem.value_of(inner)
            if bound.id == inner.id or bound.type not in ("call", "call_expression"):
                continue
            # `body = response.json()`, `data = parse(response)`: made from the response
            for part in walk(bound):
                if part.type in _NAMES and sem.text(part) in responses:
                    return sem.text(part)
    return ""


# A session's identifier: what the server looks a session up by (`session_key`,
# `session_id`, `sessionid`, `sid`, `session.id`).
_SESSION_ID = re.compile(r"(?i)(?:^|[._])(?:session_?(?:key|id)|sid)$|(?:^|\.)session\.(?:key|id)$")


def session_identifier(ctx: FileContext, operands: list[Node]) -> str:
    """The operand that is a session identifier, or "". The server finds a session by its
    identifier in a store (a database index, a map), which is no constant-time lookup
    either; comparing two identifiers (is this the current session?) marks or picks a
    session, it does not guess one."""
    for operand in operands:
        shown = _text(ctx, _unwrap(operand)).strip()
        if re.fullmatch(r"[\w.]+", shown) and _SESSION_ID.search(shown):
            return shown
    return ""


# The plugin SDK of Vault and of its fork (an import path ending `/sdk/logical`, or
# `/sdk/v2/logical`): its Request reaches a plugin only after
# the server's core has looked the request's client token up and found it valid.
_PLUGIN_SDK = re.compile(r"/sdk(?:/v\d+)?/logical$")


def core_checked_token(sem: semantics.Semantics, operand: Node) -> bool:
    """`req.ClientToken` of a Go parameter typed as the plugin SDK's `*logical.Request`."""
    node = _unwrap(operand)
    if sem.lang != "go" or node.type != "selector_expression":
        return False
    head, field = node.child_by_field_name("operand"), node.child_by_field_name("field")
    if head is None or field is None or head.type != "identifier":
        return False
    if sem.text(field) != "ClientToken":
        return False
    declared = (types.declared_type(sem, head) or "").lstrip("*")
    package, _, name = declared.partition(".")
    return name == "Request" and bool(_PLUGIN_SDK.search(sem.imports.get(package, "")))
