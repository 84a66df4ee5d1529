"""Reading `ztlint-expect:` annotations from fixtures.

A trailing annotation refers to its own line; one alone on a line (only a comment
leader before it) refers to the next line. JSON has no comments: a sidecar
`<file>.expect` names, per line, `RULE[severity]: <text>` where <text> occurs in
exactly one line of the fixture, or `RULE: @line N` for a binary file.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

EXPECT = re.compile(r"ztlint-expect:\s*(ZT\d{3}(?:\[\w+\])?(?:\s*,\s*ZT\d{3}(?:\[\w+\])?)*)")
ITEM = re.compile(r"(ZT\d{3})(?:\[(\w+)\])?")
ALONE = re.compile(r"^\s*(?:#|//|--|/\*|<!--|;)?\s*$")
SIDECAR = re.compile(r"^(ZT\d{3})(?:\[(\w+)\])?:\s*(.+)$")

Expected = Counter[tuple[int, str, str | None]]


def parse(path: Path, text: str) -> Expected:
    out: Expected = Counter()
    sidecar = path.with_name(path.name + ".expect")
    lines = text.splitlines()
    if sidecar.exists():
        for raw in sidecar.read_text(encoding="utf-8").splitlines():
            if not raw.strip():
                continue
            m = SIDECAR.match(raw.strip())
            assert m, f"{sidecar}: cannot read {raw!r}"
            explicit = re.fullmatch(r"@line (\d+)", m.group(3).strip())
            if explicit:  # binary files have no text to name
                out[(int(explicit.group(1)), m.group(1), m.group(2))] += 1
                continue
            hits = [i for i, line in enumerate(lines, 1) if m.group(3) in line]
            assert len(hits) == 1, f"{sidecar}: {m.group(3)!r} must occur in exactly one line"
            out[(hits[0], m.group(1), m.group(2))] += 1
        return out
    for number, line in enumerate(lines, 1):
        m = EXPECT.search(line)
        if m is None:
            continue
        target = number + 1 if ALONE.match(line[: m.start()]) else number
        for item in ITEM.finditer(m.group(1)):
            out[(target, item.group(1), item.group(2))] += 1
    return out
