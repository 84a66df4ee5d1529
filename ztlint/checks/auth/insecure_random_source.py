"""Non-cryptographic random numbers used to make secrets.

`math/rand`, Python's `random` and JavaScript's `Math.random` are seeded, fast
generators whose output can be predicted from a few samples. They are right for jitter,
sampling and tests, and wrong for anything an attacker must not guess. A call is
reported only when what it makes is a secret: it is bound to a name such as `token`,
`session_id`, `resetCode`, `nonce`, `salt` or `api_key`, or returned from a function
named for one (`generate_token`, `newNonce`), including a buffer filled from an
alphabet in a loop and returned (Go `b[i] = letters[rand.Intn(len(letters))]`). `random.SystemRandom()` and
`secrets`/`crypto/rand`/`crypto.getRandomValues` are the fix, never findings. A draw
that is only ranked against another value (`roll := rand.Intn(100)` .. `if roll <
percent`) decides a probability, whatever its name: not a finding; nor is a fraction
handed to a computation that does not format or encode it (a jitter).

Over 400 lines: where a draw's value ends up (a binding, a returned buffer, a writer, a
computation's argument) is one walk for three languages; split, each part would need
the others' cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import STRINGS, nodes_of
from ztlint.checks.codeutil import text as _text
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics.vocabulary import KEY_QUALIFIERS, METADATA, words

MADE_SECRETS = frozenset(
    {
        "token",
        "tokens",
        "secret",
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "nonce",
        "salt",
        "otp",
        "totp",
        "hotp",
        "csrf",
        "xsrf",
        "apikey",
        "session",
        "sessionid",
        "sid",
        "iv",
        "pin",
        "passcode",
        "verifier",
        "challenge",
    }
)
# "code" and "id" name a secret only after one of these words.
QUALIFIED = {
    "code": frozenset(
        {
            "reset",
            "verification",
            "verify",
            "confirm",
            "confirmation",
            "auth",
            "otp",
            "invite",
            "recovery",
            "login",
            "magic",
            "activation",
            "access",
        }
    ),
    "id": frozenset({"session", "csrf", "request_secret"}),
    "key": KEY_QUALIFIERS,
    "link": frozenset({"reset", "magic", "invite"}),
}
BINDINGS = frozenset(
    {
        "assignment",
        "assignment_statement",
        "short_var_declaration",
        "var_spec",
        "variable_declarator",
        "keyword_argument",
        "pair",
        "keyed_element",
        "assignment_expression",
        "augmented_assignment",
        "field_initializer",
        "public_field_definition",
        "property_signature",
    }
)
PY_RANDOM = frozenset(
    {
        "random",
        "randint",
        "randrange",
        "choice",
        "choices",
        "sample",
        "getrandbits",
        "randbytes",
        "uniform",
        "shuffle",
    }
)
METADATA_HERE = METADATA - {"id", "ids"}


# The last word of a name that holds a quantity about a secret, not one: a session's
# refresh interval, a token's lifetime (`sessionRefreshInterval = 5 + rand.Intn(10)`).
_QUANTITIES = frozenset(
    {"interval", "timeout", "delay", "duration", "ttl", "period", "jitter", "backoff",
     "lifetime", "expiry", "retries", "attempts", "count", "size", "length", "len", "port"}
)  # fmt: skip


def makes_secret(name: str) -> bool:
    ws = words(name)
    if not ws or any(w in METADATA_HERE for w in ws) or ws[-1] in _QUANTITIES:
        return False
    for i, w in enumerate(ws):
        if w in MADE_SECRETS:
            return True
        if w in QUALIFIED and i > 0 and ws[i - 1] in QUALIFIED[w]:
            return True
    return False


def _imports(sem: semantics.Semantics, lang: str) -> tuple[set[str], set[str]]:
    """Go: names of math/rand imports. Python: module aliases of `random`, and names
    imported from it (by the file's imports as the semantic layer reads them)."""
    imports = sem.imports
    if lang == "go":
        return {n for n, path in imports.items() if path in ("math/rand", "math/rand/v2")}, set()
    modules = {n for n, q in imports.items() if q == "random"}
    functions = {
        n
        for n, q in imports.items()
        if q.startswith("random.") and q.removeprefix("random.") in PY_RANDOM
    }
    return modules, functions


def _weak_call(
    ctx: FileContext, call: Node, lang: str, modules: set[str], functions: set[str]
) -> str | None:
    function = call.child_by_field_name("function")
    if function is None:
        return None
    name = _text(ctx, function)
    if lang == "javascript":
        return name if name == "Math.random" else None
    head, _, tail = name.rpartition(".")
    if lang == "go":
        return name if head in modules and tail else None
    if lang == "python" and ((head in modules and tail in PY_RANDOM) or name in functions):
        return name
    return None


# Syntax that names where a value goes without binding a name: a keyword argument, an
# object or struct literal key, a field initializer.
_KEYED = frozenset(
    {"keyword_argument", "pair", "keyed_element", "field_initializer", "public_field_definition",
     "property_signature"}
)  # fmt: skip
_INDEXED = frozenset({"index_expression", "subscript", "subscript_expression"})
_MEMBERS = frozenset({"attribute", "member_expression", "selector_expression", "field_expression"})


def _target(sem: semantics.Semantics, statement: Node) -> Node | None:
    """What an assignment or declaration stores into: the name the semantic layer binds
    there, else the key, field or element written (`user.session_id = ..`,
    `Session{Token: ..}`, `b[i] = ..`)."""
    if statement.type in _KEYED:
        target = statement.child_by_field_name("key") or statement.child_by_field_name("name")
        if target is None and statement.named_children:
            target = statement.named_children[0]
        return target
    scope = sem.function_of(statement)
    for items in sem.bindings(scope).values():
        for binding in items:
            if binding.node.id == statement.id:
                target = next(
                    (n for n in _names_in(statement) if sem.text(n) == binding.name), None
                )
                if target is not None:
                    return target
    left = statement.child_by_field_name("left") or statement.child_by_field_name("name")
    if left is not None and left.type == "expression_list" and left.named_children:
        left = left.named_children[0]
    return left


def _names_in(statement: Node) -> list[Node]:
    left = (
        statement.child_by_field_name("left")
        or statement.child_by_field_name("name")
        or statement.child_by_field_name("pattern")
    )
    if left is None:
        return []
    return [left] if left.type in semantics.NAMES else list(left.named_children)


def _returned_buffer(sem: semantics.Semantics, function: Node, buffer: Node) -> bool:
    """The function returns the buffer a loop fills (`return string(b)`, `return
    sb.String()`, `return "".join(chars)`): what it makes is what the function returns."""
    name = function.child_by_field_name("name")
    if name is None:
        return False
    wanted = sem.resolve(buffer)
    for value in sem.returns(sem.text(name)):
        node = sem.unwrap(value)
        if node.type == "call_expression":
            target = node.child_by_field_name("function")
            method = target.child_by_field_name("field") if target is not None else None
            if (
                target is not None
                and method is not None
                and sem.text(method) in ("String", "Bytes")
            ):
                node = target.named_children[0]
        if node.type not in semantics.NAMES or sem.text(node) != sem.text(buffer):
            continue
        found = sem.resolve(node)
        if found is None or wanted is None or found.node.id == wanted.node.id:
            return True
        # flow-insensitive: `code = append(code, ..)` re-binds the same buffer
        if sem.function_of(found.node) == sem.function_of(wanted.node):
            return True
    return False


_WRITES = re.compile(r"^(Write\w*|write\w*|push|append|extend|add)$")


def _written_buffer(sem: semantics.Semantics, arguments: Node) -> str | None:
    """The function that returns the buffer a write call fills, or None."""
    call = arguments.parent
    if call is None:
        return None
    target = call.child_by_field_name("function")
    if target is None or target.type not in _MEMBERS or not target.named_children:
        return None
    method = target.child_by_field_name("field") or target.child_by_field_name("property")
    receiver = target.named_children[0]
    if (
        method is None
        or not _WRITES.match(sem.text(method))
        or receiver.type not in semantics.NAMES
    ):
        return None
    function = sem.function_of(call)
    if function is None or not _returned_buffer(sem, function, receiver):
        return None
    return _function_name(sem, function)


def _function_name(sem: semantics.Semantics, function: Node | None) -> str | None:
    """A function's name, or the name an anonymous function is bound to."""
    if function is None:
        return None
    name = function.child_by_field_name("name")
    if name is not None:
        return sem.text(name)
    scope = sem.function_of(function)
    for items in sem.bindings(scope).values():
        for binding in items:
            if binding.value is not None and binding.value.id == function.id:
                return binding.name
    parent = function.parent
    if parent is not None and parent.type in _KEYED:
        key = parent.child_by_field_name("key") or parent.child_by_field_name("name")
        return sem.text(key) if key is not None else None
    return None


def _count_argument(sem: semantics.Semantics, arguments: Node, node: Node) -> bool:
    """The value is the count of a repetition (`strings.Repeat(s, n)`, `"0".repeat(n)`,
    Python's `"0" * n` is no call): the result is the fixed text, only its length varies."""
    call = arguments.parent
    function = call.child_by_field_name("function") if call is not None else None
    name = sem.text(function) if function is not None else ""
    items = [c for c in arguments.named_children if c.type != "comment"]
    if not items or items[-1].id != node.id:
        return False
    if name.endswith(".repeat"):  # JavaScript: `"0".repeat(n)`
        return name[:1] in "\"'`" and len(items) == 1
    return name.endswith("Repeat") and len(items) == 2 and sem.text(items[0])[:1] in "\"'`"


def _destination(sem: semantics.Semantics, call: Node) -> str | None:
    """The name the call's value ends up in: what a binding stores it as, the buffer
    it fills when that buffer is what the function returns (`b[i] =
    letters[rand.Intn(len(letters))]` .. `return string(b)`), or the function it is
    returned from; looks up through expressions, not through statements."""
    node = call
    for _ in range(10):
        parent = node.parent
        if parent is None:
            return None
        if parent.type in BINDINGS:
            right = parent.child_by_field_name("right") or parent.child_by_field_name("value")
            inside = right is not None and right.start_byte <= node.start_byte <= right.end_byte
            if not inside and parent.type not in _KEYED | {"var_spec", "short_var_declaration"}:
                return None
            target = _target(sem, parent)
            if target is None:
                return None
            if target.type in _INDEXED or (
                target.type in semantics.NAMES and not makes_secret(sem.text(target))
            ):
                buffer = target.named_children[0] if target.type in _INDEXED else target
                function = sem.function_of(parent)
                if (
                    buffer.type in semantics.NAMES
                    and function is not None
                    and _returned_buffer(sem, function, buffer)
                ):
                    return _function_name(sem, function)
            if target.type in _INDEXED:
                return None
            return sem.text(target)
        if parent.type == "return_statement":
            return _function_name(sem, sem.function_of(parent))
        if _picks_element(sem, parent, node):
            return None  # `return keys[rand.Intn(len(keys))]`: one of the values it was given
        if parent.type in ("argument_list", "arguments") and _count_argument(sem, parent, node):
            return None  # `strings.Repeat("0", rand.IntN(20))`: a random length of a fixed text
        if parent.type in ("argument_list", "arguments"):
            # `sb.WriteByte(letters[rand.Intn(..)])`, `chars.push(..)`: the receiver fills
            written = _written_buffer(sem, parent)
            if written is not None:
                return written
            if node.id == call.id and _fraction(sem, call) and not _passes_on(sem, parent):
                # `nextRefresh(ttl, rand.Float64())`: a fraction handed to a computation
                # (a jitter, a probability); what the call makes is its own value.
                return None
        if parent.type == "arrow_function":
            return _function_name(sem, parent)
        if (
            parent.type.endswith(("statement", "block", "declaration"))
            and parent.type not in BINDINGS
        ):
            return None
        node = parent
    return None


def _picks_element(sem: semantics.Semantics, parent: Node, node: Node) -> bool:
    """`return tokens[rand.Intn(len(tokens))]`: the draw picks which of the values a
    collection already holds is returned (a key to spread load over), and makes none;
    an alphabet's character (a string the draw indexes) is a piece of a value being made."""
    if parent.type not in _INDEXED or not parent.named_children:
        return False
    operand = parent.named_children[0]
    holder = parent.parent
    if holder is not None and holder.type == "expression_list":  # Go's `return a, b`
        holder = holder.parent
    if operand.id == node.id or holder is None or holder.type != "return_statement":
        return False
    constant = sem.const(operand)
    return not (constant is not None and constant.string) and operand.type not in STRINGS


# Draws of a fraction in [0, 1): what jitter, backoff and sampling take.
_FRACTIONS = re.compile(r"(?:^|\.)(?:Float64|Float32|ExpFloat64|NormFloat64|random|uniform)$")
# Calls a value passes through on its way to becoming a string or bytes: formatting,
# encoding, conversion, digesting.
_PASS_ON = re.compile(
    r"(?i)(?:^|[.:])(?:sprintf|sprint|format\w*|encode\w*|tostring|string|str|hex\w*|"
    r"b\d*\w*encode|itoa|join|digest|sum\d*|hash\w*|sha\d*|md5|new)$"
)


def _fraction(sem: semantics.Semantics, call: Node) -> bool:
    function = call.child_by_field_name("function")
    name = sem.text(function) if function is not None else ""
    return name == "Math.random" or bool(_FRACTIONS.search(name))


def _passes_on(sem: semantics.Semantics, arguments: Node) -> bool:
    """The call that takes these arguments formats, encodes or digests them."""
    call = arguments.parent
    function = call.child_by_field_name("function") if call is not None else None
    return function is not None and bool(_PASS_ON.search(sem.text(function)))


_ORDERINGS = frozenset({"<", ">", "<=", ">="})


def _only_ordered(sem: semantics.Semantics, call: Node, dest: str) -> bool:
    """The local the value is bound to is only ever ordered against another value
    (`if roll < errPercent`): a random draw that decides a probability. A secret is
    sent, stored or compared for equality, never ranked."""
    function = sem.function_of(call)
    if function is None or not re.fullmatch(r"\w+", dest):
        return False
    uses = 0
    stack = [function]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        if node.type not in semantics.NAMES or sem.text(node) != dest:
            continue
        if node.start_byte <= call.start_byte:
            continue  # the binding itself
        parent = node.parent
        operator = parent.child_by_field_name("operator") if parent is not None else None
        if parent is None or operator is None or sem.text(operator) not in _ORDERINGS:
            return False
        uses += 1
    return uses > 0


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    lang = "javascript" if ctx.parser in ("typescript", "tsx", "javascript") else str(ctx.parser)
    sem = semantics.of(ctx)
    modules, functions = _imports(sem, lang) if lang in ("go", "python") else (set(), set())
    if lang in ("go", "python") and not modules and not functions:
        return
    for node in nodes_of(ctx, "call_expression", "call"):
        source = _weak_call(ctx, node, lang, modules, functions)
        if source is None:
            continue
        dest = _destination(sem, node)
        if dest is None or not makes_secret(re.sub(r"^(self|this)\.", "", dest)):
            continue
        if _only_ordered(sem, node, dest):
            continue  # `roll := rand.Intn(100)` .. `if roll < percent`: a draw, not a secret
        fix = {
            "go": "crypto/rand (rand.Text, rand.Read)",
            "python": "the secrets module (secrets.token_urlsafe, secrets.choice)",
            "javascript": "crypto.randomBytes / crypto.randomUUID / crypto.getRandomValues",
        }.get(lang, "a cryptographic random source")
        yield Hit(
            span=code.node_span(ctx.source, node),
            message=f"`{dest}` is made with {source}, a predictable generator; use {fix}",
        )
