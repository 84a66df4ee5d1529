"""Drives the stages: discover -> classify -> prefilter -> parse (once) -> run rules ->
suppress -> sort -> report. Files are spread over worker processes in batches; one
file's failure, one rule's exception or one worker's crash becomes a notification and
the run goes on. The output does not depend on the number of jobs."""

from __future__ import annotations

import gc
import hashlib
import os
import re
import signal
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ztlint import __version__, acknowledged, classify, configview, embedded, policy, suppress
from ztlint import cache as cache_mod
from ztlint import provenance as provenance_mod
from ztlint.cache import Cache
from ztlint.config import Config, ConfigError
from ztlint.discovery import (
    OVER_BUDGET,
    SKIPPED,
    FileEntry,
    context_files,
    discover,
    inside,
)
from ztlint.globs import InvalidGlob, check_globs, compile_glob, match_any
from ztlint.model import (
    Confidence,
    Finding,
    NoticeLevel,
    Notification,
    RuleMeta,
    Severity,
    Span,
    Suppression,
    SuppressionKind,
)
from ztlint.parsers.budget import OverBudget
from ztlint.parsers.data import EntityIndex, ParseFailure
from ztlint.rule import Detector, FileContext, Hit, ProjectCheck, Rule
from ztlint.source import (
    RawFile,
    SkipFile,
    SourceText,
    decode,
    decoding_note,
    mask_line,
    read_file,
)
from ztlint.triggers import TriggerIndex, Triggers

if TYPE_CHECKING:  # loaded when used: a small scan needs neither
    from concurrent.futures import Future, ProcessPoolExecutor

    from ztlint import helm
    from ztlint import semgrep as semgrep_mod

NOT_PARSED = "ZT903"
RULE_FAILED = "ZT905"
WORKER_CRASHED = "ZT906"
UNUSED_EXCEPTION = "ZT907"
SEMGREP_FAILED = "ZT909"
TIMED_OUT = "ZT910"
DECODED = "ZT913"
TEMPLATE_NOT_READ = "ZT916"

# Notification codes and what they mean (SARIF tool.driver.notifications).
NOTIFICATION_CODES: dict[str, tuple[str, str]] = {
    suppress.UNUSED_CODE: ("unused-suppression", "A suppression comment matches no finding."),
    NOT_PARSED: (
        "file-not-parsed",
        "A file could not be parsed; its structured rules did not run.",
    ),
    SKIPPED: (
        "file-skipped",
        "A file was not read: too large, not a regular file, or a link out of the root.",
    ),
    RULE_FAILED: ("rule-failed", "A rule raised an error on a file; other rules still ran."),
    WORKER_CRASHED: ("worker-crashed", "A worker process died while scanning a file."),
    UNUSED_EXCEPTION: ("unused-exception", "A config exception matches no finding."),
    "ZT908": ("stale-baseline", "Baseline entries no longer match any finding."),
    SEMGREP_FAILED: (
        "semgrep-failed",
        "semgrep could not run a rule or file (or at all); the native findings are complete.",
    ),
    TIMED_OUT: (
        "file-timed-out",
        "A file took longer than --file-timeout; it was not scanned, the rest of the run "
        "was. The run fails unless --allow-unchecked.",
    ),
    OVER_BUDGET: (
        "file-over-budget",
        "A file had too many tokens to parse within the memory budget, or .gitignore "
        "files were too costly to match; it was not fully checked. The run fails unless "
        "--allow-unchecked.",
    ),
    DECODED: (
        "file-decoded",
        "A file in UTF-16 or UTF-32 without a byte-order mark: recognised and checked, "
        "or (a warning) too unlike ASCII to tell from binary data, and not checked.",
    ),
    TEMPLATE_NOT_READ: (
        "template-not-read",
        "Templated YAML (a Helm chart's templates, a `*.yml.tmpl`) stayed unreadable after "
        "its template actions were neutralised: one note per chart, listing the lines. "
        "Never fails --strict: a template is not a broken file.",
    ),
    configview.BLIND: (
        "config-disables-scan",
        "A config in the scanned tree turns off every rule, or excludes or marks as test "
        "code every file.",
    ),
    "ZT920": (
        "history-incomplete",
        "A history scan (--history) could not read all the history it was asked for: a "
        "shallow clone (the note says how far back it went), blobs missing from a partial "
        "clone, or paths git listed that could leave the work tree.",
    ),
}
# Files a budget left unchecked (or a worker that died on them): they fail the run
# unless the user allows it, so that no repository can hide a finding behind them.
# A rule that raised on a file left it unchecked too: a hostile file can make a rule
# raise on purpose (a 5,000-digit minKernel in a seccomp profile dropped its findings).
UNCHECKED_CODES = frozenset({TIMED_OUT, OVER_BUDGET, WORKER_CRASHED, RULE_FAILED})
# Notes --strict lets pass: templates read as far as a linter can without rendering.
STRICT_PASSES = frozenset({TEMPLATE_NOT_READ})
_UNCHECKED_HINT = "; the run fails unless --allow-unchecked"

