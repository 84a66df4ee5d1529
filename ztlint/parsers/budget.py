"""The parse budget: a file is parsed only if its syntax tree stays small.

A parser's memory grows with the nodes it builds, and a tree-sitter parse runs in C,
where the per-file alarm cannot interrupt it: a 1.9 MB Python call of a million
arguments took 16 s and 627 MiB. Before parsing, the tokens (words and punctuation
marks: each node of a tree holds at least one) are counted in one pass of C; a file of
more than MAX_PARSE_TOKENS is not parsed, and the scan says so (ztlint.engine treats
it as a file a budget left unchecked).
"""

from __future__ import annotations

import re

from ztlint.parsers.data import ParseFailure

# About 150 MiB of tree-sitter nodes; the largest source file of istio has 70,000.
MAX_PARSE_TOKENS = 300_000

_TOKEN = re.compile(r"\w+|[^\w\s]")


class OverBudget(ParseFailure):
    """A file with too many tokens to parse within the memory budget."""


def over_budget(text: str, limit: int = MAX_PARSE_TOKENS) -> OverBudget | None:
    """An OverBudget failure when `text` holds more than `limit` tokens, else None.
    Texts no longer than the limit are not counted (each token is a character at
    least)."""
    if len(text) <= limit:
        return None
    tokens = _TOKEN.subn("", text)[1]
    if tokens <= limit:
        return None
    return OverBudget(
        f"not parsed: {tokens:,} tokens, more than the parse budget of {limit:,}; "
        "rules that read its syntax did not run"
    )
