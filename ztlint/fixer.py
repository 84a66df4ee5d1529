"""`ztlint scan --fix`: apply the machine fixes rules compute (`Finding.fix`), safely.

The scanned tree is hostile, so a fix is written only when every check passes:

- the file lies inside the scanned root, and neither it nor any folder between the root
  and it is a symbolic link (a fix never writes through a link, in or out of the tree);
- it is a regular file, UTF-8 (with or without a byte-order mark), and unchanged since
  it was read;
- the edits of all its fixes stay within its text and none overlaps another (a file
  whose fixes overlap is left alone and named, never half fixed);
- the new text goes to a temporary file in the same folder, with the old file's mode,
  that is renamed onto it: the write is atomic and replaces the directory entry, so a
  hard link to a file elsewhere keeps its old content.

`plan()` computes the new texts and what was skipped, `unified_diff()` previews them
(--fix-diff) and `write()` applies them; the caller re-scans afterwards and reports what
remains. Nothing here runs or imports anything from the scanned tree.
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ztlint.model import Confidence, Edit, Finding, Span
from ztlint.reporters import safe_text
from ztlint.source import SourceText, mask_line

if TYPE_CHECKING:
    from ztlint.config import Config
    from ztlint.report import Report

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class FileFix:
    """The fixes of one file: its text before and after, and the findings fixed."""

    path: str  # report path, relative to the root, POSIX separators
    before: str
    after: str
    fixed: tuple[Finding, ...]
    bom: bool = False
    # What the file held when it was read, and its mode: written back only if unchanged.
    original: bytes = b""
    mode: int = 0o644
    # The texts the preview shows: secret spans (from every finding of the scan in
    # the file) masked before the edits were applied, so nothing shifts under a mask.
    shown_before: str = ""
    shown_after: str = ""


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str
    findings: int


@dataclass(frozen=True)
class FixPlan:
    files: tuple[FileFix, ...]
    skipped: tuple[Skipped, ...]

    @property
    def fixes(self) -> int:
        return sum(len(f.fixed) for f in self.files)


def fixable(findings: Iterable[Finding], min_confidence: Confidence) -> list[Finding]:
    """The findings whose fix `--fix` applies: reported (active, at or above the
    confidence threshold) and carrying a fix."""
    return [
        f
        for f in findings
        if f.fix is not None and f.fix.edits and f.active and f.confidence >= min_confidence
    ]


def plan(findings: Sequence[Finding], root: str, everything: Sequence[Finding] = ()) -> FixPlan:
    """The new text of every file with fixable `findings` (paths relative to `root`).
    `everything`: all findings of the scan, whose secret spans the preview masks."""
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        if f.fix is not None:
            by_path.setdefault(f.path, []).append(f)
    secrets: dict[str, list[Span]] = {}
    for f in (*everything, *findings):
        if f.secret_spans:
            secrets.setdefault(f.path, []).extend(f.secret_spans)
    files: list[FileFix] = []
    skipped: list[Skipped] = []
    for path in sorted(by_path):
        group = by_path[path]
        result = _plan_file(path, group, root, tuple(secrets.get(path, ())))
        if isinstance(result, str):
            skipped.append(Skipped(path, result, len(group)))
        else:
            files.append(result)
    return FixPlan(tuple(files), tuple(skipped))


def _plan_file(
    path: str, group: list[Finding], root: str, secret_spans: tuple[Span, ...]
) -> FileFix | str:
    full, problem = _checked_path(root, path)
    if problem:
        return problem
    try:
        data, mode = _read_regular(full)
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    except ValueError as exc:
        return str(exc)
    bom = data.startswith(_BOM)
    try:
        text = data[len(_BOM) if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    source = SourceText(text)
    # Every edit as (start, end, text); an edit two findings share is applied once.
    edits: set[tuple[int, int, str]] = set()
    for f in group:
        assert f.fix is not None
        for edit in f.fix.edits:
            if edit.path != path:
                return "a fix edits another file"
            offsets = _offsets(source, edit)
            if offsets is None:
                return "a fix lies outside the file's text (changed since the scan?)"
            edits.add((*offsets, edit.text))
    ordered = sorted(edits)
    for (a_start, a_end, _), (b_start, b_end, _) in itertools.pairwise(ordered):
        # Two edits overlap, or two insertions at one place: their order is ambiguous.
        if b_start < a_end or (b_start == a_start and (a_start == a_end or b_start == b_end)):
            return "fixes overlap"
    after = _applied(text, ordered)
    if after == text:
        return "its fixes change nothing"
    return FileFix(
        path=path,
        before=text,
        after=after,
        fixed=tuple(group),
        bom=bom,
        original=data,
        mode=mode,
        shown_before=_masked(text, secret_spans),
        shown_after=_applied(_masked(text, secret_spans), ordered),
    )


def _applied(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with sorted, disjoint edits (start, end, new text) applied."""
    out: list[str] = []
    pos = 0
    for start, end, new in edits:
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _offsets(source: SourceText, edit: Edit) -> tuple[int, int] | None:
    """Code-point offsets of an edit's span in the text, or None when it does not fit."""
    s = edit.span
    lines = source.lines
    if not (1 <= s.start_line <= s.end_line <= len(lines)) or s.start_col < 1 or s.end_col < 1:
        return None
    if s.start_col - 1 > len(lines[s.start_line - 1]) or s.end_col - 1 > len(lines[s.end_line - 1]):
        return None
    start = source.line_offset(s.start_line) + s.start_col - 1
    end = source.line_offset(s.end_line) + s.end_col - 1
    return (start, end) if start <= end else None


