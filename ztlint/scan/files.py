"""The files of a scan through the scan stage: the files found and, in a scan of named
files (pre-commit, --staged), the context project rules need and the files project
facts say they read. Context results feed the project pass and are not reported."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ztlint.discovery import Discovered, context_files
from ztlint.model import Finding, Notification
from ztlint.plan import Plan
from ztlint.provenance import PRODUCTION
from ztlint.report import FileResult
from ztlint.rule import Rule
from ztlint.scan import workers as scan_workers
from ztlint.scan.project import (
    Rereads,
    chart_notes,
    placed_by_evidence,
    project_pass,
    referenced,
)
from ztlint.scan.workers import Progress, execute, execute_cached


@dataclass(frozen=True)
class Scanned:
    results: list[FileResult]  # the files reported on, sorted by path
    context: list[FileResult]  # context files: their facts count, their findings not
    hidden: frozenset[str]  # the context files' paths
    named: bool  # files named one by one rather than folders
    workers: int  # processes the scan used (the semgrep pass uses as many)


def scan_files(
    targets: Sequence[str],
    found: Discovered,
    plan: Plan,
    jobs: int | None,
    cwd: str,
    progress: Progress | None,
) -> tuple[Scanned, Plan]:
    """Scan what discovery found; returns the results and the plan as the scan used
    it (a small scan does not index triggers)."""
    # Files named one by one (pre-commit, --staged) rather than folders: the scan reads
    # the context project rules need and judges exceptions only within its scope.
    named = any(os.path.isfile(os.path.join(cwd, t)) for t in targets)
    context = context_files(list(targets), found, cwd) if named else ()
    explicit = jobs is not None
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if not explicit and len(found.files) < scan_workers.SMALL_SCAN:
        workers = 1
    if len(found.files) < scan_workers.SMALL_SCAN:
        plan = replace(plan, indexed=False)
    results = execute_cached(
        tuple(sorted(found.files + context)), plan, max(1, workers), progress, found.root, named
    )
    if named:
        # Files that project-level facts say they read (a compose file's seccomp profile).
        more = referenced(results, found.root, {f.rel for f in found.files + context})
        if more:
            context += more
            results += execute(more, plan, 1, None)
    # Context files feed project-level rules; their own results are not reported.
    hidden = frozenset(c.rel for c in context)
    context_results = [r for r in results if r.path in hidden]
    results = [r for r in results if r.path not in hidden]
    if not named:
        # Only a scan of whole folders sees who includes or imports a file.
        scanned_as = {r.path: r.provenance for r in results}
        results = placed_by_evidence(results, plan)
        # A file other files made production code was checked as its path said (the
        # secret rules only): scanned again, in this process, with every rule.
        promoted = frozenset(
            r.path
            for r in results
            if r.provenance == PRODUCTION and scanned_as.get(r.path) != PRODUCTION
        )
        if promoted:
            entries = [f for f in found.files if f.rel in promoted]
            again = {
                r.path: r
                for r in execute(entries, replace(plan, promoted=promoted, cache=None), 1, None)
            }
            results = [again.get(r.path, r) for r in results]
    return Scanned(results, context_results, hidden, named, max(1, workers)), plan


def gather(
    scanned: Scanned,
    found: Discovered,
    enabled: Sequence[Rule],
    plan: Plan,
    rereads: Rereads,
) -> tuple[list[Finding], list[Notification]]:
    """The findings and notes of every file reported on, then of the project pass
    (which reads the context files' facts too)."""
    findings: list[Finding] = []
    notes: list[Notification] = list(found.notifications)
    for r in scanned.results:
        findings.extend(r.findings)
        notes.extend(r.notifications)
    notes.extend(chart_notes(scanned.results))
    extra, extra_notes = project_pass(enabled, [*scanned.results, *scanned.context], plan, rereads)
    findings.extend(f for f in extra if f.path not in scanned.hidden)
    notes.extend(extra_notes)
    return findings, notes
