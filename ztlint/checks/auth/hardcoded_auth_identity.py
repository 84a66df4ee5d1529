"""An authentication step that gives every caller the same, hardcoded identity.

An mTLS interceptor that verified the client certificate and then returns
`AuthInfo{Identity: "mtls-client"}` has thrown the identity away: every client is the
same principal to authorization, audit and rate limits (the seed's R1.1). The rule
reports an identity field or variable (`Identity`, `user`, `username`, `subject`,
`principal`, `client_id`, `spiffe_id`, ...) set to a string literal inside a function
that has a certificate or token to read it from: it reads the peer's certificates
(`peer.FromContext`, `PeerCertificates`, `r.TLS`, `getpeercert`), an Authorization or
token header, or decodes a token.

A principal built whole from constants is reported too (`Principal(user_id=1,
roles=["admin"])`, `req.user = { id: 1, role: "admin" }`), and an authentication hook
known by its signature (a gRPC interceptor, `ServerHandshake`) counts as having the
credential in reach even when it never reads it (the seed's R1.1). Constants are folded
by the shared semantic layer.

A constant identity that is not seen to become the caller's (returned, stored on the
request or put in the handler's context) is shown at medium confidence: on production
code such constants named a permission probe's user, a cache's placeholder claims or a
record built for another purpose, never a caller.

Not findings: the empty string, placeholders such as `"anonymous"` or `"unknown"`
when no credential was found, functions with no credential in reach, and code that runs
in the user's browser (a front end's module, `ztlint.semantics.runtime`): no server
takes an identity from it, so a form's default user is data.

Over 400 lines: one detector for four languages; where an identity comes from and where
it goes (a principal returned, stored or put in the context; a token request's
parameters) is judged once for all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import (
    STRINGS,
    enclosing_function,
    literal_value,
    nodes_of,
)
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import origins, runtime
from ztlint.semantics.text import WordSet
from ztlint.semantics.uses import use_of
from ztlint.semantics.vocabulary import words

_IDENTITY_LAST = frozenset(
    {"identity", "user", "username", "subject", "sub", "principal", "caller", "account", "login"}
)
_IDENTITY_PAIRS = frozenset(
    {
        ("user", "id"),
        ("client", "id"),
        ("spiffe", "id"),
        ("peer", "id"),
        ("user", "name"),
        ("service", "account"),
        ("caller", "id"),
        ("principal", "id"),
    }
)
_PLACEHOLDERS = frozenset(
    {"", "anonymous", "anon", "unknown", "guest", "none", "nobody", "unauthenticated", "public"}
)
# "not_admin", "no-user", "anonymous_user": a fallback that grants nothing.
_UNPRIVILEGED = frozenset({"not", "no", "non", "anonymous", "anon", "guest", "unauthenticated"})
# What reads a credential: these names, or `.TLS` as a whole word (`r.TLS`).
_CREDENTIAL_NAMES = (
    "peer.FromContext PeerCertificates VerifiedChains TLSInfo getpeercert peer_certificate "
    "peer_certs client_cert ssl_client x509 Authorization authorization Bearer bearer "
    "jwt.decode jwt.Parse jwt.verify ParseWithClaims verify_token decode_token VerifyToken "
    "metadata.FromIncomingContext getPeerCertificate"
).split()
_TLS_FIELD = re.compile(r"\.TLS\b")
# Each name whole (`authorizationEndpoint` is a URL's name, not a header read).
_CREDENTIAL_READ = re.compile(
    r"(?<!\w)(?:" + "|".join(map(re.escape, _CREDENTIAL_NAMES)) + r")(?!\w)|" + _TLS_FIELD.pattern
)
# A header the code sets on a request it sends (`headers: { Authorization: ... }`,
# `req.Header.Set("Authorization", ...)`): its own credential for another service, not
# the caller's.
_SETS_HEADER_AFTER = re.compile(r"[\"'`]?\s*:(?!:)")
_SETS_HEADER_BEFORE = re.compile(r"(?:\.(?:Set|Add|set|append|setRequestHeader)\(\s*)[\"'`]?$")
# The same question over a whole file, in one pass (the alternation above is tried at
# every position of the text: three times slower).
_CREDENTIAL_INDEX = WordSet([*_CREDENTIAL_NAMES, ".TLS"])


# An authentication hook by its signature: whatever it reads, what it returns is who
# the caller is (a gRPC interceptor, a transport credential's handshake, a Python gRPC
# server interceptor).
_HOOK_NAMES = ("UnaryServerInfo", "StreamServerInfo", "ServerHandshake", "intercept_service")
_HOOK = re.compile("|".join(_HOOK_NAMES))
_HOOK_INDEX = WordSet(_HOOK_NAMES)


def _reads_credential(text: str) -> bool:
    found = _CREDENTIAL_INDEX.present(text)
    return bool(found - {".TLS"}) or (".TLS" in found and _TLS_FIELD.search(text) is not None)


def _auth_hook(ctx: FileContext, function: Node) -> bool:
    """A function whose signature makes it an authentication step: a Go gRPC
    interceptor (`info *grpc.UnaryServerInfo`), a transport credential's
    `ServerHandshake`, a Python interceptor's `intercept_service`."""
    name = function.child_by_field_name("name")
    params = function.child_by_field_name("parameters")
    head = " ".join(_text(ctx, n) for n in (name, params) if n is not None)
    return _HOOK.search(head) is not None