SMALL_SCAN = 48  # files; below this a scan stays in process unless --jobs is given
_INDEX_SIZE = 64 * 1024  # characters; a larger file is searched with the index anyway
SNIPPET_MAX = 300


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs to scan a file. Picklable."""

    rules: tuple[Rule, ...]
    max_file_size: int
    options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    # Seconds one file may take (0: no limit); see scan_file.
    file_timeout: float = 0.0
    severity: tuple[tuple[str, Severity], ...] = ()
    cache: Cache | None = None
    # How each file's provenance is decided (ztlint.provenance), the scanned folders
    # (prefixes of report paths, '' for the report root) it is judged relative to, and
    # whether test/example/docs files get every rule (else the secret rules only;
    # vendored and generated files get none): see ztlint.policy.check_mode.
    provenance: provenance_mod.Settings = field(default_factory=provenance_mod.Settings)
    roots: tuple[str, ...] = ("",)
    check_nonproduction: bool = True
    # Trigger indexes by kinds of file, built as files are met (ztlint.triggers).
    trigger_indexes: dict[tuple[frozenset[str], str], TriggerIndex] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    # Whether files are searched with a trigger index (a scan of many files), or
    # trigger by trigger (a few files: the pre-commit hook), unless large.
    indexed: bool = field(default=True, compare=False)
    # The rules that apply to each kind of file (ztlint.engine._applicable), likewise.
    applicable: dict[tuple[frozenset[str], bool, str], tuple[_Applicable, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def describe(self) -> tuple[Any, ...]:
        """What a file's result depends on besides the file: the cache's run key."""
        return (
            tuple(r.id for r in self.rules),
            self.max_file_size,
            self.options,
            tuple((rid, s.name) for rid, s in self.severity),
            self.provenance,
            self.roots,
            self.check_nonproduction,
        )

    def options_for(self, rule_id: str) -> dict[str, Any]:
        for rid, opts in self.options:
            if rid == rule_id:
                return dict(opts)
        return {}


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
    # Findings a baseline matched (ztlint.baseline.apply): dropped, and counted.
    baselined: int = 0
    # A history scan (`scan --history`): what it read (ztlint.history.scan.Summary).
    history: Any = None

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


# --- selection --------------------------------------------------------------------


def _resolver(rules: Sequence[Rule]) -> dict[str, str]:
    known: dict[str, str] = {}
    for r in rules:
        known[r.id] = r.id
        known[r.name] = r.id
    return known


def _matches(selector: str, rule: Rule) -> bool:
    s = selector.strip()
    if s.upper() == "ALL":
        return True
    if s == rule.name or s.upper() == rule.id:
        return True
    return bool(re.fullmatch(r"ZT\d{1,2}", s.upper())) and rule.id.startswith(s.upper())


def select_rules(rules: Sequence[Rule], config: Config) -> tuple[Rule, ...]:
    from ztlint import configlines

    for key, selectors in (("select", config.select), ("ignore", config.ignore)):
        for i, selector in enumerate(selectors):
            if not any(_matches(selector, r) for r in rules):
                # Blame where the value came from: a flag, or the config file's line.
                where = configlines.where(config, f"{key}[{i}]", selector)
                near = configlines.nearest(selector, [r.name for r in rules])
                raise ConfigError(f"{where}: unknown rule or family '{selector}'{near}")
    chosen = [r for r in rules if not config.select or any(_matches(s, r) for s in config.select)]
    return tuple(r for r in chosen if not any(_matches(s, r) for s in config.ignore))


def _validate(rules: Sequence[Rule], config: Config) -> None:
    from ztlint import configlines

    known = _resolver(rules)

    def where(key: str) -> str:
        return configlines.where(config, key)

    for key, _ in config.severity:
        if key not in known and key.upper() not in known:
            raise ConfigError(f"{where(f'severity.{key}')}: severity: unknown rule '{key}'")
    by_id = {r.id: r for r in rules}
    for key, opts in config.rule_options:
        rule_id = known.get(key) or known.get(key.upper())
        if rule_id is None:
            raise ConfigError(f"{where(f'rules.{key}')}: rules: unknown rule '{key}'")
        allowed = {o.name: o for o in by_id[rule_id].meta.options}
        for name, value in opts:
            if name not in allowed:
                names = ", ".join(sorted(allowed)) or "none"
                raise ConfigError(
                    f"{where(f'rules.{key}.{name}')}: rules.{key}: unknown option '{name}' "
                    f"(options: {names})"
                )
            _check_option(where(f"rules.{key}.{name}"), key, allowed[name].kind, name, value)
    for i, exc in enumerate(config.exceptions):
        if exc.rule not in known and exc.rule.upper() not in known:
            at = where(f"exceptions[{i}].rule")
            raise ConfigError(f"{at}: exceptions[{i}]: unknown rule '{exc.rule}'")


def _validate_globs(config: Config) -> None:
    """A glob the user wrote that can never match is a mistake to report (exit 2)."""
    where = config.source or "configuration"
    try:
        check_globs(f"{where}: exclude", config.exclude)
        check_globs(f"{where}: test-paths", config.test_paths)
        for name, globs in config.provenance:
            check_globs(f"{where}: provenance.{name}", globs)
        for i, exc in enumerate(config.exceptions):
            check_globs(f"{where}: exceptions[{i}]", (exc.path, exc.entity or "*"))
    except InvalidGlob as bad:
        raise ConfigError(str(bad)) from None


def _check_option(where: str, rule: str, kind: str, name: str, value: Any) -> None:
    ok = {
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "str": isinstance(value, str),
        "list[str]": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[kind]
    if not ok:
        raise ConfigError(f"{where}: rules.{rule}.{name}: expected {kind}, got {value!r}")


# --- one file -----------------------------------------------------------------------


def _make_finding(
    rule: Rule, hit: Hit, path: str, source: SourceText | None, plan: Plan
) -> Finding:
    override = dict(plan.severity).get(rule.id)
    severity = override if override is not None else (hit.severity or rule.meta.severity)
    snippet = ""
    digest = None
    if source is not None:
        digest = secret_digest(source, hit.secret_spans)
        snippet = _snippet(source, hit.span.start_line, hit.secret_spans)
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        path=hit.path or path,
        span=hit.span,
        message=hit.message or rule.meta.message,
        severity=severity,
        confidence=hit.confidence if hit.confidence is not None else rule.meta.confidence,
        entity=hit.entity,
        value=hit.value,
        related=hit.related,
        fix=hit.fix,
        secret_spans=hit.secret_spans,
        snippet=snippet,
        secret_digest=digest,
        unmistakable=hit.unmistakable,
    )


def _snippet(source: SourceText, line_no: int, secret_spans: Sequence[Span]) -> str:
    """The one way a line of source becomes output: cut to SNIPPET_MAX, then masked.
    Masking keeps the length, so cutting first shows the same text, and a long line
    with many secrets costs each of its findings no more than SNIPPET_MAX."""
    line = source.line(line_no)
    head = line[: SNIPPET_MAX + _SHAPE_REACH]
    shown = tuple(s for s in secret_spans if s.start_line != line_no or s.start_col <= SNIPPET_MAX)
    head = _mask_shapes(mask_line(head, line_no, shown))[:SNIPPET_MAX]
    return head if len(line) <= SNIPPET_MAX else head + "…"


_SHAPE_REACH = 200  # characters past the cut read for a secret's shape crossing it
_SHAPES: list[re.Pattern[str]] = []


def _mask_shapes(line: str) -> str:
    """`line` with what has a secret's shape masked (past its first 4 characters): a
    token format of secret-token-committed, an AWS key id, a URL's password. Whatever
    rules ran: with secret-token-committed ignored (an in-tree config may ignore it),
    or a password no rule reports (`command: curl http://u:pw@host`), another rule's
    finding on that line must not print it."""
    if not _SHAPES:
        from ztlint.semantics.tokens import AWS_KEY_ID, any_format_source

        _SHAPES.append(
            re.compile(
                r"(?<=://)[^:/@\s]*:(?P<password>[^@/\s]+)@|"
                + any_format_source()
                + f"|(?:{AWS_KEY_ID.pattern})"
            )
        )

    def masked(m: re.Match[str]) -> str:
        text = m.group()
        if m.group("password") is not None:
            start = m.start("password") - m.start()
            return text[:start] + "*" * len(m.group("password")) + "@"
        return text[:4] + "*" * (len(text) - 4)

    return _SHAPES[0].sub(masked, line)


def secret_digest(source: SourceText, secret_spans: Sequence[Span]) -> str | None:
    """sha256 of a finding's secret text, for baselines (which store it only salted);
    never written to the cache (see _for_cache)."""
    if not secret_spans:
        return None
    return hashlib.sha256(
        "\x00".join(_span_text(source, s) for s in secret_spans).encode("utf-8", "surrogatepass")
    ).hexdigest()


def _span_text(source: SourceText, span: Span) -> str:
    """The span's text, its lines joined with \\n whatever the file's line breaks."""
    lines = [source.line(n) for n in range(span.start_line, span.end_line + 1)]
    if not lines:
        return ""
    if len(lines) == 1:
        return lines[0][span.start_col - 1 : span.end_col - 1]
    return "\n".join([lines[0][span.start_col - 1 :], *lines[1:-1], lines[-1][: span.end_col - 1]])


class _SecretLines:
    """The secret spans of one file, by the lines they cover: every snippet on such a
    line is masked with all of them, not only its own finding's (another rule's
    finding on a secret's line must not print it)."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = sorted(set(spans), key=lambda s: (s.start_line, s.end_line))
        self._starts = [s.start_line for s in self.spans]
        self._reach = max((s.end_line - s.start_line for s in self.spans), default=0)

    def on(self, line: int) -> tuple[Span, ...]:
        lo = bisect_left(self._starts, line - self._reach)
        hi = bisect_right(self._starts, line)
        return tuple(s for s in self.spans[lo:hi] if s.contains_line(line))


