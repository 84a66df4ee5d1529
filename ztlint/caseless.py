"""Case-insensitive search over a whole file, fast.

Python's `re` has no fast scan for a case-insensitive alternation: `(?i)a|b|c` tries
every alternative at every position, about nine times slower on source text than the
same alternation without `(?i)` run over the lowercased text (measured on istio's Go
files: 0.41 s against 0.05 s for 6.9 MB). For ASCII text the two find the same matches
at the same positions; text with other characters keeps the `(?i)` pattern, whose
Unicode case rules (long s U+017F matches `s`, Kelvin U+212A matches `k`) lowercasing does not reproduce.
"""

from __future__ import annotations

import re
from collections.abc import Iterator


class Caseless:
    """A pattern written in lowercase, searched without regard to case."""

    def __init__(self, pattern: str) -> None:
        if pattern != pattern.lower():
            # `\S` would become `\s`: the pattern is used as written on lowercased text.
            raise ValueError(f"write the pattern in lowercase: {pattern!r}")
        self.lowered = re.compile(pattern)
        self.folded = re.compile(pattern, re.IGNORECASE)

    def search(self, text: str, lower: str | None = None) -> re.Match[str] | None:
        """The first match; `lower` is `text.lower()` when the caller has it."""
        if text.isascii():
            return self.lowered.search(text.lower() if lower is None else lower)
        return self.folded.search(text)

    def finditer(self, text: str, lower: str | None = None) -> Iterator[re.Match[str]]:
        """Matches with positions in `text` (groups read from the lowercased text)."""
        if text.isascii():
            return self.lowered.finditer(text.lower() if lower is None else lower)
        return self.folded.finditer(text)
