"""Secrets and topology written to logs: `sensitive-data-logged`.

Logs are copied to collectors, tickets and laptops, and kept for months; a token or a
password written there is a credential handed to everyone who can read them. Reported
(high): a logging or print call in any language whose arguments carry a secret by
name (`token`, `password`, `api_key`, `client_secret`, `private_key`, `authorization`,
an `Authorization` header read) directly or interpolated, not merely its length, a
boolean about it or a masked form; a local read from a credential header, a cookie or a
token parameter, whatever it is called (its origin, from the semantic layer); shorthand
properties of a logged object; in Swift, card numbers, CVV and PIN too. A key that
labels a nested object literal is judged by its leaves; a Python object whose class
this file does not show printing its fields is medium confidence.

With the rule option `topology: true` (off by default, low), peer addresses, routes
and upstream lists logged at info level or above are reported too (the seed's I1), by
declared type, origin and role; never the server's own listening address.

Over 400 lines: one detector for seven languages; what is logged, at which level and
what it holds are one analysis. A split by language is still to do.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import replace

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import (
    FUNCTIONS,
    STRINGS,
    calls,
    enclosing_function,
    nodes_of,
    walk,
)
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence, Related, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import origins, runtime, types
from ztlint.semantics.nodes import FIELD_READS
from ztlint.semantics.text import AnyCase
from ztlint.semantics.vocabulary import (
    METADATA,
    SECRET_HEADERS,
    mentions_secret,
    public_access_key,
    secret_candidates,
    secret_word,
    words,
)

_RUST_MACROS = re.compile(
    r"^(\w+::)*(trace|debug|info|warn|error|println|eprintln|print|eprint|dbg|log)$"
)
_LEVEL_AT_LEAST_INFO = re.compile(
    r"(^|[.:])(info|warn|warning|error|critical|fatal|Info|Infof|Warn|Warnf|Error|Errorf|Fatal|Fatalf|Print|Printf|Println|log|println|print)$"
)
_CALL_LOGGERS = re.compile(
    r"^(print|console\.(log|info|warn|error|debug|trace)|"
    r"(\w+\.)*(log|logger|logging|LOG|LOGGER|_log|_logger|slog|klog|glog|logrus|zap|sugar)\.\w+|"
    # `l` is a logger's name only with a logging method (`l.Info`, `l.Errorf`): else a
    # method receiver or a list (`l.getCredentialsConfig(secret)` logs nothing).
    r"(\w+\.)*l\.(?i:trace|debug|info|notice|warn|warning|error|exception|critical|fatal|panic|"
    r"print|log|msg)(?:f|ln|w|context)?|"
    r"log\.(Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf)|"
    # nginx's JavaScript (njs): the request's `r.log`, `r.warn`, `r.error` and `ngx.log`.
    r"r\.(log|warn|error)|ngx\.log|"
    r"fmt\.(Print|Printf|Println)|NSLog|os_log|debugPrint)$"
)
_MASKED = re.compile(
    r"(?i)mask|redact|hash|digest|fingerprint|len|length|count|is_|has_|bool|prefix|suffix|type|last4|sha|hint"
)
_TOPOLOGY_WORDS = frozenset(
    {
        "addr",
        "address",
        "peer",
        "remote",
        "route",
        "routes",
        "upstream",
        "upstreams",
        "endpoint",
        "endpoints",
        "ip",
        "socket",
    }
)


def _logger_calls(
    ctx: FileContext, secrets_only: bool = False
) -> Iterator[tuple[Node, str, list[Node]]]:
    """(call, logger name, argument nodes) for every logging call; with `secrets_only`,
    only calls with a place in them where a secret is named (`_secret_in` finds nothing
    in any other)."""
    kinds = ("macro_invocation", "call_expression", "call")
    found = secret_candidates(ctx, *kinds) if secrets_only else nodes_of(ctx, *kinds)
    for node in found:
        if node.type == "macro_invocation" and ctx.parser == "rust":
            name = node.child_by_field_name("macro") or (
                node.named_children[0] if node.named_children else None
            )
            if name is not None and _RUST_MACROS.match(_text(ctx, name)):
                tokens = [c for c in node.named_children if c.type == "token_tree"]
                yield node, _text(ctx, name), tokens
        elif node.type in ("call_expression", "call"):
            function = node.child_by_field_name("function") or (
                node.named_children[0] if node.named_children else None
            )
            if function is None:
                continue
            called = _text(ctx, function)
            if _CALL_LOGGERS.match(called) and not _REDACTS.search(called.rsplit(".", 1)[-1]):
                args = node.child_by_field_name("arguments")
                if args is None and ctx.parser == "swift":
                    args = next((c for c in node.named_children if c.type == "call_suffix"), None)
                yield node, called, [args] if args is not None else []


# A logging package's function that keeps a value out of the logs (`log.RedactGlobally(
# secret)`, `logger.AddSecret(v)`, `log.mask(v)`): it registers the value, it logs nothing.
_REDACTS = re.compile(r"(?i)redact|mask|scrub|sanitiz|censor|addsecret|registersecret")


def _mio_tokens(ctx: FileContext) -> bool:
    return ctx.parser == "rust" and bool(
        re.search(r"\bmio::(\{[^}]*\b)?Token\b|\bToken\(\s*\w+\s*\)|:\s*Token\b", ctx.text)
    )


# A bare `token` (`token`, `context_token`) is a credential in code that authenticates
# users or APIs, and a nonce, an event-loop slot or a routing handle elsewhere (QUIC
# PATH_CHALLENGE data, a mio Token, a control-plane context token).
_TOKEN_QUALIFIERS = frozenset(
    {
        "access", "auth", "api", "bearer", "refresh", "session", "csrf", "xsrf", "oauth",
        "jwt", "personal", "service", "secret", "private", "client", "registration", "reset",
        "invite", "magic", "login", "admin", "root", "bot", "webhook", "signing",
        "verification", "github", "gitlab", "slack", "npm", "pypi", "vault", "join",
        "bootstrap", "enrollment", "device", "user", "app",
    }
)  # fmt: skip
_AUTH_VOCABULARY = AnyCase(
    r"authoriz|bearer|credential|password|passphrase|login|jwt|oauth|api[_-]?key|auth[_-]?token|access[_-]?token"
)
# `secret.pubkey()`: a value derived from the secret that is not secret.
_DERIVED = frozenset(
    {
        "pubkey",
        "public_key",
        "public",
        "verifying_key",
        "fingerprint",
        "hash",
        "digest",
        "kind",
        "id",
    }
)


# Secret words whose values are not credentials: a signature or a MAC is checked, not
# presented; a session "key" is a map key far more often than a cipher key.
_NOT_CREDENTIALS = frozenset({"sig", "signature", "mac", "hmac", "session key"})


def secret_name(name: str) -> bool:
    """Whether an identifier names a credential (a password, token, secret, API or
    private key), by its words. An anti-CSRF token or cookie (`csrf_cookie`,
    `xsrfToken`) is a nonce the page itself echoes: it authenticates nothing alone."""
    word = secret_word(name)
    return (
        word is not None
        and word not in _NOT_CREDENTIALS
        and not {"csrf", "xsrf"}.intersection(words(name))
    )


# What an identity is called: a logged value read from a credential under such a name is
# who the caller is (`email, err := ValidateCookie(r, c)`), not the credential.
_IDENTITY_WORDS = frozenset({"email", "user", "username", "login", "subject", "uid", "principal"})


# Declared types that hold no credential text.
_SCALAR = re.compile(
    r"(bool|Bool|boolean|int\d*|uint\d*|Int\d*|UInt\d*|usize|isize|i\d+|u\d+|float\d*|f\d+|"
    r"number|Number|Double|Float|error|os\.Signal|syscall\.Signal|Signal|net\.HardwareAddr|"
    r"time\.\w+|Duration|Date)\b"
)
_BOOL_VERBS = frozenset({"has", "is", "can", "should", "needs", "was", "are", "does", "did"})


_TRANSFORMS = frozenset(
    {"kdf", "derive", "encrypt", "seal", "hash", "digest", "sum", "fingerprint", "mask",
     "redact", "sign", "hmac", "bool", "len", "length", "count", "size", "type",
     "obfuscate", "obscure", "scrub", "censor", "anonymize", "anonymise"}
)  # fmt: skip


# A value computed from a credential that does not carry it: a one-way or masked form,
# or the decoded claims of a signed token (public to whoever holds the token; the
# signature that makes it a credential is dropped).
# (Narrower than _TRANSFORMS: `signToken(claims)` returns a credential.)
_DERIVED_VALUES = frozenset(
    {"hash", "digest", "fingerprint", "mask", "masked", "redact", "redacted", "payload",
     "claims", "len", "length", "count", "size"}
)  # fmt: skip


_MEMBER_ACCESS = frozenset(
    {"attribute", "selector_expression", "member_expression", "field_expression",
     "navigation_expression"}
)  # fmt: skip


def _outermost(inner: Node) -> Node:
    """The member access an identifier starts (`token` in `token.token.serial`), or the
    identifier itself: what is logged is the whole access."""
    node = inner
    parent = inner.parent
    if parent is not None and parent.type in _MEMBER_ACCESS and parent.named_children[-1] == inner:
        node = parent  # the field of `self.password`: the access is the value
    while (
        node.parent is not None
        and node.parent.type in _MEMBER_ACCESS
        and node.parent.named_children
        and node.parent.named_children[0] == node
    ):
        node = node.parent
    return node


def _subscript_key(ctx: FileContext, node: Node) -> str | None:
    """The string key an access is subscripted with (`credential['id']`,
    `token["user_id"]`), the last of a chain (`creds["Credentials"]["AccessKeyId"]`), or
    None: what is logged is that entry."""
    key: str | None = None
    for _ in range(8):
        parent = node.parent
        if parent is None or parent.type not in (
            "subscript",
            "subscript_expression",
            "index_expression",
        ):
            break
        if not parent.named_children or parent.named_children[0].id != node.id:
            break
        index = parent.child_by_field_name("subscript") or parent.child_by_field_name("index")
        if index is None and len(parent.named_children) > 1:
            index = parent.named_children[1]
        if index is None or index.type not in STRINGS:
            return None  # `creds["Credentials"][field]`: an entry not known
        text = _text(ctx, index).strip("\"'`")
        if not re.fullmatch(r"[A-Za-z_][\w-]{0,63}", text):
            return None
        key, node = text, parent
    return key


def _transformed(ctx: FileContext, inner: Node) -> bool:
    """`KDF(secret)`, `encrypt(key, token)`: the logged value is what a one-way or keyed
    function made of the secret, not the secret."""
    parent = inner.parent
    if parent is not None and parent.type == "unary_expression":
        parent = parent.parent  # `klog.KObj(&secret)`
    if parent is None or parent.type not in ("argument_list", "arguments"):
        return False
    call = parent.parent
    function = call.child_by_field_name("function") if call is not None else None
    if function is None:
        return False
    tail = re.split(r"[.:]+", _text(ctx, function))[-1]
    last = words(tail)[-1:]
    return (
        bool(_TRANSFORMS.intersection(words(tail)))
        or tail in _REFERENCES
        or (bool(last) and last[0] in _NAMING)
    )


# What a function named for a name or an id returns of an object: a reference
# (`kube.NamespaceAndName(&secret)`, `meta.GetUID(token)`), never its data.
_NAMING = frozenset({"name", "names", "namespace", "id", "ids", "uid", "ref"})


# Kubernetes' references to an object: its namespace and name, never its data
# (`klog.KObj(secret)`, `client.ObjectKeyFromObject(secret)`).
_REFERENCES = frozenset({"KObj", "KObjs", "KObjSlice", "KRef", "ObjectKeyFromObject"})


def _scalar(declared: str) -> bool:
    """`bool`, `*int64`; also when optional (`number | undefined`, `Optional[int]`,
    `int | None`, Swift `Int?`, Rust `Option<u32>`): absent or a scalar."""
    declared = declared.lstrip("*&").strip()
    optional = re.fullmatch(r"(?:Optional\[|Option<)(.+)[\]>]", declared)
    if optional is not None:
        declared = optional.group(1)
    members = [
        m.strip().rstrip("?")
        for m in declared.split("|")
        if m.strip() not in ("undefined", "null", "None", "void")
    ]
    return bool(members) and all(_SCALAR.fullmatch(m) for m in members)


# Declared types of the public half of a key pair: nothing a log reader can use.
_PUBLIC_KEY_TYPE = re.compile(r"(?:^|[.*&\s])(?:PublicKey|PubKey|VerifyingKey)$")
_ASSERTIONS = frozenset({"non_null_expression", "parenthesized_expression", "as_expression"})


def _guard(node: Node) -> bool:
    """The left operand of `&&` (Python `and`): `authToken && authToken.uid` logs the
    right side, or the left only when it is empty (null, "", false)."""
    parent = node.parent
    if parent is None or parent.type not in ("binary_expression", "boolean_operator"):
        return False
    operator = parent.child_by_field_name("operator")
    left = parent.child_by_field_name("left") or (
        parent.named_children[0] if parent.named_children else None
    )
    return (
        operator is not None
        and operator.type in ("&&", "and")
        and left is not None
        and left.id == node.id
    )


def _negated(node: Node) -> bool:
    """The value is negated where it is logged (`!!token`, `!token`, Python `not
    token`), a field read included (`!!tokens.refresh_token`): the log gets a boolean."""
    parent = node.parent
    # From the field's name out to the whole read it ends: `tokens.refresh_token`.
    while parent is not None and parent.type in FIELD_READS and parent.end_byte == node.end_byte:
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type == "not_operator":
        return True
    if parent.type == "unary_expression":
        operator = parent.child_by_field_name("operator") or (
            parent.children[0] if parent.children else None
        )
        return operator is not None and operator.type == "!"
    return False


def _not_text(ctx: FileContext, node: Node, name: str) -> bool:
    """The grammar says the logged value is no credential text: declared (or returned by
    a function declared) as a bool, number, signal, error or time; a Go type assertion or
    composite literal of another type (`secret, ok := obj.(*corev1.Secret)`: the object,
    whose fields may not be logged); or a predicate (`hasToken`, `isSecret()`)."""
    if words(name)[:1] and words(name)[0] in _BOOL_VERBS:
        return True
    if _negated(node):
        return True  # `!!accessToken`, `not token`: whether it is set, a boolean
    sem = semantics.of(ctx)
    after = ctx.source.utf8[node.end_byte : node.end_byte + 4].decode("utf-8", "replace")
    if after.lstrip().startswith("("):
        # a call: the result type of a function declared in this file
        result = types.result_type(sem, name)
        return result is not None and _scalar(result)
    function = enclosing_function(node)
    if function is None:
        return False
    if _other_token_kind(ctx, function):
        return True
    if node.type not in semantics.NAMES:
        return False  # a field: its declaration is elsewhere
    # `var ok bool`, `func f(sig os.Signal)`, `token: bool`, `let sig: Int32`
    declared = types.declared_type(sem, node)
    if declared is not None and _scalar(declared):
        return True
    binding = sem.resolve(node)
    value = binding.value if binding is not None else None
    for _ in range(3):
        while value is not None and value.type in _ASSERTIONS and value.named_children:
            value = value.named_children[0]  # `f(..)!`, `(f(..))`, `f(..) as number`
        operand = value.child_by_field_name("operand") if value is not None else None
        if value is None or value.type != "slice_expression" or operand is None:
            break
        # `key = key[:len(key)-1]`: a part of what the name held before
        earlier = sem.resolve(operand) if operand.type in semantics.NAMES else None
        value = earlier.value if earlier is not None else None
    if value is None:
        return False
    if value.type in ("call_expression", "call"):
        # `token, err := verifyToken(..)`: what a same-file function declares it returns
        function_node = value.child_by_field_name("function")
        tail = re.split(r"[.:]+", _text(ctx, function_node))[-1] if function_node else ""
        if set(words(tail)) & _DERIVED_VALUES:
            # `masked := mask(token)`, `claims, err := jwtPayload(raw)`: what the variable
            # holds was made from the credential and is not it
            return True
        if _scalar(tail) or tail in ("parseInt", "parseFloat"):
            return True  # `total := int(in + out)`, `n = float(x)`: a number
        args = value.child_by_field_name("arguments")
        if args is not None and any(
            arg.type in semantics.NAMES
            and _PUBLIC_KEY_TYPE.search(types.declared_type(sem, arg) or "") is not None
            for arg in args.named_children
        ):
            return True  # `line := ssh.MarshalAuthorizedKey(key)` of a `key ssh.PublicKey`
        result = types.result_type(sem, tail) if tail else None
        return result is not None and _scalar(result)
    if value.type == "type_assertion_expression":
        asserted = value.child_by_field_name("type")
        return asserted is not None and _text(ctx, asserted) not in ("string", "[]byte")
    return value.type == "unary_expression" and any(
        c.type == "composite_literal" for c in value.named_children
    )


# A value published where anyone reads it: an ACME DNS-01 TXT record; an HTTP-01 or
# TLS-ALPN-01 challenge's token and key authorization (RFC 8555 section 8.3, RFC 8737:
# served over plain HTTP, or in a certificate, for the CA and anyone to fetch).
_PUBLISHED = re.compile(
    r"""["']TXT["']|\bTypeTXT\b|\bRdatatype\.TXT\b|\btxtdata\b"""
    r"|\.well-known/acme-challenge|(?i:\bhttp-?01\b|\bHTTPOne|\btls-?alpn-?01\b)"
)
_FAKES = frozenset({"fake", "mock", "stub", "dummy", "noop"})


