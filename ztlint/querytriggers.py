"""The triggers a tree-sitter query implies, derived from its text.

A query detector reports only through a pattern that matched, and a pattern matches
only when every text predicate on a capture it always makes holds. So a predicate that
fixes a capture's text to literals (`#eq? @field "InsecureSkipVerify"`, `#any-of?`, a
`#match?` whose regex cannot match without one of some literals) names strings one of
which occurs in the file's text whenever the pattern matches (a node's text is a slice
of the file's text). One such set per pattern, joined over the patterns, is a trigger
set that never says no to a file the detector could report on.

Only what is certain counts: a capture inside an alternative or under a `?`/`*`
quantifier may be absent from a match (its predicates then say nothing), negated and
capture-to-capture predicates fix nothing, and a regex this module cannot read whole
(inline flags, look-arounds, character escapes) gives no literals. A query with a
pattern that yields no literal has no derived triggers (None): its detector keeps the
triggers its rule.yaml writes, or runs on every file of its kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# --- the query text ---------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|;[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<open>[(\[])
  | (?P<close>[)\]])
  | (?P<quant>[?*+])
  | (?P<capture>@[\w.\-]+)
  | (?P<atom>\#[\w.\-]+[?!]?|[^\s()\[\]"@;?*+]+)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0"}


@dataclass
class _Group:
    bracket: str  # "(" or "["
    items: list[_Item]


@dataclass(frozen=True)
class _Leaf:
    kind: str  # string, quant, capture, atom
    text: str


_Item = _Group | _Leaf


class QuerySyntax(ValueError):
    pass


def _unquote(token: str) -> str:
    """A query string's value: tree-sitter reads `\\n`, `\\r`, `\\t`, `\\0` as control
    characters and any other escaped character as itself."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), token[1:-1], flags=re.S)


def _parse(source: str) -> list[_Item]:
    stack: list[_Group] = [_Group("", [])]
    at = 0
    while at < len(source):
        m = _TOKEN.match(source, at)
        if m is None:
            raise QuerySyntax(f"unreadable query text at offset {at}")
        at = m.end()
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "space":
            continue
        if kind == "open":
            group = _Group(text, [])
            stack[-1].items.append(group)
            stack.append(group)
        elif kind == "close":
            if len(stack) == 1 or {"(": ")", "[": "]"}[stack[-1].bracket] != text:
                raise QuerySyntax(f"unbalanced {text!r} at offset {m.start()}")
            stack.pop()
        elif kind == "string":
            stack[-1].items.append(_Leaf(kind, _unquote(text)))
        else:
            stack[-1].items.append(_Leaf(kind, text))
    if len(stack) != 1:
        raise QuerySyntax("unbalanced parentheses")
    return stack[0].items


def _is_predicate(item: _Item) -> bool:
    return (
        isinstance(item, _Group)
        and item.bracket == "("
        and bool(item.items)
        and isinstance(item.items[0], _Leaf)
        and item.items[0].kind == "atom"
        and item.items[0].text.startswith("#")
    )


def _next(items: list[_Item], i: int, kind: str) -> _Leaf | None:
    item = items[i] if i < len(items) else None
    return item if isinstance(item, _Leaf) and item.kind == kind else None


def _walk(items: list[_Item], optional: bool, sure: set[str], predicates: list[_Group]) -> None:
    """Collect the captures every match of the pattern makes (`sure`) and its
    predicates (hoisted to the pattern wherever they are written, as tree-sitter
    does)."""
    i = 0
    while i < len(items):
        item = items[i]
        i += 1
        if isinstance(item, _Group) and _is_predicate(item):
            predicates.append(item)
            continue
        if isinstance(item, _Leaf) and (
            item.kind in ("quant", "capture")  # stray: taken with their element below
            or (item.kind == "atom" and (item.text == "." or item.text[-1] == ":"))
            or (item.kind == "atom" and item.text[0] == "!")
        ):
            continue  # an anchor, a field name, a negated field
        # An element (a node, a group, an alternation, a literal token): its
        # quantifiers, then its captures.
        quantifiers = ""
        while (q := _next(items, i, "quant")) is not None:
            quantifiers += q.text
            i += 1
        mine = optional or "?" in quantifiers or "*" in quantifiers
        while (c := _next(items, i, "capture")) is not None:
            if not mine:
                sure.add(c.text[1:])
            i += 1
        if isinstance(item, _Group) and item.bracket == "[":
            # An alternation: a capture is made whichever branch matched only when
            # every branch makes it (`[(identifier) @key (string (_) @key)]`).
            branches = []
            for unit in _units(item.items):
                made: set[str] = set()
                _walk(unit, mine, made, predicates)
                branches.append(made)
            if branches and not mine:
                sure |= set.intersection(*branches)
        elif isinstance(item, _Group):
            _walk(item.items, mine, sure, predicates)


def _units(items: list[_Item]) -> Iterator[list[_Item]]:
    """An alternation's branches: each element with its quantifiers and captures
    (predicates written among them stand alone)."""
    unit: list[_Item] = []
    for item in items:
        if isinstance(item, _Leaf) and item.kind in ("quant", "capture") and unit:
            unit.append(item)
            continue
        if unit:
            yield unit
        unit = [item]
    if unit:
        yield unit


