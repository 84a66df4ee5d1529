"""Findings a maintainer has already reviewed with another security tool.

Projects that run gosec, bandit, CodeQL, Sonar, semgrep, gitleaks, detect-secrets,
checkov or trivy mark the lines they reviewed and accepted with that tool's own
comment: `// #nosec G402 -- ACME self-check`, `//nolint:gosec`, `# nosec B105`,
`// lgtm[go/disabled-certificate-check]`, `# pragma: allowlist secret`. Such a marker
is evidence that the code is meant as written, so a finding on the marked statement
keeps its severity but drops to confidence `medium`: hidden by the default threshold,
counted in the verdict line, shown by `--min-confidence medium`. The finding's message
and fingerprint do not change.

A marker counts only inside a real comment of the file's syntax (ztlint.parsers.
comments), on the finding's line, in the comment block directly above it, or above
the statement that encloses it (lines ending in an open bracket, a comma or an `=`
continue a statement), or above the statement where the flagged construct begins when
the rule reports it further on (`Finding.marked_at`: the line that makes a digest a
later write feeds), unless a comment there calls the code debt (`TODO`, `FIXME`,
`XXX`, `HACK`): a marker beside a to-do silences a linter until the code is fixed. `nolint` counts when it names no linter or names gosec; a
bare `noqa` (line length, style) does not count, `noqa: S...` (flake8-bandit) does.
An unmistakable secret (a private key, a token whose format verifies) is reported at
full confidence whatever its comment says: a leaked key stays leaked. Under `--diff` a
marker the change itself adds is no review (a pull request cannot vouch for itself): its
finding keeps full confidence (`restore`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from ztlint.model import Confidence, Finding
from ztlint.source import SourceText

IsComment = Callable[[int, int], bool]

# Cheap test on the lowered text before anything is parsed.
_HINTS = (
    "nosec",
    "nolint",
    "lgtm[",
    "codeql[",
    "nosonar",
    "nosemgrep",
    "allowlist secret",
    "gitleaks:allow",
    "noqa",
    "checkov:skip",
    "kics-scan",
    "tfsec:ignore",
    "trivy:ignore",
)
_MARKER = re.compile(
    r"(?i)(?<![\w-])(?:"
    r"nosec(?![\w-])"
    r"|nolint(?![\w-])(?:[ \t]*:[ \t]*(?P<linters>[\w-]+(?:[ \t]*,[ \t]*[\w-]+)*))?"
    r"|lgtm\[|codeql\["
    r"|nosonar(?![\w-])|nosemgrep(?![\w-])"
    r"|pragma:[ \t]*allowlist[ \t]+secret"
    r"|gitleaks:allow"
    r"|noqa[ \t]*:[ \t]*(?:[A-Z]+\d+[ \t]*,[ \t]*)*S\d"
    r"|checkov:skip|kics-scan[ \t]+ignore|tfsec:ignore|trivy:ignore"
    r")"
)
# A line that leaves a statement open: the next line belongs to it.
_OPEN = re.compile(r"[{(\[,=]\s*$")
# A comment that calls the code debt: the marker silences a linter until it is fixed.
_DEBT = re.compile(r"(?<![\w-])(?:TODO|FIXME|XXX|HACK)(?![\w-])")
_MAX_STEPS = 8


def mentioned(lower: str) -> bool:
    return any(h in lower for h in _HINTS)


def _comment_lines(pattern: re.Pattern[str], source: SourceText, is_comment: IsComment) -> set[int]:
    out = set()
    for m in pattern.finditer(source.text):
        if "linters" in pattern.groupindex:
            linters = m.group("linters")
            if linters is not None and "gosec" not in linters.lower():
                continue
        line, column = source.position(m.start())
        if is_comment(line, column):
            out.add(line)
    return out


def _statement_lines(source: SourceText, line: int, is_comment: IsComment) -> list[int]:
    """The finding's line, the comment lines directly above it and, while the line
    above leaves a statement open, that line and the comments above it."""
    lines = [line]
    j = line - 1
    steps = 0
    while j >= 1 and steps < _MAX_STEPS:
        text = source.line(j)
        stripped = text.strip()
        if not stripped:
            break
        indent = len(text) - len(text.lstrip())
        if is_comment(j, indent + 1) or _OPEN.search(text):
            lines.append(j)
        else:
            break
        j -= 1
        steps += 1
    return lines


def apply(findings: Sequence[Finding], source: SourceText, is_comment: IsComment) -> list[Finding]:
    marked = _comment_lines(_MARKER, source, is_comment)
    if not marked:
        return list(findings)
    debt = _comment_lines(_DEBT, source, is_comment)
    out = []
    for f in findings:
        if not f.unmistakable and f.confidence > Confidence.MEDIUM:
            lines = _statement_lines(source, f.span.start_line, is_comment)
            for other in f.marked_at:
                lines += _statement_lines(source, other, is_comment)
            markers = marked.intersection(lines)
            if markers and debt.isdisjoint(lines):
                f = replace(f, confidence=Confidence.MEDIUM, acknowledged=tuple(sorted(markers)))
        out.append(f)
    return out


def restore(findings: Sequence[Finding], added: Callable[[Finding], bool]) -> list[Finding]:
    """Findings whose marker `added` says the change under review wrote, at full
    confidence again."""
    return [
        replace(f, confidence=Confidence.HIGH, acknowledged=())
        if f.acknowledged and added(f)
        else f
        for f in findings
    ]
