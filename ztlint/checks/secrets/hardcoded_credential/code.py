"""ZT204 in code: credentials written as literals.

A literal bound to a credential name (`password = "..."`, `APIKey: "..."`,
`client_secret: ...`), and the fallback that quietly becomes the production value when
a variable is unset (`os.getenv("JWT_SECRET", "dev-secret")`,
`env::var("JWT_SECRET").unwrap_or("dev".into())`, `process.env.JWT_SECRET || "dev"`).
References (`${VAR}`, `{{ .Values.x }}`, `<password>`), paths, prose and placeholders
are not credentials; well-known defaults (`changeme`, `postgres`) are reported at low
severity, and not at all in example files. A literal the file only ever compares for
equality (or names in a warning), `if s.Secret == shipped.Secret { warn }`, is a known
default kept to notice it in use, not a credential the program presents.

Configuration and text formats are `config.py` and `text.py`; what the formats share
is `_shared.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks import codeutil
from ztlint.checks.compared import only_compared
from ztlint.checks.secrets.hardcoded_credential._shared import _hit, _url_hit
from ztlint.checks.secrets.hardcoded_credential.records import (
    COLLECTIONS,
    constant_table_entry,
    in_accounts,
    search_only_key,
)
from ztlint.model import Span
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import placeholder, uses
from ztlint.semantics.credentials import (
    EXAMPLE_FILE,
    is_credential_name,
    judge_value,
    may_be_credential_value,
)
from ztlint.semantics.text import after_words

_FALLBACK_CALLS = frozenset(
    {"getenv", "get", "Getenv", "getEnv", "GetEnv", "env", "getenv_or", "get_env", "fetch"}
)
_OR_CALLS = frozenset({"unwrap_or", "unwrap_or_else", "or", "or_else", "unwrap_or_default"})
_ENV_READ = re.compile(
    r"""(?:var|getenv|environ\.get|env)\s*\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""
)
_PROCESS_ENV = re.compile(
    r"process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']\s*\])$"
)


def _inner(ctx: FileContext, node: Node, value: str) -> Span:
    """The span of the literal's content, without its quotes."""
    outer = code.node_span(ctx.source, node)
    text = code.node_text(ctx.source, node)
    start = text.find(value) if value else -1
    if start < 0 or outer.start_line != outer.end_line:
        return outer
    return Span(
        outer.start_line,
        outer.start_col + start,
        outer.end_line,
        outer.start_col + start + len(value),
    )


def _fallback_name(ctx: FileContext, use: uses.Use, literal: Node) -> str | None:
    """The credential variable a fallback literal stands in for, if any."""
    if use.kind != "call":
        return None
    if use.name in _FALLBACK_CALLS and use.position >= 1:
        args = use.node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if first is not None and first.type in codeutil.STRINGS:
            return codeutil.literal_value(ctx, first)
    if use.name in _OR_CALLS:
        fn = use.node.child_by_field_name("function")
        receiver = fn.child_by_field_name("value") if fn is not None else None
        m = _ENV_READ.search(code.node_text(ctx.source, receiver)) if receiver is not None else None
        return m.group(1) if m else None
    return None


def _or_fallback(ctx: FileContext, literal: Node) -> str | None:
    """`process.env.X || "literal"`, `os.environ.get("X") or "literal"`."""
    parent = literal.parent
    if parent is None or parent.type not in ("binary_expression", "boolean_operator"):
        return None
    left = parent.child_by_field_name("left")
    if left is None or left == literal:
        return None
    text = code.node_text(ctx.source, left).strip()
    m = _PROCESS_ENV.search(text) or _ENV_READ.search(text)
    return next((g for g in m.groups() if g), None) if m else None


# What a name must contain, in the text, for `is_credential_name` to accept it. Names are
# judged lowercased (`normalise`), so the gate looks at the lowercased text: the plain
# words with `in`, the rest by regex only when their key word occurs.
_CREDENTIAL_WORDS = ("token", "secret", "password", "passwd", "credential")
_SHORT_NAME = re.compile(r"(?:pass|pwd)(?![a-z0-9_])")
# Words that make a "key" a credential name (`api_key`, `signing key`).
_KEY_QUALIFIERS = tuple(
    "api access private signing encryption auth master client app hmac jwt session crypto "
    "aes shared webhook license".split()
)
_URL_WITH_PASSWORD = re.compile(r"://[^:/@\s]*:[^@/\s]+@")


def may_bind_credential(ctx: FileContext) -> bool:
    """Gate: whether some name in the file can be a credential name, or some URL
    carries a password. Every name the detector judges is a piece of the text."""
    text = ctx.text
    lower = ctx.lower()
    if any(word in lower for word in _CREDENTIAL_WORDS):
        return True
    if ("pass" in lower or "pwd" in lower) and _SHORT_NAME.search(lower):
        return True
    if "key" in lower and _qualified_key(lower):
        return True
    return "://" in text and _URL_WITH_PASSWORD.search(text) is not None


