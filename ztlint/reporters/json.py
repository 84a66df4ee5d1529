"""Machine-readable JSON, schema `ztlint/schemas/report-v1.json` (documented in
docs/json-output.md). Additive changes keep `version: 1`; anything else bumps it.

Strings from the scanned repository or a rule (paths, messages, snippets, entities) are
shown with `safe_text`: JSON escapes C0 controls only in its syntax (a consumer that
prints a value prints ESC) and writes DEL, C1 controls and U+2028 raw. A file name that is not
UTF-8 appears in its escaped form (`\\xff`), so the output is always valid UTF-8."""

from __future__ import annotations

import json
from typing import Any

from ztlint.fingerprint import primary_fingerprints
from ztlint.model import Finding, Notification, Severity, Span
from ztlint.notices import NOTIFICATION_CODES
from ztlint.report import Report
from ztlint.reporters.safe_text import path, shown

SCHEMA_VERSION = 1


def _span(s: Span) -> dict[str, int]:
    return {
        "start_line": s.start_line,
        "start_column": s.start_col,
        "end_line": s.end_line,
        "end_column": s.end_col,
    }


def _finding(f: Finding, fingerprint: str) -> dict[str, Any]:
    return {
        "rule_id": shown(f.rule_id),
        "rule_name": shown(f.rule_name),
        "severity": f.severity.label,
        "confidence": f.confidence.label,
        "path": path(f.path),
        **_span(f.span),
        "message": shown(f.message),
        "snippet": shown(f.snippet),
        "entity": None if f.entity is None else shown(f.entity),
        "fingerprint": fingerprint,
        "in_test_code": f.in_test_code,
        **({"provenance": f.provenance} if f.provenance != "production" else {}),
        **({"commit": _commit(f)} if f.commit is not None else {}),
        "suppression": None
        if f.suppression is None
        else {
            "kind": f.suppression.kind.value,
            "justification": shown(f.suppression.justification),
        },
        "related": [
            {"path": path(r.path), **_span(r.span), "message": shown(r.message)} for r in f.related
        ],
        "fix": None
        if f.fix is None
        else {
            "description": shown(f.fix.description),
            "edits": [
                {"path": path(e.path), **_span(e.span), "text": shown(e.text, keep_newlines=True)}
                for e in f.fix.edits
            ],
        },
    }


def _commit(f: Finding) -> dict[str, Any]:
    assert f.commit is not None
    return {"sha": f.commit.sha, "date": shown(f.commit.date), "at_head": f.commit.at_head}


def _history(report: Report) -> dict[str, Any]:
    h = report.history
    return {
        "revisions": shown(h.revisions),
        "commits": h.commits,
        "blobs": h.blobs,
        "blobs_scanned": h.scanned,
        "blobs_unchanged": h.unchanged,
        "blobs_cached": h.cached,
        "oldest_commit": h.oldest or None,
        "oldest_date": shown(h.oldest_date) or None,
        "shallow": h.shallow,
        "head": h.head,
    }


def _notification(n: Notification) -> dict[str, Any]:
    return {
        "code": n.code,
        "name": NOTIFICATION_CODES.get(n.code, (n.code, ""))[0],
        "level": n.level.value,
        "message": shown(n.message),
        "path": None if n.path is None else path(n.path),
        "line": n.line,
        "column": n.column,
        "rule_id": None if n.rule_id is None else shown(n.rule_id),
    }


def render(report: Report) -> str:
    fingerprints = primary_fingerprints(report.findings)
    active = [f for f in report.findings if f.active]
    doc = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "ztlint", "version": report.version},
        "summary": {
            "files_scanned": report.files_scanned,
            "findings": len(active),
            "suppressed": len(report.findings) - len(active),
            "by_severity": {
                s.label: sum(1 for f in active if f.severity == s) for s in reversed(Severity)
            },
            "notifications": len(report.notifications),
            "fail_on": report.fail_on.label,
            "failing": len(report.failing()),
            "files_by_provenance": dict(report.provenance_files),
            "not_checked_files": report.not_checked_files(),
            "hidden_findings": report.hidden_findings,
            "min_confidence": report.min_confidence.label,
            "below_confidence": report.below_confidence,
            "baselined": report.baselined,
            **({"history": _history(report)} if report.history is not None else {}),
        },
        "config": {
            "files": [path(f) for f in report.config_files],
            "rules_run": len(report.rules),
            "rules_total": report.rules_total,
            "exceptions": report.exceptions,
        },
        "rules": [
            {
                "id": shown(m.id),
                "name": shown(m.name),
                "severity": dict(report.rule_severity).get(m.id, m.severity).label,
                **({"engine": m.component} if m.component else {}),
            }
            for m in report.rules
        ],
        "findings": [_finding(f, fp) for f, fp in zip(report.findings, fingerprints, strict=True)],
        "notifications": [_notification(n) for n in report.notifications],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
