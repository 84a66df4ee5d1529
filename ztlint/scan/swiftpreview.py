"""Swift preview code: the line ranges of SwiftUI previews, read from the tree.

A `#Preview { ... }` macro and a type that conforms to `PreviewProvider` build views for
Xcode's canvas with sample data; the app never runs them. Their lines are test code in a
production file, like Rust's `#[cfg(test)]` items (`rusttest.py`): findings there are
placed by the test policy, not reported as the app's behaviour.
"""

from __future__ import annotations

from typing import Any

from ztlint.parsers.budget import OverBudget
from ztlint.parsers.data import ParseFailure
from ztlint.rule import FileContext

# Types a SwiftUI preview is declared with; `SwiftUI.PreviewProvider` is matched by its
# last part.
_PREVIEW_TYPES = frozenset({"PreviewProvider"})
_PREVIEW_MACROS = frozenset({"Preview"})


def swift_preview_ranges(ctx: FileContext, with_ranges: bool) -> tuple[tuple[int, int], ...]:
    """The line ranges (1-based, inclusive) of the file's preview macros and preview
    provider types, when `with_ranges` (the file has findings) and the text names one."""
    text = ctx.source.text
    if not with_ranges or "Preview" not in text:
        return ()
    from ztlint.parsers import code

    try:
        root = ctx.tree().root_node
    except (ParseFailure, OverBudget):
        return ()
    ranges = []
    stack = [root]
    while stack:
        node = stack.pop()
        if _preview(ctx, node):
            span = code.node_span(ctx.source, node)
            ranges.append((span.start_line, span.end_line))
            continue
        stack.extend(node.named_children)
    return tuple(sorted(ranges))


def _preview(ctx: FileContext, node: Any) -> bool:
    """`#Preview { .. }` (with or without a name and traits), or `struct X:
    PreviewProvider`."""
    from ztlint.parsers import code

    if node.type == "macro_invocation":
        name = next((c for c in node.named_children if c.type == "simple_identifier"), None)
        return name is not None and code.node_text(ctx.source, name) in _PREVIEW_MACROS
    if node.type == "class_declaration":
        for spec in node.named_children:
            if spec.type != "inheritance_specifier":
                continue
            named = code.node_text(ctx.source, spec).rsplit(".", 1)[-1].strip()
            if named in _PREVIEW_TYPES:
                return True
    return False
