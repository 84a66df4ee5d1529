"""Secrets compared with an early-exit equality.

`==` on strings or byte slices returns at the first byte that differs, so the time a
check takes tells an attacker how much of a guessed token, signature or MAC was right.
A comparison is reported when one operand is a secret, by its name (`token`,
`expected_sig`, `cfg.APIKey`) or by where it comes from (the Authorization or
X-API-Key header, a signature header), and the other operand is not a constant: a
literal (`""`, `"admin"`: a hardcoded credential is another rule's finding), nil, a
number, or a length. Names that describe a secret rather than hold it (`token_type`,
`password_len`, `sig.Name`) are not secrets. Whatever the names, a keyed digest compared
with a value from the request or the caller is one. Origins and bindings come from the
shared semantic layer (`ztlint.semantics` and its `origins` module).

Over 400 lines: one detector for six languages; a split by language would copy the
judgement of operands, which is the same in each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.auth.timing_unsafe_comparison import context as timing_context
from ztlint.checks.codeutil import (
    FUNCTIONS,
    STRINGS,
    beyond_expression,
    enclosing_function,
    nodes_of,
    walk,
)
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import origins, remarks, runtime, types
from ztlint.semantics.secret_operands import (
    CONSTANT_TYPES,
    secret_operand,
)
from ztlint.semantics.secret_operands import identifier_member as _identifier_member
from ztlint.semantics.secret_operands import unwrap as _unwrap
from ztlint.semantics.vocabulary import (
    HARDWARE,
    HEADER_PARTS,
    PRESENTED_WORDS,
    SECRET_HEADERS,
    VERIFY_WORDS,
    public_access_key,
    secret_candidates,
    secret_name,
    words,
)

COMPARE_CALLS = {
    "go": frozenset(
        {
            "bytes.Equal",
            "strings.Compare",
            "strings.EqualFold",
            "reflect.DeepEqual",
            "bytes.Compare",
        }
    ),
}
EQUALITY = frozenset({"==", "!=", "===", "!=="})
FIX = {
    "go": "subtle.ConstantTimeCompare (crypto/subtle) or hmac.Equal",
    "python": "hmac.compare_digest (or secrets.compare_digest)",
    "rust": "constant_time_eq or subtle::ConstantTimeEq",
    "javascript": "crypto.timingSafeEqual on equal-length buffers",
}
NULLISH = frozenset({"nil", "None", "null", "undefined", "true", "false", "True", "False", "iota"})


def _lang(ctx: FileContext) -> str:
    return "javascript" if ctx.parser in ("typescript", "tsx", "javascript") else str(ctx.parser)


_STATE_TOKENS = frozenset(
    {"lock", "sync", "page", "pagination", "cursor", "continuation", "cancellation"}
)


def _state_token(ctx: FileContext, node: Node, operand: Node) -> bool:
    """WebDAV lock and sync tokens, page cursors: tokens that name state, not identity.
    Seen in the operand's own name or in the collection a closure parameter walks
    (`lock_tokens.iter().any(|t| t == token)`)."""
    name = _text(ctx, _unwrap(operand))
    if _STATE_TOKENS & set(words(name)):
        return True
    if not re.fullmatch(r"\w+", name):
        return False
    parent = node.parent
    while parent is not None:
        if parent.type == "closure_expression":
            params = parent.child_by_field_name("parameters")
            call = parent.parent.parent if parent.parent is not None else None
            if (
                params is not None
                and name in re.findall(r"\w+", _text(ctx, params))
                and call is not None
                and call.type == "call_expression"
            ):
                function = call.child_by_field_name("function")
                return function is not None and bool(
                    _STATE_TOKENS & set(words(_text(ctx, function)))
                )
            return False
        if parent.type in FUNCTIONS:
            return False
        parent = parent.parent
    return False


_VERSIONS = frozenset(
    {"previous", "prev", "old", "orig", "original", "last", "cached", "saved", "baseline",
     "existing"}
)  # fmt: skip


_QUERY_BUILDERS = frozenset(
    {"where", "filter", "filter_by", "having", "and_", "or_", "exclude", "join", "outerjoin"}
)


def _query_expression(ctx: FileContext, node: Node) -> bool:
    """`select(Client).where(Client.secret == secret)`: the operator builds SQL; the
    database compares, by index lookup, not byte by byte in this process."""
    parent = node.parent
    for _ in range(4):
        if parent is None or parent.type in FUNCTIONS:
            return False
        if parent.type in ("argument_list", "arguments"):
            call = parent.parent
            function = call.child_by_field_name("function") if call is not None else None
            if function is not None:
                return re.split(r"[.:]+", _text(ctx, function))[-1] in _QUERY_BUILDERS
            return False
        parent = parent.parent
    return False


def _copy_compared(ctx: FileContext, node: Node, left: Node, right: Node) -> bool:
    """`orig = x.token.clone()` ... `orig != x.token`: a check that a value changed, not a
    check of what a client presented."""
    a_text, b_text = _text(ctx, _unwrap(left)), _text(ctx, _unwrap(right))
    if _transform_of(a_text, b_text) or _transform_of(b_text, a_text):
        return True  # `token !== token.trim()`: the value against a form of itself
    a_field, b_field = re.split(r"[.:]+", a_text), re.split(r"[.:]+", b_text)
    if (
        len(a_field) > 1
        and len(b_field) > 1
        and a_field[-1] == b_field[-1]
        and _VERSIONS & {w for part in a_field[:-1] + b_field[:-1] for w in words(part)}
    ):
        # `previous.key_hash == current.key_hash`, `baseline.TotpToken.Token !=
        # candidate.TotpToken.Token`: has the value changed?
        return True
    a_words, b_words = words(a_text), words(b_text)
    if (_ROTATION & set(a_words) and _ROTATION & set(b_words)) or _updates(
        ctx, node, a_text, b_text
    ):
        return True  # `newKey != oldKey`; `if in.key != cfg.key { cfg.key = in.key }`
    if enclosing_function(node) is None:
        return False
    sem = semantics.of(ctx)
    for a, b in ((left, right), (right, left)):
        a = _unwrap(a)
        binding = sem.resolve(a) if a.type in _NAMES else None
        if binding is None or binding.value is None or binding.key is not None:
            continue
        value = sem.unwrap(binding.value)
        if value.type in ("call_expression", "call"):  # `x.token.copy()`
            function = value.child_by_field_name("function")
            args = value.child_by_field_name("arguments")
            if (
                function is not None
                and function.named_children
                and _text(ctx, function).endswith(".copy")
                and (args is None or not args.named_children)
            ):
                value = function.named_children[0]
        copied = _text(ctx, _unwrap(value)).lstrip("&*")
        other = _text(ctx, _unwrap(b)).lstrip("&*")
        if copied == other or _transform_of(other, copied):
            return True  # a copy of the other side, or a stripped form of it
    return False


_ROTATION = _VERSIONS | {"new", "current", "cur", "latest", "updated", "fresh", "next"}
# A method that returns a normalised form of its receiver.
_NORMALISE = re.compile(
    r"\.(?:trim|trimStart|trimEnd|strip|lstrip|rstrip|trim_start|trim_end|toLowerCase|"
    r"toUpperCase|lower|upper|normalize|casefold|to_lowercase|to_uppercase)\(\)$"
)


# Decorators of a model's or a configuration's field validators (traitlets `@validate`,
# pydantic `@validator`/`@field_validator`, marshmallow `@validates`).
_VALIDATORS = frozenset(
    {"validate", "validator", "field_validator", "model_validator", "root_validator",
     "validates", "validates_schema"}
)  # fmt: skip


# The methods a language calls to compare two objects (`a == b`): Python's `__eq__` and
# `__ne__`, Rust's `PartialEq::eq`/`ne`, JavaScript's and Swift's by convention.
_EQUALITY_METHODS = frozenset({"__eq__", "__ne__", "eq", "ne", "equals", "isEqual"})


def _equality_method(ctx: FileContext, node: Node) -> bool:
    """The comparison implements an object's equality (`ImportedUser.__eq__` comparing
    fields to notice a changed record): what calls it decides whether a secret is
    checked, and that is judged where it is called."""
    function = enclosing_function(node)
    if function is None:
        return False
    name = function.child_by_field_name("name")
    if name is None or _text(ctx, name) not in _EQUALITY_METHODS:
        return False
    if _text(ctx, name) in ("eq", "ne"):  # Rust: only inside `impl PartialEq for T`
        impl = function.parent.parent if function.parent is not None else None
        trait = impl.child_by_field_name("trait") if impl is not None else None
        return trait is not None and _text(ctx, trait).endswith("PartialEq")
    return True


def _config_validator(ctx: FileContext, node: Node) -> bool:
    """The comparison sits in a field validator: it runs when the configuration or model
    is loaded (`if self.user_password == new: raise ValueError(...)`, two settings that
    must differ), not when a client presents a credential."""
    function = enclosing_function(node)
    parent = function.parent if function is not None else None
    if parent is None or parent.type != "decorated_definition":
        return False
    for decorator in parent.named_children:
        if decorator.type != "decorator":
            continue
        callee = re.split(r"[(\s]", _text(ctx, decorator).lstrip("@").strip(), maxsplit=1)[0]
        if callee.rsplit(".", 1)[-1] in _VALIDATORS:
            return True
    return False


def _transform_of(a_text: str, b_text: str) -> bool:
    """`b` is `a` with a normalising method applied (`a.trim()`, `a.lower()`,
    `strings.TrimSpace(a)`): a check of the value's own shape, no secret compared."""
    if not a_text or len(b_text) <= len(a_text):
        return False
    if b_text.startswith(a_text) and _NORMALISE.fullmatch(b_text[len(a_text) :]):
        return True
    if b_text.startswith(a_text) and _STRIP_ARGUMENT.fullmatch(b_text[len(a_text) :]):
        return True  # `header.removeprefix("Bearer ")`, `.replace("Bearer ", "")`
    return (
        re.fullmatch(
            r"strings\.(?:TrimSpace|ToLower|ToUpper|TrimPrefix|TrimSuffix|Trim|TrimLeft|TrimRight)"
            r"\(\s*" + re.escape(a_text) + r"\s*(?:,\s*(?:\"[^\"\n]{0,40}\"|'[^'\n]{0,40}'))?\s*\)",
            b_text,
        )
        is not None
    )


