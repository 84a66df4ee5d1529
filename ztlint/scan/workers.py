"""Many files: spread in batches over worker processes (or scanned in this process);
a worker that dies is replaced and its batch rescanned one file at a time, so the
file that kills it is reported and the run goes on."""

from __future__ import annotations

import gc
import signal
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ztlint.discovery import FileEntry
from ztlint.model import NoticeLevel
from ztlint.notices import (
    WORKER_CRASHED,
)
from ztlint.notices import note as _note
from ztlint.plan import Plan
from ztlint.report import FileResult
from ztlint.scan.dispatch import Dispatch
from ztlint.scan.file import for_cache, from_cache, scan_file
from ztlint.source import SkipFile, read_file

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor


SMALL_SCAN = 48  # files; below this a scan stays in process unless --jobs is given


# A worker process's dispatch: its plan and the caches built from it (_init_worker).
_WORKER: Dispatch | None = None


def _init_worker(plan: Plan) -> None:
    global _WORKER
    _WORKER = Dispatch(plan)
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
    # The pool's manager thread, taken before shutdown forgets it: it closes its wakeup
    # pipe as it ends, and at interpreter exit concurrent.futures writes to that pipe
    # unless it is closed; a close racing the write prints "Exception ignored ... Bad
    # file descriptor" after our one-line message. So it is let end now.
    manager = getattr(pool, "_executor_manager_thread", None)
    for process in workers:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(timeout=5)


def _scan_batch(batch: list[FileEntry]) -> list[FileResult]:
    assert _WORKER is not None
    return [scan_file(entry, _WORKER) for entry in batch]


def start_pool(jobs: int, plan: Plan) -> ProcessPoolExecutor:
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
        dispatch = Dispatch(plan)
        out = []
        for i, entry in enumerate(files, 1):
            out.append(scan_file(entry, dispatch))
            if progress is not None:
                progress(i, total)
        return out
    from concurrent.futures.process import BrokenProcessPool

    results: dict[str, FileResult] = {}
    failed: list[FileEntry] = []
    with start_pool(jobs, plan) as pool:
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


def execute_cached(
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
            return from_cache(kept, read_file(entry.abs, plan.max_file_size))
        except SkipFile:
            return None

    index = statcache.StatIndex(plan.cache, root)
    return statcache.execute(files, index, scan, restore, for_cache, named)


def _isolate(files: list[FileEntry], plan: Plan) -> list[FileResult]:
    """Re-scan files from a batch whose worker died, one at a time in a one-worker
    pool, so that the file that kills a worker is found and reported."""
    from concurrent.futures.process import BrokenProcessPool

    out: list[FileResult] = []
    pending = list(files)
    while pending:
        with start_pool(1, plan) as pool:
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
