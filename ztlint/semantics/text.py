"""Questions rules ask of a file's whole text: a pattern in any case, which of some
words occur, a word after qualifier words.

Rules ask here rather than of the prefilter's machinery (ztlint.caseless, ztlint.triggers),
which this module uses for speed: how a search is made fast is the prefilter's business
and may change under the rules without their noticing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from ztlint import caseless
from ztlint.triggers import TriggerIndex


class AnyCase:
    """A pattern written in lowercase, searched without regard to case (as with
    `re.IGNORECASE`, usually far faster: see ztlint.caseless)."""

    __slots__ = ("_pattern",)

    def __init__(self, pattern: str) -> None:
        self._pattern = caseless.Caseless(pattern)

    def search(self, text: str, lower: str | None = None) -> re.Match[str] | None:
        """The first match; `lower` is `text.lower()` when the caller has it."""
        return self._pattern.search(text, lower)

    def finditer(self, text: str, lower: str | None = None) -> Iterator[re.Match[str]]:
        """Matches with positions in `text`."""
        return self._pattern.finditer(text, lower)


class WordSet:
    """Which of some strings occur in a text, found together in one pass."""

    __slots__ = ("_index", "_others")

    def __init__(self, words: Iterable[str]) -> None:
        wanted = frozenset(w for w in words if w)
        self._index = TriggerIndex.build(wanted)
        # Strings of common characters only, which the pass does not find: by `in`.
        self._others = tuple(sorted(wanted - self._index.indexed))

    def present(self, text: str) -> set[str]:
        """The strings of the set that occur in `text` (exactly what `in` says)."""
        found = self._index.present(text)
        found.update(w for w in self._others if w in text)
        return found


def lowering_is_exact(text: str) -> bool:
    """Whether `text.lower()` keeps every offset and holds every match a lowercase
    pattern would find in `text` with `re.IGNORECASE`."""
    return caseless.lowering_is_exact(text)


def after_words(
    lower: str, word: str, before: tuple[str, ...], separator: Callable[[str], bool]
) -> Iterator[int]:
    """The places of `word` in a lowercased text that follow one of the `before` words
    with only separator characters between (`api_key`, `signing key`)."""
    return caseless.after_words(lower, word, before, separator)