# A method that strips or replaces a fixed piece of its receiver: what is left is the
# value's own shape, checked against the value.
_STRIP_ARGUMENT = re.compile(
    r"\.(?:removeprefix|removesuffix|strip|lstrip|rstrip|trim_start_matches|trim_end_matches|"
    r"strip_prefix|strip_suffix|replace|replaceAll)\(\s*(?:\"[^\"\n]{0,40}\"|'[^'\n]{0,40}')"
    r"(?:\s*,\s*(?:\"[^\"\n]{0,40}\"|'[^'\n]{0,40}'))?\s*\)"
)


def _updates(ctx: FileContext, node: Node, a_text: str, b_text: str) -> bool:
    """The comparison guards an assignment of one side to the other: change detection
    (`if in.Key != cfg.Key { cfg.Key = in.Key }`), not an authentication."""
    branch = beyond_expression(node)
    if branch is None or branch.type not in ("if_statement", "if_expression"):
        return False
    body = branch.child_by_field_name("consequence") or branch.child_by_field_name("body")
    if body is None:
        return False
    inside = _text(ctx, body)
    bare = [t.lstrip("*&") for t in (a_text, b_text)]
    if any(
        re.search(rf"{re.escape(x)}\s*:?=\s*[*&]?{re.escape(y)}\b", inside)
        for x, y in ((bare[0], bare[1]), (bare[1], bare[0]))
    ):
        return True
    # Or hands the new value to a setter that keeps it (`if tr.RefreshToken != refreshToken
    # { creds.SetRefreshToken(realm, tr.RefreshToken) }`): a client caching what it got;
    # also in the statement right after the `if` (`if state != remote { mark changed }`
    # then `d.Set(key, remote)`: drift detection that records the new value).
    after = branch.next_named_sibling
    if after is not None and after.type != "comment":
        inside += "\n" + _text(ctx, after)
    return any(
        re.search(
            rf"(?<![\w])(?:[\w.]*\.)?(?:[Ss]et|[Ss]tore|[Ss]ave|[Uu]pdate|[Cc]ache|[Pp]ut)\w*"
            rf"\s*\([^()]*(?<![\w.]){re.escape(x)}(?![\w])",
            inside,
        )
        for x in bare
    )


# Nodes that read a field of a value, per language: `a.b` (JavaScript, Go, Python,
# Rust, Swift).
_FIELD_READS = frozenset(
    {"member_expression", "selector_expression", "attribute", "field_expression",
     "navigation_expression"}
)  # fmt: skip
_LOGICAL = frozenset({"||", "&&", "or", "and"})