def _mask_findings(findings: Sequence[Finding], source: SourceText | None) -> list[Finding]:
    """Findings whose snippet line holds any secret of the file, masked again with all
    of the file's secret spans."""
    secrets = _SecretLines([s for f in findings for s in f.secret_spans])
    if source is None or not secrets.spans:
        return list(findings)
    out = []
    masked: dict[int, str | None] = {}  # per line: many findings on a line mask it once
    for f in findings:
        line = f.span.start_line
        if f.snippet:
            if line not in masked:
                spans = secrets.on(line)
                masked[line] = _snippet(source, line, spans) if spans else None
            snippet = masked[line]
            if snippet is not None:
                f = replace(f, snippet=snippet)
        out.append(f)
    return out


def _collects(check: ProjectCheck, kinds: frozenset[str], triggered: Triggers) -> bool:
    if check.triggers_apply(kinds):
        return triggered.admits(check.triggers, (), check.any_case)
    return bool(check.any_case) and triggered.any_case(check.any_case)


def _trigger_index(plan: Plan, kinds: frozenset[str], mode: str) -> TriggerIndex:
    """The index of the triggers every detector (that the file's check mode runs) and
    project check may ask about in a file of these kinds; built once per process and
    kind of file."""
    key = (kinds, mode)
    index = plan.trigger_indexes.get(key)
    if index is None:
        detectors = [
            d for r in plan.rules if policy.runs(r.id, mode) for d in r.detectors if d.kinds & kinds
        ]
        projects = [r.project for r in plan.rules if r.project and r.project.kinds & kinds]
        index = plan.trigger_indexes[key] = TriggerIndex.of(
            frozenset([t for d in detectors for t in d.triggers])
            | {t for p in projects if p.triggers_apply(kinds) for t in p.triggers}
        )
    return index


class _Applicable(NamedTuple):
    """A rule's detectors and project check that apply to a kind of file, and its
    options."""

    rule: Rule
    detectors: tuple[Detector, ...]
    check: ProjectCheck | None
    options: Mapping[str, Any]


