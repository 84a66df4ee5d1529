"""`extern "C"` functions that trust the caller's buffer: `ffi-unchecked-buffer` (Rust).

An exported function that takes a raw pointer and builds a slice of a length it assumes
(`slice::from_raw_parts(ip, 4)`) reads past the caller's buffer when the caller passes
less (the seed's M5); one that dereferences the pointer without a null check crashes
on `NULL`. Reported: `from_raw_parts(_mut)` with a constant length (a literal, a
`SCREAMING_CASE` constant, `size_of`) when no length parameter of the function is
compared with anything, and a pointer parameter read without `is_null()` anywhere in
the function. A length taken from a parameter the function checks is the fix. A slice of the
length the caller passes beside the pointer follows C's (buffer, length) contract and
owes no null check; a crate's own `from_raw_parts` wrapper (`util::from_raw_parts`) is
not the standard one and is judged where it is defined.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import types

_CONSTANT_LEN = re.compile(
    r"^(\d[\d_]*(usize|u32)?|[A-Z][A-Z0-9_]*|(std::|core::)?mem::size_of::<.*>\(\)|size_of::<.*>\(\))$"
)
_LENGTH_PARAM = re.compile(r"(^|_)(len|length|size|count|n|cap|capacity|bytes)$")


def _exported(ctx: FileContext, function: Node) -> bool:
    head = _text(ctx, function).split("{", 1)[0]
    return bool(re.search(r'\bextern\s+"C"', head))


def _pointer_params(ctx: FileContext, function: Node) -> tuple[list[str], list[str]]:
    """An exported function's raw-pointer parameters, and those that take a length."""
    pointers: list[str] = []
    lengths: list[str] = []
    for name, kind in types.parameter_list(semantics.of(ctx), function):
        if not name or kind is None:
            continue
        if kind.startswith("*"):
            pointers.append(name)
        elif _LENGTH_PARAM.search(name) and re.fullmatch(
            r"(usize|u\d+|i\d+|c_\w+|size_t|isize)", kind.split("::")[-1]
        ):
            lengths.append(name)
    return pointers, lengths


_STD_SLICE = re.compile(r"^(?:(?:std|core)::)?slice::from_raw_parts(?:_mut)?$")


def _length_argument(length: str, lengths: list[str]) -> bool:
    """The slice's length is one of the function's length parameters (`len as usize`)."""
    bare = re.sub(r"\s+as\s+\w+$", "", length).strip()
    return bare in lengths


def detect_rust(ctx: FileContext) -> Iterator[Hit]:
    for function in nodes_of(ctx, "function_item"):
        if function.type != "function_item" or not _exported(ctx, function):
            continue
        pointers, lengths = _pointer_params(ctx, function)
        if not pointers:
            continue
        body = function.child_by_field_name("body")
        if body is None:
            continue
        body_text = _text(ctx, body)
        length_checked = any(
            re.search(
                rf"\b{re.escape(n)}\s*(<|<=|>|>=|==|!=)|(<|<=|>|>=|==|!=)\s*{re.escape(n)}\b",
                body_text,
            )
            for n in lengths
        )
        # A C API that checks none of its pointers documents them as non-null (quiche,
        # boringtun): a missing check is reported where the function checks others.
        null_aware = bool(re.search(r"\.\s*is_null\(\)", body_text))
        reported: set[str] = set()
        for call in walk(body):
            if call.type != "call_expression":
                continue
            callee = _text(ctx, call.child_by_field_name("function") or call)
            if not re.search(r"(^|::)from_raw_parts(_mut)?$", callee):
                continue
            if "::" in callee and not _STD_SLICE.match(callee):
                continue  # the crate's own wrapper (`util::from_raw_parts`), which may check

            args = call.child_by_field_name("arguments")
            items = args.named_children if args is not None else []
            if len(items) != 2:
                continue
            pointer = re.sub(r"\s+as\s+.*$", "", _text(ctx, items[0])).strip()
            length = _text(ctx, items[1]).strip()
            if pointer not in pointers:
                continue
            null_checked = re.search(rf"\b{re.escape(pointer)}\s*\.\s*is_null\(\)", body_text)
            problems = []
            if _CONSTANT_LEN.match(length) and not length_checked:
                problems.append(
                    f"assumes `{pointer}` points to {length} bytes and takes no length to check"
                )
            # A slice of the length the caller passes beside the pointer (`identity,
            # max_identity_len`) follows C's (buffer, length) contract: no null check is
            # owed unless the API lets the pointer be NULL.
            sized = _length_argument(length, lengths)
            if not null_checked and (problems or (null_aware and not sized)):
                problems.append(f"never checks `{pointer}` for null")
            if problems:
                reported.add(pointer)
                yield Hit(
                    span=code.node_span(ctx.source, call),
                    message=f"this exported C function {' and '.join(problems)}: a short or "
                    "null buffer from the caller is read out of bounds; take a length "
                    "parameter, check it and check the pointer",
                )
        for node in walk(body):
            if node.type != "unary_expression" or not node.children or node.children[0].type != "*":
                continue
            operand = _text(ctx, node.named_children[-1]) if node.named_children else ""
            if (
                null_aware
                and operand in pointers
                and operand not in reported
                and not re.search(
                    rf"\b{re.escape(operand)}\s*\.\s*is_null\(\)|{re.escape(operand)}\.as_(ref|mut)\(\)",
                    body_text,
                )
            ):
                reported.add(operand)
                yield Hit(
                    span=code.node_span(ctx.source, node),
                    message=f"this exported C function dereferences `{operand}` without a null "
                    "check: a caller passing NULL crashes the process",
                )
