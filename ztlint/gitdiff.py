"""Lines changed since a git revision, and staged file contents, for pull-request mode
and pre-commit use. git runs through ztlint.gitrun (config checked first, hardened).

git's output is bytes and is split on b"\\n" and NUL only. The changed files come from
`--raw -z` (NUL-separated, never quoted); the changed lines from the `-U0` patch of the
same command, read by the line counts of each hunk header, so that no text inside a
changed line (a form feed, U+2028, a carriage return, then `+++ b/x` or `@@ ... @@`)
can pass for a header.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ztlint.config import ConfigError
from ztlint.gitrun import Git, inside, repo_path, safe_text

_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
# Options that decide the shape of the output, given on the command line so that no
# config key (diff.noprefix, diff.mnemonicPrefix, diff.relative, diff.context,
# diff.interHunkContext, diff.submodule, diff.ignoreSubmodules) changes it, and no
# textconv driver, external diff or attribute (`-diff`, `binary`) hides a change.
_DIFF_SHAPE = [
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--text",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--no-relative",
    "--inter-hunk-context=0",
    "--ignore-submodules=all",
]
_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): ord('"'),
    ord("\\"): ord("\\"),
}


def toplevel(cwd: str, git: Git | None = None) -> str:
    git = git or Git(cwd)
    proc = git.run(["rev-parse", "--show-toplevel"], cwd)
    if proc.returncode != 0:
        raise ConfigError("--diff and --staged need a git work tree")
    return os.path.realpath(os.fsdecode(proc.stdout.rstrip(b"\n")))


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
    git = Git(cwd)
    top = toplevel(cwd, git)
    check = git.run(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], top
    )
    if check.returncode != 0 or ref.startswith("-"):
        raise ConfigError(
            f"--diff: unknown revision '{safe_text(ref)}' (in a shallow clone, fetch it "
            f"first, e.g. `git fetch --depth=1 origin {safe_text(ref)}`, or check out with "
            "fetch-depth: 0)"
        )
    commit = check.stdout.strip().decode("ascii", "replace")
    proc = git.run(["diff", *_DIFF_SHAPE, "-U0", "-M", "--raw", "-p", "-z", commit, "--"], top)
    if proc.returncode != 0:
        raise ConfigError(f"--diff: git diff failed: {safe_text(proc.stderr.strip())}")
    lines: dict[str, frozenset[int] | None] = {}
    for rel, touched in parse_diff(proc.stdout).items():
        lines[os.path.join(top, os.fsdecode(rel))] = touched
    untracked = git.run(["ls-files", "-z", "--others", "--exclude-standard"], top)
    for rel in untracked.stdout.split(b"\x00"):
        if rel:
            lines[os.path.join(top, os.fsdecode(rel))] = None
    for rel in _not_compared(git, top):
        lines[os.path.join(top, os.fsdecode(rel))] = None
    return Changes(lines)


def _not_compared(git: Git, top: str) -> list[bytes]:
    """Index entries marked assume-unchanged or skip-worktree: `git diff` takes the
    index's blob for them whatever the work tree holds (a forged index hid every change
    to such a file), so every line of theirs counts as changed."""
    listed = git.run(["ls-files", "-v", "-z"], top)
    out = []
    for entry in listed.stdout.split(b"\x00"):
        tag, _, raw = entry.partition(b" ")
        if (tag == b"S" or tag.islower()) and (rel := repo_path(raw)) is not None:
            out.append(os.fsencode(rel))
    return out


def parse_diff(out: bytes) -> dict[bytes, frozenset[int]]:
    """Changed new-side line numbers per path (repository-relative bytes) from the
    output of `git diff --raw -p -z -U0`: every file the raw part names, with the
    lines its patch adds (a deletion touches the lines on either side)."""
    paths, patch = _split_raw(out)
    changed: dict[bytes, set[int]] = {p: set() for p in paths}
    for name, touched in _patch_files(patch):
        if name not in changed:
            raise ConfigError(
                f"--diff: git diff named a file its own file list lacks: {safe_text(name)}"
            )
        changed[name].update(touched)
    return {p: frozenset(t) for p, t in changed.items()}


def _split_raw(out: bytes) -> tuple[list[bytes], bytes]:
    """The new-side paths of the `--raw -z` records, and the patch that follows them
    (after an empty field)."""
    paths: list[bytes] = []
    pos = 0
    while pos < len(out) and out[pos : pos + 1] == b":":
        meta_end = out.index(b"\x00", pos)
        status = out[pos:meta_end].split()[-1][:1]  # "M", "A", "R100", ...
        end = meta_end
        name = b""
        for _ in range(2 if status in (b"R", b"C") else 1):
            start = end + 1
            end = out.index(b"\x00", start)
            name = out[start:end]
        paths.append(name)
        pos = end + 1
    if out[pos : pos + 1] == b"\x00":
        pos += 1
    return paths, out[pos:]


def _patch_files(patch: bytes) -> Iterator[tuple[bytes, set[int]]]:
    """(path, added line numbers) per file section of a `-U0` patch. Hunk bodies are
    consumed by their header's counts: nothing inside them is read as a header."""
    lines = patch.split(b"\n")
    name: bytes | None = None
    touched: set[int] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith(b"diff --git "):
            if name is not None:
                yield name, touched
            name, touched = None, set()
        elif line.startswith(b"+++ "):
            target = line[4:]
            name = None if target == b"/dev/null" else _strip_prefix(unquote(target))
        elif line.startswith((b"@@@", b"diff --cc ", b"diff --combined ")):
            raise ConfigError("--diff: git diff gave a combined (merge) diff; not supported")
        elif line.startswith(b"@@ "):
            m = _HUNK.match(line)
            if m is None:
                raise ConfigError(f"--diff: unreadable hunk header: {safe_text(line[:80])}")
            old_left = int(m.group(2) or b"1")
            new_left = int(m.group(4) or b"1")
            number = int(m.group(3))
            if new_left == 0:
                touched.update((number, number + 1))  # a deletion touches the lines around it
            while old_left > 0 or new_left > 0:
                if i >= len(lines):
                    raise ConfigError("--diff: git diff output ended inside a hunk")
                body = lines[i]
                i += 1
                kind = body[:1]
                if kind == b"+" and new_left > 0:
                    touched.add(number)
                    number += 1
                    new_left -= 1
                elif kind == b"-" and old_left > 0:
                    old_left -= 1
                elif kind == b" " and old_left > 0 and new_left > 0:
                    number += 1
                    old_left -= 1
                    new_left -= 1
                elif kind != b"\\":  # "\ No newline at end of file"
                    raise ConfigError("--diff: git diff output does not match its hunk counts")
    if name is not None:
        yield name, touched


