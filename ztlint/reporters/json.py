"""Machine-readable JSON, schema `ztlint/schemas/report-v1.json` (documented in
docs/json-output.md). Additive changes keep `version: 1`; anything else bumps it."""

from __future__ import annotations

import json
from typing import Any

from ztlint.engine import NOTIFICATION_CODES, Report
from ztlint.fingerprint import primary_fingerprints
from ztlint.model import Finding, Notification, Severity, Span

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
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "severity": f.severity.label,
        "confidence": f.confidence.label,
        "path": f.path,
        **_span(f.span),
        "message": f.message,
        "snippet": f.snippet,
        "entity": f.entity,
        "fingerprint": fingerprint,
        "in_test_code": f.in_test_code,
        "suppression": None
        if f.suppression is None
        else {"kind": f.suppression.kind.value, "justification": f.suppression.justification},
        "related": [{"path": r.path, **_span(r.span), "message": r.message} for r in f.related],
        "fix": None
        if f.fix is None
        else {
            "description": f.fix.description,
            "edits": [{"path": e.path, **_span(e.span), "text": e.text} for e in f.fix.edits],
        },
    }


def _notification(n: Notification) -> dict[str, Any]:
    return {
        "code": n.code,
        "name": NOTIFICATION_CODES.get(n.code, (n.code, ""))[0],
        "level": n.level.value,
        "message": n.message,
        "path": n.path,
        "line": n.line,
        "column": n.column,
        "rule_id": n.rule_id,
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
        },
        "config": {
            "files": list(report.config_files),
            "rules_run": len(report.rules),
            "rules_total": report.rules_total,
            "exceptions": report.exceptions,
        },
        "rules": [
            {
                "id": m.id,
                "name": m.name,
                "severity": dict(report.rule_severity).get(m.id, m.severity).label,
                **({"engine": m.component} if m.component else {}),
            }
            for m in report.rules
        ],
        "findings": [_finding(f, fp) for f, fp in zip(report.findings, fingerprints, strict=True)],
        "notifications": [_notification(n) for n in report.notifications],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
