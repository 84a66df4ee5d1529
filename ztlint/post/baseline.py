"""Baselines: accept today's findings, report only new ones.

An entry matches a finding by rule, path and the fingerprint of the finding's masked,
whitespace-normalised line plus its occurrence in the file, never by line number, so
edits elsewhere in a file do not resurrect it. A finding whose file moved (`git mv`)
matches its entry by rule and fingerprint when the entry's file is gone. A secret is
stored only as a salted hash of its digest, so a changed secret on the same line is a new
finding and the file never holds a secret. The file is sorted, one entry per line, with
no timestamps, so that merges rarely conflict.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ztlint.config import ConfigError
from ztlint.fingerprint import primary_fingerprints
from ztlint.model import Finding, NoticeLevel, Notification
from ztlint.notices import STALE_BASELINE
from ztlint.report import Report

STALE = STALE_BASELINE

VERSION = 1
DEFAULT_NAME = ".ztlint-baseline.json"


@dataclass(frozen=True, order=True)
class Entry:
    rule: str
    path: str
    fingerprint: str
    secret: str = ""  # salted hash of the secret's digest, or ""


@dataclass(frozen=True)
class Baseline:
    salt: str
    entries: tuple[Entry, ...]


# A secret's digest is stretched before it is stored, so that a leaked baseline does not
# let anyone test guesses of a weak password quickly.
ROUNDS = 20_000


def _salted(salt: str, digest: str | None) -> str:
    if not digest:
        return ""
    return hashlib.pbkdf2_hmac("sha256", digest.encode(), salt.encode(), ROUNDS).hex()[:32]


def _keyed(findings: Sequence[Finding], salt: str) -> list[tuple[Entry, Finding]]:
    prints = primary_fingerprints(findings)
    return [
        (Entry(f.rule_id, f.path, fp, _salted(salt, f.secret_digest)), f)
        for f, fp in zip(findings, prints, strict=True)
    ]


def create(report: Report, salt: str | None = None) -> Baseline:
    salt = salt or secrets.token_hex(16)
    entries = sorted({e for e, f in _keyed(report.findings, salt) if f.active})
    return Baseline(salt, tuple(entries))


# A file name that is not UTF-8 carries its bytes as lone surrogates (surrogateescape):
# written as `\udcNN` escapes, which json.load turns back into the same path.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _row(values: list[str]) -> str:
    text = json.dumps(values, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dumps(baseline: Baseline) -> str:
    rows = [_row([e.rule, e.path, e.fingerprint, e.secret]) for e in sorted(baseline.entries)]
    body = ",\n".join(rows)
    return (
        "{\n"
        f'"version": {VERSION},\n'
        f'"salt": {json.dumps(baseline.salt)},\n'
        '"columns": ["rule", "path", "fingerprint", "secret"],\n'
        f'"entries": [\n{body}\n]\n' + "}\n"
    )


def existing_salt(path: str) -> str | None:
    """The salt of a baseline already at `path`, so that regenerating it changes only
    the entries that changed."""
    try:
        return load(path).salt or None
    except ConfigError:
        return None


def load(path: str) -> Baseline:
    try:
        # Never through a link: a scanned tree may plant one at the baseline's path to
        # make ztlint read a file outside it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ConfigError(
                f"{path}: is a symbolic link; a baseline is read only from a regular file"
            ) from None
        raise ConfigError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    return parse(path, raw)


def parse(path: str, raw: bytes) -> Baseline:
    """A baseline's text (`path` names it in messages)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise ConfigError(f"{path}: not a ztlint baseline: {exc}") from None
    if (
        not isinstance(data, dict)
        or data.get("version") != VERSION
        or not isinstance(data.get("entries"), list)
    ):
        raise ConfigError(f"{path}: not a ztlint baseline (version {VERSION} expected)")
    entries = []
    for row in data["entries"]:
        if not (isinstance(row, list) and len(row) == 4 and all(isinstance(x, str) for x in row)):
            raise ConfigError(f"{path}: malformed entry {row!r}")
        entries.append(Entry(*row))
    return Baseline(str(data.get("salt", "")), tuple(entries))


