"""Reading `ztlint-expect:` and `ztlint-todo:` annotations from fixtures.

A trailing annotation refers to its own line; one alone on a line (only a comment
leader before it) refers to the next line. JSON has no comments: a sidecar
`<file>.expect` names, per line, `RULE[severity]: <text>` where <text> occurs in
exactly one line of the fixture, or `RULE: @line N` for a binary file.

`ztlint-todo: ZT101` (same syntax as `ztlint-expect`) marks a known gap: the line
should be reported but is not yet. The fixture test asserts it is still not reported,
so closing the gap fails the test until the todo becomes an expect.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

_BRACKET = r"(?:\[\w*(?:/\w+)?\])?"
_ITEMS = rf"(ZT\d{{3}}{_BRACKET}(?:\s*,\s*ZT\d{{3}}{_BRACKET})*)"
EXPECT = re.compile(rf"ztlint-expect:\s*{_ITEMS}")
TODO = re.compile(rf"ztlint-todo:\s*{_ITEMS}")
ITEM = re.compile(r"(ZT\d{3})(?:\[(\w*)(?:/(\w+))?\])?")
ALONE = re.compile(r"^\s*(?:#|//|--|/\*|<!--|;)?\s*$")
SIDECAR = re.compile(r"^(ZT\d{3})(?:\[(\w*)(?:/(\w+))?\])?:\s*(.+)$")

# (line, rule, severity or None for the rule's, confidence or None for "shown by
# default"): `ZT101[medium/medium]`, `ZT204[/medium]`, `ZT201[critical]`.
Expected = Counter[tuple[int, str, str | None, str | None]]


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
            rule, sev, conf, what = m.group(1), m.group(2) or None, m.group(3), m.group(4)
            explicit = re.fullmatch(r"@line (\d+)", what.strip())
            if explicit:  # binary files have no text to name
                out[(int(explicit.group(1)), rule, sev, conf)] += 1
                continue
            hits = [i for i, line in enumerate(lines, 1) if what in line]
            assert len(hits) == 1, f"{sidecar}: {what!r} must occur in exactly one line"
            out[(hits[0], rule, sev, conf)] += 1
        return out
    return _inline(lines, EXPECT)


def parse_todo(text: str) -> Expected:
    """The known gaps a fixture marks with `ztlint-todo:` (inline only: a JSON fixture
    has no comments, and its sidecar names what is reported)."""
    return _inline(text.splitlines(), TODO)


def _inline(lines: list[str], marker: re.Pattern[str]) -> Expected:
    out: Expected = Counter()
    for number, line in enumerate(lines, 1):
        m = marker.search(line)
        if m is None:
            continue
        target = number + 1 if ALONE.match(line[: m.start()]) else number
        for item in ITEM.finditer(m.group(1)):
            out[(target, item.group(1), item.group(2) or None, item.group(3))] += 1
    return out