def _public_or_fake(ctx: FileContext, call: Node) -> bool:
    """The log call sits in a function that publishes the value in DNS, or in a test
    double (a method of a `FakeVerifier`)."""
    function = enclosing_function(call)
    if function is None:
        return False
    if _PUBLISHED.search(_text(ctx, function)):
        return True
    receiver = function.child_by_field_name("receiver")
    owners = [_text(ctx, receiver)] if receiver is not None else []
    parent = function.parent
    while parent is not None:
        if parent.type in ("class_definition", "class_declaration", "impl_item"):
            owner = parent.child_by_field_name("name") or parent.child_by_field_name("type")
            if owner is not None:
                owners.append(_text(ctx, owner))
        parent = parent.parent
    return any(_FAKES.intersection(words(o)) for o in owners)


def _other_token_kind(ctx: FileContext, function: Node) -> bool:
    """`parsePageToken(token string)`: the function names the kind of token it handles,
    and that kind is no credential (a context, page or continuation token)."""
    title = function.child_by_field_name("name")
    fws = words(_text(ctx, title)) if title is not None else []
    return any(w == "token" and i and fws[i - 1] in _OTHER_TOKENS for i, w in enumerate(fws))


# Kinds of token that name a position, a slot or a routing context, not a credential.
_OTHER_TOKENS = frozenset(
    {
        "context", "page", "pagination", "continuation", "cursor", "next", "resume", "sync",
        "lock", "cancellation", "cancel", "idempotency", "progress", "lexer", "syntax",
        "stream", "iteration", "batch",
    }
)  # fmt: skip


_TEXT_TYPE = re.compile(r"&?\s*(mut\s+)?('\w+\s+)?(str|String|string|Secret\w*)\b")


def _ambiguous_token(ctx: FileContext, node: Node, name: str) -> bool:
    """A bare token that is not declared as text (`token: &str`, `token string`,
    `token: str`) in the function that logs it."""
    ws = words(name)
    if not ws or ws[-1] != "token" or (len(ws) >= 2 and ws[-2] in _TOKEN_QUALIFIERS):
        return False
    function = enclosing_function(node)
    if function is None:
        return True
    if _other_token_kind(ctx, function):
        return True
    declared = types.type_at(semantics.of(ctx), node, name)
    return declared is None or not _TEXT_TYPE.match(declared)


# Member access per grammar: (node type, the object's field, the member's field).
_MEMBERS = {
    "attribute": ("object", "attribute"),  # Python
    "selector_expression": ("operand", "field"),  # Go
    "field_expression": ("value", "field"),  # Rust
    "member_expression": ("object", "property"),  # TypeScript / JavaScript
    "navigation_expression": ("target", "suffix"),  # Swift
}


def _member_after(inner: Node) -> tuple[Node, Node] | None:
    """The member access applied to the value `inner` ends: (the access, its member),
    through Rust's `?`; None when nothing is selected from it."""
    node = inner
    while node.parent is not None:
        parent = node.parent
        fields = _MEMBERS.get(parent.type)
        if fields is not None:
            target = parent.child_by_field_name(fields[0])
            if target is not None and target.id == node.id:
                member = parent.child_by_field_name(fields[1])
                if member is not None and member.type == "navigation_suffix":
                    member = member.child_by_field_name("suffix") or member
                return (parent, member) if member is not None else None
        if parent.type != "try_expression" and parent.end_byte != node.end_byte:
            return None
        node = parent
    return None