def _identity_name(name: str) -> bool:
    ws = words(name.split(".")[-1].split("[")[0])
    if not ws:
        return False
    if len(ws) >= 2 and (ws[-2], ws[-1]) in _IDENTITY_PAIRS:
        return True
    return ws[-1] in _IDENTITY_LAST and len(ws) <= 2 and not {"agent", "type", "role"} & set(ws)


_THROUGH = frozenset(
    {
        "call_expression",
        "field_expression",
        "arguments",
        "argument_list",
        "literal_element",
        "expression_list",
        "selector_expression",
    }
)


def _is_value(ctx: FileContext, binding: Node, literal: Node) -> bool:
    """The binding's value is the literal itself, or the literal through conversions
    (`"x".to_string()`, `String::from("x")`, `string("x")`); not the argument of any
    other call (`claim("sub")` looks the identity up under that key)."""
    value = binding.named_children[-1] if binding.named_children else None
    node = literal
    while value is not None and node.id != value.id:
        parent = node.parent
        if parent is None or parent.type not in _THROUGH:
            return False
        if parent.type in _CALLS and not _conversion(ctx, parent, node):
            return False
        node = parent
    return value is not None


_CALLS = frozenset({"call_expression", "call"})
# Method conversions of a literal receiver (`"x".to_string()`, `"x".into()`).
_METHOD_CONVERSIONS = frozenset({"to_string", "to_owned", "into"})


def _conversion(ctx: FileContext, call: Node, inner: Node) -> bool:
    """Whether `call` only converts `inner` (its argument, or its receiver)."""
    function = call.child_by_field_name("function")
    if function is None:
        return True
    if inner.id == function.id:
        name = _text(ctx, function).rsplit(".", 1)[-1]
        return name in _METHOD_CONVERSIONS  # reached through the callee: a method call
    return semantics.supported(ctx) and semantics.of(ctx).wrapper_call(call)


def _takes_nothing(ctx: FileContext, function: Node) -> bool:
    """A top-level function with no parameters (and no receiver): it is given no
    caller's credential, so what it sets is data it builds (an example store's seeded
    users), not an identity it derives for a caller."""
    if function.type not in ("function_declaration", "function_definition", "function_item"):
        return False
    if function.parent is None or function.parent.type not in ("source_file", "module"):
        return False
    params = function.child_by_field_name("parameters")
    return params is not None and not _text(ctx, params).strip("() \n\t")


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    if runtime.browser_code(ctx):
        return  # a browser decides no identity a server trusts: its form defaults are data
    hooks = bool(_HOOK_INDEX.present(ctx.text))
    if not _reads_credential(ctx.text) and not hooks:
        return
    seen: set[int] = set()
    for found in _string_identities(ctx):
        seen.add(found.span.start_line)
        yield found
    for found in _fixed_principals(ctx):
        if found.span.start_line not in seen:
            seen.add(found.span.start_line)
            yield found


def _in_auth_step(ctx: FileContext, node: Node) -> bool:
    """Whether the code sits in a function that has the caller's credential in reach
    or is an authentication hook by its signature."""
    function = enclosing_function(node)
    if function is None or _takes_nothing(ctx, function):
        return False
    return _auth_hook(ctx, function) or _credential_in_reach(ctx, function)


def _credential_in_reach(ctx: FileContext, function: Node) -> bool:
    """Whether the function, or one it is nested in (whose locals it sees), reads a
    credential in its own body. A function nested in it is another step that runs
    later, if ever: a provider factory that sets `userId: "sub"` and returns an object
    whose `getUserInfo` reads the Authorization header has no credential when it sets
    the field."""
    current: Node | None = function
    while current is not None:
        if _reads_in(_own_text(ctx, current)):
            return True
        current = enclosing_function(current)
    return False