def _applicable(
    plan: Plan, kinds: frozenset[str], binary: bool, mode: str
) -> tuple[_Applicable, ...]:
    """The rules with something to run on a file of these kinds in a check mode
    (ztlint.policy.check_mode), in rule order; built once per process and kind of file."""
    key = (kinds, binary, mode)
    found = plan.applicable.get(key)
    if found is None:
        out = []
        for rule in plan.rules:
            detectors = tuple(
                d
                for d in (rule.detectors if policy.runs(rule.id, mode) else ())
                if d.kinds & kinds and (d.binary or not binary)
            )
            check = rule.project if rule.project and rule.project.kinds & kinds else None
            if detectors or check is not None:
                out.append(_Applicable(rule, detectors, check, plan.options_for(rule.id)))
        found = plan.applicable[key] = tuple(out)
    return found


class _FileTimeout(BaseException):
    """Raised into a file's scan when its time is up: a BaseException, so that no
    rule's `except Exception` takes it for a rule failure."""


def _time_up(signum: int, frame: Any) -> None:
    raise _FileTimeout


def scan_file(entry: FileEntry, plan: Plan) -> FileResult:
    try:
        raw: RawFile = read_file(entry.abs, plan.max_file_size)
    except SkipFile as why:
        return FileResult(
            entry.rel,
            notifications=(_note(SKIPPED, f"skipped: {why}", entry.rel, level=NoticeLevel.NOTE),),
        )
    chart = None
    if "templates/" in entry.rel and not raw.binary:
        from ztlint.helm import chart_of  # loaded when a path may be in a chart

        chart = chart_of(entry.rel, entry.abs, plan.max_file_size)
    # A chart's template reads its chart's values: they are part of what is cached.
    keyed = (
        raw.data
        if chart is None
        else b"\0".join((raw.data, b"chart", chart.values or b"", chart.library or b""))
    )
    if plan.cache is not None:
        cached = plan.cache.get(entry.rel, keyed)
        if isinstance(cached, FileResult) and cached.path == entry.rel:
            return _from_cache(cached, raw)
    scanned = _timed_scan(entry, plan, raw, chart)
    if scanned is None:
        # Its partial findings are dropped, and nothing is cached: a slow moment on a
        # busy machine must not stick.
        return FileResult(
            entry.rel,
            notifications=(
                _note(
                    TIMED_OUT,
                    f"not scanned: it took longer than {plan.file_timeout:g} s "
                    f"(--file-timeout){_UNCHECKED_HINT}",
                    entry.rel,
                    level=NoticeLevel.WARNING,
                ),
            ),
        )
    result, worked = scanned
    if plan.cache is not None and worked:
        # Files no trigger matched cost less to check again than to look up.
        plan.cache.put(entry.rel, keyed, _for_cache(result))
    return result


def _for_cache(result: FileResult) -> FileResult:
    """The result without its secrets' digests: the cache holds nothing derived from a
    secret (snippets are masked; entry names are keyed, see ztlint.cache)."""
    if not any(f.secret_digest for f in result.findings):
        return result
    return replace(result, findings=tuple(replace(f, secret_digest=None) for f in result.findings))


def _from_cache(result: FileResult, raw: RawFile) -> FileResult:
    """A cached result with its secrets' digests computed again from the file."""
    if raw.binary or not any(f.secret_spans for f in result.findings):
        return result
    source = SourceText(decode(raw.data))
    return replace(
        result,
        findings=tuple(
            replace(f, secret_digest=secret_digest(source, f.secret_spans)) for f in result.findings
        ),
    )