def reviewed(current: Baseline, before: Baseline | None) -> tuple[Baseline, int]:
    """Under --diff, the entries of `current` that the baseline already held at the
    base revision (`before`; None: it was not there), and how many it added since: a
    pull request that edits the baseline cannot baseline its own findings."""
    old = set(before.entries) if before is not None else set()
    kept = tuple(e for e in current.entries if e in old)
    salt = before.salt if before is not None else current.salt
    return Baseline(salt, kept), len(current.entries) - len(kept)


def unreviewed_note(added: int, ref: str) -> Notification:
    return Notification(
        code=STALE,
        message=f"{added} baseline {'entry' if added == 1 else 'entries'} added since "
        f"{ref} not applied: under --diff only entries the baseline held at the base "
        "revision hide findings",
        level=NoticeLevel.WARNING,
    )


def apply(report: Report, baseline: Baseline) -> tuple[Report, Baseline]:
    """The report without baselined findings (plus a note on stale entries), and the
    baseline reduced to the entries that still match."""
    keyed = _keyed(report.findings, baseline.salt)
    remaining = set(baseline.entries)
    matched: set[Entry] = set()
    kept: list[Finding] = []
    leftover: list[tuple[Entry, Finding]] = []
    for entry, finding in keyed:
        if finding.active and entry in remaining:
            remaining.discard(entry)
            matched.add(entry)
        else:
            leftover.append((entry, finding))
    # Files that moved: an entry whose file no longer has findings matches by content.
    live_paths = {f.path for f in report.findings}
    moved = {(e.rule, e.fingerprint, e.secret): e for e in remaining if e.path not in live_paths}
    for entry, finding in leftover:
        key = (entry.rule, entry.fingerprint, entry.secret)
        if finding.active and key in moved:
            old = moved.pop(key)
            remaining.discard(old)
            matched.add(replace(old, path=entry.path))
            continue
        kept.append(finding)
    notes = list(report.notifications)
    if remaining:
        notes.append(
            Notification(
                code=STALE,
                message=f"{len(remaining)} baseline {'entry no longer matches' if len(remaining) == 1 else 'entries no longer match'} any finding (--update-baseline drops them)",
                level=NoticeLevel.NOTE,
            )
        )
    new_report = replace(
        report,
        findings=tuple(kept),
        notifications=tuple(sorted(notes, key=lambda n: n.sort_key)),
        baselined=report.baselined + len(report.findings) - len(kept),
    )
    return new_report, Baseline(baseline.salt, tuple(sorted(matched)))


@dataclass(frozen=True)
class Use:
    """A baseline a scan reports against (--baseline), and the note on entries a change
    under --diff added to it without review (reviewed_at)."""

    baseline: Baseline
    note: Notification | None = None


def use(report: Report, how: Use) -> Report:
    """The report without the findings the baseline accepts, carrying the baseline
    reduced to its entries that still match (`baseline_kept`, for --update-baseline).
    It applies to every finding, before --diff drops those on unchanged lines: an entry
    whose own finding was dropped would otherwise look moved and hide the same line
    copied into a new file."""
    if how.note is not None:
        notes = (*report.notifications, how.note)
        report = replace(report, notifications=tuple(sorted(notes, key=lambda n: n.sort_key)))
    report, still = apply(report, how.baseline)
    return replace(report, baseline_kept=still)


def reviewed_at(baseline: Baseline, path: str, ref: str, cwd: str) -> Use:
    """Under --diff, a baseline inside the work tree counts only with the entries it
    held at the base revision; those the change added are named in a warning."""
    from ztlint import gitdiff
    from ztlint.gitrun import safe_text

    in_tree, old = gitdiff.committed_blob(ref, path, cwd)
    if not in_tree:
        return Use(baseline)  # the user's own file, outside the repository
    before = None
    if old is not None:
        try:
            before = parse(f"{path} at {ref}", old)
        except ConfigError:
            before = None
    kept, added = reviewed(baseline, before)
    return Use(kept, unreviewed_note(added, safe_text(ref)) if added else None)
