"""Passwords and tokens hashed with a fast, unkeyed digest.

A stored SHA-256 of a password falls to a GPU dictionary attack in hours: fast hashes
are built to be cheap, and the same password always gives the same digest. Password
hashes (argon2id, bcrypt, scrypt, PBKDF2) are slow and salted for that reason. The rule
reports a fast digest (MD5, SHA-1, SHA-2, SHA-3, BLAKE2 without a key) whose input is a
secret by name: Python `hashlib`, Go `crypto/sha256` and kin (`Sum256`, `New().Write`),
Rust `sha2`/`md-5`/`ring::digest`, Node `crypto.createHash`.

Severity follows what is hashed. A human-chosen secret (password, passphrase, PIN) is
high. A token of unknown origin is medium: if it can be guessed or was short, its
digest can be reversed (the seed's B3). A token visibly made in the same function by a
CSPRNG (`secrets.token_urlsafe`, `crypto/rand`, `randomBytes`) is low: a fast hash of
256 random bits cannot be brute-forced, and storing only that digest for lookup is
common and sound practice; an HMAC with a server key is still better, because a leaked
table of digests then cannot be checked offline at all.

Not findings: keyed constructions (HMAC, `blake2b(key=...)`), password hashes, and
digests of things that are not secrets (files, cache keys, a MAC bound to a nonce).

Over 400 lines: one detector for six languages; what is hashed and whether it is
keyed are asked of the shared semantics layer in the same way for each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import (
    FUNCTIONS,
    enclosing_function,
    nodes_of,
    walk,
)
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import forward, origins, types
from ztlint.semantics.secret_operands import secret_operand
from ztlint.semantics.vocabulary import words

_PY_ALGS = re.compile(r"^(md5|sha1|sha224|sha256|sha384|sha512|sha3_\d+|blake2[bs]|shake_\d+)$")
_GO_PACKAGES = {
    "crypto/md5": "MD5",
    "crypto/sha1": "SHA-1",
    "crypto/sha256": "SHA-256",
    "crypto/sha512": "SHA-512",
    "golang.org/x/crypto/sha3": "SHA-3",
    "golang.org/x/crypto/blake2b": "BLAKE2b",
    "golang.org/x/crypto/blake2s": "BLAKE2s",
}
_RUST_TYPE = re.compile(
    r"^(Sha1|Sha224|Sha256|Sha384|Sha512(_256)?|Sha3_\d+|Keccak\d+|Md5|Blake2[bs]\w*|Blake3)$"
)
_JS_ALGS = re.compile(r"^(md5|sha1|sha224|sha256|sha384|sha512|sha3-\d+|blake2[bs]\d*)$", re.I)
_UPDATE = frozenset({"update", "chain_update", "input", "chain", "Write", "write"})
# Secrets people choose, which a dictionary attack recovers.
_HUMAN = frozenset({"password", "passwd", "pwd", "passphrase", "pin", "passcode"})
# Secret words whose digests are fine: a MAC or signature is not a stored credential.
_NOT_STORED = frozenset({"sig", "signature", "mac", "hmac", "csrf", "xsrf", "cookie"})
_SALTED = frozenset({"salt", "salted", "pepper", "nonce"})
_CSPRNG = re.compile(
    r"secrets\.token_|token_(urlsafe|hex|bytes)\(|os\.urandom|randomBytes|getRandomValues|"
    r"randomUUID|\bOsRng\b|rand::rng\(|thread_rng\(|getrandom|Fernet\.generate_key|"
    r"uuid\.uuid4|uuid4\(\)|Random\.new\(\)\.read|get_random_bytes|password_from_random"
)
# Protocols that define a fast digest of a secret: PKCE's S256 challenge, the WebSocket
# accept key, OIDC's at_hash, key thumbprints.
# Cache and idempotency keys derive a lookup name from a token; nothing is verified.
_PROTOCOL = frozenset(
    {
        "challenge",
        "pkce",
        "verifier",
        "websocket",
        "accept",
        "thumbprint",
        "fingerprint",
        "etag",
        "cache",
        "idempotency",
        "idempotent",
        "dedup",
        "dedupe",
    }
)
_CONSTANT_TIME = re.compile(
    r"ConstantTimeCompare|compare_digest|timingSafeEqual|constant_time_eq|ct_eq|ConstantTimeEq"
)


def _callee(ctx: FileContext, call: Node) -> str:
    target = call.child_by_field_name("function")
    return _text(ctx, target).strip() if target is not None else ""


def _args(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type not in ("comment", "line_comment")]


def _receiver(call: Node) -> Node | None:
    function = call.child_by_field_name("function")
    if function is None:
        return None
    return (
        function.child_by_field_name("object")
        or function.child_by_field_name("operand")
        or function.child_by_field_name("value")
    )


def _method(ctx: FileContext, call: Node) -> str:
    return re.split(r"[.:]+", _callee(ctx, call))[-1]


def _literal(ctx: FileContext, node: Node) -> str:
    return _text(ctx, node).strip("\"'`")


class _Hashes:
    """Recognises the calls that start a fast digest in one file's language."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.lang = "javascript" if ctx.parser in ("typescript", "tsx") else str(ctx.parser)
        self.sem = semantics.of(ctx)
        imports = self.sem.imports
        # `from hashlib import sha256`; Go's `crypto/sha256` under whatever alias.
        self.py_names = {
            local: local
            for local, qualified in imports.items()
            if qualified.startswith("hashlib.") and _PY_ALGS.match(local)
        }
        self.go_packages = {
            alias: _GO_PACKAGES[path]
            for alias, path in (imports.items() if self.lang == "go" else ())
            if path in _GO_PACKAGES
        }

    def constructor(self, call: Node) -> tuple[str, list[Node]] | None:
        """(algorithm, data arguments) for a call that creates an unkeyed digest."""
        ctx = self.ctx
        name = _callee(ctx, call)
        args = _args(call)
        if self.lang == "python":
            alg = name.removeprefix("hashlib.") if name.startswith("hashlib.") else None
            if alg is None and name in self.py_names:
                alg = name
            if alg == "new" and args and args[0].type == "string":
                alg, args = _literal(ctx, args[0]).lower().replace("-", ""), args[1:]
            if alg is None or not _PY_ALGS.match(alg):
                return None
            if any(a.type == "keyword_argument" and _text(ctx, a).startswith("key") for a in args):
                return None
            data = [a for a in args if a.type != "keyword_argument"]
            return alg.upper().replace("_", "-"), data
        if self.lang == "go":
            pkg, _, fn = name.partition(".")
            alg = self.go_packages.get(pkg)
            if alg is None:
                return None
            if fn.startswith("Sum"):
                return alg, args[:1]
            if fn.startswith("New") and alg.startswith("BLAKE2") and args:
                if _text(ctx, args[0]).strip() != "nil":
                    return None  # keyed BLAKE2
                return alg, []
            if fn.startswith("New"):
                return alg, []
            return None
        if self.lang == "rust":
            parts = name.split("::")
            if len(parts) >= 2 and _RUST_TYPE.match(parts[-2].split("<")[0]):
                if parts[-1] in ("digest", "new_with_prefix"):
                    return parts[-2].upper(), args[:1]
                if parts[-1] in ("new", "default"):
                    return parts[-2].upper(), []
            if name in ("md5::compute", "md5::Md5::digest"):
                return "MD5", args[:1]
            if name.endswith("digest::digest") and len(args) == 2:
                alg = _text(ctx, args[0]).rsplit("::", 1)[-1].lstrip("&")
                if alg.startswith(("SHA", "MD5")):
                    return alg, args[1:]
            return None
        if self.lang == "javascript":
            if name.split(".")[-1] == "createHash" and args:
                alg = _literal(ctx, args[0])
                if _JS_ALGS.match(alg):
                    return alg.upper(), []
            return None
        return None

    def digest_input(self, call: Node) -> tuple[str, list[Node]] | None:
        """(algorithm, data) when the call hashes data with an unkeyed digest."""
        made = self.constructor(call)
        if made is not None:
            return made if made[1] else None
        method = _method(self.ctx, call)
        if method not in _UPDATE:
            if self.lang == "go" and _callee(self.ctx, call) == "io.WriteString":
                args = _args(call)
                alg = self.algorithm_of(args[0]) if len(args) == 2 else None
                return (alg, args[1:]) if alg else None
            return None
        receiver = _receiver(call)
        if receiver is None:
            return None
        if receiver.type in ("call", "call_expression"):
            inner = self.constructor(receiver)
            if inner is not None:
                return inner[0], _args(call)[:1]
            return None
        alg = self.algorithm_of(receiver)
        return (alg, _args(call)[:1]) if alg else None

    def made_at(self, call: Node) -> Node | None:
        """The call that made the digest an update call feeds (`h := sha1.New()` of
        `h.Write(p)`), when it is bound to a name: where another tool (gosec's G401)
        reports the weak digest, and where its review marker sits."""
        receiver = _receiver(call) if _method(self.ctx, call) in _UPDATE else None
        if receiver is None or receiver.type not in semantics.NAMES:
            return None
        value, key = self.sem.value_of(receiver)
        if key is not None or value.type not in ("call", "call_expression"):
            return None
        return value if self.constructor(value) is not None else None

    def algorithm_of(self, name: Node) -> str | None:
        """The algorithm of the digest a name holds (`h = hashlib.sha256()`, `h :=
        sha256.New()`), from its reaching binding."""
        if name.type not in semantics.NAMES:
            return None
        value, key = self.sem.value_of(name)
        if key is not None or value.type not in ("call", "call_expression"):
            return None
        made = self.constructor(value)
        return made[0] if made is not None else None