def _timed_scan(
    entry: FileEntry, plan: Plan, raw: RawFile, chart: helm.Chart | None = None
) -> tuple[FileResult, bool] | None:
    """`_scan_raw` within the file's time limit, or None when it ran out. SIGALRM
    interrupts the scan wherever Python runs, regular expressions included (sre checks
    for signals); a long call into a parser's C code is interrupted when it returns."""
    if (
        plan.file_timeout <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
    ):
        # No limit without SIGALRM (Windows), off the main thread, or when the program
        # that runs the engine uses the alarm itself.
        return _scan_raw(entry, plan, raw, chart)
    signal.signal(signal.SIGALRM, _time_up)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, plan.file_timeout)
            return _scan_raw(entry, plan, raw, chart)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _FileTimeout:
        return None
    finally:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def _scan_raw(
    entry: FileEntry, plan: Plan, raw: RawFile, chart: helm.Chart | None = None
) -> tuple[FileResult, bool]:
    worked = False
    source = None if raw.binary else SourceText(decode(raw.data))
    text = source.text if source is not None else ""
    fclass = classify.classify(entry.rel, None if source is None else text, chart is not None)
    ctx = FileContext(
        entry.rel, fclass.kinds, fclass.parser, source, head=raw.data if raw.binary else b""
    )
    if fclass.template is not None:
        from ztlint.helm import TemplateReader

        ctx.template = TemplateReader(
            "go" if fclass.template == classify.HELM else fclass.template,
            chart if fclass.template == classify.HELM else None,
        )
    findings: list[Finding] = []
    notes: list[Notification] = []
    facts: list[tuple[str, tuple[Any, ...]]] = []
    if (decoded := decoding_note(raw.data, raw.binary)) is not None:
        notes.append(
            _note(
                DECODED,
                decoded,
                entry.rel,
                level=NoticeLevel.WARNING if raw.binary else NoticeLevel.NOTE,
            )
        )
    origin = provenance_mod.classify(
        provenance_mod.relative_to_roots(entry.rel, plan.roots),
        None if source is None else text,
        plan.provenance,
    )
    mode = policy.check_mode(origin, plan.check_nonproduction)
    unchecked = mode != policy.CHECK_ALL
    entities: EntityIndex | None = None  # finding-to-lines, indexed once per file
    # A small scan of small files asks about its triggers one by one: building an index
    # costs more than it saves there.
    indexed = plan.indexed or len(text) > _INDEX_SIZE
    searched, lowered = text, ctx.lower if source is not None else None
    blocks = chart is not None and "toYaml" in text and ".Values" in text
    includes = chart is not None and chart.library is not None and "include" in text
    if chart is not None and (blocks or includes):
        # A block of the chart's values printed into the template (`toYaml .Values.sc`),
        # or a named template it includes, brings its words along: they are searched too.
        extra = [chart.values or b""] + ([chart.library or b""] if includes else [])
        searched = text + "\n" + decode(b"\n".join(extra))
        lowered = searched.lower
    triggered = Triggers(
        searched,
        lowered,
        (lambda: _trigger_index(plan, fclass.kinds, mode)) if indexed else None,
    )
    for rule, detectors, check, options in _applicable(plan, fclass.kinds, raw.binary, mode):
        for det in detectors:
            if source is not None and not triggered.admits(det.triggers, det.confirm, det.any_case):
                continue
            ctx.options = options
            if det.gate is not None and source is not None:
                try:
                    if not det.gate(ctx):
                        continue
                except Exception as exc:  # a gate's bug must not stop the scan
                    notes.append(_rule_failed(rule.id, det.name, entry.rel, exc))
                    continue
            worked = True
            try:
                hits = list(det.run(ctx))
            except OverBudget as over:  # a part of the file (a script) was too large
                ctx.parse_notes.append(over)
                continue
            except ParseFailure:
                continue
            except Exception as exc:  # a rule's bug must not stop the scan
                notes.append(_rule_failed(rule.id, det.name, entry.rel, exc))
                continue
            for h in hits:
                finding = _make_finding(rule, h, entry.rel, source, plan)
                if ctx.template is not None:
                    finding = _templated(finding, ctx.template)
                if h.entity and ctx.parsed_documents:
                    entities = entities or EntityIndex(ctx.parsed_documents)
                    lines = entities.lines(h.span, h.entity)
                    finding = replace(finding, entity_lines=lines)
                findings.append(finding)
        if check is not None and (source is None or _collects(check, fclass.kinds, triggered)):
            ctx.options = options
            worked = True
            try:
                collected = tuple(check.collect(ctx))
            except OverBudget as over:
                ctx.parse_notes.append(over)
                collected = ()
            except ParseFailure:
                collected = ()
            except Exception as exc:
                notes.append(_rule_failed(rule.id, "collect", entry.rel, exc))
                collected = ()
            if collected:
                facts.append((rule.id, collected))
    if (
        source is not None
        and embedded.may_hold(fclass.kinds, fclass.parser, text)
        and _applicable(plan, embedded.READ_AS, False, mode)
    ):
        worked = True
        findings.extend(_embedded_findings(ctx, plan, mode, findings, notes))
    findings = _mask_findings(findings, source)
    if findings and source is not None and acknowledged.mentioned(ctx.lower()):
        findings = acknowledged.apply(findings, source, _comment_finder(ctx))
    directives: tuple[suppress.Directive, ...] = ()
    if source is not None and "ztlint:" in text:
        directives = _directives(ctx, findings, unchecked)
    test_ranges: tuple[tuple[int, int], ...] = ()
    test_paths: tuple[str, ...] = ()
    if fclass.parser == "rust":  # before the parse notes: this may parse the file
        test_ranges, test_paths = _rust_test_code(ctx, bool(findings))
    seen_parse: set[tuple[int | None, str]] = set()
    chart_file: helm.ChartFile | None = None
    if chart is not None and fclass.template == classify.HELM:
        from ztlint.helm import ChartFile

        chart_file = ChartFile(chart.folder, _pods(ctx))
    for failure in ctx.parse_notes:
        key = (failure.line, failure.message)
        if key not in seen_parse:
            seen_parse.add(key)
            if ctx.template is not None and _template_error(failure):
                if chart_file is not None:
                    chart_file = replace(chart_file, unread=(failure.line, failure.message))
                    continue
                notes.append(
                    _note(
                        TEMPLATE_NOT_READ,
                        f"template not read: {failure.message}",
                        entry.rel,
                        failure.line,
                        failure.column,
                        level=NoticeLevel.NOTE,
                    )
                )
                continue
            if isinstance(failure, OverBudget):
                notes.append(_note(OVER_BUDGET, failure.message + _UNCHECKED_HINT, entry.rel))
                continue
            notes.append(
                _note(
                    NOT_PARSED,
                    f"{'partly parsed' if failure.recovered else 'not parsed'}: {failure.message}",
                    entry.rel,
                    failure.line,
                    failure.column,
                    level=NoticeLevel.NOTE if failure.recovered else NoticeLevel.WARNING,
                )
            )
    if classify.GITIGNORE in fclass.kinds and source is not None:
        notes.extend(_invalid_ignore_patterns(entry.rel, source))
    result = FileResult(
        entry.rel,
        tuple(findings),
        tuple(notes),
        directives,
        test_ranges,
        tuple(facts),
        test_paths,
        origin,
        provenance_mod.evidence(entry.rel, text, fclass.kinds)
        if origin not in provenance_mod.NOT_CHECKED and source is not None
        else None,
        chart_file,
    )
    return result, worked


def _template_error(failure: ParseFailure) -> bool:
    from ztlint.parsers.template import TemplateError

    return isinstance(failure, TemplateError)