def _called(access: Node) -> bool:
    """The member access is the function of a call (`x.f()`, Rust `x.f::<T>()`)."""
    parent = access.parent
    if parent is not None and parent.type == "generic_function":
        access, parent = parent, parent.parent
    if parent is None or parent.type not in ("call", "call_expression"):
        return False
    function = parent.child_by_field_name("function")
    if function is None and parent.named_children:  # Swift: the callee is unnamed
        function = parent.named_children[0]
    return function is not None and function.id == access.id


def _record_or_derived(ctx: FileContext, inner: Node) -> bool:
    """`pwd.pw_name` (a field of a record named like a secret: `struct passwd`) or
    `secret.pubkey()`; `token.as_str()` and `token.0` still carry the secret."""
    found = _member_after(inner)
    if found is not None:
        access, member = found
        field, called = _text(ctx, member), _called(access)
    else:  # in a Rust macro's token tree: `pwd` `.` `pw_name`, then `(...)` or `::`
        dot = inner.next_sibling
        token = dot.next_sibling if dot is not None and dot.type == "." else None
        if inner.parent is None or inner.parent.type != "token_tree" or token is None:
            return False
        after = token.next_sibling
        field = _text(ctx, token)
        called = after is not None and (
            after.type == "::" or (after.type == "token_tree" and _text(ctx, after)[:1] == "(")
        )
    if not re.fullmatch(r"[A-Za-z_]\w*", field):
        return False
    if called:  # `key.legacy_key_id()`, `secret.pubkey()`, `secret.GetNamespace()`
        fws = set(words(field))
        return field in _DERIVED or bool(fws & (METADATA | {"namespace", "annotations", "labels"}))
    return not secret_name(field)


def _secret_in(
    ctx: FileContext,
    arg: Node,
    mio_tokens: bool = False,
    auth_code: bool = True,
    reads: bool = False,
) -> str | None:
    """The secret an argument carries: an identifier or field named as a secret (in
    Swift, payment data too), a local read from a credential header, cookie or token
    parameter (with `reads`), a header read of Authorization, or an interpolation of
    either."""
    swift = ctx.parser == "swift"
    for inner in walk(arg):
        kind = inner.type
        if kind in STRINGS:
            text = _text(ctx, inner)
            # `"token={token}"` outside a Python f-string is a placeholder that
            # str.format, loguru or structlog fill from an argument, judged as an argument.
            placeholders = ctx.parser != "python" or _f_string(ctx, inner)
            for m in re.finditer(
                r"\{([A-Za-z_][\w.]*)(:[^}]*)?\}|\$\{([A-Za-z_][\w.]*)\}|\\\(([A-Za-z_][\w.]*)\)",
                text if placeholders else "",
            ):
                name = next(g for g in (m.group(1), m.group(3), m.group(4)) if g)
                last = name.split(".")[-1]
                if swift and _SWIFT_STATIC.fullmatch(name):
                    continue  # `\(StorageKey.vpnCredentials)`: a type's constant, a key's name
                if swift and _payment_name(last):
                    return name
                if (
                    secret_name(last)
                    and not (mio_tokens and words(last)[-1] == "token")
                    and (auth_code or not _ambiguous_token(ctx, inner, last))
                ):
                    return name
            if (
                SECRET_HEADERS.match(text.strip("\"'`"))
                and inner.parent is not None
                and inner.parent.type
                in ("arguments", "argument_list", "subscript", "index_expression", "token_tree")
                and _header_read(ctx, inner)
            ):
                return text.strip("\"'`")
            continue
        if kind in _IDENTIFIERS:
            if _field_key(inner) or _called_name(ctx, inner) or _field_names_a_place(ctx, inner):
                continue  # `credentials = %kind()`: the key names the field, the value is logged
            if _opened_as_file(ctx, inner):
                continue  # `os.ReadFile(privateKey)` beside it: the value is the key's path
            if _guard(inner):
                continue  # `token && token.uid`: the value logged is the right side
            name = _text(ctx, inner)
            payment = swift and _payment_name(name)
            if not payment and (
                not secret_name(name) or (name[:1].isupper() and not _go_field(ctx, inner))
            ):
                entry = _secret_entry(ctx, inner)
                if entry is not None:
                    return entry  # `params["token"]`: the entry the key names is the value
                # Not named as a secret (`SessionToken` is a type, not a value): a value
                # read from a credential header, a cookie or a token parameter still is.
                if (
                    reads
                    and _logged_directly(ctx, inner, arg)
                    and _credential_read(ctx, inner)
                    and not _no_value(ctx, inner, name)
                ):
                    return name
                continue
            if mio_tokens and words(name)[-1] == "token":
                continue  # a mio `Token` names an event-loop slot
            if secret_word(name) == "cookie" and not ctx.cached(_http_cookies):
                continue  # another protocol's cookie (an LDAP sync position): no session
            if not auth_code and _ambiguous_token(ctx, inner, name):
                continue
            if _public_half(ctx, inner, name) or _group_label(ctx, inner):
                continue
            outer = _outermost(inner)
            if outer is not inner and not secret_name(_text(ctx, outer).rsplit(".", 1)[-1]):
                continue  # `token.token.serial`: the logged value is the last field
            if swift and _swift_static(ctx, inner):
                continue  # `StorageKey.vpnCredentials`: a type's constant, a key's name
            key = _subscript_key(ctx, outer)
            if key is not None and not secret_name(key):
                continue  # `credential['id']`: the logged value is the entry of that key
            if (
                _record_or_derived(ctx, inner)
                or _type_only(ctx, inner)
                or _enum_valued(ctx, outer)
                or (
                    ctx.parser in ("go", "rust")
                    and inner.type == "identifier"
                    and semantics.of(ctx).bound_to_constant(inner)
                )  # `keyRootToken = "vault-root"`: the constant's name of a key, not the key
                or (not payment and _not_text(ctx, inner, name))
                or _transformed(ctx, outer)
                or _no_value(ctx, inner, name)
                or _described(ctx, inner)
                or _masked_slice(ctx, outer)
                or _bound_to_masked(ctx, inner)
                or _decoded_claims(ctx, inner)
                or _indexes_a_map(ctx, outer)
                or _counted(ctx, inner)
            ):
                continue
            return name
    return None


_VERB = re.compile(r"%[-+# 0-9.*\[\]]*([a-zA-Z%])")


def _secret_entry(ctx: FileContext, inner: Node) -> str | None:
    """`params["token"]`, `self.form["password"]`: an entry of a mapping read by a
    string key that names a credential is that credential, as a field so named is. The
    access as written, else None. Only the head of the access is judged (once per
    access), and the forms that do not carry the value (a digest, a mask, a length)
    are left out as for a named value."""
    outer = _outermost(inner)
    head = outer
    while head.type in _MEMBER_ACCESS and head.named_children:
        head = head.named_children[0]
    if head.id != inner.id:
        return None
    key = _subscript_key(ctx, outer)
    if key is None or not secret_name(key):
        return None
    entry = outer
    while (
        entry.parent is not None
        and entry.parent.type in ("subscript", "subscript_expression", "index_expression")
        and entry.parent.named_children[0].id == entry.id
    ):
        entry = entry.parent
    above = entry.parent
    if (
        above is not None
        and above.type in _MEMBER_ACCESS
        and above.named_children[0].id == entry.id
    ):
        return None  # `form["token"].encode()`, `.length`: a member of the entry is logged
    if _transformed(ctx, entry) or _masked_slice(ctx, entry):
        return None
    return _text(ctx, entry)[:80]


def _indexes_a_map(ctx: FileContext, outer: Node) -> bool:
    """A key's name the file looks entries up by (`secret.Data[c.secretKey]`, logged as
    `"key", c.secretKey`): the name of an entry in a map, not a key's value."""
    shown = _text(ctx, outer)
    if words(shown)[-1:] != ["key"] or len(shown) > 80:
        return False
    return f"[{shown}]" in ctx.text


def _counted(ctx: FileContext, inner: Node) -> bool:
    """A call's result formatted as a number (`log.warning("%d attempts left",
    failure_limit(request, credentials))`, Go `%d` of `attempts(token)`): the secret is
    an argument of the call, whose number is what is logged."""
    arg, args, node = inner, None, inner
    for _ in range(12):  # the outermost argument list: the logging call's
        parent = node.parent
        if parent is None or parent.type.endswith(("statement", "block", "definition")):
            break
        if parent.type in ("argument_list", "arguments"):
            arg, args = node, parent
        node = parent
    if args is None or arg.id == inner.id or arg.type not in ("call", "call_expression"):
        return False
    call_args = arg.child_by_field_name("arguments")
    if call_args is None or not (call_args.start_byte <= inner.start_byte < call_args.end_byte):
        return False  # `token.count()`: a method of the secret, judged elsewhere
    items = [c for c in args.named_children if c.type not in ("comment",)]
    if not items or items[0].type not in STRINGS or arg.id == items[0].id:
        return False
    verbs = [v for v in _VERB.findall(_text(ctx, items[0])) if v != "%"]
    index = next((i for i, item in enumerate(items) if item.id == arg.id), 0) - 1
    return 0 <= index < len(verbs) and verbs[index] in "diufeg"


def _type_only(ctx: FileContext, inner: Node) -> bool:
    """A Go value formatted with `%T` (`fmt.Sprintf("%T", cert.PrivateKey)`): only its
    type's name is printed."""
    arg = inner
    while arg.parent is not None and arg.parent.type != "argument_list":
        arg = arg.parent
    args = arg.parent
    call = args.parent if args is not None else None
    if ctx.parser != "go" or call is None or call.type != "call_expression" or args is None:
        return False
    items = args.named_children
    if not items or items[0].type != "interpreted_string_literal" or arg.id == items[0].id:
        return False
    verbs = [v for v in _VERB.findall(_text(ctx, items[0])) if v != "%"]
    index = next(i for i, item in enumerate(items) if item.id == arg.id) - 1
    return index < len(verbs) and verbs[index] == "T"


def _enum_valued(ctx: FileContext, outer: Node) -> bool:
    """A value the function compares with a package's named constant
    (`*s.TargetToken == rest_model.TargetTokenACCESS`): it holds one of a set of named
    choices (which token to use), not a credential."""
    function = enclosing_function(outer)
    if ctx.parser != "go" or function is None:
        return False
    shown = _text(ctx, outer)
    body = _text(ctx, function)
    at = body.find(shown)
    while at != -1 and shown:
        end = at + len(shown)
        before, after = body[max(0, at - 120) : at], body[end : end + 120]
        if (at == 0 or not (body[at - 1].isalnum() or body[at - 1] in "_.")) and (
            _COMPARED_TO_CONSTANT.match(after) or _CONSTANT_COMPARED.search(before)
        ):
            return True
        at = body.find(shown, end)
    return False


