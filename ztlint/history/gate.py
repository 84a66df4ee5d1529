"""Which blobs of a history scan need parsing: a blob whose added lines hold no trigger
of a history rule can hold no secret its path's earlier version did not."""

from __future__ import annotations

from typing import Any

from ztlint import plan as plan_mod


class Gate:
    """Whether a blob can hold a secret its path's earlier version did not. A blob is
    parsed when it is the first version read at its path, binary or in a wide encoding,
    or when the lines it adds to the previous version read at that path hold a trigger
    string of a history rule (as the engine's prefilter admits a detector). Otherwise
    every line that could carry a secret was already in the earlier version, whose scan
    (in this run or an earlier one) reported it at the commit that introduced it: the
    same secret again is the same finding. Only the previous version's lines are kept.

    In source code the broad credential words (`key`, `token`, `secret`: ZT204 and
    ZT205, which report a literal bound to a credential name) count only on an added
    line that holds a string literal: a new credential in code is a new literal. Token
    prefixes and private keys count on any added line."""

    _BROAD = frozenset({"ZT204", "ZT205"})
    _CODE = frozenset({"go", "python", "rust", "javascript", "typescript", "tsx", "swift"})
    _QUOTES = (b'"', b"'", b"`")

    def __init__(self, plan: plan_mod.Plan) -> None:
        text = [
            (r.id, d)
            for r in plan.rules
            for d in r.detectors
            if d.kinds - {"binary"} and not d.binary
        ]
        self.narrow = [d for rid, d in text if rid not in self._BROAD]
        self.broad = [d for rid, d in text if rid in self._BROAD]
        self.path: str | None = None
        self.lines: set[bytes] = set()

    def remember(self, path: str, data: bytes) -> None:
        self.path, self.lines = path, set(data.split(b"\n"))

    def unchanged(self, path: str, data: bytes) -> bool:
        from ztlint.classify import classify_name

        previous = self.lines if path == self.path else None
        self.remember(path, data)
        if previous is None or b"\x00" in data[:8192]:
            return False
        added = [line for line in self.lines if line not in previous]
        if not added:
            return True
        if _admits(b"\n".join(added), self.narrow):
            return False
        if classify_name(path)[1] in self._CODE:
            added = [line for line in added if any(q in line for q in self._QUOTES)]
        return not (added and _admits(b"\n".join(added), self.broad))


def _admits(text: bytes, detectors: list[Any]) -> bool:
    from ztlint.triggers import Triggers

    found = Triggers(text.decode("utf-8", "replace"))
    return any(found.admits(d.triggers, d.confirm, d.any_case) for d in detectors)