def _templated(finding: Finding, reader: helm.TemplateReader) -> Finding:
    """A finding in templated YAML: the values lines it depends on as related
    locations; in a branch kept without knowing its condition, at most medium
    confidence (the chart may never render it)."""
    related = reader.related(finding.span)
    if related:
        finding = replace(finding, related=finding.related + related)
    if reader.undecided(finding.span) and finding.confidence > Confidence.MEDIUM:
        finding = replace(finding, confidence=Confidence.MEDIUM)
    return finding


def _pods(ctx: FileContext) -> int:
    """The pod specs in the documents the rules read (0 when none parsed them)."""
    if not ctx.parsed_documents:
        return 0
    from ztlint.checks.workloads import file_pod_specs

    return sum(1 for _ in file_pod_specs(ctx))


def _chart_notes(results: Sequence[FileResult]) -> list[Notification]:
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


def _embedded_findings(
    ctx: FileContext,
    plan: Plan,
    mode: str,
    outer: Sequence[Finding],
    notes: list[Notification],
) -> list[Finding]:
    """The findings in the documents a file embeds (ztlint.embedded): each is read as
    a file of its own kinds by the detectors of those kinds, and its spans are mapped
    back onto the file. A problem the file's own detectors already reported on a line
    is not reported again."""
    try:
        found = ctx.memo("embedded", lambda: embedded.find(ctx))
    except OverBudget as over:
        ctx.parse_notes.append(over)
        return []
    except ParseFailure:
        return []  # the file itself did not parse: reported once, with the others
    except Exception as exc:  # a bug here must not stop the scan
        notes.append(_rule_failed("embedded", "find", ctx.path, exc))
        return []
    reported = {(f.rule_id, f.span.start_line) for f in outer}
    out: list[Finding] = []
    for emb in found:
        sub = FileContext(
            ctx.path,
            emb.kinds,
            emb.parser,
            emb.source,
            documents=list(emb.documents) if emb.documents is not None else None,
        )
        triggered = Triggers(emb.source.text)
        for rule, detectors, _check, options in _applicable(plan, emb.kinds, False, mode):
            for det in detectors:
                if not triggered.admits(det.triggers, det.confirm, det.any_case):
                    continue
                sub.options = options
                try:
                    if det.gate is not None and not det.gate(sub):
                        continue
                    hits = [emb.hit(h, ctx.path) for h in det.run(sub)]
                except ParseFailure:
                    continue  # an embedded text that is no configuration after all
                except Exception as exc:
                    notes.append(_rule_failed(rule.id, det.name, ctx.path, exc))
                    continue
                for h in hits:
                    key = (rule.id, h.span.start_line)
                    if key in reported:
                        continue
                    reported.add(key)
                    finding = _make_finding(rule, h, ctx.path, ctx.source, plan)
                    if h.entity:
                        finding = replace(finding, entity_lines=(emb.first_line, emb.last_line))
                    out.append(finding)
    return out


def _comment_finder(ctx: FileContext) -> Callable[[int, int], bool]:
    """Where the file's real comments are, from the tree or documents a detector
    already parsed (parsed here otherwise)."""
    from ztlint.parsers import comments

    assert ctx.source is not None
    tree = None
    yaml_ok = True
    try:
        if ctx.parser in classify.LANGUAGES:
            tree = ctx.tree()
        elif ctx.parser == "yaml":
            ctx.documents()
    except ParseFailure:
        yaml_ok = False
    own = comments.finder(ctx.source, ctx.parser, ctx.kinds, tree, yaml_ok, ctx.path)
    found: list[embedded.Embedded] = ctx.memo("embedded", list)
    if not found:
        return own
    starts = embedded.comment_starts(found)

    def is_comment(line: int, column: int) -> bool:
        start = starts.get(line)
        return own(line, column) or (start is not None and column > start)

    return is_comment


def _directives(
    ctx: FileContext, findings: Sequence[Finding], unchecked: bool
) -> tuple[suppress.Directive, ...]:
    """The suppression directives in the file's real comments. Their snippets go
    through the findings' masking, with every secret span found in the file; a file
    whose detectors did not run (unchecked test code) shows none."""
    source = ctx.source
    is_comment = _comment_finder(ctx)
    secrets = _SecretLines([s for f in findings for s in f.secret_spans])

    def snippet(line: int) -> str:
        return "" if unchecked else _snippet(source, line, secrets.on(line))

    return suppress.parse_directives(source.text, source.lines, is_comment, snippet)


def _invalid_ignore_patterns(path: str, source: SourceText) -> list[Notification]:
    """A note for each .gitignore pattern git would not accept: it matches nothing."""
    out = []
    for number, line in enumerate(source.lines, 1):
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        pattern = pattern[1:] if pattern.startswith(("!", "\\!", "\\#")) else pattern
        why = compile_glob(pattern).invalid
        if why is not None:
            out.append(
                _note(
                    NOT_PARSED,
                    f"partly parsed: invalid pattern, it matches nothing (as in git): {why}",
                    path,
                    number,
                    level=NoticeLevel.NOTE,
                )
            )
    return out


def _note(
    code: str,
    message: str,
    path: str | None,
    line: int | None = None,
    column: int | None = None,
    level: NoticeLevel = NoticeLevel.WARNING,
    rule_id: str | None = None,
) -> Notification:
    return Notification(
        code=code,
        message=message,
        level=level,
        path=path,
        line=line,
        column=column,
        rule_id=rule_id,
    )


def _rule_failed(rule_id: str, detector: str, path: str, exc: BaseException) -> Notification:
    """The error's type and where it was raised, never its text: an exception's
    message can quote the file (a value that did not convert), and a notification
    must not carry source text (a secret) into the output."""
    return _note(
        RULE_FAILED,
        f"rule {rule_id} ({detector}) failed: {type(exc).__name__}{_raised_at(exc)}"
        + _UNCHECKED_HINT,
        path,
        rule_id=rule_id,
    )


