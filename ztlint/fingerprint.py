"""Fingerprints that survive edits elsewhere in a file and reformatting: computed from
the rule, the message (which names the entity: a cluster, a service, a function) and the
masked text of the finding's first line with all whitespace removed, never from its
line number, plus the order of identical occurrences within the file."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ztlint.model import Finding


def line_hash(finding: Finding) -> str:
    normalised = "".join(finding.snippet.split()) or finding.anchor
    text = f"{finding.rule_id}\x00{finding.message}\x00{normalised}"
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
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
