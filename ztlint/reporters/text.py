"""Readable text: findings grouped by file, each with its (masked) source line, a
marker under the span, the rule's help and documentation link (or one line per finding,
or findings by rule, or counts per rule), then the notifications grouped by kind, the
config line, and last the verdict: counts by severity and what was not shown.

Every line starts with text ztlint writes or with a path made safe by
`safe_text.line_head`; scanned text is escaped with `safe_text` (no control character,
no line break, no `##[`), so the report is safe in a terminal and in a GitHub log."""

from __future__ import annotations

from collections.abc import Callable

from ztlint import docs
from ztlint.model import Confidence, Finding, Notification, RuleMeta, Severity
from ztlint.notices import NOTIFICATION_CODES
from ztlint.report import Report
from ztlint.reporters import safe_text

_Paint = Callable[[str, str], str]

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


# Output modes (--output-format): `full` shows each finding with its source line, help
# and documentation link; `concise` one line per finding; `grouped` findings by rule.
MODES = ("full", "concise", "grouped")
# The notifications block holds at most this many lines, its header included: one line
# per kind of notification, a few examples each (-v lists every one).
NOTIFICATION_LINES = 10
_EXAMPLES = 3


def render(
    report: Report,
    color: bool = False,
    *,
    mode: str = "full",
    statistics: bool = False,
    quiet: bool = False,
    verbose: bool = False,
) -> str:
    """The report as text. Whatever the mode, it ends with the verdict line: the
    findings counted by severity, and what the scan did not show (suppressed,
    baselined, test code, vendored files, below the confidence threshold)."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    shown = [f for f in report.findings if f.active]
    metas = {m.id: m for m in report.rules}
    out: list[str] = []
    if not quiet:
        if statistics:
            out.extend(_statistics(shown, metas))
        elif mode == "concise":
            out.extend(_concise(f, paint) for f in shown)
        elif mode == "grouped":
            out.extend(_grouped(shown, metas, paint))
        else:
            out.extend(_full(shown, metas, paint))
        if out:
            out.append("")
        out.extend(_notifications(report, verbose))
        out.append(config_line(report))
    out.append(verdict(report))
    return "\n".join(out) + "\n"


def _where(f: Finding) -> str:
    return f"{_head(f.path)}:{f.span.start_line}:{f.span.start_col}"


def _full(shown: list[Finding], metas: dict[str, RuleMeta], paint: _Paint) -> list[str]:
    """Findings by file, each with its source line, a marker under the span, its
    related locations, and the rule's help, fix and documentation link."""
    out: list[str] = []
    current = None
    for f in shown:
        if f.path != current:
            if current is not None:
                out.append("")
            current = f.path
        sev = f.severity.label + provenance_tag(f)
        tag = f"{safe_text.shown(f.rule_id)} [{sev}]"
        message = safe_text.shown(f.message)
        out.append(f"{paint(_BOLD, _where(f))}  {paint(_COLORS[f.severity], tag)} {message}")
        if f.snippet.strip():
            out.append(paint(_DIM, "    | ") + safe_text.shown(f.snippet.rstrip()))
            out.append(paint(_DIM, "    | ") + paint(_COLORS[f.severity], _marker(f)))
        if f.commit is not None:
            out.append(paint(_DIM, "    = ") + history_line(f))
        out.extend(_related_lines(f, paint))
        meta = metas.get(f.rule_id)
        if meta is not None:
            out.append(paint(_DIM, "    = ") + "help: " + safe_text.shown(docs.help_line(meta)))
        if f.fix is not None:
            out.append(
                paint(_DIM, "    = ")
                + f"fix available (--fix): {safe_text.shown(f.fix.description)}"
            )
        uri = docs.help_uri(meta) if meta is not None else None
        if uri:
            out.append(paint(_DIM, "    = ") + "docs: " + safe_text.shown(uri))
    return out


# Related locations shown under a finding; the rest are counted (SARIF and JSON hold all).
RELATED_LINES = 5