def _raised_at(exc: BaseException) -> str:
    """' at <module>:<line>' of the innermost frame in ztlint's own code, or ""."""
    import traceback

    package = os.path.dirname(os.path.abspath(__file__))
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        filename = os.path.abspath(frame.filename)
        if filename.startswith(package + os.sep):
            rel = os.path.relpath(filename, os.path.dirname(package)).replace(os.sep, "/")
            where = f" at {rel}:{frame.lineno}"
    return where


# Test-only items: `#[cfg(test)]`, `#[cfg(all(test, ...))]`, `#[test]`, `#[tokio::test]`.
# `#[cfg(any(test, feature = "x"))]` also builds outside tests, so it is not test code.
# Matched against a whole attribute item of the tree: `#[doc = "#[test]"]` is not one.
_CFG_TEST = re.compile(
    r"#\[\s*cfg\s*\(\s*(?:test|all\s*\([^()]*\btest\b[^()]*\))\s*\)\s*\]|#\[\s*(?:[\w:]+::)?test\s*\]"
)
# `#[cfg(test)] mod tests;` puts the whole file tests.rs (or tests/mod.rs) under test.
# Only a prefilter: the declaration counts when the tree has it (not in a comment or a
# string, see _rust_test_code).
_TEST_MOD_DECL = re.compile(
    r"#\[\s*cfg\s*\(\s*(?:test|all\s*\([^()]*\btest\b[^()]*\))\s*\)\s*\]\s*"
    r"(?:#\[[^\]]*\]\s*)*(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+(\w+)\s*;"
)


def rust_test_module_paths(path: str, names: Sequence[str]) -> tuple[str, ...]:
    """Files and folders that `#[cfg(test)] mod name;` declarations (of `names`) in
    `path` make test code: `name.rs` and `name/` beside a lib.rs, main.rs or mod.rs, or
    below a folder named after any other file."""
    folder, _, base = path.rpartition("/")
    stem = base[:-3] if base.endswith(".rs") else base
    parent = folder if stem in ("lib", "main", "mod") else (f"{folder}/{stem}" if folder else stem)
    prefix = f"{parent}/" if parent else ""
    out = []
    for name in names:
        out += [f"{prefix}{name}.rs", f"{prefix}{name}/"]
    return tuple(out)


def _rust_test_code(
    ctx: FileContext, with_ranges: bool
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """The line ranges of test items (when `with_ranges`) and the test module files a
    Rust file declares, both from its tree: text that only looks like an attribute (in
    a comment, a string or a doc attribute) makes nothing test code."""
    declares = "cfg" in ctx.source.text and _TEST_MOD_DECL.search(ctx.source.text) is not None
    if not (with_ranges or declares):
        return (), ()
    from ztlint.parsers import code

    try:
        items = _rust_test_items(ctx)
    except (ParseFailure, OverBudget):
        return (), ()
    ranges = [] if not with_ranges else [code.node_span(ctx.source, node) for node, _ in items]
    names = [
        code.node_text(ctx.source, name)
        for node, top in items
        if top and node.type == "mod_item" and node.child_by_field_name("body") is None
        if (name := node.child_by_field_name("name")) is not None
    ]
    return (
        tuple(sorted((s.start_line, s.end_line) for s in ranges)),  # lines, not rows
        rust_test_module_paths(ctx.path, names),
    )


def _rust_test_items(ctx: FileContext) -> list[tuple[Any, bool]]:
    """Items under a test attribute (`#[cfg(test)]`, `#[test]`) at any module depth,
    with whether each is at the file's top level."""
    from ztlint.parsers import code

    root = ctx.tree().root_node
    items = []
    stack = [root]
    while stack:
        container = stack.pop()
        test_attribute = False
        for child in container.named_children:
            if child.type == "attribute_item":
                text = code.node_text(ctx.source, child).strip()
                test_attribute = test_attribute or bool(_CFG_TEST.fullmatch(text))
                continue
            if child.type in ("line_comment", "block_comment"):
                continue
            if test_attribute and child.type in ("mod_item", "function_item", "impl_item"):
                items.append((child, container is root))
            elif (
                child.type == "mod_item" and (body := child.child_by_field_name("body")) is not None
            ):
                stack.append(body)
            test_attribute = False
    return items


# --- many files -------------------------------------------------------------------

_WORKER_PLAN: Plan | None = None


def _init_worker(plan: Plan) -> None:
    global _WORKER_PLAN
    _WORKER_PLAN = plan
    # A worker's objects die with their file (by reference count, not cycles; see
    # parsers.yaml._release): collect less often than every 700 allocations. On istio
    # this halves the time spent in the collector and skips its full collections.
    gc.set_threshold(5000, 10, 10)
    # Ctrl-C reaches the whole process group: the parent alone handles it
    # (_stop_workers), so a worker neither prints a traceback nor goes on scanning.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool at once (Ctrl-C): queued batches are dropped, workers terminated."""
    workers = list((getattr(pool, "_processes", None) or {}).values())  # gone on shutdown
    for process in workers:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _scan_batch(batch: list[FileEntry]) -> list[FileResult]:
    assert _WORKER_PLAN is not None
    return [scan_file(entry, _WORKER_PLAN) for entry in batch]


def _pool(jobs: int, plan: Plan) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        # The rules, grammars and compiled patterns the workers inherit are never
        # garbage: keep them out of the workers' collections (which would also copy
        # their pages). The parent unfreezes when the scan is done.
        gc.freeze()
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(plan,),
    )