def _qualified_key(lower: str) -> bool:
    """Whether a qualifier word, then only `-`, `_` or whitespace, stands before some
    "key" (as `(?:api|access|...)[-_\\s]*key`)."""
    return next(after_words(lower, "key", _KEY_QUALIFIERS, _key_separator), None) is not None


def _key_separator(c: str) -> bool:
    return c in "-_" or c.isspace()


# Where a literal is not the value of its binding (value semantics): the fields of a
# binding that hold its name, key, type or struct tag, and the nodes that take a
# literal as an index, an operand or an element rather than as the value itself.
_NOT_VALUE_FIELDS = frozenset(
    {"key", "name", "left", "tag", "type", "pattern", "field", "subscript", "index"}
)
# Declared constants and variables: a value made of the name's words names a setting.
_DECLARATIONS = frozenset({"const_spec", "var_spec", "const_item", "static_item"})
_SUBSCRIPTS = frozenset(
    {"subscript", "index_expression", "subscript_expression", "element_reference", "slice"}
)
_OPERATIONS = frozenset({"binary_expression", "binary_operator", "concatenated_string"})
# Collections: a literal among a list's elements is an element, not the name's value.
_MEMBER = frozenset(
    {
        "attribute",
        "member_expression",
        "field_expression",
        "selector_expression",
        "navigation_expression",
    }
)


def _is_value(ctx: FileContext, literal: Node, binding: Node) -> bool:
    """Whether the literal is what the binding (or the call, for a fallback) binds: not
    its name, key, type or tag, not an index, not one operand of a computation, not an
    element of a list, and not an argument of a method called on something else
    (`new_random_secret(32).encode("utf-8")`, `cmd.String("password-file", ...)`)."""
    child = literal
    while child != binding:
        parent = child.parent
        if parent is None:
            return False
        if parent.type in _SUBSCRIPTS or parent.type in _OPERATIONS or parent.type in COLLECTIONS:
            return False
        if _field_of(parent, child) in _NOT_VALUE_FIELDS:
            return False
        if parent.type == "literal_value" and child.type == "literal_element":
            return False  # an element of a Go slice, array or positional struct literal
        if parent.type in codeutil.CALLS and parent != binding and _method_on_other(ctx, parent):
            return False
        if _format_template(ctx, parent, child):
            return False
        child = parent
    return True


# Formatting calls and macros whose first argument is a template the others fill in.
_FORMATTERS = frozenset({"format", "format_args", "Sprintf", "sprintf", "Errorf"})


def _format_template(ctx: FileContext, parent: Node, child: Node) -> bool:
    """`secret = format!("crc32:{:X}", digest)`, `fmt.Sprintf("%s:%s", a, b)`: the
    literal is the template of a computed value, which the other arguments fill in."""
    if parent.type == "token_tree" and parent.parent is not None:
        macro = parent.parent.child_by_field_name("macro")
        name = code.node_text(ctx.source, macro) if macro is not None else ""
        others = [c for c in parent.named_children if c.id != child.id]
        return name.rsplit("::", 1)[-1] in _FORMATTERS and bool(others)
    if parent.type in ("arguments", "argument_list") and parent.parent is not None:
        fn = parent.parent.child_by_field_name("function")
        name = code.node_text(ctx.source, fn) if fn is not None else ""
        args = parent.named_children
        return (
            re.split(r"[.:]+", name)[-1] in _FORMATTERS and len(args) > 1 and args[0].id == child.id
        )
    return False


def _field_of(parent: Node, child: Node) -> str | None:
    for i, c in enumerate(parent.children):
        if c == child:
            return parent.field_name_for_child(i)
    return None


def _method_on_other(ctx: FileContext, call: Node) -> bool:
    """`x.encode("utf-8")`, `cmd.String(...)`: a method whose receiver is not a literal
    (the literal is an argument, not the wrapped value) nor a type (`Buffer.from`)."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type not in _MEMBER:
        return False
    receiver = fn.named_children[0] if fn.named_children else None
    if receiver is None or receiver.type in codeutil.STRINGS:
        return False
    text = code.node_text(ctx.source, receiver)
    return not (receiver.type in ("identifier", "type_identifier") and text[:1].isupper())


_CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def _python_constant(ctx: FileContext, binding: Node) -> bool:
    """A Python module or class attribute named in capitals (`TOKENWIZARD = "tokenwizard"`)
    is a declared constant by the language's convention (PEP 8), as a Go `const` is:
    its value is judged as a constant's (a name spelled out is a name)."""
    if binding.type != "assignment" or "python" not in ctx.kinds:
        return False
    target = binding.child_by_field_name("left")
    if target is None or target.type != "identifier":
        return False
    if not _CONSTANT_NAME.fullmatch(code.node_text(ctx.source, target)):
        return False
    statement = binding.parent
    scope = statement.parent if statement is not None else None
    if scope is None:
        return False
    if scope.type == "module":
        return True
    return (
        scope.type == "block"
        and scope.parent is not None
        and scope.parent.type == "class_definition"
    )


