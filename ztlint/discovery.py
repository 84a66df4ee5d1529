"""Which files a scan reads: git-aware, sorted, no links out of the root.

Inside a git work tree: the files git tracks plus the untracked files it does not
ignore. Elsewhere: a walk that honours .gitignore files. Symbolic links are never
followed: a link to a file inside the root is skipped (the target is scanned under its
own path), a link that leaves the root is reported as skipped. FIFOs, sockets and
devices are never opened.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass

from ztlint.gitrun import Git, GitUnavailable, repo_path, safe_text
from ztlint.gitrun import inside as inside  # re-exported: discovery is its home for callers
from ztlint.globs import GlobList, MatchBudget
from ztlint.model import NoticeLevel, Notification
from ztlint.notices import OVER_BUDGET as OVER_BUDGET
from ztlint.notices import SKIPPED as SKIPPED

# git's warning for a folder it could not list (LC_ALL=C): `could not open directory
# 'sub/dir/': Permission denied`. git cuts a message off at 4 KiB: an over-long path
# loses its end and the reason.
_GIT_UNLISTED = re.compile(rb"could not open directory '(.*?)(?:': (.*))?$")


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
        if _leaves_through_folder_link(target, cwd):
            notes.append(
                _unread(
                    _rel(os.path.abspath(target), root),
                    "reached through a symbolic link to a folder outside the working "
                    "folder; not followed",
                )
            )
            continue
        if os.path.isdir(target) and not os.path.islink(target):
            folders: dict[str, bool] = {}
            for path in _list_dir(real, notes, root):
                if _in_linked_folder(path, real, folders):
                    notes.append(
                        _unread(
                            _rel(path, root),
                            "in a folder that a symbolic link sends outside the scanned "
                            "root; not read",
                        )
                    )
                    continue
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


def _in_linked_folder(path: str, top: str, memo: dict[str, bool]) -> bool:
    """Whether `path`, as git's index lists it below `top`, lies in a folder whose real
    path leaves `top`: a forged index (an unpacked tarball) lists `conf/x` while `conf`
    is a link to /etc. Each folder is resolved once."""
    folder = os.path.dirname(path)
    if folder not in memo:
        memo[folder] = not inside(os.path.realpath(folder), top)
    return memo[folder]


def _leaves_through_folder_link(target: str, cwd: str) -> bool:
    """Whether a target named below `cwd` (`deploy/app`, given by the user) lies in a
    folder that a symbolic link in the tree (`deploy -> /home/runner`) sends outside
    `cwd`. The last component is `_admit`'s to judge."""
    top = os.path.normpath(os.path.abspath(cwd))
    folder = os.path.dirname(os.path.normpath(os.path.abspath(target)))
    if not inside(folder, top):
        return False  # a path the user gave outside the working folder is theirs
    return not inside(os.path.realpath(folder), os.path.realpath(top))


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


def _skip(rel: str, why: str, level: NoticeLevel = NoticeLevel.NOTE) -> Notification:
    return Notification(code=SKIPPED, message=f"skipped: {why}", level=level, path=rel)


def _unread(rel: str, why: str) -> Notification:
    """A file or folder the scan could not look at: its findings are missing, which
    the user must be told (a warning, failing --strict)."""
    return _skip(rel, why, NoticeLevel.WARNING)


def _os_reason(exc: OSError, what: str) -> str:
    if exc.errno == errno.ENOENT:
        return f"{what} disappeared before it could be read"
    return f"{what} could not be read: {exc.strerror or exc}"


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
    except OSError as exc:
        notes.append(_unread(rel, _os_reason(exc, "file")))
        return
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
    unread: list[tuple[str, str]] = []
    listed = _git_list(directory, unread)
    if listed is None:
        budget = MatchBudget()
        listed = _walk(directory, unread, budget)
        if budget.exhausted:
            notes.append(_over_budget(_rel(directory, root), "the .gitignore files below"))
    notes.extend(_unread(_rel(path, root), why) for path, why in unread)
    return listed


def _over_budget(rel: str, what: str) -> Notification:
    return Notification(
        code=OVER_BUDGET,
        message=f"{what} are too costly to match (too many patterns for too many files); "
        "from there on they matched nothing, so more files were scanned",
        level=NoticeLevel.WARNING,
        path=rel,
    )


def _git_list(directory: str, unread: list[tuple[str, str]]) -> list[str] | None:
    """Files git tracks and untracked files it does not ignore, or None outside git
    (or without git). Folders git could not list are added to `unread`."""
    git = Git(directory)
    try:
        top = git.run(["rev-parse", "--show-toplevel"], directory)
        if top.returncode != 0:
            return None
        listing = git.run(
            [
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--full-name",
                "--",
                ".",
            ],
            directory,
        )
    except GitUnavailable:
        return None
    if listing.returncode != 0:
        return None
    toplevel = os.path.realpath(os.fsdecode(top.stdout.rstrip(b"\n")))
    for line in listing.stderr.split(b"\n"):
        m = _GIT_UNLISTED.search(line)
        if m:
            where = os.path.join(directory, os.fsdecode(m.group(1))).rstrip(os.sep)
            reason = (
                safe_text(m.group(2))
                if m.group(2) is not None
                else "git could not open it (path too long for git's message; shown cut short)"
            )
            unread.append((where, f"folder could not be read: {reason}"))
    out = []
    for raw in listing.stdout.split(b"\x00"):
        rel = repo_path(raw) if raw else None
        path = os.path.join(toplevel, *rel.split("/")) if rel is not None else ""
        # git lists only below `directory`; a path elsewhere (from a forged index) is
        # never read.
        if path and inside(path, directory):
            out.append(path)
        elif raw:
            unread.append(
                (directory, f"git listed {safe_text(raw)}, a path out of the folder; not read")
            )
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
            rel = _below(path, level.base)
            last = level.matcher.last(rel, is_dir)
            if last >= 0:
                verdict = not level.rules[last][1]
        # Out of budget, nothing is ignored: the files are scanned rather than hidden.
        return bool(verdict) and not self.budget.exhausted


def _below(path: str, base: str) -> str:
    """os.path.relpath(path, base) as a POSIX path; without its cost for the usual case,
    a normalised absolute path inside an absolute base."""
    prefix = base.rstrip("/") + "/"
    if os.sep == "/" and base.startswith("/") and path.startswith(prefix):
        rel = path[len(prefix) :]
        dotted = f"/{rel}/"
        if rel and "//" not in dotted and "/./" not in dotted and "/../" not in dotted:
            return rel
    return os.path.relpath(path, base).replace(os.sep, "/")


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read(1 << 20).splitlines()
    except OSError:
        return []


def _walk(top: str, unread: list[tuple[str, str]], budget: MatchBudget | None = None) -> list[str]:
    """Every path below `top` that no .gitignore ignores, without following links.
    Folders that cannot be listed are added to `unread`."""
    out: list[str] = []
    stack: list[tuple[str, _IgnoreRules | None]] = [(top, None)]
    while stack:
        directory, inherited = stack.pop()
        gi = os.path.join(directory, ".gitignore")
        rules = inherited
        if os.path.isfile(gi) and not os.path.islink(gi):
            rules = _IgnoreRules(inherited, directory, _read_lines(gi), budget)
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            unread.append((directory, _os_reason(exc, "folder")))
            continue
        for entry in entries:
            if entry.name == ".git":
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                unread.append((entry.path, _os_reason(exc, "entry")))
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
