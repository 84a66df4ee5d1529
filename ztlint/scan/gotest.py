"""Go test helpers in production files: the line ranges of functions that take a test's
handle (`t *testing.T`, `tb testing.TB`, `*testing.B`, `*testing.F`, `*testing.M`).

Go keeps helpers for tests beside the code they test, in files any build compiles
(`testing.go`, `helpers.go`): a function that needs a running test's handle can only be
called from a test, so what it does is test code. The rest of the file stays production
(a package may export such a helper next to its real code, and production code may
import `testing` for `testing.Testing()`)."""

from __future__ import annotations

import re
from typing import Any

from ztlint.parsers.budget import OverBudget
from ztlint.parsers.data import ParseFailure
from ztlint.rule import FileContext

# The names a file imports the `testing` package under (its own name, or an alias).
_IMPORT = re.compile(r'(?m)^[ \t]*(?:import[ \t]+)?(?:(\w+)[ \t]+)?"testing"[ \t]*(?://.*)?$')
_HANDLES = frozenset({"T", "TB", "B", "F", "M"})
_FUNCTIONS = ("function_declaration", "method_declaration", "func_literal")


def go_test_helpers(ctx: FileContext) -> tuple[tuple[int, int], ...]:
    """The (first, last) lines of the functions that take a test handle."""
    text = ctx.source.text
    if '"testing"' not in text:
        return ()
    names = {m.group(1) or "testing" for m in _IMPORT.finditer(text)} - {"_", "."}
    if not names or not any(f"{n}." in text for n in names):
        return ()
    from ztlint.parsers import code

    try:
        root = ctx.tree().root_node
    except (ParseFailure, OverBudget):
        return ()
    ranges: list[tuple[int, int]] = []
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node.type in _FUNCTIONS and _takes_handle(ctx, node, names):
            span = code.node_span(ctx.source, node)
            ranges.append((span.start_line, span.end_line))
            continue  # what it holds is inside the range already
        stack.extend(node.named_children)
    return tuple(sorted(ranges))


def _takes_handle(ctx: FileContext, function: Any, names: set[str]) -> bool:
    from ztlint.parsers import code

    params = function.child_by_field_name("parameters")
    for param in params.named_children if params is not None else ():
        kind = param.child_by_field_name("type")
        if kind is None:
            continue
        if kind.type == "pointer_type" and kind.named_children:
            kind = kind.named_children[0]
        if kind.type != "qualified_type":
            continue
        package = kind.child_by_field_name("package")
        name = kind.child_by_field_name("name")
        if (
            package is not None
            and name is not None
            and code.node_text(ctx.source, package) in names
            and code.node_text(ctx.source, name) in _HANDLES
        ):
            return True
    return False
