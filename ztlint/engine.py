"""Drives the stages: discover -> classify -> prefilter -> parse (once) -> run rules ->
suppress -> sort -> report. Files are spread over worker processes in batches; one
file's failure, one rule's exception or one worker's crash becomes a notification and
the run goes on. The output does not depend on the number of jobs."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ztlint import acknowledged, configview, policy, suppress
from ztlint import cache as cache_mod
from ztlint import provenance as provenance_mod
from ztlint.config import Config
from ztlint.discovery import (
    context_files,
    discover,
)
from ztlint.external.semgrep_findings import _semgrep_pass, _semgrep_rules
from ztlint.model import (
    Finding,
    Notification,
)
from ztlint.notices import (
    SKIPPED,
    WORKER_CRASHED,
)
from ztlint.plan import plan_for, resolver, select_rules, validate, validate_globs
from ztlint.post.exceptions import _apply_exceptions
from ztlint.post.precedence import apply_precedence
from ztlint.post.testcode import _origins, _placed_by_evidence
from ztlint.report import Report
from ztlint.rule import Rule
from ztlint.scan.project import _chart_notes, _project_pass, _referenced
from ztlint.scan.workers import SMALL_SCAN, Progress, _execute_cached, execute

if TYPE_CHECKING:  # loaded when used: a small scan needs neither
    pass


# --- selection --------------------------------------------------------------------


# --- one file -----------------------------------------------------------------------


# --- many files -------------------------------------------------------------------

# --- the run ----------------------------------------------------------------------


def _scan_roots(targets: Sequence[str], cwd: str, root: str) -> tuple[str, ...]:
    """The scanned folders as prefixes of report paths ('' for the report root): a
    file's provenance is judged by its path inside the folder that was scanned."""
    out = {""}
    real_root = os.path.realpath(root)
    for target in targets:
        path = os.path.join(cwd, target)
        if os.path.isdir(path) and not os.path.islink(path):
            rel = os.path.relpath(os.path.realpath(path), real_root).replace(os.sep, "/")
            if rel != "." and not rel.startswith("../") and rel != "..":
                out.add(rel + "/")
    return tuple(sorted(out))


