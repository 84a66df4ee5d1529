"""Files real repositories hold that ztlint must read as they are meant (issue #29):
JSONC, YAML 1.2 that libyaml rejects, data files that are not code."""

from __future__ import annotations

from pathlib import Path

from ztlint.parsers.data import Mapping, Scalar, Sequence
from ztlint.parsers.structured import parse_json
from ztlint.source import SourceText

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_jsonc_trailing_commas_and_comments_keep_positions() -> None:
    text = '{\n  // c, ]\n  "a": [1, 2, /* x, */ ],\n  "b": "x,]",\n}\n'
    (doc,) = parse_json(SourceText(text))
    assert isinstance(doc, Mapping)
    a = doc.get("a")
    assert isinstance(a, Sequence) and [i.value for i in a.items if isinstance(i, Scalar)] == [
        "1",
        "2",
    ]
    b = doc.entry("b")
    assert b is not None and b[0].span.start_line == 4 and doc.get_str("b") == "x,]"


def test_jsonc_fixtures_parse() -> None:
    for path in (
        FIXTURES / "ZT204/negative_jsonc/.devcontainer/devcontainer.json",
        FIXTURES / "ZT204/negative_jsonc/tsconfig.json",
        FIXTURES / "ZT204/positive_jsonc/.vscode/settings.json",
    ):
        assert parse_json(SourceText(path.read_text(encoding="utf-8")))
