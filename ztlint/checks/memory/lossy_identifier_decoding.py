"""Identifiers decoded with replacement characters: `lossy-identifier-decoding` (Rust).

`String::from_utf8_lossy` turns every invalid byte sequence into U+FFFD, so two
different byte strings can decode to the same text. Used for a service id, a routing
key, a map key or one side of a comparison, that lets one peer's bytes reach another's
route (the seed's L3). Reported when the decoded value becomes a map key or lookup
argument (`get`, `insert`, `contains_key`, `entry`, `remove`), an operand of `==`/`!=`
or a `match` scrutinee (followed back through conversions and bindings, whatever the
names), or is bound to a name or field that reads as an identifier
(`service_id`, `route`, `host`, `sni`, `key`); a value only logged or formatted is not.
The fix is `std::str::from_utf8(bytes)` and rejecting the message on error.

Over 400 lines: where the decoded text is used and where the bytes came from (a
parameter, an OS string, a static name) are judged together; split, each half would
re-walk the same bindings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import nodes_of
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import forward, types
from ztlint.semantics.vocabulary import words

_LOOKUPS = frozenset({"get", "get_mut", "insert", "contains_key", "entry", "remove", "contains"})
_IDENT_WORDS = frozenset(
    {
        "id",
        "ident",
        "identifier",
        "service",
        "route",
        "routing",
        "key",
        "host",
        "hostname",
        "sni",
        "domain",
        "target",
        "destination",
        "dest",
        "tenant",
        "principal",
        "peer",
        "topic",
        "channel",
        "subject",
    }
)
_METHODS = re.compile(r"\.(to_string|into_owned|to_owned|as_ref|trim|as_str|to_lowercase)$")


def _lossy_calls(ctx: FileContext) -> Iterator[Node]:
    for node in nodes_of(ctx, "call_expression"):
        if _LOSSY.search(_text(ctx, node.child_by_field_name("function") or node)):
            yield node


def _use(ctx: FileContext, call: Node) -> tuple[str, Node, Node] | None:
    """Climb through `.to_string()`, `&` and parentheses to where the value is used."""
    node = call
    while node.parent is not None:
        parent = node.parent
        if parent.type == "field_expression":
            grand = parent.parent
            field = parent.child_by_field_name("field")
            if (
                grand is not None
                and grand.type == "call_expression"
                and field is not None
                and _METHODS.search("." + _text(ctx, field))
            ):
                node = grand
                continue
            return None
        if parent.type in ("reference_expression", "parenthesized_expression"):
            node = parent
            continue
        return parent.type, parent, node
    return None


def _identifier_name(name: str) -> bool:
    ws = words(name)
    return bool(ws) and ws[-1] in _IDENT_WORDS


# Methods that convert the decoded text without changing what it says.
_CONVERSIONS = frozenset(
    {"to_string", "into_owned", "to_owned", "as_ref", "trim", "as_str", "to_lowercase",
     "clone", "into", "borrow", "deref"}
)  # fmt: skip


# Trimming with an argument keeps the text (and its replacement characters).
_TRIMS = frozenset({"trim_matches", "trim_end_matches", "trim_start_matches"})


def _decoded(sem: semantics.Semantics, expr: Node, depth: int = 4) -> tuple[Node, str] | None:
    """The lossy decode a value comes from, through conversions (`.to_string()`,
    `.as_ref()`, `&`) and bindings (`let name = ..; let key = name.trim();`), with the
    last name it was bound to; None when it is not decoded lossily."""
    node, bound = expr, ""
    for _ in range(depth * 4):
        if node.type in ("reference_expression", "parenthesized_expression", "unary_expression"):
            if not node.named_children:
                return None
            node = node.named_children[-1]
            continue
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            if function is None:
                return None
            if _LOSSY.search(sem.text(function)):
                return node, bound
            field = (
                function.child_by_field_name("field")
                if function.type == "field_expression"
                else None
            )
            args = node.child_by_field_name("arguments")
            method = sem.text(field) if field is not None else ""
            if method in _TRIMS or (
                method in _CONVERSIONS and (args is None or not args.named_children)
            ):
                node = function.child_by_field_name("value") or node
                continue
            return None
        if node.type == "identifier":
            if depth <= 0:
                return None
            depth -= 1
            binding = sem.resolve(node)
            if binding is None or binding.value is None:
                return None
            bound = bound or binding.name
            node = binding.value
            continue
        return None
    return None


def _keys(ctx: FileContext) -> Iterator[tuple[Node, str]]:
    """Values used as a key: a map lookup's key, a `match` scrutinee, an operand of
    `==`/`!=`, an index."""
    for node in nodes_of(
        ctx, "call_expression", "match_expression", "binary_expression", "index_expression"
    ):
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            field = (
                function.child_by_field_name("field")
                if function is not None and function.type == "field_expression"
                else None
            )
            if (
                field is not None
                and _text(ctx, field) in _LOOKUPS
                and args is not None
                and args.named_children
            ):
                yield args.named_children[0], "used as a map key"
        elif node.type == "match_expression":
            value = node.child_by_field_name("value")
            if value is not None:
                yield value, "matched on"
        elif node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is not None and _text(ctx, operator) in ("==", "!="):
                for side in ("left", "right"):
                    operand = node.child_by_field_name(side)
                    if operand is not None:
                        yield operand, "compared"
        else:
            index = node.named_children[-1] if len(node.named_children) == 2 else None
            if index is not None:
                yield index, "used as a map key"


_LOSSY = re.compile(r"(^|::)from_utf8_lossy$|\.to_string_lossy$")

# What returns an OS string (a path, a file name, the host's name, an environment value):
# text of the local system, not bytes a peer sent.
_OS_METHODS = re.compile(
    r"(^|\.|::)(file_name|file_stem|extension|as_os_str|as_path|path|parent|join|"
    r"with_extension|with_file_name|canonicalize|current_dir|temp_dir|home_dir|hostname|"
    r"var_os|args_os|into_os_string|to_path_buf)$"
)
_OS_TYPES = re.compile(
    r"^&?\s*(mut\s+)?(std::)?(path::|ffi::|fs::)?(Path|PathBuf|OsStr|OsString|DirEntry)\b"
)
# Steps that keep a value what it was on the way to the receiver.
_UNWRAPS = frozenset(
    {"ok_or", "ok_or_else", "unwrap", "expect", "unwrap_or_default", "clone", "as_ref",
     "to_owned", "borrow"}
)  # fmt: skip


def _os_string(sem: semantics.Semantics, call: Node, depth: int = 3) -> bool:
    """`x.to_string_lossy()` of an OS string: a path or file name (`entry.file_name()`,
    `path: &Path`, `let p = dir.join(name)`), the host's name (`hostname()`) or an
    environment value, by the receiver's declared type or the call that made it."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "field_expression":
        return False
    node = function.child_by_field_name("value")
    while node is not None and depth > 0:
        if node.type in ("try_expression", "reference_expression", "parenthesized_expression"):
            node = node.named_children[0] if node.named_children else None
            continue
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            if callee is None:
                return False
            name = sem.text(callee)
            tail = re.split(r"\.|::", name)[-1]
            if tail in _UNWRAPS and callee.type == "field_expression":
                node = callee.child_by_field_name("value")
                continue
            if name.split("::")[0] in ("Path", "PathBuf", "OsStr", "OsString"):
                return True
            return bool(_OS_METHODS.search(name))
        if node.type == "identifier":
            declared = types.declared_type(sem, node)
            if declared is not None:
                return bool(_OS_TYPES.match(declared.strip()))
            binding = sem.resolve(node)
            if binding is None or binding.value is None:
                return False
            node, depth = binding.value, depth - 1
            continue
        return False
    return False