def run(
    targets: Sequence[str],
    config: Config,
    *,
    rules: Sequence[Rule] | None = None,
    jobs: int | None = None,
    cwd: str | None = None,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
    marker_added: Callable[[Finding], bool] | None = None,
) -> Report:
    """Scan `targets`. With `cache_dir`, unchanged files are read from the result cache
    there (see ztlint.cache); the caller decides whether to cache at all. Under --diff,
    `marker_added` says whether the review marker that lowered a finding is part of the
    change (ztlint.acknowledged.restore)."""
    from ztlint.registry import load_rules

    all_rules = tuple(rules) if rules is not None else load_rules()
    # semgrep (optional): configs and the binary are checked before anything runs, and
    # rules of its configs that are not ztlint rules join the rule set.
    setup = None
    if config.semgrep_configs:
        from ztlint.external import semgrep as semgrep_mod

        setup = semgrep_mod.prepare(
            config.semgrep_configs, config.semgrep_bin, config.semgrep_timeout
        )
    if setup is not None:
        all_rules += _semgrep_rules(setup, all_rules)
    validate(all_rules, config)
    validate_globs(config)
    enabled = select_rules(all_rules, config)
    known = resolver(all_rules)
    plan = plan_for(config, enabled, known)
    cwd = cwd or os.getcwd()
    found = discover(list(targets) or ["."], config.exclude, cwd)
    plan = replace(plan, roots=_scan_roots(list(targets) or ["."], cwd, found.root))
    if cache_dir is not None and cache_mod.usable(cache_dir, [found.root]):
        store = cache_mod.Cache(cache_dir, cache_mod.run_key(plan.describe()))
        try:
            store.prepare()
            plan = replace(plan, cache=store)
        except OSError:
            pass
    # Files named one by one (pre-commit, --staged) rather than folders: the scan reads
    # the context project rules need and judges exceptions only within its scope.
    named = any(os.path.isfile(os.path.join(cwd, t)) for t in targets)
    context = context_files(list(targets), found, cwd) if named else ()
    explicit = jobs is not None
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if not explicit and len(found.files) < SMALL_SCAN:
        workers = 1
    if len(found.files) < SMALL_SCAN:
        plan = replace(plan, indexed=False)
    results = _execute_cached(
        tuple(sorted(found.files + context)), plan, max(1, workers), progress, found.root, named
    )
    if named:
        # Files that project-level facts say they read (a compose file's seccomp profile).
        more = _referenced(results, found.root, {f.rel for f in found.files + context})
        if more:
            context += more
            results += execute(more, plan, 1, None)
    # Context files feed project-level rules; their own results are not reported.
    hidden = {c.rel for c in context}
    context_results = [r for r in results if r.path in hidden]
    results = [r for r in results if r.path not in hidden]

    if not named:
        # Only a scan of whole folders sees who includes or imports a file.
        results = _placed_by_evidence(results, plan)

    findings: list[Finding] = []
    notes: list[Notification] = list(found.notifications)
    for r in results:
        findings.extend(r.findings)
        notes.extend(r.notifications)
    notes.extend(_chart_notes(results))
    extra, extra_notes = _project_pass(enabled, [*results, *context_results], plan, found.root)
    findings.extend(f for f in extra if f.path not in hidden)
    notes.extend(extra_notes)
    if setup is not None:
        extra, extra_notes = _semgrep_pass(
            setup, results, enabled, plan, found.root, max(1, workers), findings
        )
        findings.extend(extra)
        notes.extend(extra_notes)

    # Provenance (CATALOG.md, ztlint.policy.place): findings outside production code
    # are counted and dropped by default, reported at level note on request; an
    # unmistakable secret is reported wherever it sits.
    origin_of = _origins(results, plan)
    show = config.tests != "ignore"
    kept = []
    hidden_findings = 0
    for f in apply_precedence(sorted(findings, key=lambda f: f.sort_key)):
        origin = origin_of(f.path, f.span.start_line)
        placed = policy.place(f, origin, show)
        if placed is None:
            hidden_findings += origin in provenance_mod.NOT_SHOWN
            continue
        kept.append(placed)
    findings = kept

    enabled_ids = frozenset(r.id for r in enabled)
    malformed = next((r for r in all_rules if r.id == suppress.MALFORMED_ID), None)
    directives = {r.path: r.directives for r in results if r.directives}
    findings, sup_notes = suppress.apply(
        findings,
        directives,
        known,
        enabled_ids,
        malformed.name if malformed else "malformed-suppression",
        make_malformed=suppress.MALFORMED_ID in enabled_ids,
    )
    if not show:
        # Findings outside production code were not looked for: a suppression there is
        # not unused.
        sup_notes = [
            n
            for n in sup_notes
            if not (
                n.code == suppress.UNUSED_CODE
                and n.path
                and origin_of(n.path, n.line) != provenance_mod.PRODUCTION
            )
        ]
    notes.extend(sup_notes)
    # A scan of named files (pre-commit, --staged) judges only exceptions in its scope.
    scope = tuple(r.path for r in results) if named else None
    findings, exc_notes = _apply_exceptions(
        findings, config, found.root, known, scope, ran=enabled_ids
    )
    notes.extend(exc_notes)
    notes.extend(configview.blind_spots(config, enabled, found.root))
    if marker_added is not None:
        findings = acknowledged.restore(findings, marker_added)
    # The confidence threshold last, so suppressions and exceptions were matched
    # against every finding (none is reported unused because its finding is hidden).
    shown = [f for f in findings if f.confidence >= config.min_confidence]
    below_confidence = sum(1 for f in findings if f.active) - sum(1 for f in shown if f.active)
    findings = shown

    rule_severity = tuple((r.id, dict(plan.severity).get(r.id, r.meta.severity)) for r in enabled)
    origins = Counter(r.provenance for r in results)
    return Report(
        findings=tuple(sorted(findings, key=lambda f: f.sort_key)),
        notifications=tuple(sorted(set(notes), key=lambda n: n.sort_key)),
        rules=tuple(r.meta for r in enabled),
        files_scanned=sum(
            1
            for r in results
            if not any(n.code in (SKIPPED, WORKER_CRASHED) for n in r.notifications)
        ),
        fail_on=config.fail_on,
        tests_fail=config.tests == "fail",
        rule_severity=rule_severity,
        allow_unchecked=config.allow_unchecked,
        config_files=configview.shown(config, found.root),
        rules_total=len(all_rules),
        exceptions=len(config.exceptions),
        provenance_files=tuple(sorted(origins.items())),
        hidden_findings=hidden_findings,
        min_confidence=config.min_confidence,
        below_confidence=below_confidence,
    )
