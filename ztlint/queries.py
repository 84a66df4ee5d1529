"""Declarative detectors: tree-sitter queries from a rule folder.

Each pattern captures the reported node as `@finding` and sets its metadata with
`#set!` directives:

    ((call_expression ...) @finding
     (#eq? @method "verify_peer")
     (#set! message "quiche Config::verify_peer(false) turns off certificate checks")
     (#set! confidence "high")
     (#set! guard "go-tls-verified-elsewhere"))

`message` may name captures in braces (`{method}`); `span-from` names a capture where
the reported span starts (the method of a builder chain split over lines, rather than
the receiver); `fix-capture`, `fix-text` and `fix-description` give a mechanical
fix that replaces the captured node; `guard` names a function in
`ztlint.checks.BUILTINS` (its guards) for the semantics a query cannot express (a callback that
really verifies): it keeps the match (True), drops it (False), caps its confidence (a
Confidence), or caps confidence and severity (a (Confidence, Severity) pair, or a
(Confidence, Severity, message) triple that also words the finding, naming the switch
of a gated mode).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from tree_sitter import Node, QueryCursor

from ztlint.model import Confidence, Edit, Fix, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class QueryRunner:
    """Picklable: the query is compiled in whichever process runs it."""

    language: str
    source: str
    origin: str  # the .scm file, for error messages
    # Matches tree-sitter keeps in progress at once (0: its default, no limit). A user's
    # query gets a small one, so that quantified wildcards cannot blow up (ztlint.userrules).
    match_limit: int = 0

    def __call__(self, ctx: FileContext) -> Iterator[Hit]:
        from ztlint.checks import BUILTINS

        query = code.compile_query(self.language, self.source)
        tree = ctx.tree()
        seen: set[tuple[int, int]] = set()
        cursor = QueryCursor(query, match_limit=self.match_limit or 0xFFFFFFFF)
        for index, captures in cursor.matches(tree.root_node):
            found = captures.get("finding")
            if not found:
                continue
            node = found[0]
            key = (node.start_byte, node.end_byte)
            if key in seen:
                continue
            settings = query.pattern_settings(index)
            confidence = _confidence(settings.get("confidence"))
            guard_name = settings.get("guard")
            severity_text = settings.get("severity")
            severity = Severity.parse(str(severity_text)) if severity_text else None
            message = _format(str(settings.get("message") or ""), ctx, captures)
            if guard_name:
                guard = BUILTINS.guard(str(guard_name))
                if guard is None:
                    raise KeyError(f"no guard named {guard_name!r}")
                verdict = guard(ctx, captures)
                if verdict is False:
                    continue
                cap = verdict[1] if isinstance(verdict, tuple) else None
                if isinstance(verdict, tuple) and len(verdict) == 3:
                    message = verdict[2]
                verdict = verdict[0] if isinstance(verdict, tuple) else verdict
                if isinstance(verdict, Confidence):
                    confidence = verdict if confidence is None else min(confidence, verdict)
                if cap is not None:
                    severity = cap if severity is None else min(severity, cap)
            seen.add(key)
            span = code.node_span(ctx.source, node)
            anchor = captures.get(str(settings.get("span-from") or ""))
            if anchor:
                start = code.node_span(ctx.source, anchor[0])
                span = replace(span, start_line=start.start_line, start_col=start.start_col)
            yield Hit(
                span=span,
                message=message,
                severity=severity,
                confidence=confidence,
                fix=_fix(ctx, settings, captures),
            )


def _fix(
    ctx: FileContext, settings: Mapping[str, object], captures: dict[str, list[Node]]
) -> Fix | None:
    """`#set! fix-capture "arg"` with `fix-text` and `fix-description`: replace the
    captured node's text."""
    target = captures.get(str(settings.get("fix-capture") or ""))
    if not target or "fix-text" not in settings:
        return None
    edit = Edit(ctx.path, code.node_span(ctx.source, target[0]), str(settings["fix-text"]))
    return Fix(str(settings.get("fix-description") or "apply the suggested change"), (edit,))


def _confidence(value: object) -> Confidence | None:
    return Confidence.parse(str(value)) if value else None


def _format(template: str, ctx: FileContext, captures: dict[str, list[Node]]) -> str:
    def repl(m: re.Match[str]) -> str:
        nodes = captures.get(m.group(1))
        if not nodes:
            return m.group(0)
        text = " ".join(code.node_text(ctx.source, nodes[0]).split())
        return text if len(text) <= 60 else text[:57] + "..."

    return _PLACEHOLDER.sub(repl, template)
