"""The cache's stat index: an unchanged file is neither read nor hashed again.

The result cache (ztlint.cache) names an entry by the file's bytes, so a re-scan still
reads and hashes every file. This index, one per scanned root and run key, keeps for
each file the stat it had when it was scanned (size, mtime_ns, ctime_ns, inode, device,
mode), when that stat was taken, and the file's result as the cache stores it (masked
snippets, no secret digest). A file whose stat is identical is taken from the index
without being opened, as ruff and git do; any other file is read and looked up by its
content (a touched but unchanged file is still a hit there), then scanned if needed.

Safe against a hostile tree and a racing writer:

- A changed file is always scanned again: any write changes its ctime (which no
  user-level call can set back) and its mtime; a file swapped in by rename, with the
  same size and a forged mtime, has another inode and a new ctime.
- Git's racy-clean rule: a stat is trusted only when the file's mtime and ctime were
  older than the moment the stat was taken by more than `RACY_NS` (2 s, the coarsest
  timestamp granularity of common file systems). A file written just before or during
  the scan could be written again within the same timestamp tick without its stat
  changing; it is read and hashed on every run until it is older than that.
- A Helm chart's template depends on other files of its chart (ztlint.helm: the
  values file, the `_*.tpl` libraries): the stat of a file below a `templates/` folder
  includes the lstat of every folder on the way down to it, of the `Chart.yaml` and
  `values.yaml` beside each such folder and of every entry directly in it, so a
  changed, added, removed or relinked values file or library reads the template again.
- Results a budget or a crash cut short (ZT905, ZT906, ZT910), and skipped files, are
  not kept, as in the result cache.
- The index sits in the run key's private folder of the user's cache (never in the
  scanned tree), is named by an HMAC of the scanned root under the user's cache key,
  holds paths, stats and results the result cache would hold too (no secret value; a
  finding on a secret gets its digest computed again from the file on a hit), and is
  replaced atomically. One that cannot be read is empty.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import hmac
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ztlint.notices import RULE_FAILED, SKIPPED, TIMED_OUT, WORKER_CRASHED

if TYPE_CHECKING:
    from ztlint.cache import Cache
    from ztlint.discovery import FileEntry
    from ztlint.report import FileResult

RACY_NS = 2_000_000_000
FORMAT = 1
# Results with these notifications are not kept: a budget, a crash or a failing rule
# cut them short, or the file was not read.
NOT_KEPT = frozenset({RULE_FAILED, WORKER_CRASHED, TIMED_OUT, SKIPPED})

Stat = tuple[int, int, int, int, int, int]  # size, mtime_ns, ctime_ns, ino, dev, mode
# A file's stat, then those of what its result also depends on (a chart's values).
Stamp = tuple[Stat, tuple[Stat | None, ...]]


def _stat(path: str, follow: bool = True) -> Stat | None:
    try:
        st = os.stat(path, follow_symlinks=follow)
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, st.st_mode)


def _chart_paths(rel: str, abs_path: str) -> list[str]:
    """What ztlint.helm.chart_of looks at for a file below a `templates/` folder."""
    parts = rel.split("/")
    if "templates" not in parts[:-1] or not abs_path.endswith(rel.replace("/", os.sep)):
        return []
    root = abs_path[: len(abs_path) - len(rel)].rstrip(os.sep) or os.sep
    deepest = max(i for i, p in enumerate(parts[:-1]) if p == "templates")
    out = [os.path.join(root, *parts[: k + 1]) for k in range(deepest + 1)]
    for i, part in enumerate(parts[:-1]):
        if part == "templates":
            base = os.path.join(root, *parts[:i])
            out += [os.path.join(base, "Chart.yaml"), os.path.join(base, "values.yaml")]
    return out


def _entries(folder: str, memo: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The paths directly in `folder`, sorted; listed once per run."""
    found = memo.get(folder)
    if found is None:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            names = []
        found = memo[folder] = tuple(os.path.join(folder, n) for n in names)
    return found


def stamp(entry: FileEntry, memo: dict[str, tuple[str, ...]] | None = None) -> Stamp | None:
    own = _stat(entry.abs)
    if own is None:
        return None
    if "templates/" not in entry.rel:
        return own, ()
    memo = {} if memo is None else memo
    paths = _chart_paths(entry.rel, entry.abs)
    listed = [
        p
        for folder in paths
        if os.path.basename(folder) == "templates"
        for p in _entries(folder, memo)
    ]
    return own, tuple(_stat(p, follow=False) for p in (*paths, *listed))