# A string literal on one line holding a space: a message or a label, not a header's
# name or a key read.
_MESSAGES = re.compile(r"""(['"`])(?=[^'"`\n]*[ \t])[^'"`\n]*\1""")


def _reads_in(text: str) -> bool:
    """Whether the text reads a credential: a name of `_CREDENTIAL_NAMES` that is not
    a header the code sets on a request it sends, nor a word of a message
    (`'Re-authorization required.'`)."""
    text = _MESSAGES.sub('""', text)
    for m in _CREDENTIAL_READ.finditer(text):
        if m.group(0).lower() in ("authorization", "bearer") and (
            _SETS_HEADER_AFTER.match(text, m.end())
            or _SETS_HEADER_BEFORE.search(text, max(0, m.start() - 24), m.start())
        ):
            continue
        return True
    return False


def _own_text(ctx: FileContext, function: Node) -> str:
    """The function's text without the bodies of the functions nested in it."""
    pieces: list[str] = []
    at = function.start_byte
    stack = list(reversed(function.named_children))
    while stack:
        node = stack.pop()
        if node.type in semantics.FUNCTIONS:
            pieces.append(ctx.source.utf8[at : node.start_byte].decode("utf-8", errors="replace"))
            at = node.end_byte
            continue
        stack.extend(reversed(node.named_children))
    pieces.append(ctx.source.utf8[at : function.end_byte].decode("utf-8", errors="replace"))
    return " ".join(pieces)


# What a value passes through unchanged: `&AuthContext{...}`, `(x as any)`.
_WRAPPING = frozenset(
    {"unary_expression", "parenthesized_expression", "as_expression", "satisfies_expression"}
)
_STATEMENT_END = re.compile(r"(_statement|_declaration|_definition|^block|^module|^program)$")
_ASSIGNMENTS = frozenset({"assignment", "assignment_expression", "assignment_statement"})


def _handed_on(ctx: FileContext, literal: Node) -> bool:
    """Whether the principal becomes the caller's identity: returned, stored on what
    the function was given (`req.user = {...}`, `request.state.user = ...`), or put in
    the context a handler receives (`handler(context.WithValue(ctx, k, p), req)`);
    directly or through the local it is bound to. A record written to a database
    (`CreateAdmin(ctx, &Admin{Subject: "step"})`) is data, not a caller's identity."""
    sem = semantics.of(ctx)
    if _handed_directly(ctx, sem, literal):
        return True
    whole = literal
    while whole.parent is not None and whole.parent.type in _WRAPPING:
        whole = whole.parent
    binding = origins.binding_of(sem, whole, depth=1)
    function = enclosing_function(literal)
    if binding is None or function is None:
        return False
    stack = [function]
    while stack:
        node = stack.pop()
        if (
            node.type in semantics.NAMES
            and node.start_byte >= binding.end
            and sem.text(node) == binding.name
            and sem.resolve(node) == binding
            and _handed_directly(ctx, sem, node)
        ):
            return True
        stack.extend(node.named_children)
    return False


def _handed_directly(ctx: FileContext, sem: semantics.Semantics, node: Node) -> bool:
    current = node
    while current.parent is not None:
        parent = current.parent
        if parent.type == "return_statement":
            return True
        if parent.type in ("arguments", "argument_list"):
            call = parent.parent
            function = call.child_by_field_name("function") if call is not None else None
            if function is not None and (
                _text(ctx, function).endswith("WithValue")
                or (function.type in semantics.NAMES and sem.is_parameter(function))
                or _stores_on_parameter(ctx, sem, function)
            ):
                return True
        if parent.type in _ASSIGNMENTS:
            left = parent.child_by_field_name("left")
            if left is None or left.id == current.id:
                return False
            root = left
            while root.named_children and root.type not in semantics.NAMES:
                root = root.named_children[0]
            return root.type in semantics.NAMES and sem.is_parameter(root)
        if parent.type in semantics.FUNCTIONS or _STATEMENT_END.search(parent.type):
            return False
        current = parent
    return False


# A method that keeps its argument on its receiver: `req.extensions_mut().insert(...)`.
_STORES = frozenset({"insert", "set", "put", "store", "add", "set_extension", "setattr"})


def _stores_on_parameter(ctx: FileContext, sem: semantics.Semantics, callee: Node) -> bool:
    """`req.extensions_mut().insert(caller)`, `request.state.set(...)`: the value is
    kept on what the function was given."""
    method = _text(ctx, callee).rsplit(".", 1)[-1]
    if method not in _STORES or callee.type in semantics.NAMES:
        return False
    root = callee
    while root.named_children and root.type not in semantics.NAMES:
        root = root.named_children[0]
    return root.type in semantics.NAMES and sem.is_parameter(root)


