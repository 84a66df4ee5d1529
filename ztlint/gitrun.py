"""The one way ztlint runs git: on a repository that may be hostile.

A repository's own configuration (`.git/config`, `config.worktree` and the files they
include) can name programs that git runs while it diffs or lists files: a textconv
driver, a clean filter, an fsmonitor hook. ztlint reads that configuration first
(reading config runs no program) and refuses to run git at all when it sets such a key.
A `.git` file or link that sends git to a repository outside the scanned folder is
refused too. Every call runs without GIT_* variables from the environment, with stdin
closed, output captured (no pager), a timeout, and the settings below forced on the
command line.

A `Git` object remembers the repositories it has checked; make one per run (or per
stage) and let it go: nothing outlives it.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field

from ztlint.config import ConfigError

# Settings that win over any config file: no fsmonitor hook, no untracked cache written,
# no hooks, no pager or colour, no signature checks (gpg), an embedded bare repository
# in the scanned tree is never taken for a repository, and work-tree files are compared
# by their full stat data.
HARDENING = (
    "--no-pager",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.untrackedCache=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "color.ui=never",
    "-c",
    "log.showSignature=false",
    "-c",
    "safe.bareRepository=explicit",
    "-c",
    "core.quotePath=true",
    # The index's stat data decides whether git rereads a work-tree file; a forged
    # index (an unpacked tarball) with `checkStat = minimal` and a matching size and
    # mtime made `git diff` take a changed file for the clean blob it records.
    "-c",
    "core.checkStat=default",
    "-c",
    "core.trustctime=true",
    "-c",
    "core.ignoreStat=false",
)

# Keys a repository's own configuration may not set: each can make git run a program,
# or read a file elsewhere (core.worktree: a work tree; core.excludesFile and
# core.attributesFile: ignore rules and attributes that decide what is listed and how
# it is diffed). Matched on the lower-cased key.
_PROGRAM_KEYS = frozenset(
    {
        "diff.external",
        "core.fsmonitor",
        "core.hookspath",
        "core.sshcommand",
        "core.pager",
        "core.worktree",
        "core.gitproxy",
        "core.askpass",
        "core.excludesfile",
        "core.attributesfile",
    }
)
_TRUSTED_SCOPES = frozenset({"global", "system", "command"})
_GIT_LFS = {
    "filter.lfs.clean": "git-lfs clean -- %f",
    "filter.lfs.smudge": "git-lfs smudge -- %f",
    "filter.lfs.process": "git-lfs filter-process",
    "filter.lfs.required": "true",
}
_BOOLEANS = frozenset({"", "true", "false", "yes", "no", "on", "off", "1", "0"})


class GitUnavailable(ConfigError):
    """git could not be started (not installed) or did not finish in time."""


@dataclass(frozen=True)
class GitOutput:
    returncode: int
    stdout: bytes
    stderr: bytes


def safe_text(raw: bytes | str) -> str:
    """A name from git or the file system, fit for one line of a message: control
    characters and bytes that are not UTF-8 become escapes."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_OPTIONAL_LOCKS="0",  # a scan writes nothing into the repository
        GIT_TERMINAL_PROMPT="0",
        LC_ALL="C",  # messages ztlint may read are in English
    )
    return env


