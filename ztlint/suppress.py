"""Inline suppressions: `ztlint: ignore[ZT101] reason` and `ztlint: ignore-file[...]`.

A suppression sits in a real comment of the file's own syntax (never in a string;
see ztlint.parsers.comments), on the finding's line, on the line above it, or anywhere
inside the finding's span. Its reason is required: a
suppression with no rule list, an unknown rule or no reason suppresses nothing and is
itself a result (malformed-suppression). One that matches no finding becomes a
notification.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ztlint.model import Finding, NoticeLevel, Notification, Suppression, SuppressionKind
from ztlint.notices import UNUSED_SUPPRESSION
from ztlint.parsers.comments import IsComment

MALFORMED_ID = "ZT901"
UNUSED_CODE = UNUSED_SUPPRESSION
_DIRECTIVE = re.compile(r"\bztlint:[ \t]*(ignore-file|ignore)\b(.*)")
_BODY = re.compile(r"^\[([^\]]*)\](.*)$")
_CLOSERS = re.compile(r"(?:\*/|-->)\s*$")
_RULE_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,39}")


@dataclass(frozen=True)
class Directive:
    line: int
    column: int
    whole_file: bool
    rules: tuple[str, ...]  # as written: ids or names
    reason: str
    problem: str | None  # why it is malformed, or None
    text: str = ""  # the malformed-suppression snippet: the line, masked


def parse_directives(
    text: str, lines: Sequence[str], is_comment: IsComment, snippet: Callable[[int], str]
) -> tuple[Directive, ...]:
    """The directives in the file's real comments. `lines` is the file's line table
    (ztlint.source), `is_comment(line, column)` says whether a position is inside a
    comment (ztlint.parsers.comments), and `snippet(line)` gives a line as findings
    show it (masked): a malformed directive keeps it for its own finding."""
    if "ztlint:" not in text:
        return ()
    out = []
    for number, line in enumerate(lines, start=1):
        if "ztlint:" not in line:
            continue
        m = next((m for m in _DIRECTIVE.finditer(line) if is_comment(number, m.start() + 1)), None)
        if m is None:
            continue
        whole_file = m.group(1) == "ignore-file"
        rest = _CLOSERS.sub("", m.group(2)).strip()
        body = _BODY.match(rest)
        column = m.start(1) + 1
        if body is None:
            out.append(
                Directive(
                    number,
                    column,
                    whole_file,
                    (),
                    "",
                    "names no rule: write ignore[RULE] reason",
                    snippet(number),
                )
            )
            continue
        rules = tuple(r.strip() for r in body.group(1).split(",") if r.strip())
        reason = body.group(2).strip().lstrip(":-— ").strip()
        problem = None
        if not rules:
            problem = "has an empty rule list"
        elif not reason:
            problem = "gives no reason; a suppression must say why the finding is safe"
        out.append(
            Directive(
                number,
                column,
                whole_file,
                rules,
                reason,
                problem,
                snippet(number) if problem else "",
            )
        )
    return tuple(out)


def apply(
    findings: Iterable[Finding],
    directives: Mapping[str, tuple[Directive, ...]],
    known: Mapping[str, str],
    enabled: frozenset[str],
    malformed_name: str,
    make_malformed: bool,
) -> tuple[list[Finding], list[Notification]]:
    """Mark findings suppressed by directives; add malformed-suppression results and
    unused-suppression notifications. `known` maps ids and names to ids."""
    out: list[Finding] = []
    notes: list[Notification] = []
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    for path in sorted(set(by_path) | set(directives)):
        file_findings = by_path.get(path, [])
        valid: list[tuple[Directive, frozenset[str]]] = []
        for d in directives.get(path, ()):
            problem = d.problem
            ids = frozenset(known.get(r, known.get(r.upper(), "")) for r in d.rules)
            if problem is None and "" in ids:
                bad = next(r for r in d.rules if known.get(r, known.get(r.upper())) is None)
                problem = (
                    f"names unknown rule '{bad}'"
                    if _RULE_LIKE.fullmatch(bad)
                    else "names an unknown rule"  # not quoted: it is source text, not a name
                )
            if problem is not None:
                if make_malformed:
                    out.append(_malformed(path, d, problem, malformed_name))
                continue
            valid.append((d, ids))
        used: set[int] = set()
        for f in file_findings:
            for i, (d, ids) in enumerate(valid):
                if f.rule_id not in ids or f.rule_id == MALFORMED_ID:
                    continue
                if d.whole_file or f.span.contains_line(d.line) or d.line == f.span.start_line - 1:
                    used.add(i)
                    if f.suppression is None:
                        f = replace(
                            f,
                            suppression=Suppression(
                                SuppressionKind.IN_SOURCE, d.reason, f"{path}:{d.line}"
                            ),
                        )
            out.append(f)
        for i, (d, ids) in enumerate(valid):
            if i not in used and ids & enabled:
                notes.append(
                    Notification(
                        code=UNUSED_CODE,
                        message=f"suppression of {', '.join(d.rules)} matches no finding",
                        level=NoticeLevel.NOTE,
                        path=path,
                        line=d.line,
                        column=d.column,
                    )
                )
    return out, notes


def _malformed(path: str, d: Directive, problem: str, name: str) -> Finding:
    from ztlint.model import Confidence, Severity, Span

    return Finding(
        rule_id=MALFORMED_ID,
        rule_name=name,
        path=path,
        span=Span(
            d.line, d.column, d.line, d.column + len("ignore-file" if d.whole_file else "ignore")
        ),
        message=f"suppression comment {problem}",
        severity=Severity.LOW,
        confidence=Confidence.HIGH,
        snippet=d.text,
    )
