"""The documents a file embeds (ztlint.embedded: a script in a workflow, a config in a
Helm value), each read by the detectors of its own kinds, its findings mapped back
onto the file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ztlint import embedded
from ztlint.embedded import Embedded
from ztlint.model import Finding, Notification, Related
from ztlint.notices import rule_failed as _rule_failed
from ztlint.parsers.budget import OverBudget
from ztlint.parsers.data import ParseFailure
from ztlint.rule import FileContext, Hit
from ztlint.scan.dispatch import Dispatch
from ztlint.scan.findings import (
    make_finding,
)
from ztlint.triggers import Triggers


def embedded_findings(
    ctx: FileContext,
    dispatch: Dispatch,
    mode: str,
    outer: Sequence[Finding],
    notes: list[Notification],
) -> list[Finding]:
    """The findings in the documents a file embeds (ztlint.embedded): each is read as
    a file of its own kinds by the detectors of those kinds, and its spans are mapped
    back onto the file. A problem the file's own detectors already reported on a line
    is not reported again."""
    try:
        found = ctx.memo("embedded", lambda: embedded.find(ctx))
    except OverBudget as over:
        ctx.parse_notes.append(over)
        return []
    except ParseFailure:
        return []  # the file itself did not parse: reported once, with the others
    except Exception as exc:  # a bug here must not stop the scan
        notes.append(_rule_failed("embedded", "find", ctx.path, exc))
        return []
    reported = {(f.rule_id, f.span.start_line) for f in outer}
    out: list[Finding] = []
    hits: list[tuple[Any, Hit, Embedded]] = []
    for emb in found:
        sub = FileContext(
            ctx.path,
            emb.kinds,
            emb.parser,
            emb.source,
            documents=list(emb.documents) if emb.documents is not None else None,
        )
        triggered = Triggers(emb.source.text)
        for rule, detectors, _check, options in dispatch.applicable(emb.kinds, False, mode):
            for det in detectors:
                if not triggered.admits(det.triggers, det.confirm, det.any_case):
                    continue
                sub.options = options
                try:
                    if det.gate is not None and not det.gate(sub):
                        continue
                    found_hits = [emb.hit(h, ctx.path) for h in det.run(sub)]
                except ParseFailure:
                    continue  # an embedded text that is no configuration after all
                except Exception as exc:
                    notes.append(_rule_failed(rule.id, det.name, ctx.path, exc))
                    continue
                for h in found_hits:
                    key = (rule.id, h.span.start_line)
                    if key in reported:
                        continue
                    reported.add(key)
                    hits.append((rule, h, emb))
    for rule, h, emb in _grouped(hits, ctx.path):
        finding = make_finding(rule, h, ctx.path, ctx.source, dispatch.plan)
        if h.entity:
            finding = replace(finding, entity_lines=(emb.first_line, emb.last_line))
        out.append(finding)
    return out


def _grouped(hits: list[tuple[Any, Hit, Embedded]], path: str) -> list[tuple[Any, Hit, Embedded]]:
    """One hit per rule and group (Hit.group) across the file's documents: the first,
    the others its related locations, its message counting them."""
    first: dict[tuple[str, str], int] = {}
    more: dict[int, int] = {}
    merged: list[tuple[Any, Hit, Embedded]] = []
    for rule, h, emb in hits:
        key = (rule.id, h.group or "")
        if h.group is None or key not in first:
            if h.group is not None:
                first[key] = len(merged)
            merged.append((rule, h, emb))
            continue
        at = first[key]
        head_rule, head, head_emb = merged[at]
        extra = (Related(path, h.span, h.message), *h.related)
        merged[at] = (head_rule, replace(head, related=head.related + extra), head_emb)
        more[at] = more.get(at, 0) + 1
    for at, count in more.items():
        rule, h, emb = merged[at]
        parts = "part" if count == 1 else "parts"
        message = (
            f"{h.message} (the same in {count} more {parts} of this file: its related locations)"
        )
        merged[at] = (rule, replace(h, message=message), emb)
    return merged
