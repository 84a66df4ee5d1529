"""Python self-test code: the line ranges of a module's `if __name__ == "__main__":`
block when it says it tests or demonstrates the module, and of the module-level
functions only that block calls under a test's name, read from the tree.

A library module often ends with a block that runs when a developer executes the file by
hand: "simple standalone implementation for testing", "devel hook", a print that the
class test starts, a local database URL and a throwaway password. The program the
project ships imports the module and never runs that block. Its lines are test code in a
production file, like Rust's `#[cfg(test)]` items (`rusttest.py`): findings there are
placed by the test policy and counted on the verdict line.

Evidence, not the file's name: the block counts only when its own words say so (a
comment on or in it, a bare string statement, or the text the block first prints names a
test, a demo or development use), or when it calls a module-level function named as a
test (`test`, `_test`, `selftest`, `demo`) that nothing else in the module calls; then
that function counts too. A `__main__.py` file is a package's program, never a self-test.
"""

from __future__ import annotations

import re
from typing import Any

from ztlint.parsers.budget import OverBudget
from ztlint.parsers.data import ParseFailure
from ztlint.rule import FileContext

_MAIN_GUARD = re.compile(
    r"""^__name__\s*==\s*(['"])__main__\1$|^(['"])__main__\2\s*==\s*__name__$"""
)
# The words that say the block tests or demonstrates the module.
_SAYS_TEST = re.compile(
    r"(?i)\b(?:self[- ]?)?test(?:s|ing)?\b|\bdemo(?:nstrat\w*)?\b|\bdevel(?:opment)?\b"
    r"|\bmanual(?:ly)?\b[^\n]{0,20}\brun\b"
)
_TEST_FUNCTION = re.compile(r"^_*(?:self_?)?(?:test|demo)(?:_\w+)?$")
# How many of the block's first statements are read for its words.
_LEADING = 3


def python_self_test_ranges(ctx: FileContext, with_ranges: bool) -> tuple[tuple[int, int], ...]:
    """The line ranges (1-based, inclusive) of the module's self-test block and the test
    functions only it calls, when `with_ranges` (the file has findings)."""
    text = ctx.source.text
    if not with_ranges or "__main__" not in text or ctx.path.rsplit("/", 1)[-1] == "__main__.py":
        return ()
    from ztlint.parsers import code

    try:
        root = ctx.tree().root_node
    except (ParseFailure, OverBudget):
        return ()
    guards = [n for n in root.named_children if n.type == "if_statement" and _main_guard(ctx, n)]
    if not guards:
        return ()
    functions = _module_functions(ctx, root)
    ranges = []
    for guard in guards:
        called = _called_tests(ctx, guard, functions)
        if not (_says_test(ctx, guard) or called):
            continue
        for node in (guard, *called):
            span = code.node_span(ctx.source, node)
            ranges.append((span.start_line, span.end_line))
    return tuple(sorted(ranges))


def _node_text(ctx: FileContext, node: Any) -> str:
    from ztlint.parsers import code

    return code.node_text(ctx.source, node)


def _main_guard(ctx: FileContext, node: Any) -> bool:
    condition = node.child_by_field_name("condition")
    if condition is None or condition.type != "comparison_operator":
        return False
    return _MAIN_GUARD.match(" ".join(_node_text(ctx, condition).split())) is not None


def _says_test(ctx: FileContext, guard: Any) -> bool:
    """The block's own words: comments on the guard's line and among its first
    statements, a bare string statement there, or the first argument of a print."""
    body = guard.child_by_field_name("consequence")
    if body is None:
        return False
    words: list[Any] = [c for c in guard.children if c.type == "comment"]
    for statement in body.children[: _LEADING * 2]:
        if statement.type == "comment":
            words.append(statement)
        elif statement.type == "expression_statement" and statement.named_children:
            inner = statement.named_children[0]
            if inner.type == "string":
                words.append(inner)
            elif (
                inner.type == "call"
                and _node_text(ctx, inner.child_by_field_name("function")) == "print"
            ):
                arguments = inner.child_by_field_name("arguments")
                first = (
                    arguments.named_children[0]
                    if arguments is not None and arguments.named_children
                    else None
                )
                if first is not None and first.type == "string":
                    words.append(first)
    return any(_SAYS_TEST.search(_node_text(ctx, w)) for w in words)


def _module_functions(ctx: FileContext, root: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for node in root.named_children:
        inner = node
        if inner.type == "decorated_definition":
            inner = inner.child_by_field_name("definition") or inner
        if inner.type == "function_definition":
            name = inner.child_by_field_name("name")
            if name is not None:
                out[_node_text(ctx, name)] = node
    return out


def _called_tests(ctx: FileContext, guard: Any, functions: dict[str, Any]) -> list[Any]:
    """Module-level functions named as a test that the block calls and no other code in
    the module names."""
    names = {n for n in functions if _TEST_FUNCTION.match(n)}
    if not names:
        return []
    wanted = names & _identifiers(ctx, guard, names)
    if not wanted:
        return []
    own = {functions[n].id for n in wanted}
    elsewhere: set[str] = set()
    for node in guard.parent.named_children:
        if node.id != guard.id and node.id not in own:
            elsewhere |= _identifiers(ctx, node, wanted)
    for name in wanted:  # a test function another test function calls is test code too
        elsewhere |= _identifiers(ctx, functions[name], wanted - {name})
    return [functions[n] for n in sorted(wanted - elsewhere)]


def _identifiers(ctx: FileContext, node: Any, names: set[str]) -> set[str]:
    """Which of `names` occur as identifiers under `node`."""
    out = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            name = _node_text(ctx, current)
            if name in names:
                out.add(name)
        stack.extend(current.named_children)
    return out
