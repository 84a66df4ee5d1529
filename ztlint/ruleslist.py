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

    origins = [safe_text(origin(r)) for r in rules]
    id_width = max(len(r.id) for r in rules)
    width = max(len(r.name) for r in rules)
    origin_width = max(len(o) for o in origins)
    lines = []
    for r, where in zip(rules, origins, strict=True):
        reads = ", ".join(r.covers) or "engine"
        lines.append(
            f"{r.id:<{id_width}}  {r.name:<{width}}  {r.meta.severity.label:<8}  "
            f"{where:<{origin_width}}  {reads}"
        )
    return "\n".join(lines) + "\n"
