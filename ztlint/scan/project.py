"""The project pass: cross-file checks over the facts every file's scan collected, the
files project facts say they read, and one note per partly unreadable Helm chart."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from ztlint import provenance as provenance_mod
from ztlint.discovery import FileEntry, inside
from ztlint.globs import match_any
from ztlint.model import Finding, NoticeLevel, Notification, Span
from ztlint.notices import (
    TEMPLATE_NOT_READ,
)
from ztlint.notices import note as _note
from ztlint.notices import rule_failed as _rule_failed
from ztlint.plan import Plan
from ztlint.report import FileResult
from ztlint.rule import Rule
from ztlint.scan.findings import (
    SecretLines,
    cut_snippet,
    make_finding,
)
from ztlint.source import RawFile, SkipFile, SourceText, decode, read_file


def chart_notes(results: Sequence[FileResult]) -> list[Notification]:
    """One note per chart whose templates stayed partly unreadable: how many pod specs
    were checked, and where each unreadable template stopped."""
    charts: dict[str, list[FileResult]] = {}
    for r in results:
        if r.chart is not None:
            charts.setdefault(r.chart.chart, []).append(r)
    notes = []
    for folder, files in sorted(charts.items()):
        unread = [(r.path, r.chart.unread) for r in files if r.chart and r.chart.unread]
        if not unread:
            continue
        pods = sum(r.chart.pods for r in files if r.chart)
        where = "; ".join(
            f"{path}{f':{line}' if line else ''} ({why})" for path, (line, why) in unread
        )
        notes.append(
            _note(
                TEMPLATE_NOT_READ,
                f"Helm chart: {len(unread)} of {len(files)} templates stayed unreadable "
                f"without rendering, {pods} pod specs checked in the rest; unreadable: {where}",
                f"{folder}/Chart.yaml" if folder else "Chart.yaml",
                level=NoticeLevel.NOTE,
            )
        )
    return notes


def project_pass(
    rules: Sequence[Rule], results: Sequence[FileResult], plan: Plan, rereads: Rereads
) -> tuple[list[Finding], list[Notification]]:
    findings: list[Finding] = []
    notes: list[Notification] = []
    secrets: dict[str, list[Span]] = {}
    for r in results:
        for f in r.findings:
            secrets.setdefault(f.path, []).extend(f.secret_spans)
    for rule in rules:
        if rule.project is None:
            continue
        facts = {r.path: dict(r.facts)[rule.id] for r in results if rule.id in dict(r.facts)}
        try:
            hits = list(rule.project.check(dict(sorted(facts.items()))))
        except Exception as exc:
            notes.append(_rule_failed(rule.id, "project check", "", exc))
            continue
        for hit in hits:
            path = hit.path or ""
            source = rereads.text(path)  # each file read once, however many hits
            found = make_finding(rule, hit, path, source, plan)
            if source is not None and (
                spans := SecretLines(secrets.get(path, [])).on(found.span.start_line)
            ):
                found = replace(
                    found,
                    snippet=cut_snippet(source, found.span.start_line, (*spans, *hit.secret_spans)),
                )
            findings.append(found)
    return findings, notes


def referenced(results: Sequence[FileResult], root: str, have: set[str]) -> tuple[FileEntry, ...]:
    wanted = sorted(
        {
            reads
            for r in results
            for _, items in r.facts
            for fact in items
            if isinstance(reads := getattr(fact, "reads", None), str)
        }
        - have
    )
    out = []
    for rel in wanted:
        path = os.path.join(root, *rel.split("/"))
        if (
            not rel.startswith("../")
            and os.path.isfile(path)
            and not os.path.islink(path)
            and inside(os.path.realpath(path), os.path.realpath(root))
        ):
            out.append(FileEntry(rel=rel, abs=path))
    return tuple(out)


class Rereads:
    """Files read again after the scan: a project finding's file for its snippet, a
    semgrep match's file for its exact span. Each is read once, whichever pass asks
    first (the workers' reads ended with their processes)."""

    def __init__(self, root: str, limit: int) -> None:
        self.root = root
        self.limit = limit
        self._raw: dict[str, RawFile | None] = {}
        self._text: dict[str, SourceText | None] = {}

    def raw(self, rel: str) -> RawFile | None:
        """The file at report path `rel` (None when it cannot be read now)."""
        if rel not in self._raw:
            try:
                self._raw[rel] = read_file(os.path.join(self.root, *rel.split("/")), self.limit)
            except SkipFile:
                self._raw[rel] = None
        return self._raw[rel]

    def text(self, rel: str) -> SourceText | None:
        """The file's text, None for a binary file or one that cannot be read."""
        if rel not in self._text:
            raw = self.raw(rel)
            self._text[rel] = None if raw is None or raw.binary else SourceText(decode(raw.data))
        return self._text[rel]


def placed_by_evidence(results: list[FileResult], plan: Plan) -> list[FileResult]:
    """The results with the provenance other files give them
    (ztlint.provenance.project_classes); a class the config sets by path stays."""
    found = {r.path: r.evidence for r in results if r.evidence is not None}
    # (Judged even when no file said anything: a spec suite is known by its files' names.)
    origins = {r.path: r.provenance for r in results}
    globs = tuple(g for _, patterns in plan.provenance.overrides for g in patterns)
    kept = [
        p
        for p in found
        if globs and match_any(globs, provenance_mod.relative_to_roots(p, plan.roots))
    ]
    declared = sorted({p for r in results for p in r.test_paths})
    changed = provenance_mod.project_classes(found, origins, kept, test_modules=declared)
    if not changed:
        return results
    return [replace(r, provenance=changed[r.path]) if r.path in changed else r for r in results]