def _secret_in(ctx: FileContext, node: Node) -> str | None:
    """The secret named in a hashed expression: looks through concatenation,
    interpolation and conversions, not into other calls' arguments."""
    stack = [node]
    while stack:
        current = stack.pop()
        found = secret_operand(ctx, current)
        if found:
            return found
        if current.type in (
            "identifier",
            "attribute",
            "selector_expression",
            "field_expression",
            "member_expression",
        ) and _HUMAN.intersection(words(_text(ctx, current))[-1:]):
            return _text(ctx, current)  # `pin`, `user.passcode`: chosen by a person
        if current.type in ("call", "call_expression"):
            method = _method(ctx, current)
            if method not in (
                "encode",
                "bytes",
                "str",
                "as_bytes",
                "as_ref",
                "from",
                "Buffer.from",
                "to_string",
                "format",
                "join",
            ) and _callee(ctx, current) not in ("[]byte", "bytes", "str", "Buffer.from"):
                continue
        stack.extend(current.named_children)
    return None


def _enclosing_words(ctx: FileContext, node: Node) -> list[str]:
    """The words of the names of the functions (and Rust impl blocks) around a node."""
    out: list[str] = []
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTIONS or parent.type in ("impl_item", "class_definition"):
            name = parent.child_by_field_name("name") or parent.child_by_field_name("type")
            if name is not None:
                out += words(_text(ctx, name))
        parent = parent.parent
    return out


def _salt_fed(ctx: FileContext, call: Node) -> bool:
    """A salt fed to the same digest in the same block: `h.update(secret); h.update(salt)`."""
    block = call.parent
    while block is not None and block.type not in ("block", "compound_statement"):
        if block.type in FUNCTIONS:
            return False
        block = block.parent
    if block is None:
        return False
    return any(
        w in _SALTED
        for m in re.finditer(r"\.(?:update|chain_update|Write|write)\(([^()]*)", _text(ctx, block))
        for w in words(m.group(1))
    )


# Where a digest goes when it is a key or a check, not a stored verifier: an HMAC key
# derived from a server secret, a protocol value compared in constant time.
# Callees that take a digest as key material or check it in constant time.
_KEYED_USE = re.compile(
    r"(?i)(hmac|validator|generator|cipher|aead|gcm|signer|constanttimecompare|"
    r"compare_digest|timingsafeequal|ct_eq)"
)
# A file that handles signed tokens (JWT/JOSE): a digest of one is an identifier (a replay
# or cache key); the signature, not the digest, is what is verified.
_SIGNED_TOKENS = re.compile(
    r"""(?im)^[ \t]*(import\s+(jwt|jose)\b|from\s+(jwt|jose|authlib\.jose)\b|"[^"\n]*(jwt|jose)[^"\n]*"$|"""
    r"""\t?"[^"\n]*/(jwt|jose|go-jose)[^"\n]*"|.*require\(["'](jsonwebtoken|jose)["']\)|"""
    r""".*from\s+["'](jsonwebtoken|jose)["']|use\s+(jsonwebtoken|josekit|jwt_simple)\b)|"""
    r"""["'`][\w-]*jwt[\w-]*:["'`]"""
)


def _digest_uses(ctx: FileContext, call: Node) -> tuple[str | None, list[Node]]:
    """The name a digest is bound to (`sum := sha256.Sum256(x)`) and its uses in the
    function, from the layer."""
    sem = semantics.of(ctx)
    binding = origins.binding_of(sem, call, depth=4)
    if binding is None:
        return None, []
    scope = sem.function_of(binding.node) or ctx.tree().root_node
    return binding.name, forward.uses(sem, binding, scope)


def _around(use: Node, kinds: tuple[str, ...], levels: int = 4) -> Node | None:
    """The nearest node of these kinds a few levels up from a use."""
    node = use.parent
    for _ in range(levels):
        if node is None or node.type in kinds:
            return node
        node = node.parent
    return None


