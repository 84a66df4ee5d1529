"""Non-cryptographic random numbers used to make secrets.

`math/rand`, Python's `random` and JavaScript's `Math.random` are seeded, fast
generators whose output can be predicted from a few samples. They are right for jitter,
sampling and tests, and wrong for anything an attacker must not guess. A call is
reported only when what it makes is a secret: it is bound to a name such as `token`,
`session_id`, `resetCode`, `nonce`, `salt` or `api_key`, or returned from a function
named for one (`generate_token`, `newNonce`). `random.SystemRandom()` and
`secrets`/`crypto/rand`/`crypto.getRandomValues` are the fix, never findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.auth.timing import KEY_QUALIFIERS, METADATA, words
from ztlint.checks.codeutil import go_imports
from ztlint.checks.codeutil import text as _text
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

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
FUNCTIONS = frozenset(
    {
        "function_declaration",
        "method_declaration",
        "function_definition",
        "method_definition",
        "function_expression",
        "arrow_function",
        "func_literal",
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


def makes_secret(name: str) -> bool:
    ws = words(name)
    if not ws or any(w in METADATA_HERE for w in ws):
        return False
    for i, w in enumerate(ws):
        if w in MADE_SECRETS:
            return True
        if w in QUALIFIED and i > 0 and ws[i - 1] in QUALIFIED[w]:
            return True
    return False


def _imports(ctx: FileContext, root: Node, lang: str) -> tuple[set[str], set[str]]:
    """Go: names of math/rand imports. Python: module aliases of `random`, and names
    imported from it."""
    functions: set[str] = set()
    if lang == "go":
        return {
            n for n, path in go_imports(ctx).items() if path in ("math/rand", "math/rand/v2")
        }, functions
    modules: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if lang == "python" and node.type == "import_statement":
            for child in node.named_children:
                target = (
                    child.child_by_field_name("name") if child.type == "aliased_import" else child
                )
                alias = (
                    child.child_by_field_name("alias") if child.type == "aliased_import" else None
                )
                if target is not None and _text(ctx, target) == "random":
                    modules.add(_text(ctx, alias) if alias is not None else "random")
            continue
        if lang == "python" and node.type == "import_from_statement":
            module = node.child_by_field_name("module_name")
            if module is not None and _text(ctx, module) == "random":
                for child in node.named_children[1:]:
                    original = (
                        child.child_by_field_name("name")
                        if child.type == "aliased_import"
                        else child
                    )
                    alias = (
                        child.child_by_field_name("alias")
                        if child.type == "aliased_import"
                        else child
                    )
                    if (
                        original is not None
                        and alias is not None
                        and _text(ctx, original) in PY_RANDOM
                    ):
                        functions.add(_text(ctx, alias))
            continue
        if node.type in ("module", "program"):
            stack.extend(node.named_children)
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


def _bound_name(ctx: FileContext, node: Node) -> str | None:
    for field in ("left", "name", "key", "field"):
        child = node.child_by_field_name(field)
        if child is not None:
            return _text(ctx, child)
    first = node.named_children[0] if node.named_children else None
    return _text(ctx, first) if first is not None else None


def _destination(ctx: FileContext, call: Node) -> str | None:
    """The name the call's value ends up in: a binding, or the function it is returned
    from; looks up through expressions, not through statements."""
    node = call
    for _ in range(8):
        parent = node.parent
        if parent is None:
            return None
        if parent.type in BINDINGS:
            right = parent.child_by_field_name("right") or parent.child_by_field_name("value")
            if (
                right is not None
                and right.start_byte <= node.start_byte
                and node.end_byte <= right.end_byte
            ):
                return _bound_name(ctx, parent)
            if parent.type in (
                "keyword_argument",
                "pair",
                "keyed_element",
                "var_spec",
                "short_var_declaration",
            ):
                return _bound_name(ctx, parent)
            return None
        if (
            parent.type in ("return_statement", "expression_statement")
            and parent.type == "return_statement"
        ):
            fn = parent.parent
            while fn is not None and fn.type not in FUNCTIONS:
                fn = fn.parent
            if fn is None:
                return None
            name = fn.child_by_field_name("name")
            if name is None and fn.parent is not None and fn.parent.type in BINDINGS:
                return _bound_name(ctx, fn.parent)
            return _text(ctx, name) if name is not None else None
        if parent.type == "arrow_function":
            if parent.parent is not None and parent.parent.type in BINDINGS:
                return _bound_name(ctx, parent.parent)
            return None
        if (
            parent.type.endswith(("statement", "block", "declaration"))
            and parent.type not in BINDINGS
        ):
            return None
        node = parent
    return None


def detect(ctx: FileContext) -> Iterator[Hit]:
    lang = "javascript" if ctx.parser in ("typescript", "tsx", "javascript") else str(ctx.parser)
    root = ctx.tree().root_node
    modules, functions = _imports(ctx, root, lang) if lang in ("go", "python") else (set(), set())
    if lang in ("go", "python") and not modules and not functions:
        return
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        if node.type not in ("call_expression", "call"):
            continue
        source = _weak_call(ctx, node, lang, modules, functions)
        if source is None:
            continue
        dest = _destination(ctx, node)
        if dest is None or not makes_secret(re.sub(r"^(self|this)\.", "", dest)):
            continue
        fix = {
            "go": "crypto/rand (rand.Text, rand.Read)",
            "python": "the secrets module (secrets.token_urlsafe, secrets.choice)",
            "javascript": "crypto.randomBytes / crypto.randomUUID / crypto.getRandomValues",
        }.get(lang, "a cryptographic random source")
        yield Hit(
            span=code.node_span(ctx.source, node),
            message=f"`{dest}` is made with {source}, a predictable generator; use {fix}",
        )
