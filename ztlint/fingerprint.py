"""Fingerprints that survive edits elsewhere in a file: computed from the rule and the
masked, whitespace-normalised text of the finding's first line, never from its line
number, plus the order of identical occurrences within the file."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ztlint.model import Finding


def line_hash(finding: Finding) -> str:
    normalised = " ".join(finding.snippet.split())
    digest = hashlib.sha256(f"{finding.rule_id}\x00{normalised}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def primary_fingerprints(findings: Sequence[Finding]) -> list[str]:
    """`<hash>:<occurrence>` per finding, in the given (sorted) order."""
    counts: dict[tuple[str, str, str], int] = {}
    out = []
    for f in findings:
        h = line_hash(f)
        key = (f.path, f.rule_id, h)
        counts[key] = counts.get(key, 0) + 1
        out.append(f"{h}:{counts[key]}")
    return out