def _keyed_use(ctx: FileContext, call: Node) -> bool:
    """The digest becomes a key or a constant-time check in the same function: a use of
    it is an argument of such a call."""
    sem = semantics.of(ctx)
    for use in _digest_uses(ctx, call)[1]:
        around = _around(use, ("call", "call_expression"))
        if around is not None and _KEYED_USE.search(sem.callee(around)):
            return True
    return False


_CONSTANT_TIME_CALL = re.compile(rf"(?:{_CONSTANT_TIME.pattern})\s*\(")
# Where a digest is kept as an object's field: a Go keyed element, a Rust or JS field
# initializer, an assignment to `self.x`, `this.x` or `a.x`.
_FIELD_VALUES = frozenset({"keyed_element", "field_initializer", "pair"})


def _compared_in_constant_time(ctx: FileContext, call: Node) -> bool:
    """The digest is made only to be compared in constant time with another digest made
    the same way in memory: `subtle.ConstantTimeCompare` (or `compare_digest`,
    `timingSafeEqual`) whose two arguments are each such a digest, inline, through a
    local, or kept as an object's field (`authDigest: sha256.Sum256(...)` in a
    constructor, read as `a.authDigest`), and this digest one of them. Both sides are
    hashed to make the comparison's inputs equal in length; neither is a stored verifier
    (one side read from a database is not made here, and keeps the finding)."""
    if _CONSTANT_TIME_CALL.search(ctx.text) is None:
        return False
    callee = _callee(ctx, call)
    if not callee:
        return False
    sem = semantics.of(ctx)
    fields = _digest_fields(ctx, callee)
    own_field = _field_of(ctx, call)
    compares: list[Node] = []
    for use in _digest_uses(ctx, call)[1]:
        around = _around(use, ("call", "call_expression"))
        if around is not None:
            compares.append(around)
    around = _around(call, ("call", "call_expression"), levels=3)
    if around is not None:
        compares.append(around)
    if own_field:
        compares.extend(
            c
            for c in _constant_time_calls(ctx)
            if re.search(rf"\.{re.escape(own_field)}\b", _text(ctx, c))
        )
    for compare in compares:
        if not _CONSTANT_TIME_CALL.search(sem.callee(compare) + "("):
            continue
        args = _args(compare)
        if len(args) == 2 and all(_made_digest(ctx, sem, a, callee, fields) for a in args):
            return True
    return False


def _calls_by_callee(ctx: FileContext) -> dict[str, list[Node]]:
    """The file's calls by callee text, found once per file."""
    found: dict[str, list[Node]] = {}
    for n in code.nodes_of_kinds(ctx.parser or "", ctx.tree(), ("call", "call_expression")):
        found.setdefault(_callee(ctx, n), []).append(n)
    return found


def _constant_time_calls(ctx: FileContext) -> list[Node]:
    return [
        n
        for callee, calls in ctx.cached(_calls_by_callee).items()
        if _CONSTANT_TIME_CALL.search(callee + "(")
        for n in calls
    ]


def _field_of(ctx: FileContext, call: Node) -> str | None:
    """The field a digest is kept in: a keyed element's, field initializer's or pair's
    key, or the member an assignment sets (`self.digest = ...`)."""
    holder = call.parent
    for _ in range(3):
        if holder is None or holder.type in _FIELD_VALUES or holder.type in _ASSIGNMENTS:
            break
        holder = holder.parent
    if holder is None:
        return None
    if holder.type in _FIELD_VALUES:
        key = holder.named_children[0] if holder.named_children else None
    else:
        key = holder.child_by_field_name("left")
        if key is None or key.type not in _MEMBERS:
            return None
        key = key.named_children[-1] if key.named_children else None
    field = _text(ctx, key).strip().strip("\"'") if key is not None else ""
    return field if re.fullmatch(r"[A-Za-z_]\w*", field) else None


def _digest_fields(ctx: FileContext, callee: str) -> set[str]:
    """The fields the file keeps a digest made by `callee` in."""
    return {f for c in ctx.cached(_calls_by_callee).get(callee, []) if (f := _field_of(ctx, c))}


def _made_digest(
    ctx: FileContext, sem: semantics.Semantics, arg: Node, callee: str, fields: set[str]
) -> bool:
    """An argument that is a digest made by `callee` in memory: the call itself (sliced
    or encoded), a local bound to it, or a read of a field that keeps one."""
    text = _text(ctx, arg)
    if callee + "(" in text:
        return True
    m = re.match(r"\s*[\w.]*?\.(\w+)\s*(?:\[[^\]]*\])?\s*$", text)
    if m is not None and m.group(1) in fields:
        return True
    head = re.match(r"\s*(\w+)", text)
    if head is None:
        return False
    for node in walk(arg):
        if node.type == "identifier" and _text(ctx, node) == head.group(1):
            value, _ = sem.value_of(node)
            return callee + "(" in _text(ctx, value)
    return False


_MEMBERS = frozenset({"attribute", "member_expression", "selector_expression", "field_expression"})


# Go: what goes into an outgoing request's fields: url.Values (a query or a form) and
# http.Header, by declared type, by how the value was made, or by where it is read.
_REQUEST_FIELDS_TYPE = re.compile(r"\b(?:url\.Values|http\.Header)\b")
_REQUEST_FIELDS_READ = re.compile(
    r"(?:\.(?:Header|Form|PostForm)|\.Query\(\)|Header\(\))$|^url\.Values\{|\bValues\("
)


def _sent_in_request(ctx: FileContext, call: Node) -> bool:
    """Go: the digest only goes into a field of an outgoing request
    (`form.Set("token", hex.EncodeToString(sum[:]))`), here or, when the function returns
    it, where its callers in the file bind it (`sig, err := c.sign(values)` then
    `values.Set("hash", sig)`): the signature a third-party API defines, computed per
    request; nothing keeps it as a verifier."""
    if ctx.parser != "go":
        return False
    function = enclosing_function(call)
    if function is None:
        return False
    names = _digest_names(ctx, call)
    if not names:
        return False
    if _set_on_request(ctx, function, names):
        return True
    returned = any(
        n.type == "return_statement"
        and any(m.type == "identifier" and _text(ctx, m) in names for m in walk(n))
        for n in walk(function)
    )
    name = function.child_by_field_name("name")
    if not returned or name is None:
        return False
    sem = semantics.of(ctx)
    for caller_call in nodes_of(ctx, "call_expression"):
        if _method(ctx, caller_call) != _text(ctx, name):
            continue
        binding = origins.binding_of(sem, caller_call, depth=2)
        caller = enclosing_function(caller_call)
        if (
            binding is not None
            and caller is not None
            and _set_on_request(ctx, caller, {binding.name})
        ):
            return True
    return False


def _digest_names(ctx: FileContext, call: Node) -> set[str]:
    """The names that hold the digest: the name it is bound to, and for an update call
    (`m.Write(..)`) the hasher whose `Sum` gives it."""
    names = set()
    bound, _ = _digest_uses(ctx, call)
    if bound:
        names.add(bound)
    receiver = _receiver(call) if _method(ctx, call) in _UPDATE else None
    if receiver is not None and receiver.type == "identifier":
        names.add(_text(ctx, receiver))
    return names


