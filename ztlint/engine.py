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
from ztlint.globs import compile_glob, match_any
from ztlint.model import (
    Finding,
    NoticeLevel,
    Notification,
    Span,
    Suppression,
    SuppressionKind,
)
from ztlint.notices import (
    SEMGREP_FAILED,
    SKIPPED,
    UNUSED_EXCEPTION,
    WORKER_CRASHED,
)
from ztlint.notices import note as _note
from ztlint.plan import Plan, _resolver, _validate, _validate_globs, plan_for, select_rules
from ztlint.report import FileResult, Report
from ztlint.rule import Rule
from ztlint.scan.project import _chart_notes, _project_pass, _referenced
from ztlint.scan.workers import SMALL_SCAN, Progress, _execute_cached, execute
from ztlint.source import (
    SkipFile,
    read_file,
)

if TYPE_CHECKING:  # loaded when used: a small scan needs neither
    from ztlint.external import semgrep as semgrep_mod


# --- selection --------------------------------------------------------------------


# --- one file -----------------------------------------------------------------------


# --- many files -------------------------------------------------------------------

# --- the run ----------------------------------------------------------------------


def _exception_matches(exc_path: str, rel_to_config: str | None) -> bool:
    if exc_path in ("**", "*", ""):
        return True
    return rel_to_config is not None and compile_glob(exc_path).match(rel_to_config)


def _value_matches(wanted: str, finding: Finding) -> bool:
    """An exception's `value` names the finding's qualifier (a capability, a network);
    for findings without one, a word of the message."""
    if finding.value is not None:
        return finding.value.upper() == wanted.upper()
    return wanted.upper() in finding.message.upper()


def _apply_exceptions(
    findings: list[Finding],
    config: Config,
    root: str,
    known: dict[str, str],
    scope: Sequence[str] | None = None,
    ran: frozenset[str] | None = None,
) -> tuple[list[Finding], list[Notification]]:
    """Mark the findings config exceptions cover; an exception that matched nothing is
    a notification (ZT907) only when it could have matched: its rule ran (`ran`, the
    enabled rule ids; not one --select or --ignore left out) and, in a scan of named
    files, its path covers one of them (`scope`)."""
    if not config.exceptions:
        return findings, []
    base = config.base_dir or root

    def to_config(path: str) -> str | None:
        rel = os.path.relpath(os.path.join(root, path), base).replace(os.sep, "/")
        return None if rel.startswith("../") else rel

    used = [False] * len(config.exceptions)
    out = []
    for f in findings:
        rel_ok = to_config(f.path)
        for i, exc in enumerate(config.exceptions):
            rule_id = known.get(exc.rule) or known.get(exc.rule.upper())
            if rule_id != f.rule_id or not _exception_matches(exc.path, rel_ok):
                continue
            if exc.entity is not None and (
                f.entity is None or not compile_glob(exc.entity).fullmatch(f.entity)
            ):
                continue
            if exc.value is not None and not _value_matches(exc.value, f):
                continue
            used[i] = True
            if f.suppression is None:
                f = replace(
                    f, suppression=Suppression(SuppressionKind.EXTERNAL, exc.reason, config.source)
                )
        out.append(f)
    # Reports carry no absolute paths: name the config file relative to the root.
    source = config.source.split(" [", 1)[0]
    where = os.path.relpath(source, root).replace(os.sep, "/") if source else None
    notes = [
        _note(
            UNUSED_EXCEPTION,
            f"config exception for {exc.rule} (path {exc.path}) matches no finding",
            where,
            level=NoticeLevel.NOTE,
        )
        for i, exc in enumerate(config.exceptions)
        if not used[i]
        and (ran is None or (known.get(exc.rule) or known.get(exc.rule.upper())) in ran)
        and (scope is None or any(_exception_matches(exc.path, to_config(p)) for p in scope))
    ]
    return out, notes


def _semgrep_rules(setup: semgrep_mod.Setup, native: Sequence[Rule]) -> tuple[Rule, ...]:
    """The semgrep rules that report under their own id: those that name no ztlint rule
    (`ztlint-rule:` metadata) and whose id is not a ztlint rule's id or name."""
    known = _resolver(native)
    return tuple(
        Rule(meta=r.meta())
        for r in setup.rules
        if not (r.ztlint_rule and (r.ztlint_rule in known or r.ztlint_rule.upper() in known))
        and r.id not in known
        and r.id.upper() not in known
    )


