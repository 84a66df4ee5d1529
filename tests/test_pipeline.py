"""The stages between reading and reporting: prefilter, parse once, binary files,
parse failures, severity overrides, secret masking."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from ztlint import classify
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence, RuleMeta, Severity, Span
from ztlint.notices import NOT_PARSED
from ztlint.parsers import structured, yaml
from ztlint.registry import load_rules
from ztlint.reporters import github, sarif, text
from ztlint.reporters import json as json_reporter
from ztlint.rule import Detector, FileContext, Hit, Rule


def test_a_file_no_rule_wants_is_never_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_yaml, real_json = yaml.parse_yaml, structured.parse_json
    monkeypatch.setattr(yaml, "parse_yaml", lambda t: calls.append("yaml") or real_yaml(t))
    monkeypatch.setattr(structured, "parse_json", lambda s: calls.append("json") or real_json(s))
    (tmp_path / "plain.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n"
    )
    (tmp_path / "data.json").write_text('{"static_resources": {"clusters": []}}')
    run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert calls == []
    (tmp_path / "sock.yaml").write_text(
        "services:\n  web:\n    image: x\n    volumes: ['/var/run/docker.sock:/s']\n"
    )
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert calls == ["yaml"]  # once, though two detectors could read it
    assert [f.path for f in report.findings] == ["sock.yaml"]


def _magic(ctx: FileContext) -> Iterator[Hit]:
    if ctx.is_binary and ctx.head.startswith(b"\x30\x82"):
        yield Hit(Span(1, 1, 1, 1), f"binary key store {ctx.path}")


def test_binary_files_are_offered_by_name_and_magic_bytes(tmp_path: Path) -> None:
    (tmp_path / "keystore.p12").write_bytes(b"\x30\x82\x0a\x00\x00\x01" + bytes(range(256)))
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    meta = RuleMeta("ZT995", "test-binary", "t", Severity.HIGH, Confidence.HIGH, 1, "m", "f", "")
    rule = Rule(meta, (Detector("magic", frozenset({classify.BINARY}), (), _magic, binary=True),))
    report = run(["."], Config(), rules=(rule,), jobs=1, cwd=str(tmp_path))
    assert [(f.path, f.message, f.snippet) for f in report.findings] == [
        ("keystore.p12", "binary key store keystore.p12", "")
    ]


def test_unparsable_file_still_gets_text_rules(tmp_path: Path) -> None:
    key = (FIXTURES / "ZT201" / "positive_server.key").read_text().split("\n", 1)[1]
    (tmp_path / "values.yaml").write_text(
        "services:\n  a: [unclosed\n    volumes: ['/var/run/docker.sock:/x']\ntls_key: |\n"
        + "".join("  " + line + "\n" for line in key.splitlines())
    )
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert [f.rule_id for f in report.findings] == ["ZT201"]
    (note,) = report.notifications
    assert note.code == NOT_PARSED and note.path == "values.yaml" and note.line is not None


def test_valid_json_that_yaml_parsers_reject() -> None:
    from ztlint.source import SourceText

    long_key = "k" * 2000
    doc = structured.parse_json(
        SourceText(f'{{"{long_key}": "\\ud83d\\ude00", "a": [1, 2.5e3, null]}}')
    )[0]
    assert doc.get_str(long_key) == "\U0001f600"  # type: ignore[attr-defined]


def test_severity_override_changes_findings_and_sarif(tmp_path: Path) -> None:
    (tmp_path / "a.go").write_text("package a\nvar c = &tls.Config{InsecureSkipVerify: true}\n")
    config = Config(
        severity=(("tls-verification-disabled", Severity.MEDIUM),), fail_on=Severity.HIGH
    )
    report = run(["."], config, jobs=1, cwd=str(tmp_path))
    assert [f.severity for f in report.findings] == [Severity.MEDIUM]
    assert report.exit_code() == 0
    log = sarif.build(report)
    rule = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "ZT101")
    assert rule["properties"]["security-severity"] == "5.5"
    assert rule["defaultConfiguration"]["level"] == "warning"


def _key_lines(path: Path) -> list[str]:
    body = path.read_text(encoding="utf-8", errors="replace")
    lines = [
        ln.strip()
        for ln in re.split(r"\\n|\n", body)
        if re.fullmatch(r"[A-Za-z0-9+/=]{16,}", ln.strip().strip('",'))
    ]
    return [ln.strip('",') for ln in lines]


def test_no_output_contains_a_key() -> None:
    report = run(["ZT201"], Config(tests="report"), rules=load_rules(), jobs=1, cwd=str(FIXTURES))
    assert len([f for f in report.findings if f.rule_id == "ZT201"]) >= 5
    canaries = [
        c
        for p in (FIXTURES / "ZT201").rglob("*")
        if p.is_file() and "positive" in p.name
        for c in _key_lines(p)
    ]
    assert len(canaries) > 20
    outputs = [text.render(report), json_reporter.render(report), sarif.render(report)]
    for out in outputs:
        for canary in canaries:
            assert canary not in out
    (one_line,) = [
        f for f in json.loads(outputs[1])["findings"] if f["path"].endswith("service_account.json")
    ]
    assert "BEGIN PRIVATE KEY-----" in one_line["snippet"] and "*" * 40 in one_line["snippet"]


def test_no_output_contains_a_token() -> None:
    folder = FIXTURES / "ZT202"
    values = re.findall(r'= "([^"]{20,})"', (folder / "positive_settings.py").read_text())
    values += re.findall(r"= (\S{20,})$", (folder / "positive_aws_credentials").read_text(), re.M)
    canaries = [v[30:] if len(v) > 45 else v[4:] for v in values]
    assert len(canaries) >= 16
    everything = Config(min_confidence=Confidence.LOW)  # a canary at any confidence
    report = run(["ZT202"], everything, rules=load_rules(), jobs=1, cwd=str(FIXTURES))
    assert len([f for f in report.findings if f.path.endswith("positive_settings.py")]) == 15
    for out in (text.render(report), json_reporter.render(report), sarif.render(report)):
        for canary in canaries:
            assert canary not in out


def _span_text(path: Path, span: Span) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    if span.start_line == span.end_line:
        return lines[span.start_line - 1][span.start_col - 1 : span.end_col - 1]
    first = lines[span.start_line - 1][span.start_col - 1 :]
    return first  # a multi-line secret: its first line is a fair canary


def test_no_output_contains_any_secret_span() -> None:
    """Every secret any secrets rule reports, as planted in the fixtures, is absent
    from every output format."""
    folders = ["ZT201", "ZT202", "ZT203", "ZT204", "ZT205"]
    report = run(folders, Config(tests="report"), rules=load_rules(), jobs=1, cwd=str(FIXTURES))
    canaries = set()
    for f in report.findings:
        for span in f.secret_spans:
            planted = _span_text(FIXTURES / f.path, span).strip().strip("\"'")
            if len(planted) >= 6:
                canaries.add(planted)
    assert len(canaries) >= 40
    log = sarif.build(report)
    log["runs"][0]["tool"]["driver"]["rules"] = []  # rule docs are ours, not the scanned text
    outputs = (
        text.render(report),
        json_reporter.render(report),
        json.dumps(log),
        github.render(report),
    )
    for out in outputs:
        leaked = [c for c in canaries if c in out]
        assert not leaked, leaked[:3]