def _required(predicate: _Group, sure: set[str]) -> frozenset[str] | None:
    """Literals one of which the text holds whenever the predicate holds, or None."""
    head, args = predicate.items[0], predicate.items[1:]
    leaves = [a for a in args if isinstance(a, _Leaf)]
    if not isinstance(head, _Leaf) or len(leaves) != len(args) or len(leaves) < 2:
        return None
    name, capture, rest = head.text, leaves[0], leaves[1:]
    if capture.kind != "capture" or capture.text[1:] not in sure:
        return None
    if any(a.kind != "string" for a in rest):
        return None  # capture against capture
    values = [a.text for a in rest]
    if name == "#eq?" and len(values) == 1:
        found: frozenset[str] | None = frozenset(values)
    elif name == "#any-of?":
        found = frozenset(values)
    elif name == "#match?" and len(values) == 1:
        found = regex_literals(values[0])
    else:
        return None
    if found is None or not found or any(not v or not v.isascii() for v in found):
        return None
    return found


def _best(choices: list[frozenset[str]]) -> frozenset[str]:
    """The most selective set: longest shortest literal, then fewest literals."""
    return max(choices, key=lambda c: (min(len(v) for v in c), -len(c), sorted(c)))


def pattern_count(source: str) -> int:
    """The number of patterns in a query (its top-level elements)."""
    return sum(1 for _ in _patterns(source))


def _patterns(source: str) -> Iterator[list[_Item]]:
    """Each pattern: a top-level element with its quantifiers and captures."""
    return _units(_parse(source))


def pattern_literals(source: str) -> list[frozenset[str] | None]:
    """Per pattern, the literals one of which every match needs, or None."""
    out: list[frozenset[str] | None] = []
    for pattern in _patterns(source):
        sure: set[str] = set()
        predicates: list[_Group] = []
        _walk(pattern, False, sure, predicates)
        choices = [r for p in predicates if (r := _required(p, sure)) is not None]
        out.append(_best(choices) if choices else None)
    return out


def query_triggers(source: str) -> tuple[str, ...] | None:
    """Trigger strings that occur in every text a match of the query comes from, or
    None when a pattern requires no literal. Sorted, without a literal that contains
    another (the shorter already admits every text the longer would)."""
    try:
        per_pattern = pattern_literals(source)
    except QuerySyntax:
        return None
    if not per_pattern or any(p is None for p in per_pattern):
        return None
    literals = {v for p in per_pattern if p is not None for v in p}
    return tuple(sorted(v for v in literals if not any(o != v and o in v for o in literals)))


# --- regular expressions ----------------------------------------------------------

_META = set(".^$*+?{}[]\\|()")
_CLASS_ESCAPES = set("sSdDwWbBAZ")
_QUANTIFIER = re.compile(r"\*|\+|\?|\{(\d*)(?:,(\d*))?\}")


class _Unreadable(Exception):
    pass


def regex_literals(pattern: str) -> frozenset[str] | None:
    """Literals one of which occurs in every text the regex (searched without flags)
    matches in, or None when none can be told."""
    try:
        found, at = _alternation(pattern, 0)
    except _Unreadable:
        return None
    if at != len(pattern):
        return None
    return found


def _alternation(p: str, at: int) -> tuple[frozenset[str] | None, int]:
    branches: list[frozenset[str] | None] = []
    found, at = _sequence(p, at)
    branches.append(found)
    while at < len(p) and p[at] == "|":
        found, at = _sequence(p, at + 1)
        branches.append(found)
    if any(b is None for b in branches):
        return None, at
    return frozenset(v for b in branches if b is not None for v in b), at


def _sequence(p: str, at: int) -> tuple[frozenset[str] | None, int]:
    """A branch: its literal runs and the required sets of its mandatory groups are
    each necessary; the most selective is kept."""
    choices: list[frozenset[str]] = []
    run = ""

    def end_run() -> None:
        nonlocal run
        if run:
            choices.append(frozenset({run}))
        run = ""

    while at < len(p) and p[at] not in "|)":
        c = p[at]
        literal: str | None = None
        group: frozenset[str] | None = None
        if c == "(":
            if p.startswith("(?:", at):
                group, at = _alternation(p, at + 3)
            elif p.startswith("(?", at):
                raise _Unreadable  # flags, look-arounds, named groups
            else:
                group, at = _alternation(p, at + 1)
            if at >= len(p) or p[at] != ")":
                raise _Unreadable
            at += 1
        elif c == "[":
            at = _skip_class(p, at)
        elif c == "\\":
            if at + 1 >= len(p):
                raise _Unreadable
            e = p[at + 1]
            if e in _CLASS_ESCAPES:
                pass
            elif e.isalnum() or not e.isascii():
                raise _Unreadable  # \n, \x41, \1: not read here
            else:
                literal = e
            at += 2
        elif c in "^$":
            at += 1
            end_run()
            continue
        elif c == ".":
            at += 1
        elif c in _META:
            raise _Unreadable  # a quantifier with nothing before it, a stray brace
        else:
            literal = c
            at += 1
        q = _QUANTIFIER.match(p, at)
        least = 1
        if q is not None:
            at = q.end()
            if at < len(p) and p[at] in "?+":
                at += 1  # lazy or possessive
            if q.group() in ("*", "?"):
                least = 0
            elif q.group() != "+":
                least = int(q.group(1) or 0)
        if literal is not None and least >= 1:
            run += literal
            if q is not None:
                end_run()  # repeated: what follows is not next to it
        else:
            end_run()
            if group is not None and least >= 1:
                choices.append(group)
    end_run()
    return (_best(choices) if choices else None), at


def _skip_class(p: str, at: int) -> int:
    """The index after a character class starting at `at`."""
    i = at + 1
    if i < len(p) and p[i] == "^":
        i += 1
    if i < len(p) and p[i] == "]":
        i += 1
    while i < len(p) and p[i] != "]":
        i += 2 if p[i] == "\\" else 1
    if i >= len(p):
        raise _Unreadable
    return i + 1