_COMPARED_TO_CONSTANT = re.compile(r"\s*[!=]=\s*[a-z]\w{0,60}\.[A-Z]")
_CONSTANT_COMPARED = re.compile(r"\b[a-z]\w{0,60}\.[A-Z]\w{0,60}\s*[!=]=\s*\*?$")


# What a file that handles HTTP cookies says: the header, a cookie jar or type, the
# request's or the document's cookies.
_HTTP_COOKIES = re.compile(
    r"Set-Cookie|CookieJar|\bCookies?\b|\bcookies\b|document\.cookie|\.cookie\(|"
    r"\bcookie::|SameSite|HttpOnly",
)


# A Swift type's static member or enum case (`StorageKey.vpnCredentials`): a constant
# the program defines (a keychain item's name), not a value it received.
_SWIFT_STATIC = re.compile(r"[A-Z]\w*(?:\.[A-Z]\w*)*\.[a-z]\w*")


def _swift_static(ctx: FileContext, inner: Node) -> bool:
    """The identifier is the member of a Swift type's static access."""
    access = inner.parent.parent if inner.parent is not None else None
    return (
        inner.parent is not None
        and inner.parent.type == "navigation_suffix"
        and access is not None
        and access.type == "navigation_expression"
        and _SWIFT_STATIC.fullmatch(_text(ctx, access)) is not None
    )


def _http_cookies(ctx: FileContext) -> bool:
    """Whether the file handles HTTP cookies at all: otherwise a `cookie` is another
    protocol's (an LDAP syncrepl cookie, a DHCP or NFS cookie), a position or a nonce."""
    return _HTTP_COOKIES.search(ctx.text) is not None


def _go_field(ctx: FileContext, inner: Node) -> bool:
    """A Go field read off a value (`resp.RootToken`, `cfg.ClientSecret`): exported
    fields are capitalised, so the capital says nothing of a type here."""
    parent = inner.parent
    if ctx.parser != "go" or inner.type != "field_identifier" or parent is None:
        return False
    operand = parent.child_by_field_name("operand")
    return (
        parent.type == "selector_expression"
        and operand is not None
        and operand.type in ("identifier", "selector_expression")
        and _text(ctx, operand)[:1].islower()
        and _text(ctx, operand) not in semantics.of(ctx).imports  # `ca.CACertsSecret`
    )


def _header_read(ctx: FileContext, literal: Node) -> bool:
    """The header name is what a read is given: the key of a subscript
    (`headers["Authorization"]`) or an argument of a call that reads a header
    (`r.Header.Get("Authorization")`, `req.headers.get(..)`, `header(..)`). A log
    message that only says the word (`log.Debug("Authorization", ...)`) reads nothing."""
    holder = literal.parent
    if holder is None:
        return False
    if holder.type in ("subscript", "index_expression"):
        return True
    call = holder.parent
    if call is None:
        return False
    if holder.type == "token_tree":
        return bool(re.search(r"(?i)header|get\(|\[", _text(ctx, call)))
    function = call.child_by_field_name("function") or call.child_by_field_name("macro")
    callee = _text(ctx, function) if function is not None else ""
    return bool(re.search(r"(?i)header|(?:^|[.:])get\w*$", callee))


def _field_key(node: Node) -> bool:
    """The key of a structured field in a Rust logging macro (`credentials = %value`,
    tracing's and log's `key = value` syntax): a token tree's identifier followed by `=`.
    What the field holds is its value, judged on its own."""
    if node.parent is None or node.parent.type != "token_tree":
        return False
    after = node.next_sibling
    return after is not None and after.type == "=" and not after.is_named


# What a function named for describing a credential returns: its kind or a label.
_DESCRIBES = frozenset(
    {"description", "descriptions", "kind", "kinds", "type", "types", "label", "labels",
     "summary", "name", "names"}
)  # fmt: skip


# What a structured log field's key says its value is, when that is no secret: where
# something is kept, or what names it (`zap.String("key_location", path)`).
_PLACE_WORDS = frozenset(
    {"location", "path", "file", "filename", "dir", "directory", "url", "uri", "id", "name",
     "ref", "reference"}
)  # fmt: skip


def _field_names_a_place(ctx: FileContext, node: Node) -> bool:
    """The value of a Go structured log field (`zap.String(key, value)`, `slog.String`,
    `zap.Any`, `slog.Any`, or a key-value pair after a logger's message) whose key's
    last word says it is a location, a reference or a name
    (`"key_location"`, `"cert_path"`, `"token_id"`): the field holds where the secret is
    kept or what it is called, not the secret."""
    args = node.parent
    while args is not None and args.type != "argument_list":
        if args.type in ("call_expression", "selector_expression") and args.parent is not None:
            args = args.parent
            continue
        return False
    if args is None:
        return False
    field = args.parent
    if field is None or field.type != "call_expression":
        return False
    callee = _text(ctx, field.child_by_field_name("function") or field)
    items = args.named_children
    if re.fullmatch(r"(?:zap|slog)\.\w+", callee):
        key = items[0] if len(items) == 2 else None
    else:
        # Key-value pairs after the message (logr, slog, zap's sugared `Infow`):
        # `log.Error(err, "msg", "secretRef", oidc.ClientSecret)`.
        arg = node
        while arg.parent is not None and arg.parent.id != args.id:
            arg = arg.parent
        key = arg.prev_named_sibling
        if key is None or key.id == items[0].id or not _CALL_LOGGERS.match(callee):
            return False
    if key is None or key.type != "interpreted_string_literal":
        return False
    ws = words(_text(ctx, key).strip('"'))
    return bool(ws) and ws[-1] in _PLACE_WORDS


# Calls that open or test a file by its path (every argument a path): Go's os and
# ioutil, tls.LoadX509KeyPair; Python's open, os.path, pathlib, an SSL context's
# load_cert_chain; Node's fs.
_FILE_CALLS = re.compile(
    r"^(?:os\.(?:ReadFile|Open|OpenFile|Stat|Lstat)|ioutil\.ReadFile|tls\.LoadX509KeyPair|"
    r"open|io\.open|os\.path\.(?:exists|isfile|getsize)|Path|pathlib\.Path|\w+\.load_cert_chain|"
    r"(?:fs|fsp|fs\.promises)\.(?:readFileSync|readFile|existsSync|statSync|createReadStream))$"
)


def _file_arguments(ctx: FileContext) -> dict[int, frozenset[str]]:
    """By enclosing function (its start byte; -1 at the top level), the expressions the
    code passes to a call that opens or tests a file by its path."""
    found: dict[int, set[str]] = {}
    for call, callee, args in calls(ctx):
        if not _FILE_CALLS.match(callee):
            continue
        function = enclosing_function(call)
        where = function.start_byte if function is not None else -1
        for arg in args.named_children:
            if arg.type != "keyword_argument":
                found.setdefault(where, set()).add(_text(ctx, arg))
    return {k: frozenset(v) for k, v in found.items()}


def _opened_as_file(ctx: FileContext, inner: Node) -> bool:
    """The logged expression is also opened as a file in the same function
    (`os.ReadFile(privateKey)`, `open(key_file)`): it holds the path of the secret."""
    function = enclosing_function(inner)
    where = function.start_byte if function is not None else -1
    paths = ctx.cached(_file_arguments).get(where)
    return paths is not None and _text(ctx, _outermost(inner)) in paths


def _called_name(ctx: FileContext, node: Node) -> bool:
    """A function or method called inside a Rust macro's tokens whose name says it
    describes the credential (`%self.valid_credentials_description()`,
    `credential_kind()`): its result is a kind or a label. (`client_secret()` and
    `expose_secret()` return the secret.)"""
    if node.parent is None or node.parent.type != "token_tree":
        return False
    after = node.next_sibling
    if after is None or after.type != "token_tree" or not _text(ctx, after).startswith("("):
        return False
    ws = words(_text(ctx, node))
    return bool(ws) and ws[-1] in _DESCRIBES and "by" not in ws


# At most this many characters of a secret, its first or last ones, identify it in a log
# without giving it away: the masking idiom (`token[:8]`, `key[-4:]`, `id.slice(0, 6)`).
_SHOWN_CHARS = 8
_SLICE = re.compile(r"\[\s*(?::\s*(\d{1,2})|-(\d{1,2})\s*:|\.\.=?\s*(\d{1,2}))\s*\]$")
_SLICE_CALL = re.compile(r"\.(?:slice|substring|substr)\(\s*0\s*,\s*(\d{1,2})\s*\)$")


def _f_string(ctx: FileContext, string: Node) -> bool:
    """A Python string that interpolates: an f-string (its prefix holds `f`)."""
    start = string.children[0] if string.children else None
    prefix = _text(ctx, start) if start is not None and start.type == "string_start" else ""
    return "f" in prefix.lower()


def _bound_value(ctx: FileContext, inner: Node) -> Node | None:
    """The value a name is bound to (`x = <value>`), not unpacked from a mapping; None
    when the name is not a local the semantic layer resolves."""
    if not semantics.supported(ctx) or inner.type not in semantics.NAMES:
        return None
    binding = semantics.of(ctx).resolve(inner)
    if binding is None or binding.value is None or binding.key is not None:
        return None
    return binding.value


# A JWT library's decode or verify: in Python (PyJWT and the JOSE libraries) and JavaScript
# (jsonwebtoken, jose) it returns the claims, a plain mapping without the signature.
_CLAIMS_CALL = re.compile(
    r"(?:^|\.)(?:jwt|jose\.jwt|jsonwebtoken)\.(?:decode|verify)$|^(?:jwtVerify|jwt_decode|decodeJwt)$"
)


def _decoded_claims(ctx: FileContext, inner: Node) -> bool:
    """A local bound to what a JWT library's decode or verify returned (`token =
    jwt.decode(raw, key, algorithms=[..])`): the claims, which carry no signature and
    cannot be presented as the token (Python and JavaScript, where those calls return
    the payload)."""
    if ctx.parser not in ("python", "javascript", "typescript", "tsx"):
        return False
    value = _bound_value(ctx, inner)
    if value is None:
        return False
    value = semantics.of(ctx).unwrap(value)
    while value.type in ("await", "await_expression") and value.named_children:
        value = value.named_children[-1]
    if value.type == "new_expression":
        return _promised_claims(ctx, value)
    if value.type not in ("call", "call_expression"):
        return False
    callee = value.child_by_field_name("function")
    return callee is not None and _CLAIMS_CALL.search(_text(ctx, callee)) is not None


