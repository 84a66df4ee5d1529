"""--diff REF: only findings on lines the change touched (on their span, on one of their
related locations in the same file, or on the node of their entity) are reported; a review marker of another tool (`#nosec`) that the change itself
adds lowers nothing; config-weakens-scan is judged last, after every filter, so the
config it reports on cannot hide it."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ztlint.model import Finding
from ztlint.report import Report

if TYPE_CHECKING:
    from ztlint.gitdiff import Changes


@dataclass(frozen=True)
class Diff:
    """What --diff asks of a scan: the lines changed since REF (ztlint.gitdiff), the
    folder report paths are relative to, and the config-weakens-scan check (from
    ztlint.configdiff, given by the caller: it scans configs itself)."""

    changes: Changes
    root: str
    weakenings: Callable[[Report], Report] | None = None

    def marker_added(self, finding: Finding) -> bool:
        """Whether the change wrote the review marker that lowered `finding`
        (ztlint.acknowledged.restore): the change cannot vouch for itself."""
        path = os.path.join(self.root, *finding.path.split("/"))
        return any(self.changes.touches(path, n, n) for n in finding.acknowledged)


def touched(changes: Changes, root: str, finding: Finding) -> bool:
    """Whether a change touches the finding's span, one of its related locations in the
    same file (a finding that stands for several lines, such as the credentials one
    compose file takes from the environment, is touched by a change to any of them),
    or the node of its entity."""
    path = os.path.join(root, *finding.path.split("/"))
    if changes.touches(path, finding.span.start_line, finding.span.end_line):
        return True
    if any(
        r.path == finding.path and changes.touches(path, r.span.start_line, r.span.end_line)
        for r in finding.related
    ):
        return True
    return finding.entity_lines is not None and changes.touches(path, *finding.entity_lines)


def apply(report: Report, diff: Diff) -> Report:
    kept = tuple(f for f in report.findings if touched(diff.changes, diff.root, f))
    report = replace(report, findings=kept)
    if diff.weakenings is not None:
        report = diff.weakenings(report)
    return report
