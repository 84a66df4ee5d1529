"""`--format github`: an annotation whose span covers several lines carries no
`col`/`endColumn` (GitHub's toolkit takes columns only within one line), one on a
single line carries both (issue #26 item 6)."""

from __future__ import annotations

import re

from ztlint.model import Confidence, Finding, Severity, Span
from ztlint.registry import load_rules
from ztlint.report import Report
from ztlint.reporters import github


def _finding(span: Span, path: str) -> Finding:
    return Finding(
        rule_id="ZT301",
        rule_name="docker-socket-mount",
        path=path,
        span=span,
        message="service 'a' mounts the socket",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        snippet="    - /var/run/docker.sock:/var/run/docker.sock",
    )


def _properties(line: str) -> dict[str, str]:
    m = re.match(r"::(?:error|warning|notice) ([^:]*)::", line)
    assert m, line
    return dict(p.split("=", 1) for p in m.group(1).split(","))


def test_multi_line_annotation_has_no_columns() -> None:
    report = Report(
        findings=(
            _finding(Span(4, 7, 4, 20), "a.yml"),
            _finding(Span(4, 7, 9, 3), "b.yml"),
        ),
        notifications=(),
        rules=tuple(r.meta for r in load_rules()),
        files_scanned=2,
    )
    one, several = (line for line in github.render(report).splitlines() if line.startswith("::"))
    assert _properties(one) == {
        "file": "a.yml",
        "line": "4",
        "col": "7",
        "endLine": "4",
        "endColumn": "20",
        "title": "ZT301 docker-socket-mount",
    }
    props = _properties(several)
    assert props["line"] == "4" and props["endLine"] == "9"
    assert "col" not in props and "endColumn" not in props