_JS_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})


def _parameter_names(ctx: FileContext, function: Node) -> list[str]:
    single = function.child_by_field_name("parameter")
    if single is not None:
        return [_text(ctx, single)]
    params = function.child_by_field_name("parameters")
    return [
        _text(ctx, p.child_by_field_name("pattern") or p)
        if p.type != "identifier"
        else _text(ctx, p)
        for p in (params.named_children if params is not None else [])
    ]


def _promised_claims(ctx: FileContext, value: Node) -> bool:
    """`new Promise((resolve, reject) => jwt.verify(raw, key, opts, (err, decoded) =>
    resolve(decoded)))`: a callback-style verify made awaitable, which settles with the
    claims its callback is handed (every `resolve` in the executor passes them)."""
    constructor = value.child_by_field_name("constructor")
    arguments = value.child_by_field_name("arguments")
    if constructor is None or _text(ctx, constructor) != "Promise" or arguments is None:
        return False
    executor = next(iter(arguments.named_children), None)
    if executor is None or executor.type not in _JS_FUNCTIONS:
        return False
    names = _parameter_names(ctx, executor)
    if not names:
        return False
    resolve = names[0]
    claims: set[str] = set()
    resolved: list[str] = []
    for node, callee, args in calls(ctx):
        if not executor.start_byte <= node.start_byte < executor.end_byte:
            continue
        if _CLAIMS_CALL.search(callee) and args.named_children:
            callback = args.named_children[-1]
            if callback.type in _JS_FUNCTIONS:
                given = _parameter_names(ctx, callback)
                if len(given) >= 2:
                    claims.add(given[1])
        elif callee == resolve:
            resolved.append(" ".join(_text(ctx, a) for a in args.named_children))
    return bool(claims) and bool(resolved) and all(r in claims for r in resolved)


def _bound_to_masked(ctx: FileContext, inner: Node) -> bool:
    """A local bound once to a masked form of the secret: short prefixes and suffixes and
    literals only (`short = token[:5] + "..." + token[-5:]`)."""
    value = _bound_value(ctx, inner)
    if value is None:
        return False
    parts = [value]
    slices = 0
    while parts:
        part = parts.pop()
        if part.type in _CONCATENATIONS_OF_TEXT:
            parts.extend(c for c in part.named_children if c.type != "comment")
        elif part.type in STRINGS and not any(
            c.type == "interpolation" for c in part.named_children
        ):
            continue
        elif part.type in (
            "subscript",
            "slice_expression",
            "index_expression",
            "call",
            "call_expression",
        ):
            target = part.named_children[0] if part.named_children else None
            if target is None or not _masked_slice(ctx, target):
                return False
            slices += 1
        else:
            return False
    return slices > 0


_CONCATENATIONS_OF_TEXT = frozenset(
    {"binary_operator", "binary_expression", "concatenated_string", "parenthesized_expression"}
)


def _masked_slice(ctx: FileContext, outer: Node) -> bool:
    """The logged value is a short prefix or suffix of the secret: Python and Go slices
    (`token[:8]`, `key[-4:]`), Rust ranges (`&key[..8]`), JavaScript `slice(0, 8)`."""
    parent = outer.parent
    if parent is None:
        return False
    if parent.type in ("subscript", "slice_expression", "index_expression"):
        m = _SLICE.search(_text(ctx, parent)[len(_text(ctx, outer)) :].strip())
        bound = next((g for g in (m.groups() if m else ()) if g), None)
        return bound is not None and 0 < int(bound) <= _SHOWN_CHARS
    if parent.type in _MEMBER_ACCESS and parent.parent is not None:
        call = parent.parent
        if call.type in ("call_expression", "call"):
            m = _SLICE_CALL.search(_text(ctx, call))
            return m is not None and 0 < int(m.group(1)) <= _SHOWN_CHARS
    return False


_OBJECT_LITERALS = frozenset({"object", "dictionary"})


def _group_label(ctx: FileContext, inner: Node) -> bool:
    """`log.append({ cookie: { name: row.id } })`: the key of an object literal whose
    value is itself an object literal labels a group; what is logged are the leaves, each
    judged by its own key and value. A leaf that is the labelled thing's value (`{ token:
    { value: t } }`) keeps the label."""
    pair = inner.parent
    if pair is None or pair.type != "pair":
        return False
    key = pair.child_by_field_name("key")
    value = pair.child_by_field_name("value")
    if key is None or key.id != inner.id or value is None or value.type not in _OBJECT_LITERALS:
        return False
    leaves = [
        c.child_by_field_name("key") if c.type == "pair" else c
        for c in value.named_children
        if c.type in ("pair", "shorthand_property_identifier")
    ]
    return not any(k is not None and _text(ctx, k).strip("\"'`") in _VALUE_FIELDS for k in leaves)


# The secret half of an access-key pair (`accessSecret`, `secretKey`, `secretAccessKey`).
def _public_half(ctx: FileContext, inner: Node, name: str) -> bool:
    """`accessKey` beside `accessSecret` (or `secretKey`) in the same function: the
    identifier of an access-key pair (`vocabulary.public_access_key`)."""
    function = enclosing_function(inner)
    return function is not None and public_access_key(name, _text(ctx, function))


_DESCRIBING_CALL = re.compile(r"(?:\.|::)([A-Za-z_]\w*)\s*(?:\(|[,)])")


def _described(ctx: FileContext, inner: Node) -> bool:
    """A local bound to what a function named for describing the credential makes
    (`let credentials = credential.map_or_else(|| "<unknown>".into(),
    AuthCredential::safe_description)`): its kind or a label, not the credential."""
    if inner.type != "identifier":
        return False
    sem = semantics.of(ctx)
    value, key = sem.value_of(inner, 1)
    if key is not None or value.id == inner.id or value.type not in ("call", "call_expression"):
        return False
    called = [m.group(1) for m in _DESCRIBING_CALL.finditer(_text(ctx, value))]
    # (`token_by_name()` looks a token up by its name: it returns the token.)
    return any(
        words(c)[-1:] and words(c)[-1] in _DESCRIBES and "by" not in words(c) for c in called
    )


def _no_value(ctx: FileContext, inner: Node, name: str) -> bool:
    """What is logged is not the value: its length, a test of its presence, a masked or
    one-way form (`len(token)`, `token.len()`, `token is None`, `mask(token)`), a
    keyword's name (`token=`), or a function named like it being called."""
    if _transformed(ctx, inner):
        return True
    parent = inner.parent
    if parent is None:
        return False
    if parent.type == "keyword_argument" and parent.child_by_field_name("name") == inner:
        return True
    if (
        parent.type in ("call", "call_expression")
        and parent.child_by_field_name("function") == inner
    ):
        return True
    if _condition_of_choice(parent, inner):
        return True  # `token[:8] if token else ""`: the test picks what is logged
    context = _text(ctx, parent.parent) if parent.parent is not None else ""
    return bool(
        _MASKED.search(context.split(name)[0][-24:])
        or re.search(
            rf"{re.escape(name)}\s*(\(\s*\))?\s*(\.|\?\.)\s*(len|length|count|is_empty|isEmpty|is_some|is_none)\b|{re.escape(name)}\s+is\s+(not\s+)?None|{re.escape(name)}\s*[!=]=",
            context,
        )
    )


def _condition_of_choice(parent: Node, inner: Node) -> bool:
    """The name is the condition of a conditional expression (Python's `a if token else
    b`, a ternary `token ? a : b`): a test of its presence, not what is logged."""
    if parent.type == "conditional_expression" and _python_conditional(parent):
        # Python: `consequence if condition else alternative`
        named = parent.named_children
        return len(named) == 3 and named[1].id == inner.id
    if parent.type == "ternary_expression":
        condition = parent.child_by_field_name("condition")
        return condition is not None and condition.id == inner.id
    return False


def _python_conditional(node: Node) -> bool:
    """Python's conditional expression has `if` between its first two parts."""
    return any(c.type == "if" for c in node.children)


_IDENTIFIERS = frozenset(
    {"identifier", "field_identifier", "property_identifier", "simple_identifier",
     "shorthand_property_identifier"}
)  # fmt: skip
_VALUE_FIELDS = frozenset({"value", "Value", "raw", "String"})


def _status_result(sem: semantics.Semantics, inner: Node) -> bool:
    """Go `cookie, err := readCookie(r)`: a name bound after the first of several results
    of one call gets the call's status (its error, its `ok`), not the value it read."""
    if sem.lang != "go":
        return False
    binding = sem.resolve(inner)
    declaration = binding.node if binding is not None else None
    if binding is None or declaration is None:
        return False
    if declaration.type not in ("short_var_declaration", "assignment_statement"):
        return False
    left = declaration.child_by_field_name("left")
    right = declaration.child_by_field_name("right")
    names = [sem.text(n) for n in left.named_children] if left is not None else []
    values = right.named_children if right is not None else []
    return (
        len(values) == 1
        and values[0].type == "call_expression"
        and len(names) > 1
        and binding.name in names[1:]
        and binding.name != names[0]
    )


def _credential_read(ctx: FileContext, inner: Node) -> str | None:
    """Where a logged name's value was read from, when that is a credential: a request's
    `Authorization` (or another credential header), a cookie, or a request parameter
    named as a secret (`?token=`); whatever the local is called. A field of the read
    value counts only when it is the value itself (a cookie's `.Value`)."""
    if inner.type not in semantics.NAMES or not semantics.supported(ctx):
        return None
    if _IDENTITY_WORDS.intersection(words(_text(ctx, inner))) or _ANTI_CSRF.search(
        _text(ctx, inner)
    ):
        return None  # `email` read from the session cookie: who the caller is
    parent = inner.parent
    if parent is not None and parent.type in _MEMBER_ACCESS and parent.named_children[0] != inner:
        return None  # a field, not the local
    outer = _outermost(inner)
    if outer is not inner and _text(ctx, outer).rsplit(".", 1)[-1] not in _VALUE_FIELDS:
        return None  # `cookie.Name`, `header.len()`: not the credential
    sem = semantics.of(ctx)
    if _status_result(sem, inner):
        return None
    origin = origins.origin(sem, inner)
    if origin.kind != "request":
        return None
    if _not_text(ctx, inner, _text(ctx, inner)):
        return None  # `n := cookieIndex(c.Name)` declared to return a number: no credential
    if origin.detail and (SECRET_HEADERS.match(origin.detail) or secret_name(origin.detail)):
        return origin.detail
    value, _ = sem.value_of(inner)
    if value.type in ("call_expression", "call"):
        function = value.child_by_field_name("function")
        called = words(sem.text(function)) if function is not None else []
        if called[-1:] and called[-1] in ("name", "names", "id", "path"):
            return None  # `normalizeCookieName(name)`: the cookie's name, not its value
    if value.end_byte - value.start_byte < 512 and re.search(r"(?i)cookie", sem.text(value)):
        if _ANTI_CSRF.search(sem.text(value)):
            return None  # `FindCSRFCookie(r, state)`: a nonce the page echoes
        return "a cookie"
    return None


