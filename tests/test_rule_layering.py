"""What rule modules (ztlint/checks) may import: they ask ztlint.semantics, never the
prefilter's machinery."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ztlint.rule import FileContext
from ztlint.source import SourceText

_PREFILTER = ("ztlint.triggers", "ztlint.caseless", "ztlint.querytriggers")


def test_no_rule_module_imports_the_prefilter_machinery() -> None:
    """Rules ask ztlint.semantics (its `text` module for whole-text searches); how
    the prefilter makes its searches fast stays out of them."""
    checks = Path(__file__).resolve().parent.parent / "ztlint" / "checks"
    modules = sorted(checks.rglob("*.py"))
    assert len(modules) > 50
    offenders = []
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            if any(n == p or n.startswith(p + ".") for n in names for p in _PREFILTER):
                offenders.append(f"{module.relative_to(checks)}:{node.lineno}")
    assert offenders == []


def test_rules_and_semantics_cache_by_function_not_by_a_shared_name() -> None:
    """`FileContext.memo` files values under free strings any module may reuse; rules
    and the semantics layer use `FileContext.cached`, keyed by the function itself."""
    root = Path(__file__).resolve().parent.parent / "ztlint"
    users = sorted(
        str(module.relative_to(root))
        for folder in ("checks", "semantics")
        for module in (root / folder).rglob("*.py")
        if ".memo(" in module.read_text(encoding="utf-8")
    )
    assert users == []


def _count(ctx: FileContext, *args: object) -> list[object]:
    _calls.append(args)
    return [args]


_calls: list[tuple[object, ...]] = []


def test_cached_computes_once_per_function_and_arguments() -> None:
    ctx = FileContext("a.txt", frozenset(), None, SourceText("x"))
    _calls.clear()
    assert ctx.cached(_count) is ctx.cached(_count)
    assert ctx.cached(_count, "a") == [("a",)]
    assert ctx.cached(_count, "a") is ctx.cached(_count, "a")
    assert _calls == [(), ("a",)]
    with pytest.raises(ValueError, match="module-level"):
        ctx.cached(lambda c: 1)