def trusted(seen: Stamp, taken_ns: int) -> bool:
    """Whether a stat taken at `taken_ns` can vouch for the file's content later: the
    file (and what it depends on) had not been written within RACY_NS of that moment
    (nor after it)."""
    newest = max(max(st[1], st[2]) for st in (seen[0], *seen[1]) if st is not None)
    return newest < taken_ns - RACY_NS


class StatIndex:
    """The index of one scanned root under one run key."""

    def __init__(self, cache: Cache, root: str) -> None:
        real = os.path.realpath(root)
        h = hmac.new(cache.secret, b"stat-index\0", hashlib.sha256)
        h.update(cache.key.encode())
        h.update(b"\0")
        h.update(real.encode("utf-8", "surrogateescape"))
        self.path = Path(cache.folder) / "stat" / h.hexdigest()[:40]
        self.rows: dict[str, tuple[Stamp, int, Any]] = self._load()

    def _load(self) -> dict[str, tuple[Stamp, int, Any]]:
        enabled = gc.isenabled()
        gc.disable()  # thousands of small objects: collecting meanwhile costs more than the load
        try:
            with open(self.path, "rb") as fh:
                data = pickle.load(fh)
        except Exception:  # missing, truncated, from another Python: empty
            return {}
        finally:
            if enabled:
                gc.enable()
        if not isinstance(data, tuple) or len(data) != 2 or data[0] != FORMAT:
            return {}
        rows = data[1]
        return rows if isinstance(rows, dict) else {}

    def hit(self, entry: FileEntry, seen: Stamp | None) -> Any | None:
        if seen is None:
            return None
        row = self.rows.get(entry.rel)
        if row is None:
            return None
        old, taken_ns, kept = row
        if old != seen or not trusted(old, taken_ns):
            return None
        if isinstance(kept, str):  # a result with nothing but its provenance
            from ztlint.report import FileResult

            return FileResult(entry.rel, provenance=kept)
        return kept

    def save(self, rows: dict[str, tuple[Stamp, int, Any]], scope: set[str] | None) -> None:
        """Write the index: this run's rows, plus, for a scan of named files
        (`scope`: the files it looked at), the earlier rows of the other files."""
        merged = rows
        if scope is not None:
            merged = {k: v for k, v in self.rows.items() if k not in scope} | rows
        try:
            self.path.parent.mkdir(exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump((FORMAT, merged), fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            pass  # a full or read-only disk makes the index a no-op, never an error


def _compact(result: FileResult) -> Any:
    """Most files' results say nothing but their provenance: kept as that string, the
    index loads several times faster."""
    from ztlint.report import FileResult

    if result == FileResult(result.path, provenance=result.provenance):
        return result.provenance
    return result


def keepable(result: FileResult) -> bool:
    return not any(n.code in NOT_KEPT for n in result.notifications)


def execute(
    files: Sequence[FileEntry],
    index: StatIndex,
    scan: Callable[[Sequence[FileEntry]], list[FileResult]],
    restore: Callable[[FileResult, FileEntry], FileResult | None],
    store: Callable[[FileResult], FileResult],
    named: bool,
) -> list[FileResult]:
    """The results of `files` in order: unchanged ones from the index (`restore` makes
    a kept result whole again, or returns None to have the file scanned), the rest from
    `scan`; then the index is rewritten if anything changed."""
    taken_ns = time.time_ns()
    folders: dict[str, tuple[str, ...]] = {}
    seen = {e.rel: stamp(e, folders) for e in files}
    found: dict[str, FileResult] = {}
    todo: list[FileEntry] = []
    for entry in files:
        kept = index.hit(entry, seen[entry.rel])
        whole: FileResult | None = None
        if kept is not None and kept.path == entry.rel:
            whole = restore(kept, entry)
        if whole is not None:
            found[entry.rel] = whole
        else:
            todo.append(entry)
    if todo:
        for result in scan(todo):
            found[result.path] = result
    scanned = {e.rel for e in todo}
    rows: dict[str, tuple[Stamp, int, Any]] = {}
    for entry in files:
        done = found.get(entry.rel)
        st = seen[entry.rel]
        if done is None or st is None or not keepable(done):
            continue
        if entry.rel not in scanned:
            rows[entry.rel] = index.rows[entry.rel]
        else:
            # The stat from before the file was read: a write during the scan changes
            # it, so the next run reads the file again.
            rows[entry.rel] = (st, taken_ns, _compact(store(done)))
    dropped = any(e.rel in index.rows and e.rel not in rows for e in files)
    if scanned or dropped or (not named and rows.keys() != index.rows.keys()):
        index.save(rows, {e.rel for e in files} if named else None)
    return [found[e.rel] for e in files if e.rel in found]