def _field_of(ctx: FileContext, operand: Node) -> tuple[str, str] | None:
    """`session.tokenSet.accessToken` -> ("session.tokenSet", "accessToken")."""
    operand = _unwrap(operand)
    if operand.type not in _FIELD_READS or not operand.named_children:
        return None
    head, _, last = _text(ctx, operand).rpartition(".")
    head = head.rstrip("?").strip()
    return (head, last.strip()) if head and re.fullmatch(r"\w+", last.strip()) else None


def _field_diff(ctx: FileContext, node: Node, left: Node, right: Node) -> bool:
    """`a.accessToken !== b.accessToken || a.expiresAt !== b.expiresAt`, the branch then
    handing `a` on (returned, stored, assigned): two records compared field by field to
    see whether the new one differs, not a credential checked."""
    fields = _field_of(ctx, left), _field_of(ctx, right)
    if fields[0] is None or fields[1] is None or fields[0][1] != fields[1][1]:
        return False
    receivers = {fields[0][0], fields[1][0]}
    if len(receivers) != 2:
        return False
    top = node
    while top.parent is not None and (
        top.parent.type == "parenthesized_expression"
        or (
            top.parent.type in ("binary_expression", "boolean_operator")
            and _operator(ctx, top.parent) in _LOGICAL
        )
    ):
        top = top.parent
    if top is node:
        return False
    other_field = False
    for other in walk(top):
        if other.id == node.id or other.type not in ("binary_expression", "comparison_operator"):
            continue
        if _operator(ctx, other) not in EQUALITY or len(other.named_children) != 2:
            continue
        pair = [_field_of(ctx, c) for c in other.named_children]
        if (
            pair[0] is not None
            and pair[1] is not None
            and pair[0][1] == pair[1][1] != fields[0][1]
            and {pair[0][0], pair[1][0]} == receivers
        ):
            other_field = True
            break
    if not other_field:
        return False
    branch = beyond_expression(top)
    body = None
    if branch is not None and branch.type in ("if_statement", "if_expression"):
        body = branch.child_by_field_name("consequence") or branch.child_by_field_name("body")
    if body is None:
        return False
    inside = _text(ctx, body)
    return any(
        re.search(rf"(?<![\w.]){re.escape(r)}(?![\w.(\[])", inside) is not None for r in receivers
    )


# What a JavaScript string has: a value that has any other member read is an object,
# and `===` between objects compares references, never contents.
_STRING_MEMBERS = frozenset(
    {"length", "at", "charAt", "charCodeAt", "codePointAt", "concat", "endsWith", "includes",
     "indexOf", "lastIndexOf", "localeCompare", "match", "matchAll", "normalize", "padEnd",
     "padStart", "repeat", "replace", "replaceAll", "search", "slice", "split", "startsWith",
     "substr", "substring", "toLowerCase", "toUpperCase", "toLocaleLowerCase",
     "toLocaleUpperCase", "toString", "trim", "trimEnd", "trimStart", "valueOf",
     "constructor"}
)  # fmt: skip


def _object_identity(ctx: FileContext, node: Node, left: Node, right: Node) -> bool:
    """JavaScript `===` with a side the same function reads a field of
    (`existing.accessToken`, `entry.audience`): that side is an object, and the operator
    compares references (which entry of a list to replace), no secret's bytes."""
    if _lang(ctx) != "javascript":
        return False
    function = enclosing_function(node)
    while function is not None and function.parent is not None:
        outer = enclosing_function(function)  # the parameters of the function around a
        if outer is None:  # callback are read there
            break
        function = outer
    if function is None:
        return False
    names = {
        _text(ctx, side)
        for side in (_unwrap(left), _unwrap(right))
        if side.type in ("identifier", "member_expression")
    }
    if not names:
        return False
    for read in walk(function):
        if read.type != "member_expression":
            continue
        owner = read.child_by_field_name("object")
        field = read.child_by_field_name("property")
        if (
            owner is not None
            and field is not None
            and _text(ctx, owner) in names
            and field.type == "property_identifier"
            and _text(ctx, field) not in _STRING_MEMBERS
        ):
            return True
    return False


_INTERPOLATIONS = frozenset({"interpolation", "template_substitution"})
# Conversions between a language's string and byte types: the value stays what it was.
_CONVERSIONS = frozenset({"string", "[]byte", "[]rune", "str", "bytes", "String", "Buffer.from"})


def constant(ctx: FileContext, node: Node) -> bool:
    """Whether a side of a comparison is a constant: a literal, a value folding to one,
    a declared constant (Go `const`, Rust `const`/`static`, a Go package's symbol such as
    `gvk.Secret`), a length, an empty collection. A Go pointer read (`*cfg.Password`,
    `*flagPassword`) is a variable's value, never a constant."""
    if ctx.parser == "go" and node.type == "unary_expression" and _text(ctx, node).startswith("*"):
        return False
    node = _unwrap(node)
    if node.type in CONSTANT_TYPES:
        return not any(c.type in _INTERPOLATIONS for c in node.named_children)
    if node.type == "template_string":
        return not any(c.type in _INTERPOLATIONS for c in node.named_children)
    text = _text(ctx, node).strip()
    if text in NULLISH or re.fullmatch(r"-?\d+(\.\d+)?", text):
        return True
    if node.type == "unary_expression" and text.startswith("void"):
        return True  # `void 0`: JavaScript's undefined, as compilers write it
    if node.type in ("call_expression", "call"):
        args = node.child_by_field_name("arguments")
        items = [a for a in args.named_children if a.type != "comment"] if args is not None else []
        function = node.child_by_field_name("function")
        hashing = function is not None and bool(
            {"hash", "digest", "sha256", "sha1", "md5", "hexdigest", "encode"}
            & set(words(_text(ctx, function))[-1:])
        )
        receiver = (
            function.named_children[0]
            if function is not None
            and function.type in ("attribute", "member_expression", "selector_expression")
            and function.named_children
            else None
        )
        if (
            receiver is not None
            and function is not None
            and words(_text(ctx, function))[-1:] == ["encode"]
        ):
            # `secret.encode("utf-8")`: the receiver's bytes, constant only if it is
            return constant(ctx, receiver)
        if hashing and items and all(a.type in CONSTANT_TYPES for a in items):
            return True  # hash("known-string"): everyone can compute it
        if (
            function is not None
            and len(items) == 1
            and _text(ctx, function) in _CONVERSIONS
            and constant(ctx, items[0])
        ):
            return True  # string(constant.Cookie): a conversion of a constant
        if function is not None and _text(ctx, function) in (
            "len",
            "length",
            "cap",
            "bool",
            "str.len",
        ):
            return True
    if ctx.parser == "go" and node.type == "identifier" and text[:1].isupper():
        return True  # an exported package-level name (`KindSecret`): a declared constant
    last = re.split(r"[.:]+", text)[-1]
    if words(last)[-1:] in (["true"], ["false"]):
        return True  # headerValueTrue, kFalse
    if (re.fullmatch(r"_?[A-Z][A-Z0-9_]+", last) and "_" in last) or last in (
        "length",
        "size",
        "len",
    ):
        return True  # SCREAMING_CASE constants (`_EMPTY_` too), .length
    if node.type in ("array", "list", "tuple", "object", "dictionary", "composite_literal"):
        return True
    # Last, what the layer knows: a name bound to a constant, a value folding to one, a
    # member of an enumeration the file declares, a same-file function that returns one.
    return (
        _declared_constant(ctx, node)
        or (node.type in _FOLDABLE and semantics.of(ctx).const(node) is not None)
        or _enum_member(ctx, text)
        or _constant_call(ctx, node)
    )