def _set_on_request(ctx: FileContext, function: Node, names: set[str]) -> bool:
    sem = semantics.of(ctx)
    for node in walk(function):
        if node.type != "call_expression" or _method(ctx, node) not in ("Set", "Add"):
            continue
        args = _args(node)
        receiver = _receiver(node)
        if len(args) != 2 or receiver is None:
            continue
        if not any(m.type == "identifier" and _text(ctx, m) in names for m in walk(args[1])):
            continue
        declared = types.declared_type(sem, receiver) if receiver.type == "identifier" else None
        made, _ = sem.value_of(receiver)
        if (
            (declared is not None and _REQUEST_FIELDS_TYPE.search(declared))
            or _REQUEST_FIELDS_READ.search(_text(ctx, receiver))
            or (made.id != receiver.id and _REQUEST_FIELDS_READ.search(_text(ctx, made)))
        ):
            return True
    return False


def _sibling_index(ctx: FileContext, call: Node, hashed: Node) -> bool:
    """The digest of a record's field is stored in another field of the same record
    (`row.token_checksum = sha256(row.token.encode()).hexdigest()`, a backfill): the
    record keeps the token itself, so the digest is an index to find it by, no verifier
    kept in its place."""
    source = _unwrap_member(hashed)
    if source is None:
        return False
    node = call
    for _ in range(6):
        parent = node.parent
        if parent is None or parent.type in FUNCTIONS:
            return False
        if parent.type in _ASSIGNMENTS:
            target = parent.child_by_field_name("left")
            right = parent.child_by_field_name("right")
            if target is None or right is None or right.id != node.id:
                return False
            stored = _unwrap_member(target)
            return (
                stored is not None
                and _text(ctx, stored[0]) == _text(ctx, source[0])
                and _text(ctx, stored[1]) != _text(ctx, source[1])
            )
        node = parent
    return False


def _unwrap_member(node: Node) -> tuple[Node, Node] | None:
    """(object, field) of the member access a value is read from, through the calls and
    arguments around it (`row.token.encode("utf-8")` -> (`row`, `token`))."""
    while node.type in ("call", "call_expression", "argument_list", "parenthesized_expression"):
        inner = node.child_by_field_name("function") or (
            node.named_children[0] if node.named_children else None
        )
        if inner is None:
            return None
        if inner.type in _FIELD_ACCESS and node.type in ("call", "call_expression"):
            # `x.encode()`: the method's receiver is the value.
            receiver = inner.named_children[0] if inner.named_children else None
            if receiver is None:
                return None
            node = receiver
            continue
        node = inner
    if node.type not in _FIELD_ACCESS or len(node.named_children) < 2:
        return None
    return node.named_children[0], node.named_children[-1]


_ONE_SHOT = re.compile(r"Sum(?:224|256|384|512)?|Sum512_(?:224|256)")


def _raw_key(ctx: FileContext, call: Node) -> bool:
    """The raw digest (bytes, never encoded as text) is what the function returns, or
    goes into what it returns (`pairs = append(pairs, secret, block[:])`): key material
    derived from a server secret for a cipher or a MAC elsewhere. A verifier kept for
    lookup is stored as text (`hex.EncodeToString`, `hexdigest()`)."""
    outer = call
    if call.type == "call":
        # Python `hashlib.sha256(secret).digest()`: the raw bytes method, not `hexdigest`.
        attr = call.parent
        if (
            attr is None
            or attr.type != "attribute"
            or attr.parent is None
            or attr.parent.type != "call"
        ):
            return False
        name = attr.child_by_field_name("attribute")
        if name is None or _text(ctx, name) != "digest":
            return False
        outer = attr.parent
    elif not _ONE_SHOT.fullmatch(_callee(ctx, call).split(".")[-1]):
        return False
    if _returned(outer):
        return True
    _, uses = _digest_uses(ctx, outer)
    return bool(uses) and all(_returned(_sliced(u)) or _appended(ctx, _sliced(u)) for u in uses)


def _derived_key(ws: list[str], ctx: FileContext, call: Node) -> bool:
    """A server's secret or key (not a token it issued) digested into raw key bytes."""
    return bool(ws) and ws[-1] in ("secret", "secrets", "key", "keys") and _raw_key(ctx, call)


def _sliced(use: Node) -> Node:
    parent = use.parent
    return parent if parent is not None and parent.type == "slice_expression" else use


def _returned(node: Node) -> bool:
    parent = node.parent
    if parent is not None and parent.type == "expression_list":
        parent = parent.parent
    return parent is not None and parent.type == "return_statement"


def _appended(ctx: FileContext, node: Node) -> bool:
    args = node.parent
    call = args.parent if args is not None else None
    return (
        args is not None
        and args.type == "argument_list"
        and call is not None
        and call.type == "call_expression"
        and _callee(ctx, call) == "append"
    )


# Digests a specification defines over a token (OIDC at_hash/c_hash/s_hash, DPoP's `ath`
# (RFC 9449), SSH key exchange, bcrypt_pbkdf), named by the function or the variable that
# holds them, `at_hash` spelled out too (`computeAccessTokenHash`, `i.AccessTokenHash`).
_SPEC_DIGEST = re.compile(
    r"((?<![A-Za-z0-9])(at|c|s)_?(hash|Hash)|(?<![A-Za-z0-9])(AT|C|S)_HASH|(?<![A-Z0-9])(At|C|S)Hash)"
    r"(?![a-z])|(?<![A-Za-z0-9])ath(?![a-z])|(?i:\bkex|key_?exchange|pbkdf|access_?token_?hash)"
)
_PREVIOUS = r"\b(last|prev|previous|old|cached|saved|existing)\w*"


def _spec_or_change(ctx: FileContext, call: Node) -> bool:
    """A digest a protocol defines (`atHash := ...`), or one compared with the previous
    digest to notice a change (`if sum != lastHash`): neither is a stored verifier."""
    digest, uses = _digest_uses(ctx, call)
    names = [n for n in _enclosing_names(ctx, call)] + ([digest] if digest else [])
    if any(_SPEC_DIGEST.search(n) for n in names):
        return True
    if _checks_spec_claim(ctx, call):
        return True
    if _breach_range_query(ctx, call):
        return True
    if _cache_key(ctx, call):
        return True
    for use in uses:
        comparison = _around(use, ("binary_expression", "comparison_operator"), levels=3)
        if comparison is None or not re.search(r"[!=]=", _text(ctx, comparison)):
            continue
        others = [
            c
            for c in comparison.named_children
            if c.end_byte <= use.start_byte or c.start_byte >= use.end_byte
        ]
        if any(re.search(rf"(?i)^[\w.]*?{_PREVIOUS}", _text(ctx, c)) for c in others):
            return True
    return False