def _checked_path(root: str, path: str) -> tuple[str, str | None]:
    """The file's full path, and why it may not be written (None when it may): inside
    the root, no `..`, and no symbolic link on the way from the root to the file."""
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return "", "its path leaves the scanned tree"
    current = os.path.abspath(root)
    for part in parts:
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode
        except OSError as exc:
            return "", f"cannot read it ({exc.strerror or exc})"
        if stat.S_ISLNK(mode):
            return "", "it is or lies under a symbolic link"
    real_root = os.path.realpath(root)
    real = os.path.realpath(current)
    if os.path.commonpath([real_root, real]) != real_root:
        return "", "its path leaves the scanned tree"
    return current, None


def _read_regular(full: str) -> tuple[bytes, int]:
    """The bytes and mode of a regular file, opened without following a link."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(full, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError("not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read()
    finally:
        os.close(fd)
    return data, stat.S_IMODE(st.st_mode)


def write(fix_plan: FixPlan, root: str) -> tuple[list[FileFix], list[Skipped]]:
    """Write every planned file atomically; a file changed or replaced since it was read
    is skipped. Returns what was written and what was skipped."""
    written: list[FileFix] = []
    skipped: list[Skipped] = []
    for item in fix_plan.files:
        problem = _write_one(item, root)
        if problem:
            skipped.append(Skipped(item.path, problem, len(item.fixed)))
        else:
            written.append(item)
    return written, skipped


def _write_one(item: FileFix, root: str) -> str | None:
    full, problem = _checked_path(root, item.path)
    if problem:
        return problem
    try:
        now, _ = _read_regular(full)
    except (OSError, ValueError):
        return "it changed since the scan"
    if now != item.original:
        return "it changed since the scan"
    data = (_BOM if item.bom else b"") + item.after.encode("utf-8")
    folder = os.path.dirname(full)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".ztlint-fix-", suffix=".tmp", dir=folder)
    except OSError as exc:
        return f"cannot write it ({exc.strerror or exc})"
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), item.mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # The last check before the rename: still the regular file that was read.
        st = os.lstat(full)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "it changed since the scan")
        os.replace(tmp, full)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return f"cannot write it ({exc.strerror or exc})"
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return None


def unified_diff(fix_plan: FixPlan) -> str:
    """A unified diff of every planned file (`a/PATH`, `b/PATH`), as `git apply` reads
    it. Lines are shown safe: control characters escaped and secret spans masked (a
    line the fix touches may hold a credential another rule found)."""
    out: list[str] = []
    for item in fix_plan.files:
        name = safe_text.path(item.path)
        before = _shown_lines(item.shown_before)
        after = _shown_lines(item.shown_after)
        out.extend(
            line if line.endswith("\n") else line + "\n"
            for line in difflib.unified_diff(
                before, after, fromfile=f"a/{name}", tofile=f"b/{name}", lineterm="\n"
            )
        )
    return "".join(out)


def _masked(text: str, secret_spans: tuple[Span, ...]) -> str:
    """The text with every character of a secret span replaced by '*' (same length,
    so edit offsets still apply)."""
    if not secret_spans:
        return text
    source = SourceText(text)
    out = []
    for number, line in enumerate(source.lines, 1):
        end = source.line_offset(number) + len(line)
        out.append(mask_line(line, number, secret_spans))
        nxt = source.line_offset(number + 1) if number < len(source.lines) else len(text)
        out.append(text[end:nxt])
    return "".join(out)


def _shown_lines(text: str) -> list[str]:
    """The text's lines (ztlint's line table), each shown safe and ending in LF."""
    lines = SourceText(text).lines
    if lines and lines[-1] == "":
        lines = lines[:-1]  # the text ends with a line break
    return [safe_text.shown(line) + "\n" for line in lines]


def summary(written: Sequence[FileFix], skipped: Sequence[Skipped]) -> list[str]:
    """What --fix did, one line each: `fixed 3 findings in 2 files`, then each file
    left alone and why."""
    n = sum(len(f.fixed) for f in written)
    lines = [
        f"fixed {n} finding{'s' if n != 1 else ''} in {len(written)} "
        f"file{'s' if len(written) != 1 else ''}"
    ]
    for s in skipped:
        lines.append(
            f"not fixed: {safe_text.path(s.path)} ({s.findings} fix"
            f"{'es' if s.findings != 1 else ''}): {s.reason}"
        )
    return lines


def fix_and_rescan(
    opts: dict[str, Any], config: Config, scan: Callable[[dict[str, Any], Config], Report]
) -> Report:
    """--fix: scan, write the fixes, scan again and return that report (what remains).
    --fix-diff: scan, print the fixes as a unified diff, write nothing and exit (1 when
    there is a diff). What was fixed or left alone is said on standard error.

    The first scan sees every confidence, so the preview masks every secret it found,
    but fixes only the findings the report shows (`fixable`); it never updates the
    baseline, which the second scan does when asked."""
    import click

    from ztlint.discovery import display_root

    cwd = os.getcwd()
    root = display_root([os.path.join(cwd, p) for p in opts["paths"]] or [cwd], cwd)
    first = scan({**opts, "update_baseline": False}, replace(config, min_confidence=Confidence.LOW))
    todo = fixable(first.findings, config.min_confidence)
    fix_plan = plan(todo, root, first.findings)
    if opts.get("fix_diff"):
        text = unified_diff(fix_plan)
        click.echo(text.encode("utf-8"), nl=False)
        for line in summary([], fix_plan.skipped)[1:]:
            click.echo(f"ztlint: {line}", err=True)
        n = fix_plan.fixes
        click.echo(
            f"ztlint: {n} fix{'es' if n != 1 else ''} in {len(fix_plan.files)} "
            f"file{'s' if len(fix_plan.files) != 1 else ''} (not written: --fix-diff)",
            err=True,
        )
        sys.exit(1 if text else 0)
    written, skipped = write(fix_plan, root)
    for line in summary(written, [*fix_plan.skipped, *skipped]):
        click.echo(f"ztlint: {line}", err=True)
    return scan(opts, config)
