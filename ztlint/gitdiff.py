"""Lines changed since a git revision, and staged file contents, for pull-request mode
and pre-commit use. git runs with the same hardening as discovery."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

from ztlint.config import ConfigError

_GIT_SAFE = ["-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false"]
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _git(args: list[str], cwd: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    try:
        return subprocess.run(
            ["git", *_GIT_SAFE, *args],
            cwd=cwd,
            capture_output=True,
            env=env,
            check=False,
            timeout=300,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise ConfigError(f"git could not run: {exc}") from None


def toplevel(cwd: str) -> str:
    proc = _git(["rev-parse", "--show-toplevel"], cwd)
    if proc.returncode != 0:
        raise ConfigError("--diff and --staged need a git work tree")
    return os.path.realpath(proc.stdout.decode().strip())


@dataclass(frozen=True)
class Changes:
    """Changed lines per absolute path; None means the whole file is new."""

    lines: dict[str, frozenset[int] | None]

    def touches(self, path: str, start: int, end: int) -> bool:
        if path not in self.lines:
            return False
        changed = self.lines[path]
        return changed is None or any(start <= n <= end for n in changed)


def changed_since(ref: str, cwd: str) -> Changes:
    top = toplevel(cwd)
    check = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    if check.returncode != 0:
        raise ConfigError(
            f"--diff: unknown revision '{ref}' (in a shallow clone, fetch it first, e.g. "
            f"`git fetch --depth=1 origin {ref}`, or check out with fetch-depth: 0)"
        )
    proc = _git(["diff", "--no-color", "--no-ext-diff", "-U0", "-M", ref, "--"], top)
    if proc.returncode != 0:
        raise ConfigError(
            f"--diff: git diff failed: {proc.stderr.decode(errors='replace').strip()}"
        )
    lines: dict[str, frozenset[int] | None] = {}
    current: str | None = None
    touched: set[int] = set()
    for raw in proc.stdout.decode("utf-8", errors="replace").splitlines():
        if raw.startswith("+++ "):
            if current is not None:
                lines[current] = frozenset(touched)
            name = raw[4:]
            current = os.path.join(top, name[2:]) if name.startswith("b/") else None
            touched = set()
        elif current is not None and (m := _HUNK.match(raw)):
            start, count = int(m.group(1)), int(m.group(2) or "1")
            if count == 0:
                touched.update((start, start + 1))  # a deletion touches the lines around it
            else:
                touched.update(range(start, start + count))
    if current is not None:
        lines[current] = frozenset(touched)
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], top)
    for rel in untracked.stdout.split(b"\x00"):
        if rel:
            lines[os.path.join(top, rel.decode("utf-8", "surrogateescape"))] = None
    return Changes(lines)


def write_staged(cwd: str, dest: str) -> list[str]:
    """Write the staged version of every added, copied, modified or renamed file into
    `dest`, keeping repository-relative paths; returns those paths."""
    top = toplevel(cwd)
    proc = _git(["diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z"], top)
    written = []
    for raw in proc.stdout.split(b"\x00"):
        if not raw:
            continue
        rel = raw.decode("utf-8", "surrogateescape")
        blob = _git(["show", f":{rel}"], top)
        if blob.returncode != 0:
            continue
        target = os.path.join(dest, *rel.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(blob.stdout)
        written.append(rel)
    return written