def _batches(files: Sequence[FileEntry], jobs: int) -> list[list[FileEntry]]:
    size = max(1, min(256, len(files) // (jobs * 4) or 1))
    return [list(files[i : i + size]) for i in range(0, len(files), size)]


Progress = Callable[[int, int], None]


def execute(
    files: Sequence[FileEntry], plan: Plan, jobs: int, progress: Progress | None = None
) -> list[FileResult]:
    """Scan `files` with `jobs` processes (1: in this process)."""
    total = len(files)
    if jobs <= 1:
        out = []
        for i, entry in enumerate(files, 1):
            out.append(scan_file(entry, plan))
            if progress is not None:
                progress(i, total)
        return out
    from concurrent.futures.process import BrokenProcessPool

    results: dict[str, FileResult] = {}
    failed: list[FileEntry] = []
    with _pool(jobs, plan) as pool:
        try:
            futures: list[tuple[Future[list[FileResult]], list[FileEntry]]] = [
                (pool.submit(_scan_batch, batch), batch) for batch in _batches(files, jobs)
            ]
            for future, batch in futures:
                try:
                    for result in future.result():
                        results[result.path] = result
                except BrokenProcessPool:
                    failed.extend(batch)
                if progress is not None:
                    progress(len(results), total)
        except KeyboardInterrupt:
            _stop_workers(pool)
            raise
    if failed:
        for result in _isolate(failed, plan):
            results[result.path] = result
    gc.unfreeze()
    return [results[e.rel] for e in files if e.rel in results]


def _execute_cached(
    files: Sequence[FileEntry],
    plan: Plan,
    jobs: int,
    progress: Progress | None,
    root: str,
    named: bool,
) -> list[FileResult]:
    """`execute`, with files whose stat is unchanged since they were cached neither
    read nor scanned (ztlint.statcache)."""
    if plan.cache is None:
        return execute(files, plan, jobs, progress)
    from ztlint import statcache

    def scan(todo: Sequence[FileEntry]) -> list[FileResult]:
        # A few changed files cost less in process than starting workers for them.
        return execute(todo, plan, jobs if len(todo) >= SMALL_SCAN else 1, progress)

    def restore(kept: FileResult, entry: FileEntry) -> FileResult | None:
        if not any(f.secret_spans for f in kept.findings):
            return kept
        try:  # a secret's digest is never cached: computed again from the file
            return _from_cache(kept, read_file(entry.abs, plan.max_file_size))
        except SkipFile:
            return None

    index = statcache.StatIndex(plan.cache, root)
    return statcache.execute(files, index, scan, restore, _for_cache, named)


def _isolate(files: list[FileEntry], plan: Plan) -> list[FileResult]:
    """Re-scan files from a batch whose worker died, one at a time in a one-worker
    pool, so that the file that kills a worker is found and reported."""
    from concurrent.futures.process import BrokenProcessPool

    out: list[FileResult] = []
    pending = list(files)
    while pending:
        with _pool(1, plan) as pool:
            futures = [(pool.submit(_scan_batch, [entry]), entry) for entry in pending]
            pending = []
            crashed = False
            for future, entry in futures:
                if crashed:
                    pending.append(entry)
                    continue
                try:
                    out.extend(future.result())
                except BrokenProcessPool:
                    crashed = True
                    out.append(
                        FileResult(
                            entry.rel,
                            notifications=(
                                _note(
                                    WORKER_CRASHED,
                                    "a worker process died while scanning this file; not scanned",
                                    entry.rel,
                                    level=NoticeLevel.ERROR,
                                ),
                            ),
                        )
                    )
    return out


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


def _project_pass(
    rules: Sequence[Rule], results: Sequence[FileResult], plan: Plan, root: str
) -> tuple[list[Finding], list[Notification]]:
    findings: list[Finding] = []
    notes: list[Notification] = []
    secrets: dict[str, list[Span]] = {}
    for r in results:
        for f in r.findings:
            secrets.setdefault(f.path, []).extend(f.secret_spans)
    sources: dict[str, SourceText | None] = {}  # each file read once, however many hits
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
            if path not in sources:
                sources[path] = _reread(os.path.join(root, path), plan.max_file_size)
            source = sources[path]
            found = _make_finding(rule, hit, path, source, plan)
            if source is not None and (
                spans := _SecretLines(secrets.get(path, [])).on(found.span.start_line)
            ):
                found = replace(
                    found,
                    snippet=_snippet(source, found.span.start_line, (*spans, *hit.secret_spans)),
                )
            findings.append(found)
    return findings, notes


def _referenced(results: Sequence[FileResult], root: str, have: set[str]) -> tuple[FileEntry, ...]:
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
    from ztlint import semgrep as semgrep_mod

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


def _reread(path: str, limit: int) -> SourceText | None:
    try:
        raw = read_file(path, limit)
    except SkipFile:
        return None
    return None if raw.binary else SourceText(decode(raw.data))


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


def plan_for(config: Config, enabled: tuple[Rule, ...], known: dict[str, str]) -> Plan:
    """The frozen plan of a scan of `enabled` rules under `config` (`known` resolves the
    rule names config uses to ids; a name of a rule not enabled is left out)."""
    return Plan(
        rules=tuple(r for r in enabled if not r.meta.component),
        max_file_size=config.max_file_size,
        file_timeout=config.file_timeout,
        options=tuple(
            (
                r.id,
                tuple(
                    sorted(
                        {
                            **{o.name: o.default for o in r.meta.options},
                            **config.options_for((r.id, r.name)),
                        }.items()
                    )
                ),
            )
            for r in enabled
        ),
        severity=tuple(
            (known.get(k) or known[k.upper()], s)
            for k, s in config.severity
            if known.get(k) or known.get(k.upper())
        ),
        provenance=provenance_mod.Settings(config.test_paths, config.test_tags, config.provenance),
        check_nonproduction=config.tests != "ignore",
    )


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
        from ztlint import semgrep as semgrep_mod

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