_ENUM_BASES = re.compile(r"\b(Enum|IntEnum|StrEnum|Flag|IntFlag)\b")


def _enums(ctx: FileContext) -> frozenset[str]:
    """Enumerations the file declares: Python classes derived from an Enum,
    TypeScript `enum`s."""
    return ctx.cached(_declared_enums)


def _declared_enums(ctx: FileContext) -> frozenset[str]:
    found = set()
    for node in nodes_of(ctx, "class_definition", "enum_declaration"):
        name = node.child_by_field_name("name")
        bases = node.child_by_field_name("superclasses")
        if name is not None and (
            node.type == "enum_declaration"
            or (bases is not None and _ENUM_BASES.search(_text(ctx, bases)))
        ):
            found.add(_text(ctx, name))
    return frozenset(found)


_TYPE_NAME = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)*")
_MEMBER_NAME = re.compile(r"[A-Z][A-Za-z0-9_]*")


def _enum_member(ctx: FileContext, text: str) -> bool:
    """`ClientCredentialType.SECRET` where the file declares that enumeration: a
    member's name, not a secret's value. In TypeScript and Python, also a capitalised
    member of a capitalised name the file imports (`MfaFactor.TOTP`,
    `TokenExchangeTokenType.AccessToken` from a schema package): an enum or a class's
    constant by the languages' naming conventions, a public tag the other side is
    checked against; any member of an imported name that calls itself an enumeration
    (`SecretTypeEnum.signature`)."""
    head, dot, member = text.rpartition(".")
    if not dot or not member.isidentifier():
        return False
    if head in _enums(ctx):
        return True
    if _lang(ctx) not in ("javascript", "python") or not semantics.supported(ctx):
        return False
    # A name that calls itself an enumeration (`SecretTypeEnum`) has members of any case
    # (`SecretTypeEnum.signature`).
    named_enum = words(head)[-1:] == ["enum"]
    return (
        _TYPE_NAME.fullmatch(head) is not None
        and (named_enum or _MEMBER_NAME.fullmatch(member) is not None)
        and head in semantics.of(ctx).imports
    )


def _constant_call(ctx: FileContext, node: Node) -> bool:
    """A call without arguments of a same-file function whose every return is a
    constant (`Mask()` returning a fixed placeholder)."""
    if node.type not in ("call_expression", "call") or not semantics.supported(ctx):
        return False
    args = node.child_by_field_name("arguments")
    function = node.child_by_field_name("function")
    if function is None or (args is not None and args.named_children):
        return False
    sem = semantics.of(ctx)
    returns = sem.returns(_text(ctx, function).rsplit(".", 1)[-1])
    consts = [sem.const(r, 1) for r in returns]
    # (a stub returning "" stands for code the file does not show: not evidence)
    return bool(consts) and all(c is not None and c.text.strip("\"'`") for c in consts)


# Expressions the layer may fold to a constant: names and concatenations.
_FOLDABLE = semantics.NAMES | {"binary_expression", "binary_operator", "concatenated_string"}


def _declared_constant(ctx: FileContext, node: Node) -> bool:
    if ctx.parser not in ("go", "rust"):
        return False
    sem = semantics.of(ctx)
    if node.type in _NAMES:
        return sem.bound_to_constant(node)
    if node.type == "selector_expression" and node.named_children:
        head = node.named_children[0]
        return head.type in _NAMES and _text(ctx, head) in sem.imports
    return False


def _function_names(ctx: FileContext, node: Node) -> Iterator[str]:
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTIONS:
            name = parent.child_by_field_name("name")
            if name is not None:
                yield _text(ctx, name)
            elif parent.parent is not None and parent.parent.type in (
                "variable_declarator",
                "pair",
                "assignment",
                "assignment_statement",
                "expression_list",
                "literal_element",
            ):
                holder = parent.parent
                if holder.type in ("expression_list", "literal_element") and holder.parent:
                    holder = holder.parent  # Go: `cfg.PasswordCallback = func(..)`, `{K: func(..)}`
                bound = (
                    holder.child_by_field_name("name")
                    or holder.child_by_field_name("key")
                    or holder.child_by_field_name("left")
                )
                if bound is not None:
                    yield _text(ctx, bound)
        parent = parent.parent


def checking(ctx: FileContext, node: Node, operands: list[Node], origin: bool) -> bool:
    """Whether the comparison reads as an authentication check."""
    if origin:
        return True
    sem = semantics.of(ctx)
    for operand in operands:
        if any(w in PRESENTED_WORDS for w in words(_text(ctx, _unwrap(operand)))):
            return True
        if timing_context.extracted_part(sem, _unwrap(operand)) or _origin(ctx, operand) == REQUEST:
            return True  # what the client sent: a cookie, a header, a body's field
    return any(_verifier_name(name) for name in _function_names(ctx, node)) or (
        _account_check(ctx, node, operands)
    )


# A parameter that is a user's name (`username`, `user`, `login`, `email`), and one that
# is a password (`password`, `passwd`, `pass`, `pwd`, `passphrase`).
_USER_NAME_WORDS = frozenset({"user", "username", "login", "email", "principal", "name", "uname"})
_USER_WORDS = frozenset({"user", "username", "login", "email", "principal", "uname"})
_PASSWORD_WORDS = frozenset({"password", "passwd", "pass", "pwd", "passphrase"})