def _string_identities(ctx: FileContext) -> Iterator[Hit]:
    for node in nodes_of(ctx, *STRINGS):
        value = literal_value(ctx, node)
        if (
            value is None
            or value.strip().lower() in _PLACEHOLDERS
            or len(value) > 64
            or _UNPRIVILEGED & set(words(value))
        ):
            continue
        if " " in value.strip() or "%" in value or "{" in value or _no_principal(value):
            continue  # a message, a format, a header's name or a label: not a principal
        if value.startswith("<") and value.endswith(">"):
            continue  # `"<none>"`, `"<unknown>"`: what a listing shows for a missing value
        use = use_of(ctx, node)
        if use is None or use.kind != "binding":
            continue
        holder = use.node
        if holder.type == "field_declaration":
            continue  # a struct field's tag
        name = use.name
        if not _identity_name(name) or value.startswith("$"):
            continue
        last = name.strip().split(".")[-1]
        if not any(c.isalnum() for c in value) or value.strip().lower() in (
            name.strip().lower(),
            last.lower(),
        ):
            continue  # a symbol (`userName: "="`), or a name mapped to itself (an attribute map)
        if not _is_value(ctx, holder, node):
            continue  # the literal is a key, an index or part of a computed value
        if _token_request(ctx, holder):
            continue  # the client's own id in an OAuth token request it sends
        function = enclosing_function(holder)
        if function is None or not (
            _credential_in_reach(ctx, function) or _auth_hook(ctx, function)
        ):
            continue
        if _takes_nothing(ctx, function):
            continue  # `func NewExampleStore() *Store { ... }`: seed data, no caller
        handed = _identity_handed_on(ctx, node)
        yield Hit(
            span=code.node_span(ctx.source, holder),
            message=f"`{name.strip()}` is set to the constant {value!r} in "
            + (
                "a function that has the caller's certificate or token"
                if _credential_in_reach(ctx, function)
                else "an authentication hook that never reads the caller's certificate"
            )
            + ": every caller gets the same identity; derive it from the verified credential"
            + (
                ""
                if handed
                else " (medium: the value is not seen to become the caller's identity; it is"
                " not returned, stored on the request or put in the handler's context)"
            ),
            confidence=None if handed else Confidence.MEDIUM,
        )


def _identity_handed_on(ctx: FileContext, literal: Node) -> bool:
    """Whether the string, or the record it is a field of (`AuthInfo{Identity: "x"}`,
    `{"sub": "x"}`), becomes the caller's identity (`_handed_on`). A constant that stays
    in a local table, a request the code sends or a record it builds for another purpose
    (a permission probe, a cache entry) names no caller."""
    node: Node | None = literal
    while node is not None:
        if (node.id == literal.id or node.type in _LITERALS or node.type in _RECORDS) and (
            _handed_on(ctx, node)
        ):
            return True
        parent = node.parent
        if parent is None or not (
            parent.type in _FIELDS
            or parent.type in _LITERALS
            or parent.type in _RECORDS
            or parent.type in _THROUGH
            or parent.type in _WRAPPING
        ):
            return False
        node = parent
    return False


# Record literals beyond `_LITERALS`: a Python dict, a Go literal's body, a Rust
# struct's field list.
_RECORDS = frozenset({"dictionary", "literal_value", "field_initializer_list", "object_expression"})


def _token_request(ctx: FileContext, holder: Node) -> bool:
    """The field sits in a mapping with a `grant_type` key: the parameters of an OAuth
    2.0 token request (RFC 6749 section 4), where `client_id` names the client that
    asks for a token, not an identity the server gives its caller."""
    mapping = holder.parent
    if mapping is None or holder.type not in _FIELDS:
        return False
    for element in mapping.named_children:
        if element.type in _FIELDS and element.named_children:
            key = _text(ctx, element.named_children[0]).strip("\"'`")
            if key == "grant_type":
                return True
    return False


# A principal built whole: a struct or object literal, or a constructor's keywords.
_LITERALS = ("composite_literal", "object", "call", "struct_expression")
_FIELDS = frozenset({"keyed_element", "pair", "keyword_argument", "field_initializer"})
_ROLES = frozenset({"role", "roles", "group", "groups", "scope", "scopes", "permissions"})
_PRIVILEGED = frozenset({"admin", "administrator", "root", "superuser", "owner", "system"})
_HOLDER_WORDS = frozenset({"user", "principal", "identity", "caller", "subject", "account"})


