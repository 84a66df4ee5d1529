"""What the comments directly above a piece of code say of it: the author's word.

A comment right above the argument or the statement that holds a value, saying the value
is a placeholder or not used (`// Placeholder, not used by OIDC connectors`, `// this
isn't used`), is the author's word that nothing reaches it. Only the contiguous comments
directly before that argument or statement count, not any comment in the function; a
comment that speaks of something else the rule names (`about`: the transport, for a URL)
is no such word.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.rule import FileContext

# What a comment says of a value that nothing reaches.
_UNUSED = re.compile(
    r"(?i)\b(placeholder|not\s+used|isn't\s+used|is\s+never\s+used|unused|"
    r"never\s+(used|called|contacted|reached|requested|fetched))\b"
)
_STATEMENT_HOLDERS = frozenset(
    {"program", "module", "block", "statement_block", "statements", "source_file",
     "compound_statement", "class_body", "function_body", "statement_list"}
)  # fmt: skip
_ARGUMENT_HOLDERS = frozenset({"arguments", "argument_list", "value_arguments"})
_COMMENTS = frozenset({"comment", "line_comment", "block_comment", "multiline_comment"})


def said_unused(ctx: FileContext, node: Node, about: re.Pattern[str] | None = None) -> str | None:
    """The word (`placeholder`, `not used`) of the comments right above the argument or
    statement holding `node`, when they say it is a placeholder or not used; comments
    matching `about` speak of something else and do not count."""
    for _ in range(8):
        parent = node.parent
        if parent is None:
            return None
        if parent.type in _ARGUMENT_HOLDERS or parent.type in _STATEMENT_HOLDERS:
            said = _comment_before(ctx, node, about)
            if said is None and parent.type in _STATEMENT_HOLDERS and node.prev_sibling is None:
                # a block's first statement: its comment sits before the block (Go's
                # statement list, Python's indented block)
                said = _comment_before(ctx, parent, about)
            if said is not None or parent.type in _STATEMENT_HOLDERS:
                return said
        node = parent
    return None


def _comment_before(ctx: FileContext, node: Node, about: re.Pattern[str] | None) -> str | None:
    before = node.prev_named_sibling
    while before is not None and before.type in _COMMENTS:
        said = _text(ctx, before)
        found = _UNUSED.search(said)
        if found and (about is None or not about.search(said)):
            return " ".join(found.group(0).lower().split())
        before = before.prev_named_sibling
    return None


def _text(ctx: FileContext, node: Node) -> str:
    from ztlint.parsers import code

    return code.node_text(ctx.source, node)