def _account_check(ctx: FileContext, node: Node, operands: list[Node]) -> bool:
    """The comparison checks a password the function is handed beside a user's name
    (`HasAccount(username, password string) bool`): a login check, whatever its name."""
    function = enclosing_function(node)
    if function is None:
        return False
    sem = semantics.of(ctx)
    params = [name for name, _ in types.parameter_list(sem, function)]
    compared = {_text(ctx, _unwrap(o)) for o in operands}

    def user(name: str) -> bool:
        ws = set(words(name))
        return bool(ws) and ws <= _USER_NAME_WORDS and bool(ws & _USER_WORDS)

    return any(p in compared and set(words(p)) & _PASSWORD_WORDS for p in params) and any(
        user(p) for p in params
    )


_CALLBACK_WORDS = frozenset({"callback", "handler", "hook"})
_CREDENTIAL_HOOKS = frozenset({"password", "passwd", "token", "secret", "key", "credential"})


def _verifier_name(name: str) -> bool:
    """A function named for checking (`verifyToken`), or the hook a server calls with a
    presented credential (`PasswordCallback`, `tokenHandler`)."""
    ws = words(name)
    if any(w in VERIFY_WORDS for w in ws):
        return True
    return bool(ws) and ws[-1] in _CALLBACK_WORDS and bool(_CREDENTIAL_HOOKS.intersection(ws))


def _operator(ctx: FileContext, node: Node) -> str | None:
    op = node.child_by_field_name("operator")
    if op is not None:
        return _text(ctx, op)
    for child in node.children:
        if not child.is_named and child.type in EQUALITY:
            return child.type
    return None


def _hit(ctx: FileContext, node: Node, name: str, how: str, operands: list[Node]) -> Hit:
    lang = _lang(ctx)
    message = (
        f"{name} is compared with {how}, which stops at the first differing byte: "
        f"the time it takes leaks the secret; use {FIX.get(lang, 'a constant-time comparison')}"
    )
    confidence = None if _presented(ctx, node, operands) else Confidence.MEDIUM
    if confidence is None:
        callback = timing_context.update_callback(ctx, node, operands)
        example = "" if callback else timing_context.example_type(ctx, node)
        response = (
            "" if callback or example else timing_context.client_response(ctx, node, operands)
        )
        session = (
            ""
            if callback or example or response
            else timing_context.session_identifier(ctx, operands)
        )
        if session:
            confidence = Confidence.MEDIUM
            message += (
                f" (medium: `{session}` is a session's identifier, which the server looks"
                " sessions up by; comparing identifiers picks a session, it does not check"
                " a secret)"
            )
        elif response:
            confidence = Confidence.MEDIUM
            message += (
                f" (medium: compared on the client, with what the server it called answered"
                f" in `{response}`; only that server could time it, across the network)"
            )
        elif callback:
            confidence = Confidence.MEDIUM
            message += (
                f" (medium: compared inside a callback `{callback}` calls with the stored record;"
                " the record was found before the update, usually by a check of this"
                " value already made)"
            )
        elif example:
            confidence = Confidence.MEDIUM
            message += f" (medium: {example}; an example's credential store is not a deployment's)"
    unused = remarks.said_unused(ctx, node, _ABOUT_TIMING)
    if unused is not None:
        # Shown at the pedantic level: the author says nothing reaches this comparison.
        confidence = Confidence.LOW
        message += f" (low: the comment above says `{unused}`)"
    return Hit(span=code.node_span(ctx.source, node), message=message, confidence=confidence)


# A comment about the comparison's own method (`constant-time compare is not used here`)
# speaks of the fix, not of whether the code runs.
_ABOUT_TIMING = re.compile(r"(?i)constant[- ]?time|timing|subtle|hmac\.equal|compare_digest")


def _presented(ctx: FileContext, node: Node, operands: list[Node]) -> bool:
    """Whether a side of the comparison is seen to come from outside the server: read
    from the request in this function, or passed in by the function's caller (a
    handler's or a verifier's argument, the seed's `ValidateToken(id, token)`). A
    comparison of two values the server holds (a stored token against another stored
    one, an identity against its certificate's) leaks nothing to anyone; one whose
    sides' origins are not seen is reported at medium confidence."""
    if enclosing_function(node) is None:
        return False
    return any(_from_outside(ctx, operand) for operand in operands)


def _from_outside(ctx: FileContext, operand: Node) -> bool:
    """The operand, or a value it is computed from (`hash(password)`,
    `sha256(password.encode())`, through the names it was bound from), is read from the
    request or passed in by the caller."""
    outside = (REQUEST, PARAMETER)
    if _origin(ctx, operand, parameters=True) in outside:
        return True
    sem = semantics.of(ctx)
    if timing_context.extracted_part(sem, _unwrap(operand)):
        return True  # read off a handler's cookie jar or request extractor
    value, _ = sem.value_of(operand)
    # The names the value is computed from, and through a digest bound to a name, what
    # that digest is computed from (`sum := sha256.Sum256([]byte(token))` then
    # `hex.EncodeToString(sum[:])`), a bounded number of steps.
    pending, seen, budget = [value], {value.id}, 48
    while pending and budget:
        current = pending.pop()
        for inner in walk(current):
            budget -= 1
            if inner.type not in _NAMES or inner.id == current.id:
                continue
            if _lookup_key(ctx, inner, current):
                continue
            if _origin(ctx, inner, parameters=True) in outside:
                return True
            bound, _ = sem.value_of(inner)
            if (
                bound.id not in seen
                and bound.id != inner.id
                and origins.origin(sem, bound).kind == "hash"
            ):
                seen.add(bound.id)
                pending.append(bound)
    return False


_INDEXES = frozenset({"subscript", "subscript_expression", "index_expression"})
_LOOKUPS = re.compile(r"(?i)^(get|find|lookup|load|fetch|query|select|read)")


def _found_by_it(ctx: FileContext, node: Node, left: Node, right: Node) -> bool:
    """A re-check of a record the same value just found: earlier in the function the
    value was the parameter of an SQL equality (`Where("token = ?", token)`), and the
    other side is a field of what that query filled (`client.Token == token`). The
    database matched it exactly or found nothing; the comparison tells nothing more."""
    function = enclosing_function(node)
    if function is None:
        return False
    # The lookup stands just above the re-check: the function's last few KB before it
    # are read (a long function of many comparisons is not read once per comparison).
    start = max(function.start_byte, node.start_byte - _LOOKUP_REACH)
    before = ctx.source.utf8[start : node.start_byte].decode("utf-8", "replace")
    for value, record in ((left, right), (right, left)):
        name = _text(ctx, value).strip()
        if not re.fullmatch(r"[A-Za-z_]\w*", name) or record.type not in _MEMBERS:
            continue
        if not re.search(rf",\s*{re.escape(name)}\s*[,)]", before):
            continue  # never a query's parameter: no need to look for the query
        query = re.search(
            r"""["'`][^"'`\n]{0,200}?=\s*(?:\?|\$\d+|%s|:\w+)[^"'`\n]{0,200}["'`]\s*,\s*"""
            + re.escape(name)
            + r"\s*[,)]",
            before,
        )
        if query is not None:
            return True
    return False