def _enum_member(ctx: FileContext, binding: Node) -> bool:
    """A Go constant of a named type (`ModeExec Mode = "exec"`) is a member
    of an enumeration: a name, not a secret."""
    if binding.type != "const_spec":
        return False
    kind = binding.child_by_field_name("type")
    return kind is not None and code.node_text(ctx.source, kind) != "string"


_NUMBERS = frozenset({"number", "integer", "float", "int_literal", "decimal_integer_literal"})


def _folded(ctx: FileContext, literal: Node) -> tuple[Node, str] | None:
    """A sum of literals (`"Hw3k" + 4 + "q7Lm"`) is a literal: its value is the
    concatenation, bound where the whole sum is. None when the literal is not the first
    string of such a sum (the sum is judged once), or the sum holds anything but string
    and number literals; the literal itself when it stands in no sum."""
    top = literal
    while (
        top.parent is not None
        and top.parent.type in ("binary_expression", "binary_operator")
        and _operator(ctx, top.parent) == "+"
    ):
        top = top.parent
    if top == literal:
        return literal, codeutil.literal_value(ctx, literal) or ""
    leaves: list[Node] = []
    stack = [top]
    while stack:
        node = stack.pop()
        if node.type in ("binary_expression", "binary_operator"):
            if _operator(ctx, node) != "+":
                return None
            stack.extend(reversed(node.named_children))
        elif node.type in codeutil.STRINGS or node.type in _NUMBERS:
            leaves.append(node)
        elif node.type != "parenthesized_expression":
            return None
        else:
            stack.extend(reversed(node.named_children))
    first = next((n for n in leaves if n.type in codeutil.STRINGS), None)
    if first != literal:
        return None
    parts = [
        codeutil.literal_value(ctx, n) if n.type in codeutil.STRINGS else codeutil.text(ctx, n)
        for n in leaves
    ]
    if any(p is None for p in parts):
        return None
    return top, "".join(p for p in parts if p is not None)


def _operator(ctx: FileContext, node: Node) -> str:
    op = node.child_by_field_name("operator")
    return codeutil.text(ctx, op) if op is not None else ""


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    example = bool(EXAMPLE_FILE.search(ctx.path))
    reported: set[tuple[int, str]] = set()
    for literal, text in codeutil.strings(ctx):
        if not text:
            continue
        folded = _folded(ctx, literal)
        if folded is None:
            continue
        node, value = folded
        if not value or len(value) < 4:
            continue
        if "@" in value and "://" in value:
            url = _url_hit(value, code.node_span(ctx.source, node), _inner(ctx, node, value))
            if url is not None:
                yield url
                continue
        if not may_be_credential_value(value):
            continue  # no name would make it one: do not look for the name
        name = _or_fallback(ctx, node)
        fallback = name is not None
        use = None
        if name is None:
            use = uses.use_of(ctx, node)
            if use is None or not _is_value(ctx, node, use.node) or _enum_member(ctx, use.node):
                continue
            name = _fallback_name(ctx, use, node)
            fallback = name is not None
            if name is None and use.kind == "binding":
                name = use.name
        if not name or not is_credential_name(name):
            continue
        if use is not None and use.node.type == "pair" and search_only_key(ctx, use.node):
            continue
        declared = use is not None and (
            use.node.type in _DECLARATIONS
            or _python_constant(ctx, use.node)
            or constant_table_entry(ctx, use.node)
        )
        verdict = judge_value(name, value, example, fallback=fallback, declared=declared)
        if verdict is None:
            continue
        if use is not None and use.kind == "binding" and only_compared(ctx, use):
            continue  # a known default kept to notice it in use (`if c.Secret == dflt.Secret`)
        account = (
            verdict == "secret"
            and use is not None
            and use.node.type == "pair"
            and in_accounts(ctx, use.node)
        )
        label = name.strip("\"'`").split(".")[-1]
        line = code.node_span(ctx.source, node).start_line
        if (line, label) in reported:
            continue  # one finding per name and line, not one per element
        reported.add((line, label))
        yield _hit(
            label,
            verdict,
            code.node_span(ctx.source, node),
            _inner(ctx, node, value),
            value,
            fallback,
            account=account,
            local=lambda: ctx.cached(_template_server) is not None,
            local_where=" in a template whose server is a placeholder",
        )


def _template_server(ctx: FileContext) -> str | None:
    """The placeholder host of the server address the file binds to a name
    (`BASE_URL = 'https://server.domain'`): a script or module to be filled in before it
    runs, whose credential literals are sample values. Judged once per file, and only
    when a strong credential asks."""
    return placeholder.binds_placeholder_server(ctx.text)