def _related_lines(f: Finding, paint: _Paint) -> list[str]:
    """`= also: path:line: message` for the finding's related locations (the other
    credentials of one compose file, the cluster a socket belongs to)."""
    out = [
        paint(_DIM, "    = ")
        + f"also: {safe_text.shown(r.path)}:{r.span.start_line}: {safe_text.shown(r.message)}"
        for r in f.related[:RELATED_LINES]
    ]
    if len(f.related) > RELATED_LINES:
        out.append(paint(_DIM, "    = ") + f"also: {len(f.related) - RELATED_LINES} more")
    return out


def _concise(f: Finding, paint: _Paint) -> str:
    sev = f.severity.label + provenance_tag(f)
    fix = " (fix available)" if f.fix is not None else ""
    tag = paint(_COLORS[f.severity], f"{safe_text.shown(f.rule_id)} [{sev}]")
    return f"{_where(f)}: {tag} {safe_text.shown(f.message)}{fix}"


def _grouped(shown: list[Finding], metas: dict[str, RuleMeta], paint: _Paint) -> list[str]:
    """Findings by rule (rules in id order), each rule's help and link once."""
    by_rule: dict[str, list[Finding]] = {}
    for f in shown:
        by_rule.setdefault(f.rule_id, []).append(f)
    out: list[str] = []
    for rule_id in sorted(by_rule):
        group = by_rule[rule_id]
        if out:
            out.append("")
        meta = metas.get(rule_id)
        name = safe_text.shown(meta.name if meta else group[0].rule_name)
        n = len(group)
        head = safe_text.line_head(safe_text.shown(rule_id))
        out.append(paint(_BOLD, f"{head} {name} ({n} finding{_s(n)})"))
        for f in group:
            sev = f.severity.label + provenance_tag(f)
            fix = " (fix available)" if f.fix is not None else ""
            out.append(
                f"  {_where(f)}  {paint(_COLORS[f.severity], f'[{sev}]')} "
                f"{safe_text.shown(f.message)}{fix}"
            )
        if meta is not None:
            out.append(paint(_DIM, "  = ") + "help: " + safe_text.shown(docs.help_line(meta)))
            uri = docs.help_uri(meta)
            if uri:
                out.append(paint(_DIM, "  = ") + "docs: " + safe_text.shown(uri))
    return out


def _statistics(shown: list[Finding], metas: dict[str, RuleMeta]) -> list[str]:
    """Counts per rule, most frequent first: count, id, name, severities, fixable."""
    by_rule: dict[str, list[Finding]] = {}
    for f in shown:
        by_rule.setdefault(f.rule_id, []).append(f)
    rows = sorted(by_rule.items(), key=lambda item: (-len(item[1]), item[0]))
    if not rows:
        return []
    width = max(len(str(len(g))) for _, g in rows)
    names = {
        rid: safe_text.shown(metas[rid].name if rid in metas else g[0].rule_name) for rid, g in rows
    }
    name_width = max(len(n) for n in names.values())
    out = []
    for rule_id, group in rows:
        worst = max(f.severity for f in group).label
        fixable = sum(1 for f in group if f.fix is not None)
        line = (
            f"{len(group):>{width}}  {safe_text.shown(rule_id)}  "
            f"{names[rule_id]:<{name_width}}  {worst:<8}"
        )
        if fixable:
            line += f"  {fixable} fixable"
        out.append(line.rstrip())
    return out


# The kinds of notification in the grouped block: plural noun phrases.
_KIND_NAMES = {
    "unused-suppression": "unused suppressions",
    "file-not-parsed": "files not parsed or partly parsed",
    "file-skipped": "files skipped",
    "rule-failed": "rule failures",
    "worker-crashed": "worker crashes",
    "unused-exception": "unused config exceptions",
    "stale-baseline": "stale baseline notes",
    "semgrep-failed": "semgrep failures",
    "file-timed-out": "files timed out",
    "file-over-budget": "files over budget",
    "file-decoded": "files decoded from UTF-16 or UTF-32",
    "template-not-read": "template notes",
    "config-disables-scan": "configs that disable the scan",
}


