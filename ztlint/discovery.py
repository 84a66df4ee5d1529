"""Which files a scan reads: git-aware, sorted, no links out of the root.

Inside a git work tree: the files git tracks plus the untracked files it does not
ignore. Elsewhere: a walk that honours .gitignore files. Symbolic links are never
followed: a link to a file inside the root is skipped (the target is scanned under its
own path), a link that leaves the root is reported as skipped. FIFOs, sockets and
devices are never opened.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

from ztlint.globs import GlobList, MatchBudget
from ztlint.model import NoticeLevel, Notification

SKIPPED = "ZT904"
OVER_BUDGET = "ZT912"

# git reads the repository's own config; these keep a hostile .git/config from making
# git run programs (fsmonitor hooks) while we list files.
_GIT_SAFE = ["-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false"]


@dataclass(frozen=True, order=True)
class FileEntry:
    rel: str  # relative POSIX path shown in reports (sort key)
    abs: str  # absolute path used to read the file


@dataclass(frozen=True)
class Discovered:
    files: tuple[FileEntry, ...]
    notifications: tuple[Notification, ...]
    root: str


def display_root(targets: Iterable[str], cwd: str) -> str:
    """The directory report paths are relative to: the working directory when every
    target lies inside it, otherwise the deepest directory holding all targets."""
    absolute = [os.path.realpath(t) for t in targets]
    real_cwd = os.path.realpath(cwd)
    if all(inside(a, real_cwd) for a in absolute):
        return real_cwd
    dirs = [a if os.path.isdir(a) else os.path.dirname(a) for a in absolute]
    return os.path.commonpath(dirs)


def inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _rel(path: str, root: str) -> str:
    prefix = root.rstrip(os.sep) + os.sep
    if path.startswith(prefix) and os.path.isabs(root):
        # The common case, a normalised path below the root, without relpath's cost
        # (two abspath calls per file).
        parts = path[len(prefix) :].split(os.sep)
        if all(p not in ("", ".", "..") for p in parts):
            return "/".join(parts)
    return os.path.relpath(path, root).replace(os.sep, "/")


def discover(targets: list[str], exclude: tuple[str, ...], cwd: str) -> Discovered:
    targets = [os.path.join(cwd, t) for t in targets]
    root = display_root(targets, cwd)
    found: dict[str, FileEntry] = {}
    notes: list[Notification] = []
    # Excludes match within a budget: past it, files are scanned rather than skipped.
    excluder = GlobList(exclude, MatchBudget()) if exclude else None
    for target in targets:
        real = os.path.realpath(target)
        if not os.path.lexists(target):
            notes.append(_skip(_rel(os.path.abspath(target), root), "does not exist"))
            continue
        if os.path.isdir(target) and not os.path.islink(target):
            for path in _list_dir(real, notes, root):
                _admit(path, real, root, excluder, found, notes)
        else:
            # An explicit file: scanned even when ignored, but config excludes apply.
            base = os.path.dirname(os.path.abspath(target))
            _admit(os.path.abspath(target), base, root, excluder, found, notes)
    if excluder is not None and excluder.exhausted:
        notes.append(_over_budget(".", "the exclude globs"))
    files = tuple(sorted(found.values()))
    return Discovered(
        files=files, notifications=tuple(sorted(notes, key=lambda n: n.sort_key)), root=root
    )


# Files a project-level rule reads for context: a compose file's mounts are judged
# against the .gitignore files above it, Go code against its module's go.mod.
CONTEXT_NAMES = (".gitignore", "go.mod")


def context_files(targets: list[str], found: Discovered, cwd: str) -> tuple[FileEntry, ...]:
    """For files named explicitly (pre-commit passes only the changed ones), the
    context files in their folders and above, up to the report root, that the scan does
    not already include. Their own findings are not reported."""
    have = {f.rel for f in found.files}
    extra: dict[str, FileEntry] = {}
    for target in targets:
        path = os.path.join(cwd, target)
        if os.path.isdir(path) or not os.path.isfile(path):
            continue
        folder = os.path.dirname(os.path.realpath(path))
        while inside(folder, found.root):
            for name in CONTEXT_NAMES:
                candidate = os.path.join(folder, name)
                rel = _rel(candidate, found.root)
                if (
                    rel not in have
                    and rel not in extra
                    and os.path.isfile(candidate)
                    and not os.path.islink(candidate)
                ):
                    extra[rel] = FileEntry(rel=rel, abs=candidate)
            if folder == found.root:
                break
            folder = os.path.dirname(folder)
    return tuple(sorted(extra.values()))


def _skip(rel: str, why: str) -> Notification:
    return Notification(code=SKIPPED, message=f"skipped: {why}", level=NoticeLevel.NOTE, path=rel)


def _admit(
    path: str,
    scan_root: str,
    root: str,
    excluder: GlobList | None,
    found: dict[str, FileEntry],
    notes: list[Notification],
) -> None:
    rel = _rel(path, root)
    if rel in found or (excluder is not None and excluder.any(rel)):
        return
    try:
        st = os.lstat(path)
    except OSError:
        return  # vanished between listing and now
    if stat.S_ISLNK(st.st_mode):
        target = os.path.realpath(path)
        if not inside(target, scan_root):
            notes.append(
                _skip(rel, "symbolic link to a path outside the scanned root; not followed")
            )
        return
    if stat.S_ISREG(st.st_mode):
        found[rel] = FileEntry(rel=rel, abs=path)
    elif not stat.S_ISDIR(st.st_mode):
        notes.append(_skip(rel, "not a regular file (FIFO, socket or device); never opened"))


def _list_dir(directory: str, notes: list[Notification], root: str) -> list[str]:
    listed = _git_list(directory)
    if listed is not None:
        return listed
    budget = MatchBudget()
    walked = _walk(directory, budget)
    if budget.exhausted:
        notes.append(_over_budget(_rel(directory, root), "the .gitignore files below"))
    return walked


def _over_budget(rel: str, what: str) -> Notification:
    return Notification(
        code=OVER_BUDGET,
        message=f"{what} are too costly to match (too many patterns for too many files); "
        "from there on they matched nothing, so more files were scanned",
        level=NoticeLevel.WARNING,
        path=rel,
    )


def _git_list(directory: str) -> list[str] | None:
    """Files git tracks and untracked files it does not ignore, or None outside git."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_OPTIONAL_LOCKS"] = "0"
    try:
        top = subprocess.run(
            ["git", *_GIT_SAFE, "-C", directory, "rev-parse", "--show-toplevel"],
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )
        if top.returncode != 0:
            return None
        listing = subprocess.run(
            [
                "git",
                *_GIT_SAFE,
                "-C",
                directory,
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--full-name",
                "--",
                ".",
            ],
            capture_output=True,
            env=env,
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if listing.returncode != 0:
        return None
    toplevel = os.path.realpath(top.stdout.decode("utf-8", "surrogateescape").strip())
    out = []
    for raw in listing.stdout.split(b"\x00"):
        if raw:
            rel = raw.decode("utf-8", "surrogateescape")
            out.append(os.path.join(toplevel, *rel.split("/")))
    return out


class _IgnoreRules:
    """The .gitignore rules that apply inside one directory, inherited downwards."""

    def __init__(
        self,
        parent: _IgnoreRules | None,
        base: str,
        lines: list[str],
        budget: MatchBudget | None = None,
    ) -> None:
        self.parent = parent
        # One budget for a walk or a check (ztlint.globs.MATCH_BUDGET).
        self.budget: MatchBudget = budget or (
            parent.budget if parent is not None else MatchBudget()
        )
        self.base = base
        self.rules: list[tuple[str, bool]] = []
        for line in lines:
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            if not line.endswith("\\ "):
                line = line.rstrip(" ")
            negate = line.startswith("!")
            if negate or line.startswith("\\!") or line.startswith("\\#"):
                line = line[1:]
            self.rules.append((line, negate))
        # Linear-time matching of every pattern in order (ztlint.globs).
        self.matcher = GlobList([p for p, _ in self.rules], self.budget)

    def ignored(self, path: str, is_dir: bool) -> bool:
        verdict: bool | None = None
        chain: list[_IgnoreRules] = []
        node: _IgnoreRules | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        for level in reversed(chain):
            rel = os.path.relpath(path, level.base).replace(os.sep, "/")
            last = level.matcher.last(rel, is_dir)
            if last >= 0:
                verdict = not level.rules[last][1]
        # Out of budget, nothing is ignored: the files are scanned rather than hidden.
        return bool(verdict) and not self.budget.exhausted


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read(1 << 20).splitlines()
    except OSError:
        return []


def _walk(top: str, budget: MatchBudget | None = None) -> list[str]:
    """Every path below `top` that no .gitignore ignores, without following links."""
    out: list[str] = []
    stack: list[tuple[str, _IgnoreRules | None]] = [(top, None)]
    while stack:
        directory, inherited = stack.pop()
        gi = os.path.join(directory, ".gitignore")
        rules = inherited
        if os.path.isfile(gi) and not os.path.islink(gi):
            rules = _IgnoreRules(inherited, directory, _read_lines(gi), budget)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name == ".git":
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if rules is not None and rules.ignored(entry.path, is_dir):
                continue
            if is_dir:
                stack.append((entry.path, rules))
            else:
                out.append(entry.path)
    return out


def ignored_by(
    gitignores: dict[str, list[str]],
    path: str,
    is_dir: bool,
    cache: dict[str, _IgnoreRules] | None = None,
) -> bool:
    """Whether `path` (relative POSIX) is ignored by the given .gitignore files, keyed by
    the directory that holds each ("" for the root), as git would decide. Calls that
    share a `cache` (a dict) read each .gitignore once and share one match budget."""
    rules: _IgnoreRules | None = None
    cache = {} if cache is None else cache
    parts = path.split("/")
    for depth in range(len(parts)):
        folder = "/".join(parts[:depth])
        if folder in gitignores:
            if folder not in cache:
                cache[folder] = _IgnoreRules(rules, folder or ".", gitignores[folder])
            rules = cache[folder]
        if (
            depth < len(parts) - 1
            and rules is not None
            and rules.ignored("/".join(parts[: depth + 1]), True)
        ):
            return True  # a parent directory is ignored: git never looks inside it
    return rules is not None and rules.ignored(path, is_dir)
