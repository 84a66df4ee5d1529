"""SARIF 2.1.0 for GitHub code scanning, built with sarif-om.

sarif-om has no type information, so its untyped use stays inside this module: the
rest of ztlint sees `render(report, ...) -> str`.

Artifact URIs percent-encode the path's bytes (a file name that is not UTF-8 keeps its
original bytes); every other string from the scanned repository or a rule is shown with
`safe_text` (no control character, line break or `##[`), rule help keeping its newlines.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import attr
import sarif_om as om

from ztlint import docs
from ztlint.fingerprint import primary_fingerprints
from ztlint.model import Confidence, Finding, Notification, RuleMeta, Severity, Span
from ztlint.notices import NOTIFICATION_CODES
from ztlint.report import Report
from ztlint.reporters.safe_text import raw_bytes, shown

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
# ztlint's own fingerprint (ztlint.fingerprint, the one baselines store) goes under its
# own key. `primaryLocationLineHash` is left to github/codeql-action/upload-sarif, which
# computes it with its own algorithm and warns for every result whose value differs.
FINGERPRINT_KEY = "ztlintFingerprint/v1"
INFORMATION_URI = docs.REPOSITORY

# GitHub's bands: critical above 9.0, high 7.0-8.9, medium 4.0-6.9, low below 4.0.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def level(severity: Severity) -> str:
    return _LEVEL[severity]


def _uri(path: str) -> str:
    return quote(raw_bytes(path), safe="/")


def _region(span: Span) -> Any:
    return om.Region(
        start_line=span.start_line,
        start_column=span.start_col,
        end_line=span.end_line,
        end_column=span.end_col,
    )


def _physical(path: str, span: Span) -> Any:
    return om.PhysicalLocation(
        artifact_location=om.ArtifactLocation(uri=_uri(path), uri_base_id=SRCROOT),
        region=_region(span),
    )


def _bag(**values: Any) -> Any:
    bag = om.PropertyBag(tags=values.pop("tags", None))
    for key, value in values.items():
        setattr(bag, key, value)
    return bag


def _descriptor(meta: RuleMeta, severity: Severity) -> Any:
    lvl = level(severity)
    cwe = [f"external/cwe/cwe-{meta.cwe}"] if meta.cwe else []
    help_uri = docs.help_uri(meta)
    return om.ReportingDescriptor(
        id=shown(meta.id),
        name=shown(meta.name),
        short_description=om.MultiformatMessageString(text=shown(meta.title)),
        full_description=om.MultiformatMessageString(text=_lines(docs.summary(meta))),
        help=om.MultiformatMessageString(
            text=_lines(docs.plain_help(meta)), markdown=_lines(docs.markdown_help(meta))
        ),
        help_uri=None if help_uri is None else shown(help_uri),
        default_configuration=om.ReportingConfiguration(level=lvl),
        properties=_bag(
            tags=["security", *cwe, shown(meta.name)],
            **{
                "security-severity": SECURITY_SEVERITY[severity],
                "precision": _PRECISION[meta.confidence],
                "problem.severity": _PROBLEM_SEVERITY[lvl],
            },
        ),
    )


_LINK_CHARS = re.compile(r"([\[\]])")


def _escape_link(text: str) -> str:
    return _LINK_CHARS.sub(r"\\\1", text)


def _lines(text: str) -> str:
    return shown(text, keep_newlines=True)


def _message(f: Finding) -> str:
    text = shown(f.message)
    if f.related:
        links = ", ".join(
            f"[{_escape_link(shown(r.message))}]({i})" for i, r in enumerate(f.related, start=1)
        )
        text = f"{text} (see {links})"
    return text


def _result(f: Finding, index: int, fingerprint: str, component: int | None) -> Any:
    result = om.Result(
        rule_id=shown(f.rule_id),
        rule_index=index if component is None else -1,
        rule=None
        if component is None
        else om.ReportingDescriptorReference(
            id=shown(f.rule_id),
            index=index,
            tool_component=om.ToolComponentReference(index=component),
        ),
        level="note" if f.in_test_code else level(f.severity),
        message=om.Message(text=_message(f)),
        locations=[_location(f)],
        partial_fingerprints={FINGERPRINT_KEY: fingerprint},
    )
    if f.related:
        result.related_locations = [
            om.Location(
                id=i,
                physical_location=_physical(r.path, r.span),
                message=om.Message(text=shown(r.message)),
            )
            for i, r in enumerate(f.related, start=1)
        ]
    if f.fix is not None:
        changes: dict[str, list[Any]] = {}
        for edit in f.fix.edits:
            changes.setdefault(edit.path, []).append(
                om.Replacement(
                    deleted_region=_region(edit.span),
                    inserted_content=om.ArtifactContent(text=_lines(edit.text)),
                )
            )
        result.fixes = [
            om.Fix(
                description=om.Message(text=shown(f.fix.description)),
                artifact_changes=[
                    om.ArtifactChange(
                        artifact_location=om.ArtifactLocation(uri=_uri(path), uri_base_id=SRCROOT),
                        replacements=reps,
                    )
                    for path, reps in sorted(changes.items())
                ],
            )
        ]
    if f.suppression is not None:
        result.suppressions = [
            om.Suppression(
                kind=f.suppression.kind.value, justification=shown(f.suppression.justification)
            )
        ]
    props: dict[str, Any] = {"severity": f.severity.label, "confidence": f.confidence.label}
    if f.entity:
        props["entity"] = shown(f.entity)
    if f.in_test_code:
        props["testCode"] = True
    if f.provenance != "production":
        props["provenance"] = f.provenance
    result.properties = _bag(**props)
    return result


def _history_bag(report: Report) -> dict[str, Any]:
    h = report.history
    return {
        "historyRevisions": shown(h.revisions),
        "historyCommits": h.commits,
        "historyBlobs": h.blobs,
        "historyBlobsScanned": h.scanned,
        "historyBlobsUnchanged": h.unchanged,
        "historyOldestCommit": h.oldest,
        "historyShallow": h.shallow,
    }


def _location(f: Finding) -> Any:
    """The finding's place; a history finding's commit in the location's properties."""
    location = om.Location(physical_location=_physical(f.path, f.span))
    if f.commit is not None:
        location.properties = _bag(
            commit=f.commit.sha, commitDate=shown(f.commit.date), atHead=f.commit.at_head
        )
    return location


