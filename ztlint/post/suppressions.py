"""Suppression comments (`ztlint: ignore[...]`, ztlint.suppress): the findings they
cover are marked suppressed; one that matched nothing is a note (ZT902), except in
code a scan did not look at, and a malformed one is a finding (ZT901)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from ztlint import provenance as provenance_mod
from ztlint import suppress
from ztlint.model import Finding, Notification
from ztlint.report import FileResult
from ztlint.rule import Rule


def apply(
    findings: Sequence[Finding],
    results: Sequence[FileResult],
    all_rules: Sequence[Rule],
    enabled_ids: Collection[str],
    known: Mapping[str, str],
    origin_of: Callable[[str, int | None], str],
    show: bool,
) -> tuple[list[Finding], list[Notification]]:
    malformed = next((r for r in all_rules if r.id == suppress.MALFORMED_ID), None)
    directives = {r.path: r.directives for r in results if r.directives}
    findings, notes = suppress.apply(
        findings,
        directives,
        known,
        frozenset(enabled_ids),
        malformed.name if malformed else "malformed-suppression",
        make_malformed=suppress.MALFORMED_ID in enabled_ids,
    )
    if not show:
        # Findings outside production code were not looked for: a suppression there is
        # not unused.
        notes = [
            n
            for n in notes
            if not (
                n.code == suppress.UNUSED_CODE
                and n.path
                and origin_of(n.path, n.line) != provenance_mod.PRODUCTION
            )
        ]
    return list(findings), list(notes)
