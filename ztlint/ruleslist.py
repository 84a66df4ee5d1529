"""`ztlint rules`: every rule with its id, name, severity, what it reads and where it
comes from (built-in, a rule folder's path, a plugin's name and version)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ztlint.rule import Rule
from ztlint.rulesources import origin


def render(rules: Sequence[Rule], fmt: str) -> str:
    if fmt == "json":
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "title": r.meta.title,
                "severity": r.meta.severity.label,
                "confidence": r.meta.confidence.label,
                "cwe": r.meta.cwe,
                "reads": list(r.covers),
                "origin": origin(r),
            }
            for r in rules
        ]
        return json.dumps(rows, indent=2) + "\n"
    from ztlint.gitrun import safe_text  # a folder's path may hold control characters

    width = max(len(r.name) for r in rules)
    reads_width = max(len(", ".join(r.covers) or "engine") for r in rules)
    lines = []
    for r in rules:
        reads = ", ".join(r.covers) or "engine"
        lines.append(
            f"{r.id}  {r.name:<{width}}  {r.meta.severity.label:<8}  {reads:<{reads_width}}"
            f"  {safe_text(origin(r))}".rstrip()
        )
    return "\n".join(lines) + "\n"
