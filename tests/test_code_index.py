"""Finding Go string literals from their delimiters in the text gives exactly the nodes
the tree-sitter query gives, on every Go fixture and on generated, often broken, Go."""

from __future__ import annotations

from hypothesis import given, settings

from tests.conftest import FIXTURES, pieced
from ztlint.parsers import code
from ztlint.source import SourceText

KINDS = ("interpreted_string_literal", "raw_string_literal")


def _both(text: str) -> None:
    src = SourceText(text)
    tree = code.parse("go", src)
    for kinds in (KINDS, KINDS[:1], KINDS[1:]):
        by_query = code.nodes_of_kinds("go", tree, kinds)
        by_text = code.nodes_of_kinds("go", tree, kinds, src.utf8)
        assert [(n.start_byte, n.end_byte, n.type) for n in by_text] == [
            (n.start_byte, n.end_byte, n.type) for n in by_query
        ]


def test_go_fixtures() -> None:
    paths = sorted(FIXTURES.rglob("*.go"))
    assert paths
    for path in paths:
        _both(path.read_text(encoding="utf-8", errors="replace"))


PIECES = [
    "package a\n",
    "func f() {",
    "}",
    "\n",
    'x := "a"',
    '"\\""',
    '"',
    "`",
    '`raw\n"x"`',
    "'\"'",
    "'`'",
    '// c "q"\n',
    '/* `q` "r" */',
    "/*",
    "*/",
    "s + ",
    "é",
    'f("k", `v`)',
    "\\",
]


@settings(max_examples=400, deadline=None)
@given(pieced(PIECES, 25))
def test_generated_go(text: str) -> None:
    _both(text)
