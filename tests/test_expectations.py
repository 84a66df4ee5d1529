"""The fixture annotations themselves: `ztlint-todo:` reads like `ztlint-expect:`, and a
known gap that ztlint starts to report fails the fixture test until the todo becomes an
expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import test_fixtures
from tests.expectations import parse, parse_todo

GO = """package main

import "crypto/tls"

func client() *tls.Config {
	// ztlint-todo: ZT101
	return &tls.Config{InsecureSkipVerify: true}%s
}
"""


def test_todo_syntax_matches_expect(tmp_path: Path) -> None:
    text = "a := 1 // ztlint-todo: ZT101, ZT102[high]\n// ztlint-todo: ZT103\nb := 2\n"
    assert sorted(parse_todo(text)) == [
        (1, "ZT101", None, None),
        (1, "ZT102", "high", None),
        (3, "ZT103", None, None),
    ]
    # A todo is not an expectation.
    assert not parse(tmp_path / "x.go", text)


def test_open_gap_passes(tmp_path: Path) -> None:
    rule_dir = tmp_path / "ZT101"
    rule_dir.mkdir()
    unit = rule_dir / "negative_gap.go"
    unit.write_text(
        "package main\n\nfunc dial() {\n\t// ztlint-todo: ZT101\n\tconnect(skip)\n}\n",
        encoding="utf-8",
    )
    test_fixtures.test_fixture(rule_dir, unit)


def test_closed_gap_fails(tmp_path: Path) -> None:
    rule_dir = tmp_path / "ZT101"
    rule_dir.mkdir()
    unit = rule_dir / "positive_gap.go"
    unit.write_text(GO % " // ztlint-expect: ZT101", encoding="utf-8")
    with pytest.raises(AssertionError, match="turn their ztlint-todo into ztlint-expect"):
        test_fixtures.test_fixture(rule_dir, unit)
