"""What rule modules (ztlint/checks) may import: they ask ztlint.semantics, never the
prefilter's machinery."""

from __future__ import annotations

import ast
from pathlib import Path

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
