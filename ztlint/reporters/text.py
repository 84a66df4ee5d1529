"""Readable text: findings grouped by file, each with its (masked) source line and a
marker under the span, then counts by severity and the notifications.

Every line starts with text ztlint writes or with a path made safe by
`safe_text.line_head`; scanned text is escaped with `safe_text` (no control character,
no line break, no `##[`), so the report is safe in a terminal and in a GitHub log."""

from __future__ import annotations

from ztlint.engine import NOTIFICATION_CODES, Report
from ztlint.model import Confidence, Finding, Severity
from ztlint.reporters import safe_text

_COLORS = {
    Severity.CRITICAL: "\033[1;35m",
    Severity.HIGH: "\033[1;31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[37m",
}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _shown_width(line: str, col: int) -> int:
    """Where column `col` (0-based) of `line` falls in its shown form; the shown form of
    a prefix is a prefix of the shown form, escapes depending only on what precedes."""
    return len(safe_text.shown(line[:col])) + max(col - len(line), 0)


def _marker(f: Finding) -> str:
    line = f.snippet
    start = max(f.span.start_col - 1, 0)
    end = f.span.end_col - 1 if f.span.end_line == f.span.start_line else len(line.rstrip())
    end = max(end, start + 1)
    shown = safe_text.shown(line)
    if shown is not line:  # escapes widen the text before and inside the span
        start, end = _shown_width(line, start), _shown_width(line, end)
    prefix = "".join("\t" if ch == "\t" else " " for ch in shown[:start])
    return prefix + "^" * min(end - start, max(len(shown) - start, 1))


def _head(path: str) -> str:
    """A path's shown form, safe at the start of a line."""
    return safe_text.line_head(safe_text.path(path))


def render(report: Report, color: bool = False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    shown = [f for f in report.findings if f.active]
    out: list[str] = []
    current = None
    for f in shown:
        if f.path != current:
            if current is not None:
                out.append("")
            current = f.path
        sev = f.severity.label + provenance_tag(f)
        where = f"{_head(f.path)}:{f.span.start_line}:{f.span.start_col}"
        tag = f"{safe_text.shown(f.rule_id)} [{sev}]"
        message = safe_text.shown(f.message)
        out.append(f"{paint(_BOLD, where)}  {paint(_COLORS[f.severity], tag)} {message}")
        if f.snippet.strip():
            out.append(paint(_DIM, "    | ") + safe_text.shown(f.snippet.rstrip()))
            out.append(paint(_DIM, "    | ") + paint(_COLORS[f.severity], _marker(f)))
        if f.commit is not None:
            out.append(paint(_DIM, "    = ") + history_line(f))
    if shown:
        out.append("")
    counts = {s: sum(1 for f in shown if f.severity == s) for s in Severity}
    parts = [f"{n} {s.label}" for s, n in sorted(counts.items(), reverse=True) if n]
    suppressed = sum(1 for f in report.findings if not f.active)
    summary = f"{len(shown)} finding{'s' if len(shown) != 1 else ''}"
    if parts:
        summary += f" ({', '.join(parts)})"
    if report.history is not None:
        summary += history_scope(report)
    else:
        summary += (
            f" in {report.files_scanned} file{'s' if report.files_scanned != 1 else ''} scanned"
        )
    if suppressed:
        summary += f"; {suppressed} suppressed"
    summary += provenance_counts(report)
    out.append(summary)
    out.append(config_line(report))
    if report.notifications:
        out.append(
            f"{len(report.notifications)} notification{'s' if len(report.notifications) != 1 else ''}:"
        )
        for n in report.notifications:
            where = _head(n.path) if n.path else "-"
            if n.line:
                where += f":{n.line}"
            name = NOTIFICATION_CODES.get(n.code, (n.code, ""))[0]
            out.append(f"  {where}  {n.code} {name}: {safe_text.shown(n.message)}")
    return "\n".join(out) + "\n"


def history_line(f: Finding) -> str:
    """`added in commit 1a2b3c4d5e6f (2026-01-02T10:00:00+00:00); still at HEAD`."""
    assert f.commit is not None
    where = "still at HEAD" if f.commit.at_head else "no longer at HEAD, still in history"
    return f"added in commit {f.commit.sha[:12]} ({safe_text.shown(f.commit.date)}); {where}"


def history_scope(report: Report) -> str:
    """` in 320 blobs of 41 commits (back to 1a2b3c4d5e6f, 2019-...), 12 scanned now`."""
    h = report.history
    out = f" in {h.blobs} blob{'s' if h.blobs != 1 else ''} of {h.commits} commit"
    out += "s" if h.commits != 1 else ""
    if h.oldest:
        out += f" (back to {h.oldest[:12]}, {safe_text.shown(h.oldest_date)})"
    out += f"; {h.scanned + h.unchanged} read now ({h.scanned} parsed)"
    return out + f", {h.cached} checked by earlier runs"


def provenance_tag(f: Finding) -> str:
    """`, test` (`, docs`, ...) after the severity of a finding outside production code."""
    if f.provenance != "production":
        return f", {f.provenance}"
    return ", test code" if f.in_test_code else ""


def provenance_counts(report: Report) -> str:
    """`; 412 files of vendored/generated code checked for secrets only; 12 findings in
    test/example/docs code not shown`, the parts that are not zero."""
    out = ""
    unchecked = report.not_checked_files()
    if unchecked:
        out += f"; {unchecked} file{'s' if unchecked != 1 else ''} of vendored/generated code checked for secrets only"
    if report.hidden_findings:
        n = report.hidden_findings
        out += f"; {n} finding{'s' if n != 1 else ''} in test/example/docs code not shown"
    if report.below_confidence:
        n = report.below_confidence
        lower = "pedantic" if report.min_confidence == Confidence.MEDIUM else "medium"
        out += (
            f"; {n} finding{'s' if n != 1 else ''} below {report.min_confidence.label} "
            f"confidence not shown (--min-confidence {lower})"
        )
    return out


def config_line(report: Report) -> str:
    """`config: .ztlint.yaml (35 of 42 rules, 3 exceptions)`: what the scan ran under."""
    files = ", ".join(safe_text.path(f) for f in report.config_files) or "none"
    extra = f", {report.exceptions} exception{'s' if report.exceptions != 1 else ''}"
    counts = f"{len(report.rules)} of {report.rules_total} rules" + (
        extra if report.exceptions else ""
    )
    return f"config: {files} ({counts})"
