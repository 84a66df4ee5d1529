"""Policies every rule shares (CATALOG.md): where a file comes from (provenance), test
code, and one finding per problem."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import replace

from ztlint.globs import match_any
from ztlint.model import Finding
from ztlint.provenance import DOCS, NOT_CHECKED, PRODUCTION

# Check modes of a file (check_mode): every rule, or the secret rules only.
CHECK_ALL = "all"
CHECK_SECRETS = "secrets"
# The rules whose findings can be unmistakable (a secret wherever it sits): they alone
# run on test, example and docs files by default.
SECRET_RULES = ("ZT201", "ZT202")
PRIVATE_KEY_RULE = "ZT201"


def check_mode(origin: str, check_nonproduction: bool) -> str:
    """Which rules run on a file of this provenance: production code gets every rule;
    vendored and generated code the secret rules only, for the unmistakable secrets that
    are reported wherever they sit (a checksummed token committed in a vendored file is
    leaked all the same); test, example and docs files the secret rules only too, unless
    their findings are to be reported (--include-nonproduction)."""
    if origin == PRODUCTION:
        return CHECK_ALL
    if origin in NOT_CHECKED or not check_nonproduction:
        return CHECK_SECRETS
    return CHECK_ALL


def runs(rule_id: str, mode: str) -> bool:
    return mode == CHECK_ALL or (mode == CHECK_SECRETS and rule_id in SECRET_RULES)


def unmistakable(finding: Finding, origin: str) -> bool:
    """A secret reported wherever it sits, at full severity: a token whose checksum
    verified, or a private key not documented as a test key (a key in test or example
    code is documented as one by its place, and one in vendored or generated code is a
    library's own test or sample key; in docs, the words around it decide)."""
    if not finding.unmistakable:
        return False
    return finding.rule_id != PRIVATE_KEY_RULE or origin in (PRODUCTION, DOCS)


def place(finding: Finding, origin: str, show_nonproduction: bool) -> Finding | None:
    """The finding as reported given its file's provenance, or None when it is not
    shown: production findings as they are, unmistakable secrets at full severity,
    the rest only with --include-nonproduction, as test code (level note)."""
    if origin == PRODUCTION:
        return finding
    if unmistakable(finding, origin):
        return replace(finding, provenance=origin)
    if origin in NOT_CHECKED or not show_nonproduction:
        return None
    return replace(finding, provenance=origin, in_test_code=True)


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