_ANTI_CSRF = re.compile(r"(?i)csrf|xsrf")


# Calls that format a value into the log line rather than compute something from it.
_FORMATTERS = re.compile(
    r"(^|[.:])(Sprintf|Sprint|Sprintln|format|format_args|str|repr|String|toString|stringify|"
    r"Errorf|join|concat)$"
)


def _logged_directly(ctx: FileContext, inner: Node, arg: Node) -> bool:
    """The value itself reaches the log line: between it and the logger's arguments
    there is interpolation, an object literal or a formatting call, but no other call
    (`lookup(creds)` logs what the lookup found, not the credential)."""
    node = inner.parent
    while node is not None and node.id != arg.id:
        if node.type in ("call_expression", "call"):
            function = node.child_by_field_name("function")
            if function is None or not _FORMATTERS.search(_text(ctx, function)):
                return False
        node = node.parent
    return True


# Payment data (Swift apps take it at checkout): a card number, its CVV or CVC, a PIN.
_PAYMENT_LAST = frozenset({"cvv", "cvc", "cvv2", "cvc2", "pin", "passcode"})


def _payment_name(name: str) -> bool:
    ws = words(name)
    if not ws or ws[0] in _BOOL_VERBS:
        return False
    return (
        ws[-1] in _PAYMENT_LAST
        or ws[-2:] in (["card", "number"], ["card", "num"], ["security", "code"])
        or ws == ["pan"]
    )


# Roles of an address in a flow: a peer's, the source's or the destination's.
_ROLE_WORDS = frozenset({"src", "source", "dst", "dest", "destination", "from", "client"})
# Address types: Rust std::net, Go net and netip.
_ADDRESS_TYPE = re.compile(
    r"(^|[.:&*\s])(SocketAddr(V4|V6)?|IpAddr|Ipv4Addr|Ipv6Addr|Addr|IP|AddrPort|UDPAddr|"
    r"TCPAddr|IPAddr)$"
)
# Calls that return the other end's address, and receives that return it with the data.
_PEER_CALLS = re.compile(
    r"(^|[.:])(peer_addr|remote_addr|remote_address|RemoteAddr|peer_address|peer_ip)$"
)
_RECEIVES_FROM = re.compile(
    r"(^|[.:])(recv_from|accept|ReadFrom|ReadFromUDP|ReadFromUDPAddrPort|ReadMsgUDP|try_recv_from|poll_recv_from)$"
)
# The server's own address, logged once at startup: not a peer's.
_OWN_ADDRESS = re.compile(
    r"(?i)\b(listen(ing)?|bound|binding|bind|serving|started|starting|running|accepting "
    r"connections)\s+(on|at|to)\b"
)
_OWN_CALLS = re.compile(
    r"(^|[.:])(local_addr|LocalAddr|bind|Bind|Listen|ListenAndServe|ListenAndServeTLS|ListenUDP|ListenTCP|ListenPacket|serve|Serve)$"
)
_INLINE = re.compile(r"\{([A-Za-z_]\w*)(:[^}]*)?\}|\\\(([A-Za-z_]\w*)\)")


def _topology(ctx: FileContext, call: Node, name: str, args: list[Node]) -> str | None:
    """A peer's address in a log line at info level or above: by role (a name whose last
    word is an address or the peer, source or destination), by declared type
    (`SocketAddr`, `IpAddr`, `net.Addr`), or by where the value comes from (the peer
    address of a connection, the sender of a datagram). The server's own address at
    startup (`listening on {addr}`, a value also bound or served on) is not topology."""
    if not _LEVEL_AT_LEAST_INFO.search(name) or re.search(r"(?i)debug|trace", name):
        return None
    nodes = [inner for arg in args for inner in walk(arg)]
    if any(n.type in STRINGS and _OWN_ADDRESS.search(_text(ctx, n)) for n in nodes):
        return None
    sem = semantics.of(ctx) if semantics.supported(ctx) else None
    for inner in nodes:
        found = None
        if inner.type in STRINGS:
            for m in _INLINE.finditer(_text(ctx, inner)):
                inline = m.group(1) or m.group(3)
                typed = sem is not None and _address_type(types.type_at(sem, inner, inline))
                if _peer_name(inline) or typed:
                    found = inline
                    break
        elif inner.type in _IDENTIFIERS:
            parent = inner.parent
            if parent is not None and parent.type in ("call", "call_expression"):
                continue  # `peer_addr(..)` as written is the call below
            named = _text(ctx, inner)
            if _peer_name(named) or (sem is not None and _peer_value(sem, inner)):
                found = named
        elif inner.type in ("call_expression", "call") and _PEER_CALLS.search(
            _text(ctx, inner.child_by_field_name("function") or inner)
        ):
            return _text(ctx, inner)
        if found is not None and (sem is None or not _own_address(sem, call, found)):
            return found
    return None


def _peer_name(name: str) -> bool:
    ws = words(name)
    return bool(ws) and (ws[-1] in _TOPOLOGY_WORDS or (ws[-1] in _ROLE_WORDS and len(ws) == 1))


def _address_type(declared: str | None) -> bool:
    return declared is not None and bool(_ADDRESS_TYPE.search(declared.strip()))


def _peer_value(sem: semantics.Semantics, node: Node) -> bool:
    """A name declared with an address type, or bound to a peer address: the result of
    `peer_addr()`/`RemoteAddr()`, or the sender a receive returns with the data."""
    if node.type not in semantics.NAMES:
        return False
    if _address_type(types.declared_type(sem, node)):
        return True
    binding = sem.resolve(node)
    if binding is None or binding.value is None:
        return False
    targets = binding.node.child_by_field_name("pattern") or binding.node.child_by_field_name(
        "left"
    )
    value = sem.unwrap(binding.value)
    if value.type not in ("call_expression", "call"):
        return False
    callee = sem.text(value.child_by_field_name("function") or value)
    if _PEER_CALLS.search(callee):
        return True
    if not _RECEIVES_FROM.search(callee):
        return False
    # `let (n, from) = sock.recv_from(..)`, `n, addr, err := c.ReadFromUDP(..)`,
    # `while let Ok((n, from)) = ..`: a name after the first
    while targets is not None and targets.type not in (
        "tuple_pattern",
        "expression_list",
        "pattern_list",
    ):
        inner = [
            c for c in targets.named_children if c.type not in ("identifier", "scoped_identifier")
        ]
        targets = inner[0] if inner else None
    names = [sem.text(c) for c in targets.named_children] if targets is not None else []
    return sem.text(node) in names[1:]


def _own_address(sem: semantics.Semantics, call: Node, name: str) -> bool:
    """The address is the server's own: read from `local_addr()`, or handed to a bind,
    listen or serve call in the same function."""
    binding = sem.binding_at(call, name)
    if binding is not None and binding.value is not None:
        value = sem.unwrap(binding.value)
        function = value.child_by_field_name("function")
        if function is not None and _OWN_CALLS.search(sem.text(function)):
            return True
    scope = sem.function_of(call)
    if scope is None:
        return False
    for node in walk(scope):
        if node.type in ("call_expression", "call"):
            function = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if (
                function is not None
                and args is not None
                and _OWN_CALLS.search(sem.text(function))
                and any(n.type in semantics.NAMES and sem.text(n) == name for n in walk(args))
            ):
                return True
    return False


# Printing to standard output, not a logger: a key generator's output is its result.
_STDOUT = re.compile(r"^(println|print|fmt\.Print\w*|console\.log)$")
# Command-line frameworks: a file that builds a command with one prints its results to
# the user who ran it (`tool list tokens`), where a service's stdout is its log.
_CLI_FRAMEWORKS = frozenset(
    {"github.com/spf13/cobra", "github.com/urfave/cli", "github.com/urfave/cli/v2",
     "github.com/urfave/cli/v3", "github.com/alecthomas/kong", "click", "argparse", "typer",
     "fire", "docopt", "clap", "structopt", "ArgumentParser", "optparse", "getopt"}
)  # fmt: skip


def _to_stdout(name: str) -> bool:
    """A print to the process's standard output (`console.log` is the browser's console
    or a server's log, judged apart)."""
    return name != "console.log" and bool(_STDOUT.match(name))


def _command_output(ctx: FileContext, name: str) -> bool:
    """A print to standard output in a file that builds a command-line command."""
    return _to_stdout(name) and not _CLI_FRAMEWORKS.isdisjoint(semantics.of(ctx).modules())


# Words of a function that makes a credential: a command printing what it made hands
# the credential to whoever ran it (`init_vpn_location`, `create_token`, `gen_keypair`).
_KEYGEN_WORDS = frozenset(
    {"gen", "generate", "keygen", "genkey", "keypair", "genpsk", "random", "init", "create",
     "issue", "mint"}
)  # fmt: skip


def _key_generator(ctx: FileContext, call: Node, secret: str) -> bool:
    """`fn gen_keypair() { ..; println!("Secret Key: {secret_key}") }`, or
    `let secret = SecretKey::generate(); println!("{secret}")`: a command whose job is
    to hand a fresh key to whoever ran it."""
    function = enclosing_function(call)
    if function is None:
        return False
    name = function.child_by_field_name("name")
    if name is not None and _KEYGEN_WORDS.intersection(words(_text(ctx, name))):
        return True
    variable = secret.split(".")[-1]
    sem = semantics.of(ctx)
    return _made_here(sem, call, variable, 2) or _matched_result(sem, call, variable)


def _matched_result(sem: semantics.Semantics, at: Node, variable: str) -> bool:
    """Rust: `variable` is bound by the pattern of a `match` arm or an `if let` whose
    scrutinee calls something that makes a credential (`match client.generate_token(..)
    .await { Ok(token) => println!("{token}") }`): the arm holds what the call made."""
    node = at.parent
    while node is not None and node.type not in FUNCTIONS:
        binder = node
        if node.type == "if_expression":
            condition = node.child_by_field_name("condition")
            binder = condition if condition is not None else node
        if binder.type in ("match_arm", "let_condition"):
            pattern = binder.child_by_field_name("pattern")
            if pattern is not None and any(
                n.type == "identifier" and sem.text(n) == variable for n in walk(pattern)
            ):
                scrutinee = (
                    binder.child_by_field_name("value")
                    if binder.type == "let_condition"
                    else _match_value(binder)
                )
                return scrutinee is not None and _makes_credential(sem, scrutinee)
        node = node.parent
    return False


