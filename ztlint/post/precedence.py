"""One finding per problem: a less specific finding that overlaps a more specific one
(PRECEDENCE names the pairs) is dropped, and so are exact duplicates."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from ztlint.model import Finding

# (more specific, less specific): where both report the same place, keep the first.
PRECEDENCE: tuple[tuple[str, str], ...] = (
    ("private-key-committed", "kubernetes-secret-committed"),
    ("private-key-committed", "secret-token-committed"),
    ("private-key-committed", "hardcoded-credential"),
    ("kubernetes-secret-committed", "secret-token-committed"),
    ("kubernetes-secret-committed", "hardcoded-credential"),
    ("secret-token-committed", "hardcoded-credential"),
    ("hardcoded-credential", "credentials-in-environment"),
    ("docker-socket-mount", "sensitive-host-mount"),
    ("tls-verification-disabled", "plaintext-transport"),
)


def apply_precedence(findings: Iterable[Finding]) -> list[Finding]:
    """Drop a less specific finding that overlaps a more specific one on the same
    lines of the same file, and exact duplicates (a shared YAML anchor). Findings at one
    span about different settings (a values block a Helm template prints on one line)
    are not duplicates."""
    items = list(findings)
    losers: dict[str, set[str]] = {}
    for winner, loser in PRECEDENCE:
        losers.setdefault(loser, set()).add(winner)
    lines = _winner_lines(items, {w for w, _ in PRECEDENCE})
    out = []
    seen: set[tuple[str, str, object, str | None]] = set()
    for f in items:
        key = (f.rule_id, f.path, f.span, f.value)
        if key in seen:
            continue
        seen.add(key)
        winners = losers.get(f.rule_name)
        if winners and any(
            _covers(lines.get((f.path, w)), f.span.start_line, f.span.end_line) for w in winners
        ):
            continue
        out.append(f)
    return out


def _winner_lines(
    items: list[Finding], names: set[str]
) -> dict[tuple[str, str], tuple[list[int], list[int]]]:
    """Per file and winning rule, the lines its findings cover: disjoint line ranges
    (starts, ends), sorted, so that a loser is judged in log time (not against every
    finding of its file: a hostile file's thousands of secrets on one line)."""
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for f in items:
        if f.rule_name in names:
            spans.setdefault((f.path, f.rule_name), []).append((f.span.start_line, f.span.end_line))
    out = {}
    for key, ranges in spans.items():
        starts: list[int] = []
        ends: list[int] = []
        for lo, hi in sorted(ranges):
            if ends and lo <= ends[-1]:
                ends[-1] = max(ends[-1], hi)
            else:
                starts.append(lo)
                ends.append(hi)
        out[key] = (starts, ends)
    return out


def _covers(lines: tuple[list[int], list[int]] | None, lo: int, hi: int) -> bool:
    """Whether a range of `lines` meets lines lo..hi."""
    if lines is None:
        return False
    starts, ends = lines
    i = bisect_right(starts, hi) - 1
    return i >= 0 and ends[i] >= lo
