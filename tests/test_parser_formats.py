"""Formats are plug-ins of the parser layer (ztlint.parsers): a new format is a parser
module with a Format, an entry in ztlint.parsers.FORMATS and a classification entry;
FileContext does not change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ztlint import classify, parsers
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence, RuleMeta, Severity, Span
from ztlint.notices import NOT_PARSED
from ztlint.parsers.data import Mapping, Node, ParseFailure, Scalar
from ztlint.rule import Detector, FileContext, Hit, Rule
from ztlint.source import SourceText


def _parse_keys(source: SourceText) -> list[Node]:
    """`key = value` lines into one mapping; any other line is a syntax error."""
    doc = Mapping(Span(1, 1, 1, 1))
    for number, line in enumerate(source.text.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ParseFailure("keys syntax error: expected key = value", number, 1)
        span = Span(number, 1, number, len(line) + 1)
        doc.entries.append((Scalar(span, key.strip()), Scalar(span, value.strip())))
    return [doc]


KEYS = parsers.Format(name="keys", parse=_parse_keys)


def _insecure_keys(ctx: FileContext) -> Iterator[Hit]:
    for doc in ctx.documents():
        assert isinstance(doc, Mapping)
        for key, value in doc.entries:
            if key.value == "insecure" and isinstance(value, Scalar) and value.truthy():
                yield Hit(key.span, "insecure = true in a keys file")


@pytest.fixture
def keys_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test format: a parser entry naming this module's KEYS, and `.keys` files
    classified as it."""
    monkeypatch.setitem(parsers.FORMATS, "keys", f"{__name__}:KEYS")
    monkeypatch.setitem(classify._EXTENSIONS, ".keys", "keys")


def _rule() -> Rule:
    meta = RuleMeta(
        id="ZT997",
        name="test-insecure-keys",
        title="insecure key",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=1,
        message="m",
        fix="f",
        docs="",
    )
    return Rule(
        meta, (Detector("keys", frozenset({classify.TEXT}), ("insecure",), _insecure_keys),)
    )


def test_a_registered_format_is_parsed_and_reaches_a_detector(
    keys_format: None, tmp_path: Path
) -> None:
    (tmp_path / "app.keys").write_text("name = demo\ninsecure = true\n")
    (tmp_path / "broken.keys").write_text("insecure\n")
    report = run(["."], Config(), rules=(_rule(),), jobs=1, cwd=str(tmp_path))
    assert [(f.path, f.span.start_line, f.rule_id) for f in report.findings] == [
        ("app.keys", 2, "ZT997")
    ]
    # A file that does not parse is reported the way every format's failure is.
    failed = [n for n in report.notifications if n.code == NOT_PARSED]
    assert [n.path for n in failed] == ["broken.keys"]
    assert "keys syntax error" in failed[0].message


def test_format_of_knows_the_built_in_formats_and_nothing_else() -> None:
    assert {name: parsers.format_of(name).name for name in ("yaml", "json", "toml")} == {  # type: ignore[union-attr]
        "yaml": "yaml",
        "json": "json",
        "toml": "toml",
    }
    assert parsers.format_of("go") is None
    assert parsers.format_of(None) is None


def test_a_format_entry_must_name_a_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(parsers.FORMATS, "bogus", f"{__name__}:_rule")
    with pytest.raises(TypeError):
        parsers.format_of("bogus")
