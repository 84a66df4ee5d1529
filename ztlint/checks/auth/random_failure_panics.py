"""crypto/rand failures that crash the process or are ignored, judged against the Go
version of the module.

Before Go 1.24, `crypto/rand.Read` could return an error (no entropy source, a
sandbox that blocks getrandom). Code that panics or calls `log.Fatal` on it lets anyone
who can trigger the path take the service down, and code that ignores the error may use
a buffer of zeros as a key or token. From Go 1.24 `Read` never returns an error (it
crashes the program itself), so in modules whose go.mod says `go 1.24` or later the rule
is silent. The version comes from the nearest go.mod above the file; with none in the
scan, findings are reported at low confidence.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence, Severity, Span
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import Binding

FIXED_IN = (1, 24)
_GO_DIRECTIVE = re.compile(r"^go\s+(\d{1,9})\.(\d{1,9})(?!\d)", re.M)
_CRASHES = re.compile(
    r"^(panic|log\.(Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln)|os\.Exit|klog\.Fatal\w*)$"
)


@dataclass(frozen=True)
class GoMod:
    folder: str
    version: tuple[int, int] | None


@dataclass(frozen=True)
class RandFailure:
    span: Span
    message: str
    crash: bool


def _is_rand_read(ctx: FileContext, node: Node, names: set[str]) -> bool:
    """`rand.Read(b)` or `io.ReadFull(rand.Reader, b)`."""
    if node.type != "call_expression":
        return False
    function = node.child_by_field_name("function")
    fname = _text(ctx, function) if function is not None else ""
    if any(fname == f"{n}.Read" for n in names):
        return True
    if fname in ("io.ReadFull", "io.ReadAtLeast"):
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        return first is not None and any(_text(ctx, first) == f"{n}.Reader" for n in names)
    return False


def _calls(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            yield current
        if current.type not in ("func_literal",):
            stack.extend(current.named_children)


def _crash_in(ctx: FileContext, block: Node | None) -> Node | None:
    if block is None:
        return None
    for call in _calls(block):
        function = call.child_by_field_name("function")
        if function is not None and _CRASHES.match(_text(ctx, function)):
            return call
    return None


def _bound_by(sem: semantics.Semantics, statement: Node) -> list[Binding]:
    """The bindings an assignment makes (the semantic layer's), `_` left out."""
    scope = sem.function_of(statement)
    return [
        b
        for items in sem.bindings(scope).values()
        for b in items
        if b.node.id == statement.id and b.name != "_"
    ]


def _tests(sem: semantics.Semantics, condition: Node, bound: list[Binding]) -> bool:
    """The condition reads a value the statement bound (`if err != nil`)."""
    ids = {b.node.id for b in bound}
    stack = [condition]
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            found = sem.resolve(node)
            if found is not None and found.node.id in ids:
                return True
        stack.extend(node.named_children)
    return False


def _reads(ctx: FileContext, node: Node, names: set[str]) -> bool:
    return any(_is_rand_read(ctx, c, names) for c in _calls(node))


def failures(ctx: FileContext) -> Iterator[RandFailure]:
    root = ctx.tree().root_node
    sem = semantics.of(ctx)
    names = {n for n, path in sem.imports.items() if path == "crypto/rand"}
    if not names:
        return
    math = {n for n, path in sem.imports.items() if path in _MATH_RAND}
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        if node.type == "if_statement":
            init = node.child_by_field_name("initializer")
            if init is not None and _reads(ctx, init, names):
                crash = _crash_in(ctx, node.child_by_field_name("consequence"))
                if crash is not None:
                    yield _crash(ctx, node, crash)
        elif node.type in ("block", "statement_list", "source_file"):
            statements = [c for c in node.named_children if c.type != "comment"]
            for i, st in enumerate(statements):
                if (
                    st.type == "expression_statement"
                    and st.named_children
                    and _is_rand_read(ctx, st.named_children[0], names)
                    and not _seeds_math_rand(
                        ctx, st.named_children[0], statements[i + 1 : i + 4], math
                    )
                ):
                    yield RandFailure(
                        code.node_span(ctx.source, st),
                        "the error from crypto/rand is ignored: on failure the buffer stays zeros and is used as if random",
                        False,
                    )
                elif st.type in ("assignment_statement", "short_var_declaration"):
                    right = st.child_by_field_name("right")
                    if right is None or not any(
                        _is_rand_read(ctx, c, names) for c in [*right.named_children, right]
                    ):
                        continue
                    errs = _bound_by(sem, st)
                    if not errs:
                        yield RandFailure(
                            code.node_span(ctx.source, st),
                            "the error from crypto/rand is discarded: on failure the buffer stays zeros and is used as if random",
                            False,
                        )
                        continue
                    following = statements[i + 1] if i + 1 < len(statements) else None
                    if following is not None and following.type == "if_statement":
                        cond = following.child_by_field_name("condition")
                        if cond is not None and _tests(sem, cond, errs):
                            crash = _crash_in(ctx, following.child_by_field_name("consequence"))
                            if crash is not None:
                                yield _crash(ctx, following, crash)


_MATH_RAND = frozenset({"math/rand", "math/rand/v2"})


def _seeds_math_rand(ctx: FileContext, read: Node, following: list[Node], math: set[str]) -> bool:
    """The bytes read seed math/rand in the statements right after (`crypto_rand.Read(seed);
    rand.Seed(int64(binary.LittleEndian.Uint64(seed)))`): the generator they start is not
    for secrets, so zeros on a failed read weaken nothing a secret depends on."""
    args = read.child_by_field_name("arguments")
    buffer = args.named_children[-1] if args is not None and args.named_children else None
    if buffer is None or buffer.type != "identifier" or not math:
        return False
    name = _text(ctx, buffer)
    for statement in following:
        for call in _calls(statement):
            function = call.child_by_field_name("function")
            callee = _text(ctx, function) if function is not None else ""
            owner, _, method = callee.rpartition(".")
            if (
                owner in math
                and method in ("Seed", "NewSource", "NewPCG", "NewChaCha8")
                and re.search(rf"\b{re.escape(name)}\b", _text(ctx, call))
            ):
                return True
    return False


def _crash(ctx: FileContext, where: Node, crash: Node) -> RandFailure:
    function = crash.child_by_field_name("function")
    name = _text(ctx, function) if function is not None else "panic"
    return RandFailure(
        code.node_span(ctx.source, where),
        f"a crypto/rand failure calls {name}: if the system's random source fails (a "
        "sandbox that blocks getrandom), the process stops here instead of "
        "the caller handling it; return the error instead",
        True,
    )


def collect(ctx: FileContext) -> Iterator[Any]:
    if posixpath.basename(ctx.path) == "go.mod":
        m = _GO_DIRECTIVE.search(ctx.text)
        yield GoMod(posixpath.dirname(ctx.path), (int(m.group(1)), int(m.group(2))) if m else None)
        return
    if ctx.parser == "go" and "crypto/rand" in ctx.text:
        yield from failures(ctx)


def _module(mods: dict[str, GoMod], path: str) -> GoMod | None:
    folder = posixpath.dirname(path)
    while True:
        if folder in mods:
            return mods[folder]
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def check(facts: Mapping[str, tuple[Any, ...]]) -> Iterator[Hit]:
    mods = {f.folder: f for items in facts.values() for f in items if isinstance(f, GoMod)}
    for path, items in facts.items():
        for fact in items:
            if not isinstance(fact, RandFailure):
                continue
            mod = _module(mods, path)
            version = mod.version if mod is not None else None
            if version is not None and version >= FIXED_IN:
                continue
            if version is None:
                note, confidence = (
                    " (no go.mod with a go version found: assuming Go before 1.24)",
                    Confidence.LOW,
                )
            else:
                note, confidence = (
                    f" (go.mod declares go {version[0]}.{version[1]}; from 1.24 Read never fails)",
                    None,
                )
            yield Hit(
                span=fact.span,
                message=fact.message + note,
                severity=Severity.LOW if fact.crash else None,
                confidence=confidence,
                path=path,
            )
