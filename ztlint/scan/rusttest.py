"""Rust test code: the line ranges of items under `#[cfg(test)]` (or another test-only
`cfg`) or `#[test]`, and the files `#[cfg(test)] mod name;` makes test code, both read
from the tree."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ztlint.parsers.budget import OverBudget
from ztlint.parsers.data import ParseFailure
from ztlint.provenance.classes import DEFAULT_TEST_TAGS
from ztlint.provenance.goconstraints import rust_cfg_test_only
from ztlint.rule import FileContext

# Test-only items: `#[cfg(test)]`, `#[cfg(all(test, ...))]`, `#[test]`, `#[tokio::test]`,
# and a `cfg` that holds only with a test tag (`#[cfg(any(test, feature = "testing"))]`,
# the configured test tags naming cargo features as they name Go build tags).
# `#[cfg(any(test, feature = "tls"))]` also builds outside tests, so it is not test code.
# Matched against a whole attribute item of the tree: `#[doc = "#[test]"]` is not one.
_TEST_ATTRIBUTE = re.compile(r"#\[\s*(?:[\w:]+::)?test\s*\]")
_CFG = re.compile(r"#\[\s*cfg\s*\((.*)\)\s*\]", re.S)


def test_attribute_text(text: str, test_tags: tuple[str, ...]) -> bool:
    """Whether an attribute item makes what it annotates test code."""
    if _TEST_ATTRIBUTE.fullmatch(text):
        return True
    m = _CFG.fullmatch(text)
    return m is not None and rust_cfg_test_only(m.group(1), test_tags)


# A module declared in its own file (`mod tests;`) after a `cfg`: only a prefilter, the
# declaration counts when the tree has it (not in a comment or a string, see
# rust_test_code).
_MOD_DECL = re.compile(r"\bmod\s+\w+\s*;")


def rust_test_module_paths(path: str, names: Sequence[str]) -> tuple[str, ...]:
    """Files and folders that `#[cfg(test)] mod name;` declarations (of `names`) in
    `path` make test code: `name.rs` and `name/` beside a lib.rs, main.rs or mod.rs, or
    below a folder named after any other file."""
    folder, _, base = path.rpartition("/")
    stem = base[:-3] if base.endswith(".rs") else base
    parent = folder if stem in ("lib", "main", "mod") else (f"{folder}/{stem}" if folder else stem)
    prefix = f"{parent}/" if parent else ""
    out = []
    for name in names:
        out += [f"{prefix}{name}.rs", f"{prefix}{name}/"]
    return tuple(out)


def rust_test_code(
    ctx: FileContext, with_ranges: bool, test_tags: tuple[str, ...] = DEFAULT_TEST_TAGS
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """The line ranges of test items (when `with_ranges`) and the test module files a
    Rust file declares, both from its tree: text that only looks like an attribute (in
    a comment, a string or a doc attribute) makes nothing test code."""
    declares = "cfg" in ctx.source.text and _MOD_DECL.search(ctx.source.text) is not None
    if not (with_ranges or declares):
        return (), ()
    from ztlint.parsers import code

    try:
        items = _rust_test_items(ctx, test_tags)
    except (ParseFailure, OverBudget):
        return (), ()
    ranges = [] if not with_ranges else [code.node_span(ctx.source, node) for node, _ in items]
    names = [
        code.node_text(ctx.source, name)
        for node, top in items
        if top and node.type == "mod_item" and node.child_by_field_name("body") is None
        if (name := node.child_by_field_name("name")) is not None
    ]
    return (
        tuple(sorted((s.start_line, s.end_line) for s in ranges)),  # lines, not rows
        rust_test_module_paths(ctx.path, names),
    )


def _rust_test_items(ctx: FileContext, test_tags: tuple[str, ...]) -> list[tuple[Any, bool]]:
    """Items under a test attribute (`#[cfg(test)]`, `#[test]`) at any module depth,
    with whether each is at the file's top level."""
    from ztlint.parsers import code

    root = ctx.tree().root_node
    items = []
    stack = [root]
    while stack:
        container = stack.pop()
        test_attribute = False
        for child in container.named_children:
            if child.type == "attribute_item":
                text = code.node_text(ctx.source, child).strip()
                test_attribute = test_attribute or test_attribute_text(text, test_tags)
                continue
            if child.type in ("line_comment", "block_comment"):
                continue
            if test_attribute and child.type in ("mod_item", "function_item", "impl_item"):
                items.append((child, container is root))
            elif (
                child.type == "mod_item" and (body := child.child_by_field_name("body")) is not None
            ):
                stack.append(body)
            test_attribute = False
    return items
