"""One file: read (or taken from the result cache), classified, its detectors and
project-fact collectors run within its time limit, its notes gathered."""

from __future__ import annotations

import signal
import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ztlint import acknowledged, classify, embedded, policy, suppress
from ztlint import provenance as provenance_mod
from ztlint.discovery import FileEntry
from ztlint.globs import compile_glob
from ztlint.model import Confidence, Finding, NoticeLevel, Notification
from ztlint.notices import (
    DECODED,
    NOT_PARSED,
    OVER_BUDGET,
    SKIPPED,
    TEMPLATE_NOT_READ,
    TIMED_OUT,
)
from ztlint.notices import UNCHECKED_HINT as _UNCHECKED_HINT
from ztlint.notices import note as _note
from ztlint.notices import rule_failed as _rule_failed
from ztlint.parsers.budget import OverBudget
from ztlint.parsers.data import EntityIndex, ParseFailure
from ztlint.report import FileResult
from ztlint.rule import FileContext
from ztlint.scan.comments import comment_finder, find_directives
from ztlint.scan.dispatch import Dispatch, collects
from ztlint.scan.embedded import embedded_findings
from ztlint.scan.findings import (
    make_finding,
    mask_findings,
    mask_user_text,
    secret_digest,
)
from ztlint.scan.gotest import go_test_helpers
from ztlint.scan.pyselftest import python_self_test_ranges
from ztlint.scan.rusttest import rust_test_code
from ztlint.scan.swiftpreview import swift_preview_ranges
from ztlint.source import RawFile, SkipFile, SourceText, decode, decoding_note, read_file
from ztlint.triggers import Triggers

if TYPE_CHECKING:
    from ztlint import helm


_INDEX_SIZE = 64 * 1024  # characters; a larger file is searched with the index anyway


class _FileTimeout(BaseException):
    """Raised into a file's scan when its time is up: a BaseException, so that no
    rule's `except Exception` takes it for a rule failure."""


def _time_up(signum: int, frame: Any) -> None:
    raise _FileTimeout


def scan_file(entry: FileEntry, dispatch: Dispatch) -> FileResult:
    plan = dispatch.plan
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
            return from_cache(cached, raw)
    scanned = timed_scan(entry, dispatch, raw, chart)
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
        plan.cache.put(entry.rel, keyed, for_cache(result))
    return result


def for_cache(result: FileResult) -> FileResult:
    """The result without its secrets' digests: the cache holds nothing derived from a
    secret (snippets are masked; entry names are keyed, see ztlint.cache)."""
    if not any(f.secret_digest for f in result.findings):
        return result
    return replace(result, findings=tuple(replace(f, secret_digest=None) for f in result.findings))


def from_cache(result: FileResult, raw: RawFile) -> FileResult:
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


def timed_scan(
    entry: FileEntry, dispatch: Dispatch, raw: RawFile, chart: helm.Chart | None = None
) -> tuple[FileResult, bool] | None:
    """`_scan_raw` within the file's time limit, or None when it ran out. SIGALRM
    interrupts the scan wherever Python runs, regular expressions included (sre checks
    for signals); a long call into a parser's C code is interrupted when it returns."""
    if (
        dispatch.plan.file_timeout <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
    ):
        # No limit without SIGALRM (Windows), off the main thread, or when the program
        # that runs the engine uses the alarm itself.
        return _scan_raw(entry, dispatch, raw, chart)
    signal.signal(signal.SIGALRM, _time_up)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, dispatch.plan.file_timeout)
            return _scan_raw(entry, dispatch, raw, chart)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _FileTimeout:
        return None
    finally:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def _scan_raw(
    entry: FileEntry, dispatch: Dispatch, raw: RawFile, chart: helm.Chart | None = None
) -> tuple[FileResult, bool]:
    plan = dispatch.plan
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
    origin = (
        provenance_mod.PRODUCTION
        if entry.rel in plan.promoted
        else provenance_mod.classify(
            provenance_mod.relative_to_roots(entry.rel, plan.roots),
            None if source is None else text,
            plan.provenance,
        )
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
        (lambda: dispatch.trigger_index(fclass.kinds, mode)) if indexed else None,
    )
    for rule, detectors, check, options in dispatch.applicable(fclass.kinds, raw.binary, mode):
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
                finding = make_finding(rule, h, entry.rel, source, plan)
                if ctx.template is not None:
                    finding = _templated(finding, ctx.template)
                if h.entity and ctx.parsed_documents:
                    entities = entities or EntityIndex(ctx.parsed_documents)
                    lines = entities.lines(h.span, h.entity)
                    finding = replace(finding, entity_lines=lines)
                findings.append(finding)
        if check is not None and (source is None or collects(check, fclass.kinds, triggered)):
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
        and dispatch.applicable(embedded.READ_AS, False, mode)
    ):
        worked = True
        findings.extend(embedded_findings(ctx, dispatch, mode, findings, notes))
    findings = mask_user_text(mask_findings(findings, source), source)
    if findings and source is not None and acknowledged.mentioned(ctx.lower()):
        findings = acknowledged.apply(findings, source, comment_finder(ctx))
    directives: tuple[suppress.Directive, ...] = ()
    if source is not None and "ztlint:" in text:
        directives = find_directives(ctx, findings, unchecked)
    test_ranges: tuple[tuple[int, int], ...] = ()
    test_paths: tuple[str, ...] = ()
    if fclass.parser == "rust":  # before the parse notes: this may parse the file
        test_ranges, test_paths = rust_test_code(ctx, bool(findings), plan.provenance.test_tags)
    elif fclass.parser == "go" and findings:  # helpers that take a test's handle
        test_ranges = go_test_helpers(ctx)
    elif fclass.parser == "swift":  # SwiftUI previews: canvas code, not the app's
        test_ranges = swift_preview_ranges(ctx, bool(findings))
    elif fclass.parser == "python":  # a module's self-test block: run by hand, not shipped
        test_ranges = python_self_test_ranges(ctx, bool(findings))
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