def _semgrep_pass(
    setup: semgrep_mod.Setup,
    results: Sequence[FileResult],
    enabled: Sequence[Rule],
    plan: Plan,
    root: str,
    jobs: int,
    native: Sequence[Finding],
) -> tuple[list[Finding], list[Notification]]:
    """semgrep once over the files the native scan read; its matches as Findings of the
    enabled rules. A match overlapping a native finding of the same rule is merged
    into it (dropped)."""
    targets = sorted(
        r.path
        for r in results
        if not any(n.code in (SKIPPED, WORKER_CRASHED) for n in r.notifications)
    )
    from ztlint.external import semgrep as semgrep_mod

    matches, notes = semgrep_mod.run(setup, targets, root, jobs, plan.max_file_size)
    wanted = set(targets)
    by_semgrep = {r.id: r for r in setup.rules}
    by_key = {k: r for r in enabled for k in (r.id, r.name)}
    placed: dict[tuple[str, str], list[Span]] = {}
    for f in native:
        placed.setdefault((f.path, f.rule_id), []).append(f.span)
    data: dict[str, bytes] = {}
    out: list[Finding] = []
    unread: set[str] = set()
    for m in matches:
        src = by_semgrep.get(m.check_id)
        target = src.ztlint_rule if src is not None and src.ztlint_rule else m.check_id
        rule = by_key.get(target) or by_key.get(target.upper())
        if rule is None and src is not None and src.ztlint_rule:
            rule = by_key.get(m.check_id)  # names an unknown ztlint rule: its own id
        if m.path not in wanted:
            continue
        if rule is None:
            if m.check_id not in by_semgrep and m.check_id not in unread:
                unread.add(m.check_id)
                notes.append(
                    _note(
                        SEMGREP_FAILED,
                        f"semgrep reported rule {m.check_id}, which is in no config ztlint "
                        "could read; its findings are left out",
                        None,
                    )
                )
            continue
        if m.path not in data:
            raw = _reread_bytes(os.path.join(root, *m.path.split("/")), plan.max_file_size)
            data[m.path] = raw if raw is not None else b""
        span = semgrep_mod.exact_span(data[m.path], m.span)
        if any(
            s.overlaps(span) or s.start_line == span.start_line
            for s in placed.get((m.path, rule.id), ())
        ):
            continue
        override = dict(plan.severity).get(rule.id)
        out.append(
            Finding(
                rule_id=rule.id,
                rule_name=rule.name,
                path=m.path,
                span=span,
                message=src.message if src is not None else rule.meta.message,
                severity=override if override is not None else rule.meta.severity,
                confidence=rule.meta.confidence,
                anchor=semgrep_mod.line_digest(data[m.path], span.start_line),
            )
        )
    return out, notes


def _reread_bytes(path: str, limit: int) -> bytes | None:
    try:
        return read_file(path, limit).data
    except SkipFile:
        return None


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


def _placed_by_evidence(results: list[FileResult], plan: Plan) -> list[FileResult]:
    """The results with the provenance other files give them
    (ztlint.provenance.project_classes); a class the config sets by path stays."""
    found = {r.path: r.evidence for r in results if r.evidence is not None}
    if not found:
        return results
    origins = {r.path: r.provenance for r in results}
    globs = tuple(g for _, patterns in plan.provenance.overrides for g in patterns)
    kept = [
        p
        for p in found
        if globs and match_any(globs, provenance_mod.relative_to_roots(p, plan.roots))
    ]
    changed = provenance_mod.project_classes(found, origins, kept)
    if not changed:
        return results
    return [replace(r, provenance=changed[r.path]) if r.path in changed else r for r in results]


def _origins(results: Sequence[FileResult], plan: Plan) -> Callable[[str, int | None], str]:
    """A finding's provenance by path and line: its file's, except Rust test items and
    test modules (`#[cfg(test)]`), which are test code in a production file. A file
    the scan did not read (a project finding's) is judged by its path."""
    origins = {r.path: r.provenance for r in results}
    ranges = {r.path: r.test_ranges for r in results}
    declared = tuple(sorted({p for r in results for p in r.test_paths}))

    def origin_of(path: str, line: int | None) -> str:
        origin = origins.get(path)
        if origin is None:
            origin = provenance_mod.classify(
                provenance_mod.relative_to_roots(path, plan.roots), None, plan.provenance
            )
        if origin != provenance_mod.PRODUCTION:
            return origin
        if any(path == d or (d.endswith("/") and path.startswith(d)) for d in declared) or (
            line is not None and any(lo <= line <= hi for lo, hi in ranges.get(path, ()))
        ):
            return provenance_mod.TEST
        return origin

    return origin_of


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
    _validate(all_rules, config)
    _validate_globs(config)
    enabled = select_rules(all_rules, config)
    known = _resolver(all_rules)
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
    for f in policy.apply_precedence(sorted(findings, key=lambda f: f.sort_key)):
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
