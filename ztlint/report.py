"""What a scan returns: one FileResult per file scanned (the workers' answer, and what
the result cache keeps) and the Report a user sees (what every reporter renders, and
the exit policy). Shared by the engine, the post stages, the reporters and the
baseline; it imports no stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ztlint import __version__, suppress
from ztlint import provenance as provenance_mod
from ztlint.model import Confidence, Finding, NoticeLevel, Notification, RuleMeta, Severity
from ztlint.notices import SEMGREP_FAILED, STRICT_PASSES, UNCHECKED_CODES

if TYPE_CHECKING:
    from ztlint import helm


@dataclass(frozen=True)
class FileResult:
    path: str
    findings: tuple[Finding, ...] = ()
    notifications: tuple[Notification, ...] = ()
    directives: tuple[suppress.Directive, ...] = ()
    test_ranges: tuple[tuple[int, int], ...] = ()
    facts: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    test_paths: tuple[str, ...] = ()  # other files this file makes test code
    provenance: str = provenance_mod.PRODUCTION
    # What the file says about its own or other files' provenance (judged per project).
    evidence: provenance_mod.Evidence | None = None
    # A Helm chart's template: what its chart's note counts (ztlint.helm).
    chart: helm.ChartFile | None = None


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    notifications: tuple[Notification, ...]
    rules: tuple[RuleMeta, ...]
    files_scanned: int
    fail_on: Severity = Severity.LOW
    tests_fail: bool = False
    version: str = __version__
    # Severity of each rule as configured (overrides applied), by id.
    rule_severity: tuple[tuple[str, Severity], ...] = field(default=())
    # Whether files a budget left unchecked may pass (--allow-unchecked).
    allow_unchecked: bool = False
    # The config files that applied (as ztlint.configview names them), how many rules
    # ran of how many, and the config exceptions: every report shows them.
    config_files: tuple[str, ...] = ()
    rules_total: int = 0
    exceptions: int = 0
    # A rule judged against its own threshold rather than fail_on: config-weakens-scan
    # against the trusted one, which the config it reports on cannot raise.
    rule_fail_on: tuple[tuple[str, Severity], ...] = ()
    # Files scanned by provenance (ztlint.provenance), and the findings in test,
    # example and docs files not shown (the default policy).
    provenance_files: tuple[tuple[str, int], ...] = ()
    hidden_findings: int = 0
    # The confidence threshold (--min-confidence) and the findings below it, counted
    # and not shown.
    min_confidence: Confidence = Confidence.HIGH
    below_confidence: int = 0
    # Findings a baseline matched (ztlint.post.baseline.apply): dropped, and counted.
    baselined: int = 0
    # A history scan (`scan --history`): what it read (ztlint.history.scan.Summary).
    history: Any = None
    # The baseline reduced to its entries that still match (ztlint.post.baseline.use),
    # for --update-baseline to write; no reporter shows it.
    baseline_kept: Any = None

    def not_checked_files(self) -> int:
        """Files of vendored or generated code, which no rule checked."""
        return sum(n for o, n in self.provenance_files if o in provenance_mod.NOT_CHECKED)

    def failing(self) -> list[Finding]:
        own = dict(self.rule_fail_on)
        return [
            f
            for f in self.findings
            if f.active
            and f.severity >= own.get(f.rule_id, self.fail_on)
            and (not f.in_test_code or self.tests_fail)
        ]

    def unchecked(self) -> list[Notification]:
        """Notifications of files a budget left unchecked (UNCHECKED_CODES)."""
        return [
            n
            for n in self.notifications
            if n.code in UNCHECKED_CODES
            or (n.code == SEMGREP_FAILED and n.level is NoticeLevel.ERROR)
        ]

    def exit_code(self, strict: bool = False) -> int:
        if self.failing():
            return 1
        if not self.allow_unchecked and self.unchecked():
            return 1
        if strict and any(n.code not in STRICT_PASSES for n in self.notifications):
            return 1
        return 0
