"""No module is much over 400 lines unless its docstring says why (STYLE.md): a long
module is either cut along its seams or explains, in its first lines, why it is one."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

LIMIT = 420  # "about 400"


def test_long_modules_say_why() -> None:
    unexplained = []
    for path in sorted((ROOT / "ztlint").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LIMIT:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if "lines" not in doc:
            unexplained.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not unexplained, "modules over about 400 lines with no reason given: " + ", ".join(
        unexplained
    )
