"""GitHub Actions workflow-command annotations.

`::error file=...,line=...,col=...,title=...::message`, with the escaping the format
requires: `%`, CR and LF in the message; also `:` and `,` in properties. Scanned text
(paths, messages, rule strings) is first shown with `safe_text`, so no control
character, line break or `##[` from the repository reaches the log: every line is one
ztlint writes. GitHub shows only the first 10 errors and 10 warnings of a step, so past
that a summary line says what was not shown. A span over several lines carries no
columns: GitHub takes `col`/`endColumn` only within one line.
"""

from __future__ import annotations

from ztlint.model import Severity
from ztlint.report import Report
from ztlint.reporters import safe_text

SHOWN_PER_LEVEL = 10
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def shown_data(text: str) -> str:
    """Text that may come from the scanned repository, as a command's message."""
    return escape_data(safe_text.shown(text))


def shown_property(text: str) -> str:
    """Text that may come from the scanned repository, as a command's property."""
    return escape_property(safe_text.shown(text))


def _file(path: str) -> str:
    return escape_property(safe_text.path(path))


def render(report: Report) -> str:
    lines = []
    shown = {"error": 0, "warning": 0, "notice": 0}
    hidden = {"error": 0, "warning": 0, "notice": 0}
    for f in report.findings:
        if not f.active:
            continue
        level = "notice" if f.in_test_code else _LEVEL[f.severity]
        if level != "notice" and shown[level] >= SHOWN_PER_LEVEL:
            hidden[level] += 1
        shown[level] += 1
        span = f.span
        one_line = span.start_line == span.end_line
        props = [
            f"file={_file(f.path)}",
            f"line={span.start_line}",
            *([f"col={span.start_col}"] if one_line else []),
            f"endLine={span.end_line}",
            *([f"endColumn={span.end_col}"] if one_line else []),
            f"title={shown_property(f'{f.rule_id} {f.rule_name}')}",
        ]
        lines.append(f"::{level} {','.join(props)}::{shown_data(f.message)}")
    for n in report.notifications:
        where = f"file={_file(n.path)}," if n.path else ""
        line = f"line={n.line}," if n.line else ""
        lines.append(
            f"::notice {where}{line}title={shown_property(n.code)}::{shown_data(n.message)}"
        )
    not_shown = [f"{count} {level}s" for level, count in hidden.items() if count]
    total = sum(1 for f in report.findings if f.active)
    summary = f"ztlint: {total} finding{'s' if total != 1 else ''}"
    if not_shown:
        summary += f"; GitHub shows 10 errors and 10 warnings per step, so {' and '.join(not_shown)} are not annotated (see the SARIF or text report)"
    lines.append(summary)
    return "\n".join(lines) + "\n"