def _static_text(sem: semantics.Semantics, call: Node) -> bool:
    """`x.to_string_lossy()` of text the program carries: a receiver declared `'static`
    (`name: &'static U16CStr`), or the loop variable over a collection declared so
    (`for name in names` with `names: &[&'static U16CStr]`), or a constant's path
    (`privilege::SE_DEBUG_NAME`). No peer's bytes reach it."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "field_expression":
        return False
    node = function.child_by_field_name("value")
    while node is not None and node.type in ("reference_expression", "parenthesized_expression"):
        node = node.named_children[0] if node.named_children else None
    if node is None:
        return False
    if node.type == "scoped_identifier" or (
        node.type == "identifier" and re.fullmatch(r"[A-Z][A-Z0-9_]+", sem.text(node))
    ):
        return bool(re.search(r"(?:^|::)[A-Z][A-Z0-9_]+$", sem.text(node)))
    if node.type != "identifier":
        return False
    declared = types.declared_type(sem, node)
    if declared is not None:
        return "'static" in declared
    name = sem.text(node)
    loop = node.parent
    while loop is not None and loop.type != "for_expression":
        loop = loop.parent
    if loop is None:
        return False
    pattern, value = loop.child_by_field_name("pattern"), loop.child_by_field_name("value")
    if pattern is None or value is None or sem.text(pattern).lstrip("&") != name:
        return False
    while value.type == "reference_expression" and value.named_children:
        value = value.named_children[0]
    if value.type == "field_expression":  # `for name in &self.names`: the field's type
        field = value.child_by_field_name("field")
        return field is not None and _static_field(sem, sem.text(field))
    if value.type != "identifier":
        return False
    collection = types.declared_type(sem, value)
    return collection is not None and "'static" in collection


def _static_field(sem: semantics.Semantics, name: str) -> bool:
    """A struct field of the file named `name` whose declared type is `'static`."""
    for declaration in nodes_of(sem.ctx, "field_declaration"):
        field = declaration.child_by_field_name("name")
        kind = declaration.child_by_field_name("type")
        if field is not None and kind is not None and sem.text(field) == name:
            return "'static" in sem.text(kind)
    return False


# Declared types of raw bytes: `&[u8]`, `Vec<u8>`, `&mut [u8]`, `Bytes`, `BytesMut`.
_BYTES_TYPE = re.compile(r"\[u8\]|Vec<u8>|\bBytes(Mut)?\b|\[u8;")
# Methods that give (a part of) the bytes they are called on.
_PARTS = frozenset(
    {"as_ref", "as_slice", "as_bytes", "split_at", "split_first", "split_last", "get",
     "to_vec", "clone", "unwrap", "expect", "trim_ascii", "strip_prefix", "strip_suffix"}
)  # fmt: skip


def _raw_input(sem: semantics.Semantics, call: Node, depth: int = 6) -> bool:
    """The decoded bytes are a parameter the function is declared to take as bytes, or
    a part of one (`&hdr[2..2 + len]`, `let (head, _) = frame.split_at(16)`)."""
    args = call.child_by_field_name("arguments")
    node = args.named_children[0] if args is not None and args.named_children else None
    while node is not None and depth > 0:
        depth -= 1
        if node.type in ("reference_expression", "parenthesized_expression", "try_expression"):
            node = node.named_children[-1] if node.named_children else None
        elif node.type == "index_expression":
            node = node.named_children[0] if node.named_children else None
        elif node.type == "call_expression":
            function = node.child_by_field_name("function")
            if function is None or function.type != "field_expression":
                return False
            field = function.child_by_field_name("field")
            if field is None or sem.text(field) not in _PARTS:
                return False
            node = function.child_by_field_name("value")
        elif node.type == "identifier":
            if sem.is_parameter(node):
                declared = types.declared_type(sem, node)
                return declared is not None and _BYTES_TYPE.search(declared) is not None
            binding = sem.resolve(node)
            node = binding.value if binding is not None else None
        else:
            return False
    return False


def detect_rust(ctx: FileContext) -> Iterator[Hit]:
    sem = semantics.of(ctx)
    reported: set[int] = set()

    def hit(call: Node, why: str) -> Hit:
        reported.add(call.id)
        if _os_string(sem, call):
            # Shown at the pedantic level: a local path or name, no peer's bytes.
            return Hit(
                span=code.node_span(ctx.source, call),
                message=f"an OS string (a path, a file or host name) decoded with "
                f"to_string_lossy is {why}: different names decode to the same text; "
                "it comes from the local system, not from a peer",
                severity=Severity.LOW,
                confidence=Confidence.LOW,
            )
        function = call.child_by_field_name("function")
        if function is not None and function.type == "field_expression":
            # `to_string_lossy` is a method of the local system's strings (`CStr` from
            # a C caller, `OsStr`, `Path`, `U16CStr`): a peer's bytes arrive as `[u8]`
            # and are decoded with `from_utf8_lossy`. Shown from the medium level.
            return Hit(
                span=code.node_span(ctx.source, call),
                message=f"a C or OS string decoded with to_string_lossy is {why}: "
                "different strings decode to the same text (invalid sequences become "
                "U+FFFD); use to_str() and reject invalid input",
                confidence=Confidence.MEDIUM,
            )
        return Hit(
            span=code.node_span(ctx.source, call),
            message=f"bytes decoded with from_utf8_lossy are {why}: different byte strings "
            "decode to the same text (invalid sequences become U+FFFD); use "
            "std::str::from_utf8 and reject invalid input",
            # By default when the bytes are the raw input the function is handed (a
            # frame, a header's bytes: a parameter declared as bytes, or a part of one);
            # bytes the program read from its own store, a parser or a library are
            # shown from the medium level.
            confidence=None if _raw_input(sem, call) else Confidence.MEDIUM,
        )

    for key, why in _keys(ctx):
        found = _decoded(sem, key)
        if found is None or found[0].id in reported or _static_text(sem, found[0]):
            continue
        call, bound = found
        yield hit(call, f"bound to `{bound}` and {why}" if bound else why)
    for call in _lossy_calls(ctx):
        if call.id in reported or _static_text(sem, call):
            continue
        found_use = _use(ctx, call)
        if found_use is None:
            continue
        kind, parent, _value = found_use
        reason: str | None = None
        if kind == "field_initializer":
            field = parent.child_by_field_name("field") or (
                parent.named_children[0] if parent.named_children else None
            )
            if field is not None and _identifier_name(_text(ctx, field)):
                reason = f"stored as `{_text(ctx, field)}`"
        elif kind == "let_declaration":
            pattern = parent.child_by_field_name("pattern")
            name = _text(ctx, pattern).removeprefix("mut ").strip() if pattern is not None else ""
            if re.fullmatch(r"\w+", name) and _identifier_name(name) and _used(ctx, parent, name):
                reason = f"bound to the identifier `{name}`"
        if reason:
            yield hit(call, reason)


_LOG_MACROS = re.compile(
    r"^(\w+::)*(trace|debug|info|warn|error|println|eprintln|print|eprint|format|write|writeln)$"
)


def _used(ctx: FileContext, binding: Node, name: str) -> bool:
    """A name that reads as an identifier is used after its binding (the layer's uses
    of it) other than in a log or format macro."""
    sem = semantics.of(ctx)
    function = sem.function_of(binding)
    found = next((b for b in sem.bindings(function).get(name, []) if b.node.id == binding.id), None)
    if found is None:
        return False
    for use in forward.uses(sem, found, function or ctx.tree().root_node):
        node = use.parent
        while node is not None and node.type != "macro_invocation" and node.type != "block":
            node = node.parent
        macro = node.child_by_field_name("macro") if node is not None else None
        if macro is None or not _LOG_MACROS.match(_text(ctx, macro)):
            return True
    return False
