"""run(): the stages in order, returning the report a user sees.

plan (ztlint.plan) -> discover -> scan (ztlint.scan: classify, prefilter, parse once,
rules, in worker processes) -> project pass -> semgrep (ztlint.external) -> post
(ztlint.post: precedence, test code, suppressions, exceptions, confidence) -> Report ->
baseline -> --diff. One file's failure, one rule's exception or one worker's crash
becomes a notification and the run goes on. The output does not depend on the number
of jobs."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ztlint import acknowledged, configview
from ztlint import cache as cache_mod
from ztlint import plan as plan_mod
from ztlint.config import Config
from ztlint.discovery import discover
from ztlint.external import semgrep_findings
from ztlint.model import Finding, Notification
from ztlint.notices import SKIPPED, WORKER_CRASHED
from ztlint.plan import Plan
from ztlint.post import confidence, exceptions, packages, suppressions, testcode
from ztlint.post.precedence import apply_precedence
from ztlint.report import Report
from ztlint.rule import Rule
from ztlint.scan.files import Scanned, gather, scan_files
from ztlint.scan.project import Rereads
from ztlint.scan.workers import Progress

if TYPE_CHECKING:  # loaded when used: most scans have neither
    from ztlint.post import baseline as baseline_mod
    from ztlint.post import diff as diff_mod


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
    baseline: baseline_mod.Use | None = None,
    diff: diff_mod.Diff | None = None,
) -> Report:
    """Scan `targets`: the report a user sees, a baseline (--baseline) and --diff
    applied. With `cache_dir`, unchanged files are read from the result cache there
    (see ztlint.cache); the caller decides whether to cache at all."""
    from ztlint import rulesources

    native = tuple(rules) if rules is not None else rulesources.load(config)
    # semgrep (optional): configs and the binary are checked before anything runs, and
    # rules of its configs that are not ztlint rules join the rule set.
    setup = semgrep_findings.prepare(config)
    chosen = plan_mod.choose(native + semgrep_findings.own_rules(setup, native), config)
    cwd = cwd or os.getcwd()
    found = discover(list(targets) or ["."], config.exclude, cwd)
    plan = plan_mod.plan_for(config, chosen.enabled, chosen.known)
    plan = replace(plan, roots=_scan_roots(list(targets) or ["."], cwd, found.root))
    plan = _with_cache(plan, cache_dir, found.root)
    scanned, plan = scan_files(targets, found, plan, jobs, cwd, progress)
    rereads = Rereads(found.root, plan.max_file_size)  # shared by the two passes below
    findings, notes = gather(scanned, found, chosen.enabled, plan, rereads)
    if setup is not None:
        extra, extra_notes = semgrep_findings.merge(
            setup, scanned.results, chosen.enabled, plan, rereads, scanned.workers, findings
        )
        findings.extend(extra)
        notes.extend(extra_notes)

    findings = packages.printed_by_commands(findings, scanned.results)
    origin_of = testcode.origins(scanned.results, plan)
    show = config.tests != "ignore"
    findings = apply_precedence(sorted(findings, key=lambda f: f.sort_key))
    findings, hidden_findings = testcode.place(findings, origin_of, show)
    enabled_ids = frozenset(r.id for r in chosen.enabled)
    findings, more = suppressions.apply(
        findings, scanned.results, chosen.all_rules, enabled_ids, chosen.known, origin_of, show
    )
    notes.extend(more)
    # A scan of named files (pre-commit, --staged) judges only exceptions in its scope.
    scope = tuple(r.path for r in scanned.results) if scanned.named else None
    findings, more = exceptions.apply(
        findings, config, found.root, chosen.known, scope, ran=enabled_ids
    )
    notes.extend(more)
    notes.extend(configview.blind_spots(config, chosen.enabled, found.root))
    if diff is not None:
        findings = acknowledged.restore(findings, diff.marker_added)
    findings, below_confidence = confidence.threshold(findings, config.min_confidence)

    report = _report(config, chosen, plan, scanned, found.root, findings, notes)
    report = replace(report, hidden_findings=hidden_findings, below_confidence=below_confidence)
    if baseline is not None:
        from ztlint.post import baseline as baseline_mod

        report = baseline_mod.use(report, baseline)
    if diff is not None:
        from ztlint.post import diff as diff_mod

        report = diff_mod.apply(report, diff)
    return report


def _with_cache(plan: Plan, cache_dir: Path | None, root: str) -> Plan:
    """The plan with the result cache in `cache_dir`, when it can be used there."""
    if cache_dir is not None and cache_mod.usable(cache_dir, [root]):
        store = cache_mod.Cache(cache_dir, cache_mod.run_key(plan.describe()))
        try:
            store.prepare()
            return replace(plan, cache=store)
        except OSError:
            pass
    return plan


def _report(
    config: Config,
    chosen: plan_mod.Chosen,
    plan: Plan,
    scanned: Scanned,
    root: str,
    findings: Sequence[Finding],
    notes: Sequence[Notification],
) -> Report:
    enabled = chosen.enabled
    rule_severity = tuple((r.id, dict(plan.severity).get(r.id, r.meta.severity)) for r in enabled)
    origins = Counter(r.provenance for r in scanned.results)
    return Report(
        findings=tuple(sorted(findings, key=lambda f: f.sort_key)),
        notifications=tuple(sorted(set(notes), key=lambda n: n.sort_key)),
        rules=tuple(r.meta for r in enabled),
        files_scanned=sum(
            1
            for r in scanned.results
            if not any(n.code in (SKIPPED, WORKER_CRASHED) for n in r.notifications)
        ),
        fail_on=config.fail_on,
        tests_fail=config.tests == "fail",
        rule_severity=rule_severity,
        allow_unchecked=config.allow_unchecked,
        config_files=configview.shown(config, root),
        rules_total=len(chosen.all_rules),
        exceptions=len(config.exceptions),
        provenance_files=tuple(sorted(origins.items())),
        min_confidence=config.min_confidence,
    )
