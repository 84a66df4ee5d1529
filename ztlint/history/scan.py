"""`ztlint scan --history`: the secret rules over every blob a revision range introduced.

1. `git log --reverse --raw` over the range maps each new blob to the first commit and
   path that carry it (ztlint.history.gitlog); a blob carried by many commits and
   paths is one entry.
2. Blobs checked by an earlier run (ztlint.history.store) are not read again; the rest
   are size-checked with `git cat-file --batch-check` (missing objects of a partial
   clone and blobs over --max-file-size become notifications, as files do) and read
   through one `git cat-file --batch --buffer` stream.
3. Each blob is scanned once, as the file it was at its first path, by the rules that
   run on history (ZT201-ZT205 and any rule.yaml with `history: true`).
4. One finding per secret and first commit: a secret kept through later edits of its
   file, or copied to another path, is reported once, at the commit that introduced it,
   with whether it is still in a file at HEAD.
5. Provenance, suppression comments (in the blob itself), config exceptions and
   excludes by path, and the confidence threshold apply as in a working-tree scan;
   the caller applies the baseline.

About 430 lines: the walk, its worker pool and the per-blob scan are one pipeline
sharing the run's state; the blob gate is already apart (history/gate.py).
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ztlint import plan as plan_mod
from ztlint import policy, suppress
from ztlint.config import Config
from ztlint.discovery import SKIPPED, FileEntry
from ztlint.globs import GlobList, MatchBudget
from ztlint.history.gate import Gate
from ztlint.history.gitlog import BlobMap, History, toplevel
from ztlint.history.store import open_store
from ztlint.model import CommitRef, Finding, NoticeLevel, Notification
from ztlint.notices import HISTORY_INCOMPLETE, TIMED_OUT, WORKER_CRASHED
from ztlint.notices import note as make_note
from ztlint.post.exceptions import apply as apply_exceptions
from ztlint.post.precedence import apply_precedence
from ztlint.report import FileResult, Report
from ztlint.rule import Rule
from ztlint.scan import file as scan_file
from ztlint.scan import workers as scan_workers
from ztlint.scan.dispatch import Dispatch
from ztlint.source import raw_from_bytes

HISTORY_NOTE = HISTORY_INCOMPLETE
_SMALL_HISTORY = 500  # blobs to read; fewer are parsed in this process unless --jobs
# Rules that run over history whatever their rule.yaml says: the secret family.
HISTORY_RULES = frozenset({"ZT201", "ZT202", "ZT203", "ZT204", "ZT205"})


@dataclass(frozen=True)
class Summary:
    """What a history scan read; every output shows it."""

    revisions: str  # the range as given, or "--all"
    commits: int
    blobs: int  # distinct blobs the range introduced
    scanned: int  # blobs read and scanned by this run
    cached: int  # blobs an earlier run had checked
    unchanged: int = 0  # blobs whose added lines hold no trigger: not parsed (history.gate)
    oldest: str = ""  # the oldest commit scanned (sha) and its date
    oldest_date: str = ""
    shallow: bool = False
    head: str | None = None
    remote: str | None = None


@dataclass(frozen=True)
class _Blob:
    oid: bytes
    commit: int
    path: str
    result: FileResult


def history_rules(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    return tuple(r for r in rules if r.id in HISTORY_RULES or r.meta.history)


def run(
    cwd: str,
    config: Config,
    revisions: str | None,
    since: str | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    extra: list[str] | None = None,
    jobs: int | None = None,
) -> tuple[Report, Summary]:
    from ztlint import cache as cache_mod
    from ztlint.registry import load_rules

    top = toplevel(cwd)
    git = History(top)
    args = git.revisions(revisions, since, new_only=bool(extra))
    all_rules = load_rules()
    plan_mod.validate(all_rules, config)
    known = plan_mod.resolver(all_rules)
    enabled = history_rules(plan_mod.select_rules(all_rules, config))
    plan = plan_mod.plan_for(config, enabled, known)
    store = open_store(cache_dir, cache_mod.run_key(("history", plan.describe())), [top], top)

    blob_map = git.blob_map(args)
    notes: list[Notification] = []
    excluder = GlobList(config.exclude, MatchBudget()) if config.exclude else None
    blobs = blob_map.blobs
    if excluder is not None:
        for oid in [o for o, (_, path) in blobs.items() if excluder.any(path)]:
            del blobs[oid]
    # Only blobs with something to report are kept; the rest are counted.
    checked: list[_Blob] = []
    scanned = cached = skipped = 0
    to_size: list[bytes] = []
    reread: dict[bytes, FileResult] = {}
    for oid, (_, path) in blobs.items():
        if store is not None:
            if store.clean(path, oid):
                cached += 1
                continue
            hit = store.get(path, oid)
            if isinstance(hit, FileResult) and hit.path == path:
                cached += 1
                reread[oid] = hit
                continue
        to_size.append(oid)

    # Sizes first: a missing object or a blob over the limit is never read. In a
    # partial clone the missing ones are listed first: asked for, git would fetch them.
    missing: list[bytes] = []
    if git.partial_clone():
        absent = git.missing(args)
        missing = [oid for oid in to_size if oid in absent]
        to_size = [oid for oid in to_size if oid not in absent]
    order: list[bytes] = []
    sized = 0
    for oid, size in git.sizes(iter(to_size)):
        sized += 1
        commit, path = blobs[oid]
        if size is None:
            missing.append(oid)
        elif size > config.max_file_size:
            note = make_note(
                SKIPPED,
                f"skipped: is {size} bytes, over the {config.max_file_size}-byte limit "
                f"(blob added in commit {blob_map.commits[commit].sha[:12]})",
                path,
                level=NoticeLevel.NOTE,
            )
            checked.append(_Blob(oid, commit, path, FileResult(path, notifications=(note,))))
        else:
            order.append(oid)
    missing.extend(to_size[sized:])  # git stopped early (an object it could not read)
    del to_size
    order.extend(oid for oid, r in reread.items() if _needs_bytes(r))
    # Versions of one path are read one after another (git keeps them as deltas of
    # each other, and the gate below compares each with the one before); the sort is
    # stable, so they stay in commit order.
    order.sort(key=lambda oid: blobs[oid][1])
    total = len(order)
    gate = Gate(plan)
    head = git.head()
    at_head = git.head_blobs(head) if head else set()
    workers = _Workers(plan, jobs, total)
    workers.start()  # before git's pipes open: a forked worker must not hold them

    def keep(oid: bytes, result: FileResult) -> None:
        commit, path = blobs[oid]
        if result.findings or result.notifications or result.directives:
            checked.append(_Blob(oid, commit, path, result))
            if store is not None:
                store.put(path, oid, scan_file.for_cache(result))
        elif store is not None:
            store.mark_clean(path, oid)

    done = 0
    for oid, data in git.contents(iter(order)):
        done += 1
        if progress is not None:
            progress(done, total)
        commit, path = blobs[oid]
        if oid in reread:
            hit = reread.pop(oid)
            if data is not None:
                gate.remember(path, data)
                hit = scan_file.from_cache(hit, raw_from_bytes(path, data))
            checked.append(_Blob(oid, commit, path, hit))
            continue
        if data is None:
            missing.append(oid)
            continue
        # A blob at HEAD is always parsed: its findings say what is still there.
        if gate.unchanged(path, data) and oid not in at_head:
            skipped += 1
            if store is not None:
                store.mark_clean(path, oid)
            continue
        scanned += 1
        for got_oid, result in workers.submit(oid, path, data):
            keep(got_oid, result)
    for got_oid, result in workers.finish():
        keep(got_oid, result)
    if done < total:  # git stopped early: what it did not send is missing
        missing.extend(order[done:])
    for oid, hit in reread.items():  # nothing to recompute from bytes
        commit, path = blobs[oid]
        checked.append(_Blob(oid, commit, path, hit))
    if store is not None:
        store.save()

    summary = Summary(
        revisions=revisions or "--all",
        commits=len(blob_map.commits),
        blobs=len(blobs),
        scanned=scanned,
        cached=cached,
        unchanged=skipped,
        oldest=blob_map.commits[0].sha if blob_map.commits else "",
        oldest_date=blob_map.commits[0].date if blob_map.commits else "",
        shallow=git.shallow(),
        head=head,
        remote=git.remote_url(),
    )
    notes.extend(_incomplete(summary, blob_map, [(o, *blobs[o]) for o in missing]))
    findings = _findings(checked, blob_map, at_head, known, enabled, config, top)
    for b in checked:
        notes.extend(n for n in b.result.notifications if n.code != suppress.UNUSED_CODE)
    report = _report(findings, notes, enabled, all_rules, config, summary, top, plan)
    return report, summary


def _scan_in_worker(path: str, data: bytes) -> FileResult:
    assert scan_workers._WORKER is not None
    return _scan_blob(path, data, scan_workers._WORKER)


class _Workers:
    """Blobs the gate lets through are parsed by `jobs` worker processes (the reading
    and the gate stay in this one), at most a few per worker in flight, so memory stays
    bounded; with one job, in this process. A worker that dies marks the blobs it held
    unchecked (as a file scan does) and the rest are parsed here."""

    def __init__(self, plan: plan_mod.Plan, jobs: int | None, blobs: int) -> None:
        self.plan = plan
        self.dispatch = Dispatch(plan)  # for the blobs scanned in this process
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        if jobs is None and blobs < _SMALL_HISTORY:
            self.jobs = 1  # starting workers costs more than a few blobs
        self.pool: Any = None
        self.pending: deque[tuple[bytes, str, Any]] = deque()

    def start(self) -> None:
        """Fork the workers now. A worker forked while `git cat-file --batch` runs
        would inherit the write end of git's input, and git would wait for an end of
        input that never comes."""
        if self.jobs > 1 and self.pool is None:
            self.pool = scan_workers.start_pool(self.jobs, self.plan)
            self.pool.submit(int).result()  # the fork start method starts them all

    def submit(self, oid: bytes, path: str, data: bytes) -> list[tuple[bytes, FileResult]]:
        if self.jobs <= 1 or self.pool is None:
            return [(oid, _scan_blob(path, data, self.dispatch))]
        self.pending.append((oid, path, self.pool.submit(_scan_in_worker, path, data)))
        out = []
        while len(self.pending) > 4 * self.jobs or (self.pending and self.pending[0][2].done()):
            out.append(self._take())
        return out

    def _take(self) -> tuple[bytes, FileResult]:
        from concurrent.futures.process import BrokenProcessPool

        oid, path, future = self.pending.popleft()
        try:
            return oid, future.result()
        except BrokenProcessPool:
            self.jobs = 1  # the rest in this process
            note = make_note(
                WORKER_CRASHED,
                "a worker process died while scanning this blob; not scanned",
                path,
                level=NoticeLevel.ERROR,
            )
            return oid, FileResult(path, notifications=(note,))

    def finish(self) -> list[tuple[bytes, FileResult]]:
        out = [self._take() for _ in range(len(self.pending))]
        if self.pool is not None:
            self.pool.shutdown()
            gc.unfreeze()
        return out


def _needs_bytes(result: FileResult) -> bool:
    return any(f.secret_spans for f in result.findings)


def _scan_blob(path: str, data: bytes, dispatch: Dispatch) -> FileResult:
    raw = raw_from_bytes(path, data)
    scanned = scan_file.timed_scan(FileEntry(path, ""), dispatch, raw)
    if scanned is None:
        return FileResult(
            path,
            notifications=(
                make_note(
                    TIMED_OUT,
                    f"not scanned: it took longer than {dispatch.plan.file_timeout:g} s (--file-timeout)",
                    path,
                    level=NoticeLevel.WARNING,
                ),
            ),
        )
    return scanned[0]


def _secret_key(f: Finding) -> tuple[str, ...]:
    """One finding per secret: by its digest; a finding with no secret text (a Secret
    manifest's key name) by its path and masked line."""
    if f.secret_digest:
        return (f.rule_id, f.secret_digest)
    return (f.rule_id, f.path, " ".join(f.snippet.split()), f.message)


def _findings(
    checked: list[_Blob],
    blob_map: BlobMap,
    at_head: set[bytes],
    known: dict[str, str],
    enabled: tuple[Rule, ...],
    config: Config,
    top: str,
) -> list[Finding]:
    checked.sort(key=lambda b: (b.commit, b.path, b.oid))
    show = config.tests != "ignore"
    enabled_ids = frozenset(r.id for r in enabled)
    present: set[tuple[str, ...]] = set()
    for b in checked:
        if b.oid in at_head:
            present.update(_secret_key(f) for f in b.result.findings)
    seen: set[tuple[str, ...]] = set()
    out: list[Finding] = []
    for b in checked:
        if not b.result.findings:
            continue
        # Suppression comments apply within the blob that holds them.
        marked, _ = suppress.apply(
            apply_precedence(sorted(b.result.findings, key=lambda f: f.sort_key)),
            {b.path: b.result.directives} if b.result.directives else {},
            known,
            enabled_ids,
            "malformed-suppression",
            make_malformed=False,
        )
        commit = blob_map.commits[b.commit]
        for f in marked:
            if f.rule_id not in enabled_ids:
                continue
            placed = policy.place(f, b.result.provenance, show)
            key = _secret_key(f)
            if placed is None or key in seen:
                continue
            seen.add(key)
            out.append(replace(placed, commit=CommitRef(commit.sha, commit.date, key in present)))
    out, _ = apply_exceptions(out, config, top, known, scope=())
    return out


def _incomplete(
    summary: Summary, blob_map: BlobMap, missing: list[tuple[bytes, int, str]]
) -> Iterator[Notification]:
    if summary.shallow:
        yield Notification(
            code=HISTORY_NOTE,
            message=f"shallow clone: history scanned back to commit {summary.oldest[:12]} "
            f"({summary.oldest_date}), {summary.commits} commits; older commits are not in "
            "this clone (check out with fetch-depth: 0 to scan them)",
            level=NoticeLevel.WARNING,
        )
    if missing:
        first = sorted(missing, key=lambda m: (m[1], m[2]))[0]
        yield Notification(
            code=HISTORY_NOTE,
            message=f"{len(missing)} blob{'s' if len(missing) != 1 else ''} missing from the "
            "object store (a partial clone?) not scanned; the first added in commit "
            f"{blob_map.commits[first[1]].sha[:12]}",
            level=NoticeLevel.WARNING,
            path=first[2],
        )
    if blob_map.skipped_entries:
        yield Notification(
            code=HISTORY_NOTE,
            message=f"{blob_map.skipped_entries} path(s) in history that could leave the "
            "work tree (`..`, empty parts) not scanned",
            level=NoticeLevel.WARNING,
        )


def _report(
    findings: list[Finding],
    notes: list[Notification],
    enabled: tuple[Rule, ...],
    all_rules: tuple[Rule, ...],
    config: Config,
    summary: Summary,
    top: str,
    plan: plan_mod.Plan,
) -> Report:
    from ztlint import configview

    severity = dict(plan.severity)
    shown = [f for f in findings if f.confidence >= config.min_confidence]
    below = sum(1 for f in findings if f.active) - sum(1 for f in shown if f.active)
    return Report(
        findings=tuple(sorted(shown, key=lambda f: f.sort_key)),
        notifications=tuple(sorted(set(notes), key=lambda n: n.sort_key)),
        rules=tuple(r.meta for r in enabled),
        files_scanned=summary.blobs,
        fail_on=config.fail_on,
        tests_fail=config.tests == "fail",
        rule_severity=tuple((r.id, severity.get(r.id, r.meta.severity)) for r in enabled),
        allow_unchecked=config.allow_unchecked,
        config_files=configview.shown(config, top),
        rules_total=len(all_rules),
        exceptions=len(config.exceptions),
        min_confidence=config.min_confidence,
        below_confidence=below,
        history=summary,
    )
