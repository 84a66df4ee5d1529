"""Scan content that is not on disk as if it were a file of the repository: standard
input (`ztlint scan - --stdin-filename path/in/repo.go`) and an editor's unsaved
buffer (`ztlint server`).

The content is written under a private temporary folder at the path the file has in
its tree (the git work tree holding it, else its folder), and that copy is scanned
with the configuration of the file's project, moved to the copy as --staged moves it.
So the file is classified, placed (test code, vendored, ...) and reported under its
own path, exceptions and path globs apply as they would on disk, and the file on disk
is never read or written. Only the named file is in the copy: rules that would read
its neighbours (a compose file's seccomp profile) see none.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Sequence
from typing import IO, Any

from ztlint.config import Config, ConfigError, scan_tree

# Read at most this much more than the size limit: the scan then skips the file as
# too large with a notification, and a endless pipe does not fill the memory.
_SLACK = 1


@dataclasses.dataclass(frozen=True)
class Place:
    """Where a buffer's file sits: its tree, its path in the tree, and the nearest
    folder on the way to it that exists (where the config lookup starts)."""

    tree: str
    rel: str
    folder: str


def place(filename: str, cwd: str | None = None) -> Place:
    """The place of `filename` (relative to `cwd`). The file itself need not exist,
    nor its folder; links on the way are resolved as the scan of the real file would
    resolve them, and the file's own name is kept as given."""
    if not filename or filename.endswith(("/", os.sep)) or "\x00" in filename:
        raise ConfigError(f"--stdin-filename: {filename!r} is not a file name")
    full = os.path.normpath(os.path.join(cwd or os.getcwd(), filename))
    folder, missing = os.path.dirname(full), [os.path.basename(full)]
    while not os.path.isdir(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        missing.insert(0, os.path.basename(folder))
        folder = parent
    folder = os.path.realpath(folder)
    tree = scan_tree(folder)
    rel = os.path.relpath(os.path.join(folder, *missing), tree)
    if rel == os.curdir or rel.startswith(os.pardir):
        raise ConfigError(f"--stdin-filename: {filename!r} is not a file name")
    return Place(tree=tree, rel=rel.replace(os.sep, "/"), folder=folder)


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """At most `limit` + 1 bytes of `stream`: enough to know the content is too large."""
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(1 << 20, limit + _SLACK - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def scan_bytes(
    content: bytes,
    where: Place,
    config: Config,
    *,
    cwd: str | None = None,
    rules: Sequence[Any] | None = None,
    run: Any = None,
) -> Any:
    """The report of a scan of `content` as the file at `where`. `run(targets, config,
    cwd)` runs the scan (default: engine.run with one worker and no cache); report
    paths are as a scan of the file from `cwd` would show them, when `cwd` lies in the
    file's tree."""
    from ztlint import engine

    here = os.path.realpath(cwd or os.getcwd())
    with tempfile.TemporaryDirectory(prefix="ztlint-buffer-") as tmp:
        # The copy of the tree sits where the tree sits relative to the working
        # folder: below it when the folder holds the tree, else at the top.
        above = os.path.relpath(where.tree, here)
        holds = above != os.curdir and not above.startswith(os.pardir)
        base = os.path.join(tmp, above) if holds else tmp
        copy = os.path.join(base, *where.rel.split("/"))
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        # A new file in a folder only this user can enter: nothing else names it.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(copy, flags, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        rel_cwd = os.path.relpath(here, where.tree)
        inside = rel_cwd == os.curdir or not rel_cwd.startswith(os.pardir)
        run_cwd = os.path.normpath(os.path.join(tmp, rel_cwd)) if inside else tmp
        os.makedirs(run_cwd, exist_ok=True)
        moved = relocated(config, where.tree, base)
        target = os.path.relpath(copy, run_cwd)
        if run is not None:
            report = run([target], moved, run_cwd)
        else:
            report = engine.run([target], moved, rules=rules, jobs=1, cwd=run_cwd)
        return _without(report, base, where.tree)


def relocated(config: Config, top: str, tmp: str) -> Config:
    """The configuration as seen from a copy of the tree under `tmp` (the index under --staged, a buffer): exceptions are
    relative to the config file's folder, which maps to the same place in the copy."""
    source, _, section = config.source.partition(" [")
    base = config.base_dir or top

    def moved(path: str) -> str:
        rel = os.path.relpath(path, top)
        return path if rel.startswith("..") else os.path.normpath(os.path.join(tmp, rel))

    return dataclasses.replace(
        config,
        base_dir=moved(base),
        source=(moved(source) + (f" [{section}" if section else "")) if source else source,
    )


def _without(report: Any, tmp: str, tree: str) -> Any:
    """The report with the temporary folder's path, wherever a message quotes it,
    put back as the tree's."""

    def back(text: str | None) -> str | None:
        return text.replace(tmp, tree) if text and tmp in text else text

    notes = tuple(
        dataclasses.replace(n, message=back(n.message) or "", path=back(n.path))
        for n in report.notifications
    )
    return dataclasses.replace(report, notifications=notes)


# --- ztlint scan - --stdin-filename PATH --------------------------------------------


def stdin_opts(opts: dict[str, Any]) -> dict[str, Any]:
    """The scan options for reading standard input: `-` (or no path) with
    --stdin-filename; the config lookup starts at the file's folder. A usage mistake
    is a ConfigError (exit 2)."""
    name = opts.get("stdin_filename")
    paths = tuple(opts["paths"])
    if not name:
        raise ConfigError("reading standard input (`-`) needs --stdin-filename PATH")
    if paths not in ((), ("-",)):
        raise ConfigError("--stdin-filename reads standard input: give `-` as the only path")
    for flag, key in (("--staged", "staged"), ("--diff", "diff_ref")):
        if opts.get(key):
            raise ConfigError(f"--stdin-filename cannot be used with {flag}")
    where = place(name)
    return {**opts, "paths": (where.folder,), "stdin_place": where, "cache": False}


def scan_stdin(opts: dict[str, Any], config: Config, run: Any, stream: IO[bytes]) -> Any:
    """The report of a scan of `stream` as the file --stdin-filename names."""
    content = read_limited(stream, config.max_file_size)
    return scan_bytes(content, opts["stdin_place"], config, run=run)