def _strip_prefix(name: bytes) -> bytes:
    if not name.startswith(b"b/"):
        raise ConfigError(f"--diff: unexpected file header in git diff: {safe_text(name)}")
    return name[2:]


def unquote(field: bytes) -> bytes:
    """A file name from a patch header with git's C-style quoting undone: `"..."` with
    backslash escapes (\\t, \\n, \\", \\\\, three-digit octal bytes); an unquoted name
    loses the TAB git writes after a name that holds a space."""
    if not field.startswith(b'"'):
        return field[:-1] if field.endswith(b"\t") else field
    out = bytearray()
    i = 1
    while i < len(field):
        c = field[i]
        if c == ord('"'):
            return bytes(out)
        if c != ord("\\"):
            out.append(c)
            i += 1
            continue
        nxt = field[i + 1 : i + 2]
        if nxt[:1].isdigit() and len(field) >= i + 4:
            out.append(int(field[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        elif nxt and nxt[0] in _ESCAPES:
            out.append(_ESCAPES[nxt[0]])
            i += 2
        else:
            raise ConfigError(f"--diff: unreadable quoted name in git diff: {safe_text(field)}")
    raise ConfigError(f"--diff: unterminated quoted name in git diff: {safe_text(field)}")


def write_staged(cwd: str, dest: str) -> list[str]:
    """Write the staged version of every added, copied, modified or renamed file into
    `dest`, keeping repository-relative paths; returns those paths."""
    git = Git(cwd)
    top = toplevel(cwd, git)
    proc = git.run(
        [
            "diff",
            "--cached",
            "--no-relative",
            "--ignore-submodules=all",
            "--name-only",
            "--diff-filter=ACMR",
            "-z",
        ],
        top,
    )
    written = []
    for raw in proc.stdout.split(b"\x00"):
        rel = repo_path(raw) if raw else None
        if rel is None:  # nothing, or a forged index entry that would leave `dest`
            continue
        blob = git.run(["cat-file", "blob", f":{rel}"], top)
        if blob.returncode != 0:
            continue
        target = os.path.join(dest, *rel.split("/"))
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(blob.stdout)
        except OSError as exc:  # a forged index holding both `a` and `a/b`
            raise ConfigError(
                f"--staged: cannot copy the staged {safe_text(rel)}: {exc.strerror or exc} "
                "(the index holds a file and a folder of one name)"
            ) from None
        written.append(rel)
    return written


def committed_blob(ref: str, path: str, cwd: str) -> tuple[bool, bytes | None]:
    """Whether `path` lies in the git work tree holding `cwd`, and if so its content at
    revision `ref` (None: not a regular file there)."""
    git = Git(cwd)
    top = toplevel(cwd, git)
    real = os.path.realpath(path)
    if not inside(real, os.path.realpath(top)):
        return False, None
    rel = os.path.relpath(real, os.path.realpath(top)).replace(os.sep, "/")
    listed = git.run(["--literal-pathspecs", "ls-tree", "-z", ref, "--", rel], top)
    meta, _, name = listed.stdout.rstrip(b"\x00").partition(b"\t")
    if name != os.fsencode(rel) or meta.split(b" ")[:2] not in (
        [b"100644", b"blob"],
        [b"100755", b"blob"],
    ):
        return True, None
    shown = git.run(["cat-file", "blob", f"{ref}:{rel}"], top)
    return True, shown.stdout if shown.returncode == 0 else None