def _fields(ctx: FileContext, literal: Node) -> list[tuple[str, Node, Node]]:
    body = literal.child_by_field_name("body") or literal.child_by_field_name("arguments")
    out = []
    for element in (body or literal).named_children:
        if element.type not in _FIELDS or len(element.named_children) < 2:
            continue
        key, value = element.named_children[0], element.named_children[-1]
        if value.type == "literal_element" and value.named_children:
            value = value.named_children[0]
        if key.type == "literal_element" and key.named_children:
            key = key.named_children[0]
        out.append((_text(ctx, key).strip("\"'"), value, element))
    return out


# A header's name (`x-forwarded-user`, `X-Remote-Group`): where a proxy puts the
# identity, not one.
_HEADER_NAME = re.compile(r"(?i)x-[a-z0-9]+(?:-[a-z0-9]+)+")


def _no_principal(value: str) -> bool:
    """A value no principal is spelled as: a header's name, or text in a script other
    than Latin letters (a translated label: `subject: "新密码"`, an e-mail's subject)."""
    text = value.strip()
    return _HEADER_NAME.fullmatch(text) is not None or any(
        c.isalpha() and not c.isascii() for c in text
    )


def _constant(ctx: FileContext, node: Node) -> str | None:
    """The constant a principal's field holds, as written; None for a computed value or
    a placeholder (`""`, `0`, `"anonymous"`)."""
    if not semantics.supported(ctx):
        return None
    found = semantics.of(ctx).const(node)
    if found is None:
        return None
    if found.string:
        value = found.text.strip()
        if value.lower() in _PLACEHOLDERS or _UNPRIVILEGED & set(words(value)):
            return None
        if " " in value or "%" in value or "{" in value or value.startswith("$"):
            return None  # a message, a format or a template, not a principal
        if _no_principal(value):
            return None
        return value if any(c.isalnum() for c in value) and len(value) <= 64 else None
    return found.text if re.fullmatch(r"[1-9]\d*", found.text) else None


def _fixed_principals(ctx: FileContext) -> Iterator[Hit]:
    """A principal built from constants: `Principal(user_id=1, roles=["admin"])`,
    `req.user = { id: 1, role: "admin" }`, `&AuthContext{Identity: "svc", ...}`."""
    for literal in nodes_of(ctx, *_LITERALS):
        fields = _fields(ctx, literal)
        if not fields:
            continue
        kind = literal.child_by_field_name("type") or literal.child_by_field_name("function")
        around = words(_text(ctx, kind)) if kind is not None else []
        use = use_of(ctx, literal) if literal.type != "call" else None
        if use is not None and use.kind == "binding":
            around += words(use.name.split(".")[-1])
        principal = bool(_HOLDER_WORDS & set(around))
        identity = [
            (key, value, element)
            for key, value, element in fields
            if _identity_name(key) or (principal and words(key) in (["id"], ["uid"]))
        ]
        fixed = [
            (key, c, element)
            for key, value, element in identity
            if (c := _constant(ctx, value)) is not None
        ]
        if not fixed or len(fixed) < len(identity):
            continue
        if any(str(c).strip().lower() == _bare_key(key) for key, c, _ in fixed):
            continue  # `'user': 'User'`: a label table (a translation's), a name mapped to itself
        privileged = any(
            words(key)[-1:] and words(key)[-1] in _ROLES and _PRIVILEGED & set(_strings(ctx, value))
            for key, value, _ in fields
        )
        if not (principal or privileged or _identity_only(fixed)):
            continue
        if not _in_auth_step(ctx, literal) or not _handed_on(ctx, literal):
            continue
        key, value, element = fixed[0]
        yield Hit(
            span=code.node_span(ctx.source, element),
            message=f"the principal is built with the constant {key} {value!r}"
            + (" and an administrator role" if privileged else "")
            + " in an authentication step: every caller gets the same identity; derive it "
            "from the verified credential",
        )


def _bare_key(key: str) -> str:
    """A field's key as a bare lower-case name (`'user'`, `"User"`)."""
    return key.strip("'\"` ").lower()


def _identity_only(fixed: list[tuple[str, str, Node]]) -> bool:
    """A field named for the identity itself (`Identity`, `user_id`, `subject`)."""
    return any(words(key)[-1:] != ["id"] or len(words(key)) > 1 for key, _, _ in fixed)


def _strings(ctx: FileContext, node: Node) -> list[str]:
    out = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in STRINGS:
            value = literal_value(ctx, current)
            if value is not None:
                out.append(value.lower())
            continue
        stack.extend(current.named_children)
    return out
