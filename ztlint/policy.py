"""Policies every rule shares (CATALOG.md): where a file comes from (provenance), test
code, and one finding per problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ztlint.globs import match_any
from ztlint.model import Finding
from ztlint.provenance import EXAMPLE, NOT_CHECKED, PRODUCTION, TEST

# Check modes of a file (check_mode): every rule, the secret rules only, none.
CHECK_ALL = "all"
CHECK_SECRETS = "secrets"
CHECK_NONE = "none"
# The rules whose findings can be unmistakable (a secret wherever it sits): they alone
# run on test, example and docs files by default.
SECRET_RULES = ("ZT201", "ZT202")
PRIVATE_KEY_RULE = "ZT201"


def check_mode(origin: str, check_nonproduction: bool) -> str:
    """Which rules run on a file of this provenance: vendored and generated code is not
    checked; test, example and docs files get the secret rules only, unless their
    findings are to be reported (--include-nonproduction)."""
    if origin == PRODUCTION:
        return CHECK_ALL
    if origin in NOT_CHECKED:
        return CHECK_NONE
    return CHECK_ALL if check_nonproduction else CHECK_SECRETS


def runs(rule_id: str, mode: str) -> bool:
    return mode == CHECK_ALL or (mode == CHECK_SECRETS and rule_id in SECRET_RULES)


def unmistakable(finding: Finding, origin: str) -> bool:
    """A secret reported wherever it sits, at full severity: a token whose checksum
    verified, or a private key not documented as a test key (a key in test or example
    code is documented as one by its place; in docs, by the words around it)."""
    if not finding.unmistakable:
        return False
    return not (origin in (TEST, EXAMPLE) and finding.rule_id == PRIVATE_KEY_RULE)


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
