"""Policies every rule shares (CATALOG.md): where a file comes from (provenance), test
code, and one finding per problem."""

from __future__ import annotations

from dataclasses import replace

from ztlint.globs import match_any
from ztlint.model import Finding
from ztlint.provenance import DATA, DOCS, NOT_CHECKED, PRODUCTION

# Check modes of a file (check_mode): every rule, or the secret rules only.
CHECK_ALL = "all"
CHECK_SECRETS = "secrets"
# The rules whose findings can be unmistakable (a secret wherever it sits): they alone
# run on test, example and docs files by default.
SECRET_RULES = ("ZT201", "ZT202")
PRIVATE_KEY_RULE = "ZT201"


def check_mode(origin: str, check_nonproduction: bool) -> str:
    """Which rules run on a file of this provenance: production code gets every rule;
    vendored and generated code, and data (lock files, translation catalogues), the
    secret rules only, for the unmistakable secrets that are reported wherever they sit (a checksummed token committed in a vendored file is
    leaked all the same); test, example and docs files the secret rules only too, unless
    their findings are to be reported (--include-nonproduction)."""
    if origin == PRODUCTION:
        return CHECK_ALL
    if origin in NOT_CHECKED or origin == DATA or not check_nonproduction:
        return CHECK_SECRETS
    return CHECK_ALL


def runs(rule_id: str, mode: str) -> bool:
    return mode == CHECK_ALL or (mode == CHECK_SECRETS and rule_id in SECRET_RULES)


def unmistakable(finding: Finding, origin: str) -> bool:
    """A secret reported wherever it sits, at full severity: a token whose checksum
    verified, or a private key not documented as a test key (a key in test or example
    code is documented as one by its place, and one in vendored or generated code is a
    library's own test or sample key; in docs, the words around it decide). Key material
    its owner generates with a checksummed format (an age identity) is a key like any
    other: a service-issued token (GitHub, npm) grants an account's access wherever it
    is pasted, a generated key protects nothing until someone deploys it."""
    if not finding.unmistakable:
        return False
    own_key = finding.rule_id == PRIVATE_KEY_RULE or finding.own_key
    return not own_key or origin in (PRODUCTION, DOCS)


def place(finding: Finding, origin: str, show_nonproduction: bool) -> Finding | None:
    """The finding as reported given its file's provenance, or None when it is not
    shown: production findings as they are, unmistakable secrets at full severity,
    the rest only with --include-nonproduction, as test code (level note)."""
    if origin == PRODUCTION:
        return finding
    if origin == DATA:
        # Lock files and translation catalogues: data only the secret rules read; a
        # token or key in one is committed all the same.
        return replace(finding, provenance=origin) if finding.rule_id in SECRET_RULES else None
    if unmistakable(finding, origin):
        return replace(finding, provenance=origin)
    if origin in NOT_CHECKED or not show_nonproduction:
        return None
    return replace(finding, provenance=origin, in_test_code=True)


def is_test_path(path: str, patterns: tuple[str, ...]) -> bool:
    return match_any(patterns, path)
