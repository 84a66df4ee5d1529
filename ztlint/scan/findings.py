"""Hits become findings: severity and confidence settled, the snippet cut and masked
(no secret reaches the output), the secret's digest for baselines."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace

from ztlint.model import Finding, Span
from ztlint.plan import Plan
from ztlint.rule import Hit, Rule
from ztlint.source import SourceText, mask_line

SNIPPET_MAX = 300


def make_finding(rule: Rule, hit: Hit, path: str, source: SourceText | None, plan: Plan) -> Finding:
    override = dict(plan.severity).get(rule.id)
    severity = override if override is not None else (hit.severity or rule.meta.severity)
    snippet = ""
    digest = None
    if source is not None:
        digest = secret_digest(source, hit.secret_spans)
        if rule.quotes_source:
            snippet = cut_snippet(source, hit.span.start_line, hit.secret_spans)
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        path=hit.path or path,
        span=hit.span,
        message=hit.message or rule.meta.message,
        severity=severity,
        confidence=hit.confidence if hit.confidence is not None else rule.meta.confidence,
        entity=hit.entity,
        value=hit.value,
        related=hit.related,
        fix=hit.fix,
        secret_spans=hit.secret_spans,
        snippet=snippet,
        secret_digest=digest,
        unmistakable=hit.unmistakable,
        own_key=hit.own_key,
        marked_at=hit.marked_at,
        printed=hit.printed,
    )


def cut_snippet(source: SourceText, line_no: int, secret_spans: Sequence[Span]) -> str:
    """The one way a line of source becomes output: cut to SNIPPET_MAX, then masked.
    Masking keeps the length, so cutting first shows the same text, and a long line
    with many secrets costs each of its findings no more than SNIPPET_MAX."""
    line = source.line(line_no)
    head = line[: SNIPPET_MAX + _SHAPE_REACH]
    shown = tuple(s for s in secret_spans if s.start_line != line_no or s.start_col <= SNIPPET_MAX)
    head = _mask_shapes(mask_line(head, line_no, shown))[:SNIPPET_MAX]
    return head if len(line) <= SNIPPET_MAX else head + "…"


_SHAPE_REACH = 200  # characters past the cut read for a secret's shape crossing it


_SHAPES: list[re.Pattern[str]] = []


def _mask_shapes(line: str) -> str:
    """`line` with what has a secret's shape masked (past its first 4 characters): a
    token format of secret-token-committed, an AWS key id, a URL's password. Whatever
    rules ran: with secret-token-committed ignored (an in-tree config may ignore it),
    or a password no rule reports (`command: curl http://u:pw@host`), another rule's
    finding on that line must not print it."""
    if not _SHAPES:
        from ztlint.semantics.tokens import AWS_KEY_ID, any_format_source

        _SHAPES.append(
            re.compile(
                r"(?<=://)[^:/@\s]*:(?P<password>[^@/\s]+)@|"
                + any_format_source()
                + f"|(?:{AWS_KEY_ID.pattern})"
            )
        )

    def masked(m: re.Match[str]) -> str:
        text = m.group()
        if m.group("password") is not None:
            start = m.start("password") - m.start()
            return text[:start] + "*" * len(m.group("password")) + "@"
        return text[:4] + "*" * (len(text) - 4)

    return _SHAPES[0].sub(masked, line)


def secret_digest(source: SourceText, secret_spans: Sequence[Span]) -> str | None:
    """sha256 of a finding's secret text, for baselines (which store it only salted);
    never written to the cache (see for_cache)."""
    if not secret_spans:
        return None
    return hashlib.sha256(
        "\x00".join(_span_text(source, s) for s in secret_spans).encode("utf-8", "surrogatepass")
    ).hexdigest()


def _span_text(source: SourceText, span: Span) -> str:
    """The span's text, its lines joined with \\n whatever the file's line breaks."""
    lines = [source.line(n) for n in range(span.start_line, span.end_line + 1)]
    if not lines:
        return ""
    if len(lines) == 1:
        return lines[0][span.start_col - 1 : span.end_col - 1]
    return "\n".join([lines[0][span.start_col - 1 :], *lines[1:-1], lines[-1][: span.end_col - 1]])


class SecretLines:
    """The secret spans of one file, by the lines they cover: every snippet on such a
    line is masked with all of them, not only its own finding's (another rule's
    finding on a secret's line must not print it)."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = sorted(set(spans), key=lambda s: (s.start_line, s.end_line))
        self._starts = [s.start_line for s in self.spans]
        self._reach = max((s.end_line - s.start_line for s in self.spans), default=0)

    def on(self, line: int) -> tuple[Span, ...]:
        lo = bisect_left(self._starts, line - self._reach)
        hi = bisect_right(self._starts, line)
        return tuple(s for s in self.spans[lo:hi] if s.contains_line(line))


def mask_findings(findings: Sequence[Finding], source: SourceText | None) -> list[Finding]:
    """Findings whose snippet line holds any secret of the file, masked again with all
    of the file's secret spans."""
    secrets = SecretLines([s for f in findings for s in f.secret_spans])
    if source is None or not secrets.spans:
        return list(findings)
    out = []
    masked: dict[int, str | None] = {}  # per line: many findings on a line mask it once
    for f in findings:
        line = f.span.start_line
        if f.snippet:
            if line not in masked:
                spans = secrets.on(line)
                masked[line] = cut_snippet(source, line, spans) if spans else None
            snippet = masked[line]
            if snippet is not None:
                f = replace(f, snippet=snippet)
        out.append(f)
    return out


def mask_user_text(findings: list[Finding], source: SourceText | None) -> list[Finding]:
    """A user rule's message and entity may quote the file (`{value}`, a capture), and a
    rule folder may come with the scanned repository: the file's secrets, and anything
    of a secret's shape, are masked in them as in a snippet. ztlint's own rules quote no
    secret (their messages are unchanged)."""
    if not any(not f.rule_id.startswith("ZT") for f in findings):
        return findings
    secrets: set[str] = set()
    if source is not None:
        for f in findings:
            for span in f.secret_spans:
                # The value without its quotes; quoted in a message it is cut (to 60
                # characters, or 57 and "...").
                text = _span_text(source, span).strip().strip("\"'`")
                secrets.update(t for t in (text, text[:60], text[:57]) if len(t) >= 4)
    ordered = sorted(secrets, key=len, reverse=True)

    def masked(text: str) -> str:
        for secret in ordered:
            text = text.replace(secret, "*" * len(secret))
        return _mask_shapes(text)

    return [
        f
        if f.rule_id.startswith("ZT")
        else replace(
            f,
            message=masked(f.message),
            entity=None if f.entity is None else masked(f.entity),
        )
        for f in findings
    ]