def _match_value(arm: Node) -> Node | None:
    block = arm.parent  # match_block
    match = block.parent if block is not None else None
    if match is None or match.type != "match_expression":
        return None
    return match.child_by_field_name("value")


# A slow password hash: what it returns is the verifier a system stores (an Argon2id PHC
# string, a bcrypt hash), made to be kept, not the password.
_PASSWORD_HASHER = re.compile(r"(?i)argon2|bcrypt|scrypt|pbkdf2|\bhashpw\b")


def _makes_credential(sem: semantics.Semantics, expression: Node) -> bool:
    """A call in the expression whose callee is named for making a credential, or a
    slow password hash making a verifier."""
    for node in walk(expression):
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            written = sem.text(function) if function is not None else ""
            tail = re.split(r"[.:]+", written)[-1]
            if _KEYGEN_WORDS.intersection(words(tail)) or _PASSWORD_HASHER.search(written):
                return True
    return False


def _made_here(sem: semantics.Semantics, at: Node, variable: str, hops: int) -> bool:
    """Whether the binding of `variable` that reaches `at` is computed by a call that
    makes a credential: a callee named for it, or a command run with such a word
    (`run(ctx, bin, "preauthkeys", "create", ...)`); followed through the plain names
    the call is given, `hops` times (`key := parse(out)` after `out := run(.."create"..)`)."""
    binding = sem.binding_at(at, variable)
    if binding is None or binding.value is None:
        return False
    for node in walk(binding.value):
        if node.type in ("call_expression", "call", "macro_invocation"):
            function = node.child_by_field_name("function") or node.child_by_field_name("macro")
            tail = re.split(r"[.:]+", sem.text(function))[-1] if function else ""
            if _KEYGEN_WORDS.intersection(words(tail)):
                return True
            args = node.child_by_field_name("arguments")
            given = args.named_children if args is not None else []
            if (
                hops > 0
                and len(given) == 1
                and given[0].type in semantics.NAMES
                and sem.text(given[0]) != variable
                and _made_here(sem, binding.node, sem.text(given[0]), hops - 1)
            ):
                return True
        elif node.type in STRINGS and sem.text(node).strip("\"'`") in _KEYGEN_WORDS:
            return True
    return False


# A read of a credential the rule follows into locals: a credential header or a cookie.
_READS = re.compile(r"(?i)authorization|x-api-key|[\w-]token[\"'`]|cookie")
_PAYMENT_TEXT = re.compile(r"(?i)cvv|cvc|card_?num|\bpin\b|pin[A-Z(_:,)]|passcode|securityCode")


def _reads_credentials(ctx: FileContext) -> bool:
    return ctx.cached(_reads_credential_text)


def _reads_credential_text(ctx: FileContext) -> bool:
    return bool(_READS.search(ctx.text))


def _payment_text(ctx: FileContext) -> bool:
    return ctx.parser == "swift" and bool(_PAYMENT_TEXT.search(ctx.text))


def may_log_secret(ctx: FileContext) -> bool:
    """Nothing to report unless the file names a secret, reads a credential header or
    cookie, handles payment data (Swift), or topology is asked for."""
    return (
        bool(ctx.options.get("topology", False))
        or mentions_secret(ctx)
        or _reads_credentials(ctx)
        or _payment_text(ctx)
    )


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    """One finding per credential a function logs: the same value logged again in the
    same function (`log(token)`, then `log("invalid", token)` on the error path) is the
    same problem, shown as a related location of the first."""
    hits: list[Hit] = []
    first: dict[tuple[int, str, Confidence | None], int] = {}
    for hit, call, secret in _found(ctx):
        function = enclosing_function(call)
        for gated, note in (
            (
                _branch_switch(ctx, call, function, _SWITCH_WORDS, in_else=False),
                "is on: a switch the deployer turns on to log sensitive data for debugging",
            ),
            (
                _branch_switch(ctx, call, function, _SHOW_WORDS, in_else=False),
                "is set: an option whoever runs the program sets to be shown the value",
            ),
            (
                _branch_switch(ctx, call, function, _CHANNEL_WORDS, in_else=True),
                "is off: the fallback of a setup without that delivery channel, where the "
                "log is how the value reaches whoever runs it",
            ),
        ):
            if gated is not None and hit.confidence is None:
                hit = replace(
                    hit,
                    severity=Severity.MEDIUM,
                    confidence=Confidence.MEDIUM,
                    message=f"{hit.message} (only when `{gated}` {note})",
                )
        lookup = _failed_lookup(ctx, call, function, secret) if secret else None
        expired = _expired_branch(ctx, call, function) if secret and lookup is None else None
        invalid = (
            f"logged where `{lookup}` found nothing for it, an unknown value"
            if lookup is not None
            else f"logged where `{expired}` holds, a credential no longer accepted"
            if expired is not None
            else None
        )
        if invalid is not None and hit.confidence is None:
            hit = replace(
                hit, confidence=Confidence.MEDIUM, message=f"{hit.message} (medium: {invalid})"
            )
        key = (function.id if function is not None else -1, secret, hit.confidence)
        if secret and key in first:
            i = first[key]
            again = Related(ctx.path, hit.span, f"`{_short(secret)}` is logged again here")
            hits[i] = replace(hits[i], related=(*hits[i].related, again))
            continue
        if secret:
            first[key] = len(hits)
        hits.append(hit)
    yield from hits


# A test that a credential or its record has expired (`token.has_expired()`,
# `oauth_token.is_expired()`, `t.IsExpired()`, `session.expired`), not negated.
_EXPIRED_TEST = re.compile(
    r"^\(?\s*(?P<test>[\w.\[\]'\"]+\.(?:has_?expired|is_?expired|isExpired|IsExpired|HasExpired|"
    r"Expired|expired)(?:\s*\(\s*\))?)\s*\)?$"
)


def _expired_branch(ctx: FileContext, call: Node, function: Node | None) -> str | None:
    """The test of the innermost `if` whose body holds the log call, when it tests that
    a credential has expired: a value the server no longer accepts is logged there."""
    for branch, child in _enclosing_ifs(call, function):
        if child.type == "elif_clause":  # Python's `elif token.is_expired():`
            branch = child
        condition = branch.child_by_field_name("condition")
        if condition is None or (branch is not child and _in_else(branch, child)):
            return None
        if call.start_byte < condition.end_byte:
            return None
        m = _EXPIRED_TEST.match(_text(ctx, condition).strip())
        return m.group("test") if m is not None else None
    return None


def _enclosing_ifs(call: Node, function: Node | None) -> Iterator[tuple[Node, Node]]:
    """Each `if` around the log call inside its function, innermost first, with the
    child of that `if` the call sits in (its condition, its body, its `else`)."""
    node = call
    while node.parent is not None and (function is None or node.id != function.id):
        parent = node.parent
        if parent.type in _IFS:
            yield parent, node
        node = parent


def _in_else(branch: Node, child: Node) -> bool:
    alternative = branch.child_by_field_name("alternative")
    return alternative is not None and alternative.id == child.id


def _failed_lookup(ctx: FileContext, call: Node, function: Node | None, secret: str) -> str | None:
    """The lookup (`Session::find_by_id(pool, cookie.value())`) an `if` tests the
    logged value with, when the log is in that `if`'s `else`: the value matched
    nothing the server holds (an expired or unknown session id), so no valid
    credential is logged there. The callee, else None. Only the innermost `if` counts."""
    head = re.escape(secret.split(".")[0])
    missed = _missed_lookup(ctx, call, function, head)
    if missed is not None:
        return missed
    for branch, child in _enclosing_ifs(call, function):
        condition = branch.child_by_field_name("condition")
        initializer = branch.child_by_field_name("initializer")  # Go `if v, ok := ..; ok`
        tested = " ".join(_text(ctx, n) for n in (initializer, condition) if n is not None)
        if _in_else(branch, child) and condition is not None:
            m = re.search(rf"(?<![\w.:])([\w.:]+)\s*\([^()]*\b{head}\b", tested)
            if m is not None and origins.LOOKUPS.search(m.group(1)):
                return m.group(1)
        elif condition is not None and not _in_else(branch, child):
            # `const row = await db.getToken(hash(token)); if (!row) { log(token) }`.
            missing = _MISSING.fullmatch(_text(ctx, condition).strip())
            if missing is not None:
                name = missing.group("name") or missing.group("name2")
                return _lookup_of(ctx, branch, name, head)
        return None
    return None


# What a store raises when a lookup found nothing: Django's `Model.DoesNotExist` and
# `ObjectDoesNotExist`, SQLAlchemy's `NoResultFound`, a `NotFound`, a mapping's `KeyError`.
_NOT_FOUND = re.compile(r"(?:^|[.(,\s])(?:\w*DoesNotExist|NoResultFound|\w*NotFound\w*|KeyError)\b")


_TRY_HEAD_NODES = 400


def _missed_lookup(ctx: FileContext, call: Node, function: Node | None, head: str) -> str | None:
    """The lookup of a `try` whose not-found handler the log call sits in (`try:
    Token.objects.get(key=token) except Token.DoesNotExist: log(token)`), when the
    logged value's root is among its arguments: the value matched nothing the server
    holds. The callee, else None."""
    node = call
    while node.parent is not None and (function is None or node.id != function.id):
        clause = node.parent
        if clause.type == "except_clause":
            caught = " ".join(_text(ctx, c) for c in clause.named_children if c.type != "block")
            trying = clause.parent
            body = trying.child_by_field_name("body") if trying is not None else None
            if body is None or not _NOT_FOUND.search(caught):
                return None
            mentions = re.compile(rf"\b{head}\b")
            # The lookup opens the `try`: its first nodes are read, a bound on the work a
            # hostile `try` of many statements and many handlers' log calls can cost.
            for inner in itertools.islice(walk(body), _TRY_HEAD_NODES):
                if inner.type not in ("call", "call_expression"):
                    continue
                function = inner.child_by_field_name("function")
                args = inner.child_by_field_name("arguments")
                if function is None or args is None:
                    continue
                callee = _text(ctx, function)
                if (origins.LOOKUPS.search(callee) or _GETTER.search(callee)) and mentions.search(
                    _text(ctx, args)[:_STATEMENT_HEAD]
                ):
                    return callee
            return None
        node = clause
    return None