_COMPARED_CLAIM = re.compile(r"[!=]==?\s*[\w.\[\]\"']*?" + _SPEC_DIGEST.pattern)


def _checks_spec_claim(ctx: FileContext, call: Node) -> bool:
    """The function compares a value with a spec-defined digest claim (`if encoded !=
    claims.AccessTokenHash`): the digest it computes is that check's other side."""
    function = enclosing_function(call)
    if function is None:
        return False
    body = _text(ctx, function)
    return _COMPARED_CLAIM.search(body) is not None


# The Pwned Passwords range API (k-anonymity): the client sends the first five hex
# digits of the password's SHA-1 and matches the rest locally; the digest is the
# protocol's, never stored.
_PWNED_API = re.compile(r"(?i)pwnedpasswords|haveibeenpwned")


def _breach_range_query(ctx: FileContext, call: Node) -> bool:
    """A SHA-1 of a password in a file that queries the Pwned Passwords range API."""
    callee = _text(ctx, call.child_by_field_name("function") or call).lower()
    return "sha1" in callee.replace("-", "").replace("_", "") and ctx.cached(_queries_pwned_api)


def _queries_pwned_api(ctx: FileContext) -> bool:
    return _PWNED_API.search(ctx.text) is not None


_KEYED_BINDINGS = frozenset(
    {"keyword_argument", "assignment", "pair", "short_var_declaration", "var_spec",
     "variable_declarator", "let_declaration", "assignment_expression"}
)  # fmt: skip


def _cache_key(ctx: FileContext, call: Node) -> bool:
    """The digest is (part of) a cache's key: bound, a few expressions up, to a name
    such as `cache_key` or `cacheSubject` (`cache_key="token:{}".format(sha256(t))`).
    A cache entry is found by the digest and holds nothing a stolen digest unlocks."""
    node = call
    for _ in range(6):
        parent = node.parent
        if parent is None or parent.type.endswith(("statement", "block", "definition")):
            return False
        if parent.type in _KEYED_BINDINGS:
            target = (
                parent.child_by_field_name("name")
                or parent.child_by_field_name("left")
                or parent.child_by_field_name("key")
                or parent.child_by_field_name("pattern")
            )
            if target is None and parent.named_children:
                target = parent.named_children[0]
            ws = set(words(_text(ctx, target))) if target is not None else set()
            return "cache" in ws and bool(ws & {"key", "id", "subject", "name"})
        node = parent
    return False


_SUBSCRIPTS = {
    "subscript": ("value", "subscript"),  # Python `cache[digest]`
    "index_expression": ("operand", "index"),  # Go `seen[sum]`
    "subscript_expression": ("object", "index"),  # JS `memo[hex]`
}
_ASSIGNMENTS = ("assignment", "assignment_statement", "assignment_expression")


def _mapping_key(ctx: FileContext, use: Node) -> tuple[str, bool] | None:
    """The mapping a use of a digest is a key of, and whether the use stores into it:
    `cache[d] = ok` (store), `cache[d]`, `d in cache` / `d in cache.keys()` (reads)."""
    parent = use.parent
    if parent is None:
        return None
    fields = _SUBSCRIPTS.get(parent.type)
    if fields is not None:
        mapping, index = (parent.child_by_field_name(f) for f in fields)
        if mapping is None or index is None or index.id != use.id:
            return None
        holder = parent.parent
        if holder is not None and holder.type == "expression_list":
            holder = holder.parent
        left = holder.child_by_field_name("left") if holder is not None else None
        stored = (
            holder is not None
            and holder.type in _ASSIGNMENTS
            and left is not None
            and left.start_byte <= parent.start_byte < left.end_byte
        )
        return _text(ctx, mapping), stored
    if parent.type == "comparison_operator" and parent.named_children[:1] == [use]:
        operators = [c.type for c in parent.children if not c.is_named]
        if operators == ["in"] and len(parent.named_children) == 2:
            table = _text(ctx, parent.named_children[1])
            return re.sub(r"\.keys\(\)$", "", table), False
    return None


def _memo_key(ctx: FileContext, call: Node) -> bool:
    """The digest is only ever a key of one mapping the same function both reads and
    fills (`if d in self._checked: ...; self._checked[d] = ok`): a memo of a check made
    elsewhere, kept for the life of the object, not a stored verifier. A digest looked up
    in a table the function only reads is the insecure store this rule is about."""
    _, uses = _digest_uses(ctx, call)
    keys = [_mapping_key(ctx, use) for use in uses]
    if not keys or any(k is None for k in keys):
        return False
    mappings = {k[0] for k in keys if k is not None}
    stores = {k[1] for k in keys if k is not None}
    return len(mappings) == 1 and stores == {True, False}


# Words that name a cache: a store of lookups kept to skip work, not of verifiers.
_CACHE_WORDS = frozenset({"cache", "cached", "caches", "caching", "memo", "memoize"})
# What a value passes through on its way into a call's arguments or a mapping.
_CONTAINERS = frozenset(
    {"argument_list", "arguments", "keyword_argument", "pair", "dictionary", "object", "list",
     "array", "tuple", "expression_list", "literal_value", "keyed_element", "literal_element"}
)  # fmt: skip
_FIELD_ACCESS = frozenset({"attribute", "member_expression", "selector_expression"})


def _into_cache(ctx: FileContext, use: Node) -> bool:
    """The value is an argument (or a value in a literal argument) of a call on a cache
    (`self.seen_cache.find_one({"token": d})`, `cache.set(d, ok)`), or a key of a
    mapping named as one (`token_cache[d]`)."""
    node = use
    for _ in range(6):
        parent = node.parent
        if parent is None:
            return False
        fields = _SUBSCRIPTS.get(parent.type)
        if fields is not None:
            mapping = parent.child_by_field_name(fields[0])
            return (
                mapping is not None
                and mapping.id != node.id
                and bool(_CACHE_WORDS.intersection(words(_text(ctx, mapping))))
            )
        if parent.type in ("call", "call_expression"):
            callee = _callee(ctx, parent)
            if _PATH_JOIN.search(callee):
                return True  # a file named by the digest: a name to find it by
            return node.type in _CONTAINERS and bool(_CACHE_WORDS.intersection(words(callee)))
        if parent.type not in _CONTAINERS and parent.type not in _CONCATENATIONS:
            return False
        node = parent
    return False


# Calls that build a file's path from names: the digest is the file's name, a lookup
# key like a cache's (`os.path.join(keys_dir, sha256(token).hexdigest())`).
_PATH_JOIN = re.compile(r"(?:^|\.)(?:path\.join|join_path|joinpath|Join|Path|PurePath)$")
_CONCATENATIONS = frozenset({"binary_operator", "binary_expression", "concatenated_string"})