def _notice_line(n: Notification) -> str:
    where = _head(n.path) if n.path else "-"
    if n.line:
        where += f":{n.line}"
    name = NOTIFICATION_CODES.get(n.code, (n.code, ""))[0]
    return f"  {where}  {n.code} {name}: {safe_text.shown(n.message)}"


def _notifications(report: Report, verbose: bool) -> list[str]:
    """The notifications block: every notification with -v; else one line per kind
    (a kind met only a few times is listed whole while there is room), at most
    NOTIFICATION_LINES lines in all."""
    notes = report.notifications
    if not notes:
        return []
    out = [f"{len(notes)} notification{_s(len(notes))}:"]
    if verbose:
        return out + [_notice_line(n) for n in notes]
    by_code: dict[str, list[Notification]] = {}
    for n in notes:
        by_code.setdefault(n.code, []).append(n)
    groups = sorted(by_code.items())
    room = NOTIFICATION_LINES - 1
    if len(groups) > room:
        keep, rest = groups[: room - 1], groups[room - 1 :]
    else:
        keep, rest = groups, []
    # A kind met at most _EXAMPLES times is listed whole while the lines allow.
    spare = room - len(keep) - (1 if rest else 0)
    for code, group in keep:
        if len(group) == 1 or (len(group) <= _EXAMPLES and len(group) - 1 <= spare):
            spare -= len(group) - 1
            out.extend(_notice_line(n) for n in group)
            continue
        name = NOTIFICATION_CODES.get(code, (code, ""))[0]
        kind = _KIND_NAMES.get(name, f"{code} notifications")
        examples = []
        for n in group[:_EXAMPLES]:
            where = safe_text.path(n.path) if n.path else "-"
            examples.append(where + (f":{n.line}" if n.line else ""))
        more = len(group) - len(examples)
        tail = f" and {more} more" if more else ""
        messages = {n.message for n in group}
        same = f"; each: {safe_text.shown(group[0].message)}" if len(messages) == 1 else ""
        hint = " (-v or --format json lists every one)" if more else ""
        out.append(
            f"  {len(group)} {kind} ({code} {name}): {', '.join(examples)}{tail}{same}{hint}"
        )
    if rest:
        left = sum(len(g) for _, g in rest)
        codes = ", ".join(code for code, _ in rest)
        out.append(f"  {left} more notification{_s(left)} ({codes}; -v lists every one)")
    return out


def verdict(report: Report) -> str:
    """The last line of the text report: findings by severity, the fixes available, and
    what was hidden: suppressed, baselined, test code (not failing), vendored and
    generated files, findings below the confidence threshold."""
    shown = [f for f in report.findings if f.active]
    counts = {s: sum(1 for f in shown if f.severity == s) for s in Severity}
    parts = [f"{n} {s.label}" for s, n in sorted(counts.items(), reverse=True) if n]
    suppressed = sum(1 for f in report.findings if not f.active)
    summary = f"{len(shown)} finding{_s(len(shown))}"
    if parts:
        summary += f" ({', '.join(parts)})"
    if report.history is not None:
        summary += history_scope(report)
    else:
        summary += f" in {report.files_scanned} file{_s(report.files_scanned)} scanned"
    fixable = sum(1 for f in shown if f.fix is not None)
    if fixable:
        summary += f"; {fixable} fixable with --fix"
    tests = sum(1 for f in shown if f.in_test_code) if not report.tests_fail else 0
    if tests:
        summary += f"; {tests} of them in test/example/docs code (not failing)"
    if suppressed:
        summary += f"; {suppressed} suppressed"
    if report.baselined:
        summary += f"; {report.baselined} baselined"
    summary += provenance_counts(report)
    return summary


def _s(n: int) -> str:
    return "s" if n != 1 else ""


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