# A condition that holds when a lookup found nothing: `!row`, `not row`, `row is None`,
# `row === null`, `row == nil`.
_MISSING = re.compile(
    r"\(?\s*(?:(?:!|not\s+)\s*(?P<name>\w+)|(?P<name2>\w+)\s*(?:===?|is)\s*"
    r"(?:null|undefined|None|nil))\s*\)?"
)


# How much of a statement is read for the lookup it binds (a bound on the work a
# hostile one-line statement can cost).
_STATEMENT_HEAD = 400
# A store's getter named for what it finds (`db.getRefreshToken`, `store.get_session`).
_GETTER = re.compile(r"(?i)(?:^|[.:])get_?[A-Za-z]\w*$")


def _lookup_of(ctx: FileContext, branch: Node, name: str | None, head: str) -> str | None:
    """The lookup call `name` was bound from just before `branch`, when the logged
    value's root (`head`) is among its arguments; else None."""
    if not name:
        return None
    statement = branch.prev_named_sibling
    for _ in range(3):
        if statement is None:
            return None
        text = _text(ctx, statement)[:_STATEMENT_HEAD]
        bound = re.match(rf"\s*(?:const|let|var)?\s*{re.escape(name)}\s*:?=", text)
        if bound is not None:
            m = re.search(rf"(?<![\w.:])([\w.:]+)\s*\([^;\n]*\b{head}\b", text[bound.end() :])
            if m is not None and (origins.LOOKUPS.search(m.group(1)) or _GETTER.search(m.group(1))):
                return m.group(1)
            return None
        statement = statement.prev_named_sibling
    return None


# A flag that turns on more logging than the default: `cfg.LogSensitiveInfo`,
# `self.debug`, `verbose`, `opts.TraceRequests`.
_SWITCH_WORDS = frozenset({"debug", "verbose", "trace", "sensitive", "insecure", "unsafe"})
# An option that asks for the value to be shown (`opts.showAccessToken`,
# `args.print_token`, `revealSecret`).
_SHOW_WORDS = frozenset({"show", "print", "reveal", "display", "dump"})
_BARE_FLAG = re.compile(r"[A-Za-z_][\w.]*(?:\(\))?")
_IFS = frozenset({"if_statement", "if_expression"})


# A switch that says a delivery channel is set up (`CONFIG.mail_enabled()`,
# `settings.SMTP_CONFIGURED`, `cfg.Mail.Enabled`).
_CHANNEL_WORDS = frozenset({"enabled", "configured", "available"})


def _branch_switch(
    ctx: FileContext,
    call: Node,
    function: Node | None,
    names: frozenset[str],
    in_else: bool,
) -> str | None:
    """The switch an `if` around the log call tests, when the condition is that switch
    alone (a bare flag or call) and the last part of its name holds one of `names`:
    - a logging switch, in any branch (`if p.sensitiveInfoLogging {`, `if self.debug:`):
      the deployer turns it on to debug;
    - with `in_else`, a switch that says a delivery channel is set up, the log call in
      its `else` (`if CONFIG.mail_enabled() { send(token) } else { debug!("{token}") }`):
      the log hands the value over on a setup without that channel."""
    for branch, child in _enclosing_ifs(call, function):
        condition = branch.child_by_field_name("condition")
        if condition is None or child.id == condition.id:
            continue
        if in_else and not _in_else(branch, child):
            continue
        shown = _text(ctx, condition).strip()
        while shown.startswith("(") and shown.endswith(")"):
            shown = shown[1:-1].strip()
        if _BARE_FLAG.fullmatch(shown) and names & set(words(shown.rsplit(".", 1)[-1])):
            return shown
    return None


# A Python class name (CapWords, PEP 8), not a constant (`TOKEN`) or a function.
_CLASS_NAME = re.compile(r"_?[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*")
# Exceptions print their arguments.
_PRINTS_ARGS = re.compile(r"(Error|Exception|Warning)$")
# A class's alternate constructors and finders (`Token.find(db, value)`,
# `Key.from_pem(data)`, `Session.get(id)`): what they return is an instance.
_FINDER = re.compile(r"find|find_one|get|get_by_\w+|lookup|load|first|one|create|from_\w+")
# Classes whose instances print their fields or their contents: dataclasses, attrs,
# named tuples, pydantic models, subclasses of str, bytes and the containers.
_FIELD_REPR = re.compile(
    r"@(\w+\.)?(dataclass|attrs|s|define|frozen|mutable)\b|\b(NamedTuple|BaseModel|"
    r"BaseSettings|Struct|TypedDict)\b|\bdef\s+__(str|repr|format)__\b|\bnamedtuple\(|"
    r"^class\s+\w+\s*\([^)]*\b(str|bytes|bytearray|dict|list|tuple|UserString|UserDict)\b"
)


def _instance_of(ctx: FileContext, call: Node, secret: str) -> str | None:
    """The class of a Python object a logged name holds (`otp = OtpGenerator(key, ..)`),
    when nothing in this file says the class prints its fields: not a dataclass, attrs
    class, named tuple or pydantic model, no `__str__`/`__repr__`, not an exception
    (which prints its arguments). Its string form is `<OtpGenerator object at 0x..>`, not
    the key it was built from."""
    if ctx.parser != "python" or "." in secret or not semantics.supported(ctx):
        return None
    sem = semantics.of(ctx)
    binding = sem.binding_at(call, secret)
    if binding is None or binding.value is None:
        return _read_field(ctx, call, secret)
    value = sem.unwrap(binding.value)
    function = value.child_by_field_name("function") if value.type == "call" else None
    if function is None or function.type not in ("identifier", "attribute"):
        return _read_field(ctx, call, secret)
    parts = sem.text(function).split(".")
    cls = parts[-1]
    if len(parts) >= 2 and _FINDER.fullmatch(parts[-1]) and _CLASS_NAME.fullmatch(parts[-2]):
        cls = parts[-2]  # `orm.APIToken.find(db, token)`: a class's finder returns its row
    if not _CLASS_NAME.fullmatch(cls) or _PRINTS_ARGS.search(cls):
        return None
    for node in nodes_of(ctx, "class_definition"):
        name = node.child_by_field_name("name")
        if name is None or sem.text(name) != cls:
            continue
        holder = node.parent if node.parent is not None else node
        if holder.type != "decorated_definition":
            holder = node
        if _FIELD_REPR.search(sem.text(holder)):
            return None
    return cls


def _read_field(ctx: FileContext, call: Node, secret: str) -> str | None:
    """`for token in user.api_tokens: if token.expires_at < now: log(f"{token}")`: the
    function reads a field of the name (an attribute, not a method), which a string does
    not have: the name holds an object, of a class this file does not show."""
    function = enclosing_function(call)
    if function is None:
        return None
    sem = semantics.of(ctx)
    bare = any(
        n.type == "identifier"
        and sem.text(n) == secret
        and (n.parent is None or n.parent.type not in ("attribute", "subscript"))
        for n in walk(call)
    )
    if not bare:
        return None  # `token['otp']`, `token.value`: what is logged is a part of it
    for node in nodes_of(ctx, "attribute"):
        if not (function.start_byte <= node.start_byte < function.end_byte):
            continue
        obj = node.child_by_field_name("object")
        attr = node.child_by_field_name("attribute")
        if obj is None or attr is None or obj.type != "identifier" or sem.text(obj) != secret:
            continue
        parent = node.parent
        if (
            parent is not None
            and parent.type == "call"
            and parent.child_by_field_name("function") == node
        ):
            continue  # a method: strings have those
        return f"an object: `{secret}.{sem.text(attr)}` is read"
    return None


def _short(secret: str) -> str:
    return secret if len(secret) <= 40 else secret[:37] + "..."


def _found(ctx: FileContext) -> Iterator[tuple[Hit, Node, str]]:
    """Each finding, with the logging call and the credential it logs ("" for a
    topology finding)."""
    topology = bool(ctx.options.get("topology", False)) if ctx.options else False
    mio_tokens = _mio_tokens(ctx)
    auth_code = bool(_AUTH_VOCABULARY.search(ctx.text, ctx.lower()))
    reads = _reads_credentials(ctx) and semantics.supported(ctx)
    every_call = topology or reads or _payment_text(ctx)
    for call, name, args in _logger_calls(ctx, secrets_only=not every_call):
        secret = next(
            (s for s in (_secret_in(ctx, a, mio_tokens, auth_code, reads) for a in args) if s),
            None,
        )
        if secret and _STDOUT.match(name) and _key_generator(ctx, call, secret):
            continue
        if secret and _public_or_fake(ctx, call):
            continue
        if secret:
            shown = _short(secret)
            confidence: Confidence | None = Confidence.MEDIUM
            if _command_output(ctx, name):
                # What a command prints is often what its user asked for (the token it
                # lists or makes): shown with --min-confidence medium.
                message = (
                    f"`{shown}` is printed to the command's output by `{name}`: whoever sees "
                    "the output or its logs (CI, terminals recorded) gets the credential; "
                    "print it only on request"
                )
            elif name.startswith("console.") and runtime.browser_code(ctx):
                # The browser's console is the user's own: shown with --min-confidence
                # medium (an error tracker that records the console would ship it).
                message = (
                    f"`{shown}` is written to the browser console by `{name}`: a script or "
                    "error tracker that records the console gets the credential"
                )
            elif (instance := _instance_of(ctx, call, secret)) is not None:
                # Python formats an object whose class prints nothing of its own as
                # `<OtpGenerator object at 0x..>`: shown with --min-confidence medium.
                what = (
                    instance
                    if instance.startswith("an object")
                    else (f"an instance of `{instance}`")
                )
                message = (
                    f"`{shown}` ({what}) is written to the log by "
                    f"`{name}`: the log shows its string form, which holds the credential "
                    "only if the class prints it"
                )
            else:
                confidence = None
                message = (
                    f"`{shown}` is written to the log by `{name}`: anyone who reads the logs "
                    "gets the credential; log that it is present, or a masked form"
                )
            hit = Hit(
                span=code.node_span(ctx.source, call),
                message=message,
                confidence=confidence,
                printed=confidence is None and _to_stdout(name),
            )
            yield hit, call, secret
        elif topology:
            peer = _topology(ctx, call, name, args)
            if peer:
                yield (
                    Hit(
                        span=code.node_span(ctx.source, call),
                        message=f"`{peer}` (network topology) is logged at info level or above; "
                        "keep addresses and routes at debug on hosts whose logs leave the machine",
                        severity=Severity.LOW,
                    ),
                    call,
                    "",
                )
