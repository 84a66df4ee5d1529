"""semgrep's matches as findings of ztlint's rules: which semgrep rules report under
their own id, and the merge with native findings (a match on a native finding of the
same rule is dropped). Never imports the engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ztlint.config import Config
from ztlint.model import Finding, Notification, Span
from ztlint.notices import SEMGREP_FAILED, SKIPPED, WORKER_CRASHED
from ztlint.notices import note as _note
from ztlint.plan import Plan, resolver
from ztlint.report import FileResult
from ztlint.rule import Rule
from ztlint.scan.project import Rereads

if TYPE_CHECKING:
    from ztlint.external import semgrep as semgrep_mod


def prepare(config: Config) -> semgrep_mod.Setup | None:
    """semgrep's setup when the config asks for it: its configs and binary are checked
    before anything runs (a ConfigError when they cannot be used)."""
    if not config.semgrep_configs:
        return None
    from ztlint.external import semgrep as semgrep_mod

    return semgrep_mod.prepare(config.semgrep_configs, config.semgrep_bin, config.semgrep_timeout)


def own_rules(setup: semgrep_mod.Setup | None, native: Sequence[Rule]) -> tuple[Rule, ...]:
    """The semgrep rules that report under their own id: those that name no ztlint rule
    (`ztlint-rule:` metadata) and whose id is not a ztlint rule's id or name."""
    if setup is None:
        return ()
    known = resolver(native)
    return tuple(
        Rule(meta=r.meta())
        for r in setup.rules
        if not (r.ztlint_rule and (r.ztlint_rule in known or r.ztlint_rule.upper() in known))
        and r.id not in known
        and r.id.upper() not in known
    )


def merge(
    setup: semgrep_mod.Setup,
    results: Sequence[FileResult],
    enabled: Sequence[Rule],
    plan: Plan,
    rereads: Rereads,
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

    matches, notes = semgrep_mod.run(setup, targets, rereads.root, jobs, plan.max_file_size)
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
            raw = rereads.raw(m.path)
            data[m.path] = raw.data if raw is not None else b""
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