_MEMBERS = frozenset({"selector_expression", "member_expression", "attribute", "field_expression"})
_LOOKUP_REACH = 4096


def _lookup_key(ctx: FileContext, inner: Node, operand: Node) -> bool:
    """`users[name].password`, `store.get(id).token`: the name picks the record the
    server holds; the compared value is the server's."""
    node = inner
    while node.parent is not None and node.id != operand.id:
        parent = node.parent
        if parent.type in _INDEXES and parent.named_children and parent.named_children[0] != node:
            return True
        if parent.type in ("arguments", "argument_list"):
            call = parent.parent
            callee = call.child_by_field_name("function") if call is not None else None
            if callee is not None and _LOOKUPS.match(re.split(r"[.:]+", _text(ctx, callee))[-1]):
                return True
        node = parent
    return False


_NAMES = frozenset({"identifier", "shorthand_property_identifier", "simple_identifier"})


_CONFIRM = frozenset(
    {"repeat", "repeated", "confirm", "confirmation", "again", "retype", "retyped"}
)


def _confirmation(ctx: FileContext, left: Node, right: Node) -> bool:
    """A form's "repeat your password" check: both sides typed by the same user."""
    both = words(_text(ctx, left)) + words(_text(ctx, right))
    names = [w for n in _function_names(ctx, left) for w in words(n)]
    return bool(_CONFIRM & set(both)) or bool(
        {"match", "matches", "fake", "mock", "stub", "dummy"} & set(names + _class_words(ctx, left))
    )


def _class_words(ctx: FileContext, node: Node) -> list[str]:
    parent = node.parent
    while parent is not None:
        if parent.type in ("class_definition", "class_declaration", "impl_item"):
            name = parent.child_by_field_name("name") or parent.child_by_field_name("type")
            return words(_text(ctx, name)) if name is not None else []
        parent = parent.parent
    return []


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    if ctx.path.endswith((".min.js", ".bundle.js")):
        return  # generated: report the source it was built from
    if runtime.browser_code(ctx):
        return  # runs in the user's browser: nobody else can time it
    lang = _lang(ctx)
    calls = COMPARE_CALLS.get(lang, frozenset())
    kinds = ("binary_expression", "comparison_operator", "call_expression")
    named = secret_candidates(ctx, *kinds)
    # A comparison whose sides name no secret can still hold one by origin: a keyed
    # digest, or a value read from the request under a secret header's key.
    seen = {n.id for n in named}
    by_origin = (
        [n for n in nodes_of(ctx, *kinds[:2]) if n.id not in seen]
        if HEADER_PARTS.search(ctx.text, ctx.lower()) is not None
        else []
    )
    for node in code.source_order([*named, *by_origin]):
        kind = node.type
        if kind in ("binary_expression", "comparison_operator"):
            op = _operator(ctx, node)
            operands = [c for c in node.named_children if c.type not in ("comment",)]
            if op in EQUALITY and len(operands) == 2:
                left, right = operands
                if (
                    not constant(ctx, left)
                    and not constant(ctx, right)
                    and not _confirmation(ctx, left, right)
                    and not _copy_compared(ctx, node, left, right)
                    and not _query_expression(ctx, node)
                    and not _state_token(ctx, node, left)
                    and not _state_token(ctx, node, right)
                    and not _no_attacker_side(ctx, node, left, right)
                    and not _found_by_it(ctx, node, left, right)
                    and not _names_compared(ctx, left, right)
                    and not _config_validator(ctx, node)
                    and not _equality_method(ctx, node)
                    and not _field_diff(ctx, node, left, right)
                    and not _object_identity(ctx, node, left, right)
                    and not (_numeric(ctx, left) or _numeric(ctx, right))
                ):
                    found = _secret_side(ctx, left, right, node.id in seen)
                    if found is None:
                        continue
                    name, read = found
                    if _challenge(ctx, node, name) or _hardware_pair(ctx, name, operands):
                        continue
                    if checking(ctx, node, operands, read):
                        yield _hit(ctx, node, _short(name), f"`{op}`", operands)
        elif kind == "call_expression" and calls:
            function = node.child_by_field_name("function")
            fname = _text(ctx, function) if function is not None else ""
            args = node.child_by_field_name("arguments")
            if fname in calls and args is not None and len(args.named_children) == 2:
                a, b = args.named_children
                if (
                    not constant(ctx, a)
                    and not constant(ctx, b)
                    and not _no_attacker_side(ctx, node, a, b)
                ):
                    found = _secret_side(ctx, a, b, True)
                    if found is not None and checking(ctx, node, [a, b], found[1]):
                        yield _hit(ctx, node, _short(found[0]), f"`{fname}`", [a, b])


def _secret_side(
    ctx: FileContext, left: Node, right: Node, by_name: bool
) -> tuple[str, bool] | None:
    """What makes a side of the comparison a secret, and whether that side was read
    from the request: its name (`token`, `cfg.APIKey`, `headers["X-Api-Key"]`), the
    secret header's key it was read under (`given := r.Header.Get("X-Api-Key")`), or,
    whatever the two are called, a keyed digest (`hmac.new(...).hexdigest()`, Go
    `hex.EncodeToString(mac.Sum(nil))`, Node `createHmac(...).digest("hex")`) compared
    with a value from the request or the caller."""
    sem = semantics.of(ctx)
    if _binding_hash(ctx, left) or _binding_hash(ctx, right):
        return None
    for side, held in ((left, right), (right, left)) if by_name else ():
        name = secret_operand(ctx, side)
        function = enclosing_function(side)
        if name and function is not None and public_access_key(name, _text(ctx, function)):
            continue  # `consumer.AccessKey == params.KeyId`: the pair's identifier, looked up
        if name:
            read = _origin(ctx, side) == REQUEST
            if read and _public_value(ctx, held):
                return None  # what the server holds is public: a guess of it leaks nothing
            return name, read
    sides = [origins.origin(sem, side) for side in (left, right)]
    for side, found in zip((left, right), sides, strict=True):
        if found.kind in ("request", "parameter") and found.detail:
            if _identifier_member(ctx, side):
                continue
            key = found.detail
            if SECRET_HEADERS.match(key) or secret_name(key.replace("-", "_")):
                return _text(ctx, side), found.kind == "request"
    for (side, found), (_, other) in (
        ((left, sides[0]), (right, sides[1])),
        ((right, sides[1]), (left, sides[0])),
    ):
        if found.kind == "hmac" and other.kind in ("request", "parameter"):
            return _text(ctx, side), True  # checking a keyed digest is verifying it
    return None