def _spawn(args: list[str], cwd: str, timeout: float) -> GitOutput:
    try:
        proc = subprocess.run(
            ["git", *HARDENING, *args],
            cwd=cwd,
            env=environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitUnavailable(f"git {args[0]} did not finish within {timeout:g} s") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitUnavailable(f"git could not run: {safe_text(str(exc))}") from None
    return GitOutput(proc.returncode, proc.stdout, proc.stderr)


@dataclass
class Git:
    """Runs git in the repositories below `root` (the scanned folder), each checked
    once before its first command."""

    root: str
    timeout: float = 300.0
    _checked: set[str] = field(default_factory=set)

    def run(self, args: list[str], cwd: str) -> GitOutput:
        self.vet(cwd)
        return _spawn(args, cwd, self.timeout)

    def vet(self, cwd: str) -> None:
        """Raise ConfigError when git, started in `cwd`, would use a repository outside
        the scanned folder or one whose own configuration names a program."""
        start = os.path.realpath(cwd)
        dot_git = find_dot_git(start)
        key = dot_git or ""
        if key in self._checked:
            return
        worktree = None
        if dot_git is not None:
            worktree = os.path.dirname(dot_git)
            check_git_link(dot_git, os.path.realpath(self.root))
        listing = _spawn(
            ["config", "--list", "--show-origin", "--show-scope", "--includes", "-z"],
            start,
            60.0,
        )
        # No config files at all is not an error for git; anything else (a malformed
        # file) would make every later command fail as well.
        if listing.returncode != 0 and (listing.stdout or listing.stderr.strip()):
            first = listing.stderr.strip().split(b"\n")[0]
            raise ConfigError(
                "cannot read the repository's git configuration: "
                + safe_text(first or b"unknown error")
            )
        problem = forbidden_setting(listing.stdout, worktree)
        if problem is not None:
            raise ConfigError(problem)
        self._checked.add(key)


def find_dot_git(start: str) -> str | None:
    """The `.git` entry git would find from `start` (the nearest one above it)."""
    current = start
    while True:
        candidate = os.path.join(current, ".git")
        if os.path.lexists(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _gitfile_target(dot_git: str) -> str:
    """Where a `.git` file (`gitdir: PATH`) or link points, resolved."""
    if os.path.islink(dot_git) or os.path.isdir(dot_git):
        return os.path.realpath(dot_git)
    if not os.path.isfile(dot_git):
        # A FIFO would block the open forever; git itself reads only a regular file.
        raise ConfigError(f"{safe_text(dot_git)} is not a valid .git file")
    try:
        with open(dot_git, "rb") as fh:
            first = fh.read(8192).split(b"\n", 1)[0].rstrip(b"\r")
    except OSError as exc:
        raise ConfigError(f"cannot read {safe_text(dot_git)}: {exc.strerror}") from None
    if not first.startswith(b"gitdir: "):
        raise ConfigError(f"{safe_text(dot_git)} is not a valid .git file")
    target = os.fsdecode(first[len(b"gitdir: ") :])
    return os.path.realpath(os.path.join(os.path.dirname(dot_git), target))


def repo_path(raw: bytes) -> str | None:
    """A path git listed (repository-relative, `/`-separated) as a str, or None when it
    could leave the work tree: a hostile index can hold `../x`, `/x` or `.git/x`, and
    git lists them as they are."""
    parts = raw.split(b"/")
    if any(p in (b"", b".", b"..") or p.lower() == b".git" for p in parts):
        return None
    return os.fsdecode(raw)


def inside(path: str, root: str) -> bool:
    """Whether `path` is `root` or below it (both resolved)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def check_git_link(dot_git: str, root: str) -> None:
    """Refuse a `.git` file or link whose git directory lies outside `root`, except
    where git itself put it: a submodule's directory inside the `.git` folder of the
    work tree above it, or a worktree registered by `git worktree add` (its git
    directory names this `.git` file back; a scanned tree cannot plant that file
    outside itself)."""
    if os.path.isdir(dot_git) and not os.path.islink(dot_git):
        return
    target = _gitfile_target(dot_git)
    if inside(target, root):
        return
    holder = os.path.dirname(dot_git)
    above = os.path.dirname(holder)
    while True:
        enclosing = os.path.join(above, ".git")
        if (
            os.path.isdir(enclosing)
            and not os.path.islink(enclosing)
            and inside(target, os.path.realpath(enclosing))
        ):
            return
        parent = os.path.dirname(above)
        if parent == above:
            break
        above = parent
    try:
        with open(os.path.join(target, "gitdir"), "rb") as fh:
            back = os.fsdecode(fh.read(8192).strip())
        # git writes it absolute, or relative to `target` (worktree.useRelativePaths).
        if os.path.realpath(os.path.join(target, back)) == os.path.realpath(dot_git):
            return
    except OSError:
        pass
    raise ConfigError(
        f"{safe_text(dot_git)} points git at {safe_text(target)}, outside the scanned "
        "folder; ztlint does not run git there"
    )


def forbidden_setting(listing: bytes, worktree: str | None) -> str | None:
    """The first key in `git config --list --show-origin --show-scope -z` output that
    the repository's own configuration may not set, as a message; None if none."""
    fields = listing.split(b"\x00")
    for i in range(0, len(fields) - 2, 3):
        scope, origin, entry = fields[i], fields[i + 1], fields[i + 2]
        if scope.decode("ascii", "replace") in _TRUSTED_SCOPES:
            continue
        key_raw, _, value_raw = entry.partition(b"\n")
        key = key_raw.decode("utf-8", "surrogateescape")
        value = value_raw.decode("utf-8", "surrogateescape")
        if _allowed(key.lower(), value, origin, worktree) or not _names_program(key.lower()):
            continue
        return (
            f"the repository's own git configuration sets {safe_text(key)} "
            f"({safe_text(origin)}), which can make git run a program or read another "
            "work tree; ztlint does not run git on it (remove the key, or scan a fresh "
            "clone)"
        )
    return None


def _names_program(key: str) -> bool:
    """include.path and includeIf.*.path are not refused on their own: `--includes`
    lists every key of an included file under the including file's scope, so a program
    it names is refused like one in .git/config, and git includes the same files for
    the commands that follow. (actions/checkout since v6 includes its credentials file
    through includeIf in every checkout's .git/config.)"""
    if key in _PROGRAM_KEYS or key.startswith("filter."):
        return True
    if key.startswith("diff.") and key.endswith((".textconv", ".command")):
        return True
    # A partial clone (`extensions.partialClone`) fetches a missing blob while git diffs
    # or reads the index, with the transport its own config describes: a local
    # remote's upload-pack command, a credential helper or askpass program, a protocol
    # such as ext:: (which runs a command) allowed, a cookie file written anywhere.
    return (
        (key.startswith("remote.") and key.endswith((".uploadpack", ".receivepack")))
        or (key.startswith("credential.") and key.endswith(".helper"))
        or (key.startswith("protocol.") and key.endswith(".allow"))
        or (key.startswith("http.") and key.endswith(".cookiefile"))
    )


def _allowed(key: str, value: str, origin: bytes, worktree: str | None) -> bool:
    """Values of a listed key that name no program of the repository's choosing: a
    boolean core.fsmonitor (git's own daemon, and turned off on the command line
    anyway), exactly what `git lfs install --local` writes (actions/checkout with
    `lfs: true`), and the core.worktree git writes for a submodule, naming the work
    tree the `.git` file is in."""
    if key == "core.fsmonitor":
        return value.strip().lower() in _BOOLEANS
    if key in _GIT_LFS:
        return value.strip() == _GIT_LFS[key]
    if key == "core.worktree" and worktree is not None and origin.startswith(b"file:"):
        config_file = os.fsdecode(origin[len(b"file:") :])
        config_dir = os.path.dirname(os.path.join(worktree, config_file))
        return os.path.realpath(os.path.join(config_dir, value)) == os.path.realpath(worktree)
    return False