def _later_uses(sem: semantics.Semantics, binding: semantics.Binding, scope: Node) -> list[Node]:
    """The reads of a name after its binding in the function, also those where another
    branch may have bound it (`if t: d = digest(t) else: d = None`, then `self.d = d`):
    the digest may be what they read."""
    out = []
    for node in walk(scope):
        if node.type in semantics.NAMES and node.start_byte >= binding.end:
            parent = node.parent
            target = parent.child_by_field_name("left") if parent is not None else None
            if sem.text(node) == binding.name and (target is None or target.id != node.id):
                out.append(node)
    return out


def _cache_store(ctx: FileContext, call: Node) -> bool:
    """The digest, or what the function computes from it (`b64encode(h.digest())`), goes
    into a cache: directly, or through the object field it is stored in
    (`self.cache_token = d`) to a use of that field elsewhere in the class. A cache key
    derived from a token lets the server skip work for a client it has seen; the token
    itself is what the client presents."""
    sem = semantics.of(ctx)
    outer = call
    while outer.parent is not None and outer.parent.type in ("attribute", "call"):
        outer = outer.parent  # `sha256(token).hexdigest()`
    if _into_cache(ctx, outer):
        return True
    start = origins.binding_of(sem, call, depth=4)
    receiver = _receiver(call)
    if (
        start is None
        and _method(ctx, call) in _UPDATE
        and receiver is not None
        and receiver.type in semantics.NAMES
    ):
        start = sem.resolve(receiver)  # `h.update(token)`: the digest object's binding
    if start is None:
        return False
    scope = sem.function_of(start.node) or ctx.tree().root_node
    fields: set[str] = set()
    for binding in [start, *origins.derived(sem, start, steps=2)]:
        for use in _later_uses(sem, binding, scope):
            if _into_cache(ctx, use):
                return True
            assignment = use.parent
            left = assignment.child_by_field_name("left") if assignment is not None else None
            right = assignment.child_by_field_name("right") if assignment is not None else None
            if (
                left is not None
                and right is not None
                and right.id == use.id
                and left.type in _FIELD_ACCESS
            ):
                fields.add(_text(ctx, left))
    if not fields:
        return False
    owner = scope.parent
    while owner is not None and owner.type not in ("class_definition", "class_declaration"):
        owner = owner.parent
    for node in nodes_of(ctx, *sorted(_FIELD_ACCESS)):
        if owner is not None and not (owner.start_byte <= node.start_byte < owner.end_byte):
            continue
        if _text(ctx, node) in fields and _into_cache(ctx, node):
            return True
    return False


_SECRET_WORDS = re.compile(r"(?i)passw|passphrase|secret|token|key|pin\b|credential|salt")


def _composite(ctx: FileContext, call: Node) -> bool:
    """The digest the call feeds is also fed, in its function, other values named for no
    secret and written as more than a literal (a separator): three of them, or two with
    one in a loop over a collection (`hash.Write(data)`, then each label): a fingerprint
    of a document and its settings, compared to notice a change. (`user`, `":"`, `realm`,
    `password` is a verifier's input: one value besides the literal.)"""
    if _method(ctx, call) not in _UPDATE:
        return False
    receiver = _receiver(call)
    function = enclosing_function(call)
    if receiver is None or function is None or receiver.type not in semantics.NAMES:
        return False
    name = _text(ctx, receiver)
    plain = 0
    looped = False
    for other in walk(function):
        if other.type not in ("call", "call_expression") or other.id == call.id:
            continue
        if _method(ctx, other) not in _UPDATE:
            continue
        target = _receiver(other)
        if target is None or _text(ctx, target) != name:
            continue
        fed = " ".join(_text(ctx, a) for a in _args(other))
        if _SECRET_WORDS.search(fed) or not re.search(r"[A-Za-z_]\w*", _LITERALS.sub("", fed)):
            continue
        plain += 1
        looped = looped or _in_loop(other, function)
    return plain >= 3 or (plain >= 2 and looped)


_LITERALS = re.compile(
    r"""\[\]byte|b?"(?:[^"\\]|\\.)*"|b?'(?:[^'\\]|\\.)*'|\b(?:bytes|str|encode)\b"""
)