# The claims that bind an ID token (or a DPoP proof) to a token or code the client
# holds: half a digest of it, published in the signed token (OpenID Connect Core
# 3.1.3.6, 3.3.2.11; RFC 9449 `ath`). Comparing it checks the binding, not a secret.
_BINDING_HASHES = frozenset(
    {("at", "hash"), ("c", "hash"), ("s", "hash"), ("access", "token", "hash"),
     ("code", "hash"), ("state", "hash"), ("ath",)}
)  # fmt: skip


def _binding_hash(ctx: FileContext, side: Node) -> bool:
    last = re.split(r"[.:\[\]]+", _text(ctx, _unwrap(side)).strip().rstrip("()[]\"'"))[-1]
    return tuple(words(last.strip("\"'"))) in _BINDING_HASHES


# What a side named this holds is the name of an object (a Kubernetes Secret's, a
# key's), so the other side is one too: `pol.Spec.JWTAuth.Secret == secretName` finds
# the policies that reference a Secret.
_NAME_WORDS = frozenset({"name", "names", "namespace", "ns"})


def _names_compared(ctx: FileContext, left: Node, right: Node) -> bool:
    for side in (left, right):
        last = re.split(r"[.:\[\]]+", _text(ctx, _unwrap(side)).strip().rstrip("()[]"))[-1]
        if words(last)[-1:] and words(last)[-1] in _NAME_WORDS:
            return True
    return False


_PUBLIC = frozenset({"public", "pub", "address", "addr", "fingerprint"})


def _public_value(ctx: FileContext, node: Node) -> bool:
    """A value the code calls public, by its name or, through its binding, by the field
    it was read from: `publicKey`, `wallet.address`, `key.fingerprint`."""
    value, _ = semantics.of(ctx).value_of(node)
    for each in (node, value):
        last = re.split(r"[.:\[\]]+", _text(ctx, each).strip().rstrip("()[]"))[-1]
        if _PUBLIC & set(words(last)):
            return True
    return False


def _hardware_pair(ctx: FileContext, name: str, operands: list[Node]) -> bool:
    """`n.mac == dstMAC`: a `mac` compared with a hardware address is one too."""
    if words(name)[-1:] != ["mac"]:
        return False
    return any(
        "mac" in ws and HARDWARE.intersection(ws) for ws in (words(_text(ctx, o)) for o in operands)
    )


_CHALLENGE = frozenset({"challenge", "chal", "ch", "acme", "http01", "dns01"})


def _challenge(ctx: FileContext, node: Node, name: str) -> bool:
    """A challenge token (ACME http-01/dns-01, a DPoP `chal`) was issued to the client that
    presents it: the client already knows it, so timing reveals nothing."""
    ws = words(name)
    if not ws or ws[-1] != "token":
        return False
    if _CHALLENGE.intersection(ws[:-1]):
        return True
    around = [w for n in _function_names(ctx, node) for w in words(n)] + _class_words(ctx, node)
    return bool({"challenge", "acme", "http01", "dns01"}.intersection(around))


def _short(text: str) -> str:
    one = " ".join(text.split())
    return f"`{one}`" if len(one) <= 60 else f"`{one[:57]}...`"


