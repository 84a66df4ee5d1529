"""Policies every rule shares (CATALOG.md): test code, and one finding per problem."""

from __future__ import annotations

from collections.abc import Iterable

from ztlint.globs import match_any
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


def is_test_path(path: str, patterns: tuple[str, ...]) -> bool:
    return match_any(patterns, path)


def apply_precedence(findings: Iterable[Finding]) -> list[Finding]:
    """Drop a less specific finding that overlaps a more specific one on the same
    lines of the same file, and exact duplicates (a shared YAML anchor)."""
    items = list(findings)
    losers: dict[str, set[str]] = {}
    for winner, loser in PRECEDENCE:
        losers.setdefault(loser, set()).add(winner)
    by_place: dict[str, list[Finding]] = {}
    for f in items:
        by_place.setdefault(f.path, []).append(f)
    out = []
    seen: set[tuple[str, str, object]] = set()
    for f in items:
        key = (f.rule_id, f.path, f.span)
        if key in seen:
            continue
        seen.add(key)
        winners = losers.get(f.rule_name)
        if winners and any(
            o.rule_name in winners and o.span.overlaps(f.span) for o in by_place[f.path]
        ):
            continue
        out.append(f)
    return out