def _in_loop(node: Node, function: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.id != function.id:
        if parent.type in _LOOPS:
            return True
        parent = parent.parent
    return False


# Method chains that keep a digest what it is, and the calls that cut a string short.
_CHAIN_TYPES = frozenset({"attribute", "call", "member_expression", "call_expression"})
_CUTS = frozenset({"slice", "substring", "substr"})


def _truncated(ctx: FileContext, call: Node) -> bool:
    """The digest is cut to a prefix where it is made (`sha256(k).hexdigest()[:16]`,
    `createHash("sha256").update(k).digest("hex").slice(0, 12)`)."""
    node = call
    for _ in range(8):
        parent = node.parent
        if parent is None:
            return False
        if parent.type == "subscript" and parent.child_by_field_name("value") == node:
            return any(c.type == "slice" for c in parent.named_children[1:])
        if parent.type in ("member_expression", "attribute"):
            field = parent.child_by_field_name("property") or parent.child_by_field_name(
                "attribute"
            )
            if field is not None and _text(ctx, field) in _CUTS:
                return True
        if parent.type not in _CHAIN_TYPES:
            return False
        node = parent
    return False


def _enclosing_names(ctx: FileContext, node: Node) -> list[str]:
    """The names of the functions around the node, and of the type whose methods they
    are (a Rust `impl AtHash`, a class): what the code it computes is called."""
    out = []
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTIONS or parent.type in (
            "class_definition",
            "class_declaration",
            "impl_item",
        ):
            name = parent.child_by_field_name("name") or parent.child_by_field_name("type")
            if name is not None:
                out.append(_text(ctx, name))
        parent = parent.parent
    return out


def _key_material(ws: list[str]) -> bool:
    """`privateKeyBytes`: a fingerprint of a key cannot be brute-forced back."""
    return "private" in ws or (
        "key" in ws and bool({"signing", "encryption", "rsa", "ec", "ed25519"} & set(ws))
    )


def _generated_here(ctx: FileContext, ws: list[str]) -> bool:
    """A function of this file makes a value named like the hashed one (`token`) with a
    CSPRNG: the tokens this file hashes are random, not chosen by a person."""
    if not ws:
        return False
    word = re.compile(rf"(?i)[a-z0-9_]*{re.escape(ws[-1])}\b")
    go_rand = ctx.parser == "go" and "crypto/rand" in semantics.of(ctx).imports.values()
    for function in nodes_of(ctx, *sorted(FUNCTIONS)):
        body = _text(ctx, function)
        made = _CSPRNG.search(body) or (go_rand and re.search(r"\brand\.(Read|Text)\(", body))
        if made and word.search(body):
            return True
    return False


def _severity(
    ctx: FileContext, name: str, hashed: Node, call: Node
) -> tuple[Severity, str, Confidence] | None:
    tail = re.split(r"[.\[\]()\"']+", name.strip())
    ws = words(" ".join(t for t in tail if t))
    if ws and any(w in _NOT_STORED for w in ws[-2:]):
        return None
    function = enclosing_function(call)
    scope = _text(ctx, function) if function is not None else ""
    if _PROTOCOL & set(words(name)) or _PROTOCOL & set(_enclosing_words(ctx, call)):
        return None
    if _spec_or_change(ctx, call):
        return None
    if (
        _CONSTANT_TIME.search(scope)
        and len(re.findall(re.escape(_callee(ctx, call).split(".")[0]) + r"\b", scope)) >= 2
    ):
        return None  # both sides digested to equal length, then compared in constant time
    salted = any(w in _SALTED for w in words(_text(ctx, hashed))) or _salt_fed(ctx, call)
    if _stretched(ctx, call, hashed) or _agreed_key(ctx, call, name):
        return None
    if _composite(ctx, call):
        # Shown at the pedantic level: one digest over a document and its settings (a
        # bundle, its options, labels) fingerprints a configuration; no verifier mixes
        # them in.
        return Severity.LOW, "a setting in a fingerprint of several values", Confidence.LOW
    if not any(w in _HUMAN for w in ws) and _truncated(ctx, call):
        # Shown at the pedantic level: a digest cut short names something (a deployment
        # id, a key's short id); no verifier is kept that short.
        return Severity.LOW, "a secret whose digest is cut to a short id", Confidence.LOW
    if _sent_in_request(ctx, call):
        # Shown at the pedantic level: the request signature a third-party API defines.
        return (
            Severity.LOW,
            "a secret in a request signature an API defines",
            Confidence.LOW,
        )
    if _memo_key(ctx, call):
        # Shown at the pedantic level: the cache still holds fast digests in memory.
        return Severity.LOW, "a secret kept as an in-memory cache key", Confidence.LOW
    if _compared_in_constant_time(ctx, call):
        return None  # digested only to compare equal lengths in constant time, in memory
    human = any(w in _HUMAN for w in ws)
    if not human and (
        salted
        or _key_material(ws)
        or _keyed_use(ctx, call)
        or _derived_key(ws, ctx, call)
        or _sibling_index(ctx, call, hashed)
    ):
        return None  # a salted digest of a token, a key's fingerprint, a derived key
    if not human and _cache_store(ctx, call):
        # Shown at the pedantic level: a lookup key for a cache, like a memo (above).
        return Severity.LOW, "a token kept as a cache key or a file name", Confidence.LOW
    scheme = _interop_format(ctx, call)
    if scheme is not None:
        # Shown below the default: the format is the reader's (an LDAP server, an
        # htpasswd file); moving to a slow hash needs that system's support.
        return Severity.MEDIUM, f"{_INTEROP}{scheme}", Confidence.MEDIUM
    if human:
        return Severity.HIGH, "a password", Confidence.HIGH
    # Evidence that the token is random or signed, not chosen by a person: made by a
    # CSPRNG in this file (a digest of 256 random bits is a sound lookup key), or a file
    # about signed tokens. Reported only at the pedantic level: a keyed hash is still better.
    if _generated_here(ctx, ws):
        return Severity.LOW, "a token generated by a CSPRNG", Confidence.LOW
    if re.search(r"\bcrc32\b|\bcrc32fast\b|\bCRC32\b", ctx.text):
        # issued with a checksum (the GitHub/npm token shape): machine-made, high entropy
        return Severity.LOW, "a checksummed, machine-issued token", Confidence.LOW
    if _SIGNED_TOKENS.search(ctx.text):
        return Severity.LOW, "a signed token", Confidence.LOW
    return Severity.MEDIUM, "a token", Confidence.HIGH


# A password storage format another system defines and reads: the RFC 2307 `userPassword`
# schemes of LDAP and Apache htpasswd (`{SHA}`, `{SSHA}`, `{MD5}`), and the modular crypt
# prefixes (`$1$`, `$apr1$`, Drupal's `$S$`, phpass `$P$`/`$H$`). Code that writes or checks
# such a value implements the consumer's format; the digest is not its own choice.
_SCHEME_TAG = re.compile(r"\{(?:S?SHA(?:256|384|512)?|S?MD5|CRYPT)\}")
_CRYPT_PREFIX = re.compile(r"""^["'`]\$(?:1|apr1|S|P|H)\$["'`]$""")
# A slow password hash checked in the same function: the fast digest is one legacy format
# among the stored formats the function accepts.
_SLOW_HASH = re.compile(r"(?i)\b(?:bcrypt|argon2\w*|scrypt|pbkdf2\w*)\b")
_LOOPS = frozenset(
    {
        "for_statement",
        "while_statement",
        "for_in_statement",
        "for_expression",
        "while_expression",
        "loop_expression",
        "do_statement",
    }
)


def _crypt_prefixes(ctx: FileContext) -> tuple[tuple[int, str], ...]:
    """The file's string literals that are a modular-crypt prefix, with where they start
    (read once per file)."""
    out = []
    for literal in nodes_of(ctx, "string"):
        text = _text(ctx, literal)
        if len(text) <= 8 and _CRYPT_PREFIX.match(text):
            out.append((literal.start_byte, text.strip("\"'`")))
    return tuple(out)


def _interop_format(ctx: FileContext, call: Node) -> str | None:
    """The storage format a digest implements when another system defines it: a scheme
    tag or crypt prefix written in the function or its class, or a slow password hash
    the same function also checks (htpasswd files mix `{SHA}` and bcrypt lines)."""
    holder = enclosing_function(call)
    if holder is None:
        return None
    scope = _text(ctx, holder)
    tag = _SCHEME_TAG.search(scope)
    if tag:
        return tag.group(0)
    parent = holder.parent
    while parent is not None and parent.type not in ("class_definition", "class_declaration"):
        parent = parent.parent
    if parent is not None:
        for start, prefix in ctx.cached(_crypt_prefixes):
            if parent.start_byte <= start < parent.end_byte:
                return prefix
    slow = _SLOW_HASH.search(scope)
    if slow:
        return f"legacy entries beside {slow.group(0)} ones"
    return None


_REHASH = re.compile(
    r"(?:update|Write|write|digest|Sum\d*|sha\d+|md5|hash\w*|new)\(\s*&?\s*(\w+)", re.I
)


_ROUNDS = re.compile(r"range\(\s*(\d[\d_]*)\s*\)|<=?\s*(\d[\d_]*)\b|\.\.=?\s*(\d[\d_]*)\b")


def _few_rounds(loop: str) -> bool:
    """A loop whose header shows a count below 1,000: a few rounds stretch nothing."""
    header = loop.split("\n", 1)[0]
    m = _ROUNDS.search(header)
    if m is None:
        return False
    count = int(next(g for g in m.groups() if g).replace("_", ""))
    return count < 1000


_MAX_NAMES = 32  # names of one loop checked for a rebinding (a hostile file's bound)


def _stretching_loops(ctx: FileContext) -> tuple[tuple[int, int], ...]:
    """The byte ranges of the file's loops that digest a value and rebind it in their
    body (`h.update(d); d = h.digest()`), with no visible count below 1,000: each loop
    read once per file, one search per loop."""
    out = []
    for loop in nodes_of(ctx, *sorted(_LOOPS)):
        body = _text(ctx, loop)
        if _few_rounds(body):
            continue
        names = list(dict.fromkeys(m.group(1) for m in _REHASH.finditer(body)))[:_MAX_NAMES]
        if not names:
            continue
        rebound = re.compile(
            r"(?m)^\s*(?:let\s+(?:mut\s+)?)?(?:"
            + "|".join(re.escape(n) for n in names)
            + r")\s*:?=[^=]"
        )
        if rebound.search(body):
            out.append((loop.start_byte, loop.end_byte))
    return tuple(out)


def _rehashed_in_loop(ctx: FileContext, call: Node) -> bool:
    """The function goes on to digest the digest in a loop (`for _ in range(100000):
    h = sha512(); h.update(d); d = h.digest()`): the first digest is the seed of key
    stretching, not what is stored. A loop that shows fewer than 1,000 rounds stretches
    nothing worth the name."""
    function = enclosing_function(call)
    if function is None:
        return False
    return any(
        call.end_byte <= start and end <= function.end_byte
        for start, end in ctx.cached(_stretching_loops)
    )


# What a key agreement or KEM returns: key material, high-entropy by construction.
_AGREED = r"(?:decapsulate|decap|diffie_hellman|agree\w*|ecdh|x25519|exchange|shared_secret)\w*\("


def _agreed_key(ctx: FileContext, call: Node, name: str) -> bool:
    """The hashed value was just computed by a key agreement (`let ss =
    hqc::decapsulate(&ct, &sk)`): compressing a shared secret to a key's length is key
    derivation, not a stored verifier."""
    function = enclosing_function(call)
    head = re.split(r"[.\[(]", name.strip())[0]
    if function is None or not head.isidentifier():
        return False
    return (
        re.search(
            rf"\b{re.escape(head)}\s*(?::[^=\n]*)?:?=\s*[\w:.&\s]*?{_AGREED}",
            _text(ctx, function),
            re.I,
        )
        is not None
    )


def _stretched(ctx: FileContext, call: Node, hashed: Node) -> bool:
    """The digest is iterated in a loop over its own output (`r = sha512(r + pw)` rounds
    times): key stretching, as PBKDF1 and the crypt formats do, not one fast digest."""
    if _rehashed_in_loop(ctx, call) or _fed_back_in_loop(ctx, call):
        return True
    node = call.parent
    target = None
    while node is not None and node.type not in FUNCTIONS:
        if target is None and node.type in (*_ASSIGNMENTS, "short_var_declaration"):
            left = node.child_by_field_name("left")
            target = _text(ctx, left).strip() if left is not None else None
        if node.type in _LOOPS:
            return (
                bool(target)
                and re.search(rf"(?<![\w.]){re.escape(target or '')}\b", _text(ctx, hashed))
                is not None
            )
        node = node.parent
    return False


def _fed_back_in_loop(ctx: FileContext, call: Node) -> bool:
    """`for ... { h.Reset(); h.Write(digest); h.Write(pw); digest = h.Sum(nil) }`: a
    reused hasher fed its own previous output in a loop (Drupal's `$S$`, PBKDF1): key
    stretching, not one fast digest."""
    function = call.child_by_field_name("function")
    if function is None or function.type not in _MEMBERS or not function.named_children:
        return False
    receiver = _text(ctx, function.named_children[0]).strip()
    if not re.fullmatch(r"[A-Za-z_][\w.]{0,60}", receiver):
        return False
    loop = call.parent
    while loop is not None and loop.type not in _LOOPS and loop.type not in FUNCTIONS:
        loop = loop.parent
    if loop is None or loop.type not in _LOOPS:
        return False
    body = _text(ctx, loop)[:4000]
    r = re.escape(receiver)
    for m in re.finditer(rf"(\w+)\s*:?=\s*{r}\.(?:Sum|digest|hexdigest|finalize)\w*\(", body):
        if re.search(rf"{r}\.(?:Write|update)\(\s*&?{re.escape(m.group(1))}\b", body):
            return True
    return False


_INTEROP = "interop:"

_FIX = {  # (for passwords, for tokens)
    "python": ("argon2-cffi, bcrypt or hashlib.scrypt", "hmac.new(server_key, token, 'sha256')"),
    "go": ("argon2.IDKey or bcrypt", "hmac.New(sha256.New, serverKey)"),
    "rust": ("the argon2 or bcrypt crate", "Hmac<Sha256> with a server key"),
    "javascript": ("argon2 or bcrypt", "crypto.createHmac('sha256', serverKey)"),
}


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    hashes = _Hashes(ctx)
    if hashes.lang not in _FIX:
        return
    # Each call sees the binding of its receiver that reaches it, so `hasher` rebound
    # per match arm keeps each arm's algorithm.
    found_calls: list[tuple[Node, tuple[str, list[Node]]]] = []
    for node in nodes_of(ctx, "call", "call_expression"):
        digest = hashes.digest_input(node)
        if digest is not None:
            found_calls.append((node, digest))
    reported: set[int] = set()
    for call, found in found_calls:
        alg, data = found
        for hashed in data:
            name = _secret_in(ctx, hashed)
            if name is None:
                continue
            judged = _severity(ctx, name, hashed, call)
            line = code.node_span(ctx.source, call).start_line  # not a tree-sitter row
            if judged is None or line in reported:
                continue
            reported.add(line)
            severity, what, confidence = judged
            one = " ".join(name.split())
            shown = one if len(one) <= 50 else one[:47] + "..."
            if what.startswith(_INTEROP):
                yield Hit(
                    span=code.node_span(ctx.source, call),
                    message=f"`{shown}` is hashed with unkeyed {alg} for a password format "
                    f"another system reads ({what.removeprefix(_INTEROP)}); where that system "
                    "accepts a slow hash (bcrypt, {CRYPT}, argon2), store that instead",
                    severity=severity,
                    confidence=confidence,
                )
                break
            made = hashes.made_at(call)
            yield Hit(
                span=code.node_span(ctx.source, call),
                message=f"{what} (`{shown}`) is hashed with unkeyed {alg}, which is fast to "
                f"brute-force; use {_FIX[hashes.lang][0 if severity is Severity.HIGH else 1]}",
                severity=severity,
                confidence=confidence,
                marked_at=(code.node_span(ctx.source, made).start_line,) if made else (),
            )
            break