def _provenance(report: Report) -> Any:
    """versionControlProvenance of a history scan: the repository and HEAD."""
    h = report.history
    if h is None or not h.head:
        return None
    return [om.VersionControlDetails(repository_uri=h.remote or "file:///", revision_id=h.head)]


def _notification(n: Notification) -> Any:
    note = om.Notification(
        level=n.level.value,
        message=om.Message(text=shown(n.message)),
        descriptor=om.ReportingDescriptorReference(id=n.code),
    )
    if n.path:
        region = om.Region(start_line=n.line, start_column=n.column) if n.line else None
        note.locations = [
            om.Location(
                physical_location=om.PhysicalLocation(
                    artifact_location=om.ArtifactLocation(uri=_uri(n.path), uri_base_id=SRCROOT),
                    region=region,
                )
            )
        ]
    if n.rule_id:
        note.associated_rule = om.ReportingDescriptorReference(id=shown(n.rule_id))
    return note


def build(
    report: Report, category: str | None = None, omit_suppressed: bool = False
) -> dict[str, Any]:
    severities = dict(report.rule_severity)
    rules = sorted((m for m in report.rules if not m.component), key=lambda m: m.id)
    # Rules from semgrep configs: one tool extension, which results point to.
    foreign = sorted((m for m in report.rules if m.component), key=lambda m: m.id)
    index = {m.id: i for i, m in enumerate(rules)}
    foreign_index = {m.id: i for i, m in enumerate(foreign)}
    fingerprints = primary_fingerprints(report.findings)
    results = [
        _result(f, index[f.rule_id], fp, None)
        if f.rule_id in index
        else _result(f, foreign_index[f.rule_id], fp, 0)
        for f, fp in zip(report.findings, fingerprints, strict=True)
        if (f.rule_id in index or f.rule_id in foreign_index)
        and not (omit_suppressed and f.suppression is not None)
    ]
    extensions = None
    if foreign:
        extensions = [
            om.ToolComponent(
                name="semgrep",
                information_uri="https://semgrep.dev",
                rules=[_descriptor(m, severities.get(m.id, m.severity)) for m in foreign],
            )
        ]
    driver = om.ToolComponent(
        name="ztlint",
        version=report.version,
        semantic_version=report.version,
        information_uri=INFORMATION_URI,
        rules=[_descriptor(m, severities.get(m.id, m.severity)) for m in rules],
        notifications=[
            om.ReportingDescriptor(
                id=code, name=name, short_description=om.MultiformatMessageString(text=text)
            )
            for code, (name, text) in sorted(NOTIFICATION_CODES.items())
        ],
    )
    run = om.Run(
        tool=om.Tool(driver=driver, extensions=extensions),
        invocations=[
            om.Invocation(
                execution_successful=True,
                tool_execution_notifications=[_notification(n) for n in report.notifications],
                properties=_bag(
                    configFiles=[shown(f) for f in report.config_files],
                    rulesRun=len(report.rules),
                    rulesTotal=report.rules_total,
                    exceptions=report.exceptions,
                    filesByProvenance=dict(report.provenance_files),
                    notCheckedFiles=report.not_checked_files(),
                    hiddenFindings=report.hidden_findings,
                    minConfidence=report.min_confidence.label,
                    belowConfidence=report.below_confidence,
                    **(_history_bag(report) if report.history is not None else {}),
                ),
            )
        ],
        automation_details=om.RunAutomationDetails(
            id=f"ztlint/{category.strip('/')}/" if category else "ztlint/"
        ),
        original_uri_base_ids={
            SRCROOT: om.ArtifactLocation(
                description=om.Message(text="The root of the scanned repository.")
            )
        },
        column_kind="unicodeCodePoints",
        results=results,
        version_control_provenance=_provenance(report),
    )
    log = om.SarifLog(schema_uri=SCHEMA_URI, version="2.1.0", runs=[run])
    converted: dict[str, Any] = _to_json(log)
    return {"$schema": converted.pop("$schema"), "version": converted.pop("version"), **converted}


_ALWAYS = {"level", "kind"}


def _to_json(obj: Any) -> Any:
    if attr.has(type(obj)):
        out: dict[str, Any] = {}
        names = set()
        for field in attr.fields(type(obj)):
            names.add(field.name)
            value = getattr(obj, field.name)
            if value is None:
                continue
            default = field.default
            if isinstance(default, attr.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if default is not attr.NOTHING and value == default and field.name not in _ALWAYS:
                continue
            out[field.metadata["schema_property_name"]] = _to_json(value)
        for key, value in vars(obj).items():  # extra PropertyBag entries
            if key not in names and value is not None:
                out[key] = _to_json(value)
        return out
    if isinstance(obj, dict):
        return {k: _to_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to_json(v) for v in obj]
    return obj


def render(report: Report, category: str | None = None, omit_suppressed: bool = False) -> str:
    return json.dumps(build(report, category, omit_suppressed), indent=2, ensure_ascii=False) + "\n"