# Where an operand's value comes from: the request (a header, cookie, form or query
# value, something a helper reads from the request), a session the session library
# verified (`.Values` of a session, a store handed the request), which is the server's,
# or (asked with `parameters`) what the function's caller passes.
REQUEST, SESSION, PARAMETER = "request", "session", "parameter"
_SESSION_READS = re.compile(
    r"\.Values\b|\b(session|sessions|sess|store|sessionStore|session_store)\.(Get|get)\s*\(|"
    r"\(\s*[^()]*\bstore\b[^()]*\)"
)
_STRING = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`""")


def _same_sequence(ctx: FileContext, left: Node, right: Node) -> bool:
    """Two elements of one value (`password[i] == password[i+1]`, a complexity rule
    looking for repeated characters): no reference secret on either side."""
    bases = []
    for side in (_unwrap(left), _unwrap(right)):
        if side.type not in ("index_expression", "subscript", "subscript_expression"):
            return False
        base = (
            side.child_by_field_name("operand")
            or side.child_by_field_name("value")
            or side.child_by_field_name("object")
        )
        if base is None:
            return False
        bases.append(_text(ctx, base))
    return bases[0] == bases[1]


# What a form's repeated field adds to the field's name: `password_verify`,
# `newPasswordConfirm`, `password2`, `password_again`.
_REPEATED = re.compile(
    r"(?i)[_-]?(?:verify|verification|confirm|confirmation|again|repeat|retype|check|2)"
)


def _confirmation_pair(ctx: FileContext, left: Node, right: Node) -> bool:
    """A value against its confirmation, two fields of one object
    (`data.password != data.password_verify`): the sender typed both, so neither side
    holds anything the sender does not know."""
    reads = []
    for side in (_unwrap(left), _unwrap(right)):
        if side.type not in _FIELD_READS or len(side.named_children) < 2:
            return False
        base, field = side.named_children[0], side.named_children[-1]
        reads.append((_text(ctx, base), _text(ctx, field)))
    (base_a, a), (base_b, b) = reads
    if base_a != base_b or a == b:
        return False
    short, long = sorted((a, b), key=len)
    return long.lower().startswith(short.lower()) and bool(_REPEATED.fullmatch(long[len(short) :]))


# Fields that name or identify an object: what is compared with one is a name.
# (An `id` is left out: a session's identifier is a bearer secret.)
_NAME_FIELDS = frozenset(
    {"Name", "name", "Kind", "kind", "Namespace", "namespace", "Type", "type"}
)  # fmt: skip


def _object_name(ctx: FileContext, operand: Node) -> bool:
    """A side read from an object's name or identifier field (`secrets.Items[0].Name`,
    `item.metadata.name`): the comparison finds an object by name (a Kubernetes Secret
    named like the release's), it checks no secret's value."""
    node = _unwrap(operand)
    if node.type not in timing_context.ACCESSORS or not node.named_children:
        return False
    return _text(ctx, node.named_children[-1]) in _NAME_FIELDS


# Conversions to a number: what they return compares as one machine word.
_TO_NUMBER = re.compile(r"(?:int|float|parseInt|parseFloat|Number|BigInt|Int|UInt\d*|Int\d+)")
# Declared number types (Go, Rust, TypeScript, Swift, Python annotations).
_NUMBER_TYPE = re.compile(
    r"\*?(?:u?int(?:8|16|32|64)?|[iu](?:8|16|32|64|128|size)|number|bigint|U?Int(?:8|16|32|64)?|float(?:32|64)?)"
)


def _numeric(ctx: FileContext, operand: Node) -> bool:
    """A side that is a number: converted to one (`int(token)`, `parseInt(code, 10)`,
    directly or through the name bound to it) or declared as one (`code int`,
    `otp: u32`). Numbers compare as a machine word or two, not byte by byte: nothing
    about a guess leaks by how long the comparison takes (a six-digit code compared as
    an int, the way the TOTP libraries do)."""
    return _numeric_value(ctx, semantics.of(ctx), operand, 3)


# Operators whose result is a number whatever the operands' names (`%` only when its left
# side is no string: Python's formatting operator).
_NUMBER_OPERATORS = frozenset({"%", "//", "<<", ">>", "&", "|", "^", "**"})


def _numeric_value(ctx: FileContext, sem: semantics.Semantics, operand: Node, depth: int) -> bool:
    """`_numeric`, through names, arithmetic and what same-file functions return
    (`self.token()` returning `hotp(...)`, which returns `code % 10 ** digits`)."""
    node = _unwrap(operand)
    if node.type in ("identifier", "simple_identifier"):
        declared = types.declared_type(sem, node)
        if declared is not None and _NUMBER_TYPE.fullmatch(declared.strip()):
            return True
    value, key = sem.value_of(node)
    if key is not None or depth <= 0:
        return False
    if value.type in ("integer", "int_literal", "float", "number"):
        return True
    if value.type in ("binary_operator", "binary_expression"):
        op = value.child_by_field_name("operator")
        left = value.child_by_field_name("left")
        return (
            op is not None
            and _text(ctx, op) in _NUMBER_OPERATORS
            and left is not None
            and left.type not in STRINGS
        )
    if value.type in ("call", "call_expression"):
        function = value.child_by_field_name("function")
        if function is None:
            return False
        if _TO_NUMBER.fullmatch(_text(ctx, function)) or _text(ctx, function) in ("pow", "len"):
            return True
        name = re.split(r"[.:]+", _text(ctx, function))[-1]
        returned = sem.returns(name) if re.fullmatch(r"\w+", name) else []
        return bool(returned) and all(_numeric_value(ctx, sem, r, depth - 1) for r in returned[:4])
    return False


def _no_attacker_side(ctx: FileContext, node: Node, left: Node, right: Node) -> bool:
    """A timing leak needs a secret on one side and an attacker's guess on the other.
    Two values from the same request (a double-submit cookie against its form field, a
    bearer token against the token it asks about) hold nothing the sender does not
    already know. (A session value against a parameter is not excused: what the caller
    passes is not visible here, and a parameter's name is no evidence.)"""
    if enclosing_function(node) is None:
        return False
    if _key_fingerprint(ctx, left) or _key_fingerprint(ctx, right):
        return True
    if _same_sequence(ctx, left, right) or _confirmation_pair(ctx, left, right):
        return True
    if _object_name(ctx, left) or _object_name(ctx, right):
        return True
    sem = semantics.of(ctx)
    if timing_context.core_checked_token(sem, left) or timing_context.core_checked_token(
        sem, right
    ):
        return True
    field = timing_context.double_submit(sem, left, right)
    if field is not None and _origin(ctx, field) != SESSION:
        return True
    # A handler's cookie against a part of the same request its framework extracted
    # (an OAuth callback's `state` against the CSRF cookie): both are the client's.
    parts = {timing_context.extracted_part(sem, side) for side in (left, right)}
    if parts == {"cookie", "field"}:
        return True
    return _origin(ctx, left) == REQUEST and _origin(ctx, right) == REQUEST


# Declared types of key material: a key object, not a credential anyone presents.
_KEY_MATERIAL = re.compile(
    r"(Private|Public|Signing|Verifying)Key\b|\bPKey\b|\b(ed25519|ecdsa|rsa)\.\w*Key\b"
)


def _key_fingerprint(ctx: FileContext, operand: Node) -> bool:
    """A plain digest of a key object (a value declared as a private or public key,
    through the names it is computed from): the key's fingerprint, compared to notice
    that the key changed or to pick a key. It authenticates nobody: a fingerprint
    learned by timing opens nothing. (A digest of a token or password is no such thing,
    and an HMAC is keyed: both stay checked.)"""
    sem = semantics.of(ctx)
    if origins.origin(sem, operand).kind != "hash":
        return False
    stack, budget = [operand], 64
    while stack and budget:
        budget -= 1
        node = stack.pop()
        if node.type in _NAMES:
            declared = types.declared_type(sem, node)
            if declared is not None and _KEY_MATERIAL.search(declared):
                return True
            value, _ = sem.value_of(node)
            if value.id != node.id:
                stack.append(value)
            continue
        stack.extend(node.named_children)
    return False


def _origin(ctx: FileContext, operand: Node, parameters: bool = False) -> str | None:
    """REQUEST, SESSION, or (with `parameters`) PARAMETER, as the semantic layer traces
    the operand; None when unseen, or for a MAC or digest the server computes."""
    sem = semantics.of(ctx)
    value, _ = sem.value_of(operand)
    for step in (operand, value):
        if _SESSION_READS.search(_STRING.sub('""', _text(ctx, _unwrap(step)))):
            return SESSION
    found = origins.origin(sem, operand)
    if found.kind == "request":
        return REQUEST
    if found.kind == "parameter" and not _receiver_state(sem, value):
        return PARAMETER if parameters else None
    return None


def _receiver_state(sem: semantics.Semantics, node: Node) -> bool:
    """`s.issued.Token` in a Go method of `s`: the server's own state, not something
    the caller passed."""
    node = _unwrap(node)
    while node.type in ("selector_expression", "index_expression", "call_expression"):
        head = node.named_children[0] if node.named_children else None
        if head is None:
            return False
        node = head.named_children[0] if head.type == "selector_expression" else head
        node = _unwrap(node)
    if node.type != "identifier":
        return False
    function = sem.function_of(node)
    while function is not None and function.type == "func_literal":
        function = sem.function_of(function)
    receiver = function.child_by_field_name("receiver") if function is not None else None
    return receiver is not None and any(
        n.type == "identifier" and sem.text(n) == sem.text(node) for n in walk(receiver)
    )
