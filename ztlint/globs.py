"""Path globs with gitignore's meaning, used by excludes, test paths, config exceptions
and the .gitignore reader.

- `*` and `?` never cross `/`; `**` crosses any number of directories.
- A pattern with no `/` (other than a trailing one) matches a name at any depth.
- A pattern with a `/` is anchored at the base directory.
- A trailing `/` matches directories only: here, any path below such a directory.
- A pattern that matches a directory matches everything below it.
- `[abc]`, `[a-z]`, `[!a]` and `[^a]` match one character, never `/`; a backslash
  inside brackets is an ordinary character, before any other character it quotes it.
- A pattern git would not accept (`[z-a]`, `[]`, an unclosed `[`) never matches, as
  in git; `invalid` says why, so that callers can tell the user.

Matching takes time linear in the path for each pattern (no backtracking regex): a
name is split at the `*`s into pieces of fixed length, and each piece is looked for
leftmost after the previous one, which finds a match whenever there is one; `**`
works the same way over the path's folders.

Long (about 460 lines) because it is one matcher: the parser builds the pieces and
segments the matcher walks, and `GlobList` indexes compiled globs by their literal
parts to match many at once under one `MatchBudget` (MATCH_BUDGET, which the budget
tests set on this module). They change together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# How many pattern tests one walk or check makes before it gives up (a hostile
# .gitignore of many patterns against many files): some seconds of matching.
# Afterwards its patterns match nothing, so that files are scanned rather than hidden.
MATCH_BUDGET = 20_000_000


class InvalidGlob(ValueError):
    """A pattern that can never match, and why."""


@dataclass(frozen=True)
class _Piece:
    """Characters of fixed count between two `*`: a literal, or a regex of that many
    one-character items (`?`, classes)."""

    size: int
    literal: str | None
    regex: re.Pattern[str] | None

    def at(self, name: str, pos: int) -> bool:
        if self.literal is not None:
            return name.startswith(self.literal, pos)
        assert self.regex is not None
        return self.regex.match(name, pos) is not None

    def find(self, name: str, pos: int, end: int) -> int:
        """The end of the leftmost occurrence within name[pos:end], or -1."""
        if self.literal is not None:
            found = name.find(self.literal, pos, end)
            return -1 if found < 0 else found + self.size
        assert self.regex is not None
        m = self.regex.search(name, pos, end)
        return -1 if m is None else m.end()


@dataclass(frozen=True)
class _Segment:
    """The pattern for one name of a path (no `/`): pieces joined by `*`."""

    pieces: tuple[_Piece, ...]

    def match(self, name: str) -> bool:
        pieces = self.pieces
        first = pieces[0]
        if len(pieces) == 1:
            return len(name) == first.size and first.at(name, 0)
        last = pieces[-1]
        end = len(name) - last.size
        if end < first.size or not first.at(name, 0) or not last.at(name, end):
            return False
        pos = first.size
        for piece in pieces[1:-1]:
            pos = piece.find(name, pos, end)
            if pos < 0:
                return False
        return True

    @property
    def literal(self) -> str | None:
        if len(self.pieces) == 1:
            return self.pieces[0].literal
        return None


_EMPTY = _Piece(0, "", None)
_ANY_NAME = _Segment((_EMPTY, _EMPTY))
Groups = tuple[tuple[_Segment, ...], ...]


def _group_at(group: tuple[_Segment, ...], names: Sequence[str], pos: int) -> bool:
    return all(seg.match(names[pos + k]) for k, seg in enumerate(group))


def _groups_match(groups: Groups, names: Sequence[str]) -> bool:
    """Whether the names fit the groups, with any number of names (`**`) between two
    groups: the first group at the start, the last at the end, each other group
    leftmost after the previous one."""
    first = groups[0]
    if len(groups) == 1:
        return len(names) == len(first) and _group_at(first, names, 0)
    last = groups[-1]
    end = len(names) - len(last)
    if end < len(first) or not _group_at(first, names, 0) or not _group_at(last, names, end):
        return False
    pos = len(first)
    for group in groups[1:-1]:
        start = pos
        while start + len(group) <= end and not _group_at(group, names, start):
            start += 1
        if start + len(group) > end:
            return False
        pos = start + len(group)
    return True


# --- parsing ------------------------------------------------------------------------


def _class_regex(inner: str, negated: bool, pattern: str) -> str:
    """A regex class for the inside of `[...]` (negation mark removed), parsed by
    hand: characters and `a-z` ranges, a backslash being an ordinary character."""
    if not inner:
        raise InvalidGlob(f"empty character class in '{pattern}'")
    items = []
    k = 0
    while k < len(inner):
        lo = inner[k]
        hi = lo
        if k + 2 < len(inner) and inner[k + 1] == "-":
            hi = inner[k + 2]
            if hi < lo:
                raise InvalidGlob(f"character range '{lo}-{hi}' is reversed in '{pattern}'")
            k += 3
        else:
            k += 1
        items.append(f"\\U{ord(lo):08x}-\\U{ord(hi):08x}")
    return "[" + ("^" if negated else "") + "".join(items) + "]"


_STAR = "*"
_ANY_NAMES = "**"  # any number of whole names
_ANY_REST = "**$"  # a trailing `**`: one name, then any number of names
_SEP = "/"


def _tokens(body: str, pattern: str) -> list[str]:
    """The body as tokens: `*`, `**` (names), `/`, or one character's regex with the
    character itself after a NUL for literals."""
    out: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c == "*":
            if body.startswith("**", i):
                before_ok = i == 0 or body[i - 1] == "/"
                after = body[i + 2 : i + 3]
                if before_ok and after == "/":
                    out.append(_ANY_NAMES)
                    i += 3
                    continue
                if before_ok and after == "":
                    out.append(_ANY_REST)
                    i += 2
                    continue
                out.append(_STAR)
                i += 2
                continue
            out.append(_STAR)
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            negated = body[i + 1 : i + 2] in ("!", "^")
            j = body.find("]", i + 2 if negated else i + 1)
            if j == -1:
                raise InvalidGlob(f"unclosed '[' in '{pattern}'")
            start = i + 2 if negated else i + 1
            out.append(_class_regex(body[start:j], negated, pattern))
            i = j + 1
            continue
        elif c == "\\" and i + 1 < n:
            out.append(_SEP if body[i + 1] == "/" else "\x00" + body[i + 1])
            i += 2
            continue
        elif c == "/":
            out.append(_SEP)
        else:
            out.append("\x00" + c)
        i += 1
    return out


def _piece(items: list[str]) -> _Piece:
    if all(t.startswith("\x00") for t in items):
        return _Piece(len(items), "".join(t[1:] for t in items), None)
    regex = "".join(re.escape(t[1:]) if t.startswith("\x00") else t for t in items)
    return _Piece(len(items), None, re.compile(regex, re.DOTALL))


def _segment(items: list[str]) -> _Segment:
    pieces: list[list[str]] = [[]]
    for t in items:
        if t == _STAR:
            pieces.append([])
        else:
            pieces[-1].append(t)
    return _Segment(tuple(_piece(p) for p in pieces))


def _groups(tokens: list[str], anchored: bool) -> Groups:
    groups: list[list[_Segment]] = [] if anchored else [[]]
    current: list[_Segment] = []
    items: list[str] = []
    pending = True  # items (possibly none) waiting to become a name
    for t in [*tokens, _SEP]:
        if t == _ANY_NAMES:  # a name follows, possibly empty (`**//x`)
            groups.append(current)
            current, items, pending = [], [], True
        elif t == _ANY_REST:  # the last token, at the start of a name
            groups.append([*current, _ANY_NAME])
            current, items, pending = [], [], False
        elif t == _SEP:
            if pending or items:
                current.append(_segment(items))
            items, pending = [], True
        else:
            items.append(t)
            pending = True
    groups.append(current)
    return tuple(tuple(g) for g in groups)


@dataclass(frozen=True)
class Glob:
    pattern: str
    dir_only: bool
    groups: Groups  # names matched in order, `**` between two groups
    parent_groups: Groups  # the same followed by one name or more
    invalid: str | None = None  # why it never matches
    # An unanchored pattern for one name: judged name by name.
    name: _Segment | None = None
    first: str | None = None  # the literal first name of an anchored pattern
    # An anchored pattern of literal names only (`deploy/keys/live/config`), as a path:
    # matched by comparing strings.
    literal_path: str | None = None

    def _flags(self, names: Sequence[str]) -> tuple[bool, bool]:
        """(the whole path matches, a parent directory matches)."""
        if self.invalid is not None:
            return False, False
        if self.name is not None:
            seg = self.name
            return seg.match(names[-1]), any(seg.match(n) for n in names[:-1])
        if self.first is not None and names[0] != self.first:
            return False, False
        return _groups_match(self.groups, names), _groups_match(self.parent_groups, names)

    def fullmatch(self, text: str) -> bool:
        """Whether the pattern matches `text` itself (a config exception's entity)."""
        return self._flags(text.split("/"))[0]

    def match(self, path: str, is_dir: bool = False) -> bool:
        """Whether `path` (relative, POSIX) or one of its parent directories matches."""
        full, parent = self._flags(path.split("/"))
        return parent or (full and (is_dir or not self.dir_only))

    def match_direct(self, path: str, is_dir: bool) -> bool:
        """As .gitignore reads it: the path itself when it matches, else a parent."""
        return self.match_names(path.split("/"), is_dir)

    def match_names(self, names: Sequence[str], is_dir: bool) -> bool:
        """match_direct on a path already split at `/`."""
        full, parent = self._flags(names)
        return (is_dir or not self.dir_only) if full else parent


def _parse(pattern: str) -> tuple[bool, bool, str]:
    p = pattern.strip()
    dir_only = p.endswith("/")
    p = p.rstrip("/")
    anchored = "/" in p
    p = p.lstrip("/")
    if p.startswith("./"):
        p = p[2:]
    return dir_only, anchored, p


@lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> Glob:
    dir_only, anchored, body = _parse(pattern)
    try:
        groups = _groups(_tokens(body, pattern), anchored)
    except InvalidGlob as why:
        return Glob(pattern, dir_only, ((),), ((),), invalid=str(why))
    *head, last = groups
    parent_groups = (*head, (*last, _ANY_NAME), ())
    name = None
    if len(groups) == 2 and not groups[0] and len(groups[1]) == 1:
        name = groups[1][0]
    first = groups[0][0].literal if anchored and groups[0] else None
    literal_path = None
    if len(groups) == 1 and groups[0] and all(seg.literal for seg in groups[0]):
        literal_path = "/".join(seg.literal or "" for seg in groups[0])
    return Glob(pattern, dir_only, groups, parent_groups, None, name, first, literal_path)


def check_globs(where: str, patterns: Sequence[str]) -> None:
    """Raise InvalidGlob naming `where` for the first pattern that can never match
    (globs a user wrote: a mistake to report, not to ignore)."""
    for pattern in patterns:
        why = compile_glob(pattern).invalid
        if why is not None:
            raise InvalidGlob(f"{where}: invalid glob: {why}")


class MatchBudget:
    """The pattern tests one walk or one check may still make, shared by its
    GlobLists (MATCH_BUDGET)."""

    def __init__(self, limit: int | None = None) -> None:
        self.left = MATCH_BUDGET if limit is None else limit

    @property
    def exhausted(self) -> bool:
        return self.left < 0


class GlobList:
    """Patterns in order, matched against many paths. Unanchored one-name patterns
    are judged once per distinct name. With a budget, a list that has spent it
    matches nothing."""

    def __init__(self, patterns: Sequence[str], budget: MatchBudget | None = None) -> None:
        self.globs = tuple(compile_glob(p) for p in patterns)
        self.budget = budget
        self._by_literal: dict[str, tuple[int, ...]] = {}
        named = []
        for i, g in enumerate(self.globs):
            if g.name is not None and g.name.literal is not None:
                self._by_literal[g.name.literal] = (*self._by_literal.get(g.name.literal, ()), i)
            elif g.name is not None:
                named.append(i)
        self._named = tuple(named)
        # Wildcard one-name patterns by the last character a name must end with (`*.iml`
        # ends with `l`), so a name is tried only against those that can match it.
        self._named_open = tuple(i for i in named if not self._ending(i))
        self._named_by_end: dict[str, tuple[int, ...]] = {}
        for i in named:
            end = self._ending(i)
            if end:
                self._named_by_end[end] = (*self._named_by_end.get(end, ()), i)
        self._general = tuple(
            i for i, g in enumerate(self.globs) if g.name is None and g.invalid is None
        )
        self._hits: dict[str, tuple[int, ...]] = {}
        # The general patterns that can match a path starting with a name: an anchored
        # pattern whose first name is a literal is tried only on paths starting with it.
        self._free = tuple(i for i in self._general if self.globs[i].first is None)
        self._firsts = {self.globs[i].first for i in self._general} - {None}
        self._by_first: dict[str, tuple[int, ...]] = {}

    def _ending(self, i: int) -> str:
        """The last character every name this one-name pattern matches ends with, or ""."""
        seg = self.globs[i].name
        if seg is None or len(seg.pieces) < 2:
            return ""
        literal = seg.pieces[-1].literal
        return literal[-1] if literal else ""

    def _spend(self, tests: int) -> None:
        if self.budget is not None:
            self.budget.left -= tests

    @property
    def exhausted(self) -> bool:
        return self.budget is not None and self.budget.exhausted

    def _name_hits(self, name: str) -> tuple[int, ...]:
        hits = self._hits.get(name)
        if hits is None:
            globs = self.globs
            tried = self._named_open + self._named_by_end.get(name[-1:], ())
            self._spend(len(tried))
            wild = [i for i in tried if globs[i].name.match(name)]  # type: ignore[union-attr]
            hits = tuple(sorted((*self._by_literal.get(name, ()), *wild)))
            if len(self._hits) > 100_000:
                self._hits.clear()
            self._hits[name] = hits
        return hits

    def any(self, path: str) -> bool:
        """Whether any pattern matches `path` (a file) or one of its parents."""
        if self.exhausted:
            return False
        names = path.split("/")
        for name in names[:-1]:
            if self._name_hits(name):
                return True
        if any(not self.globs[i].dir_only for i in self._name_hits(names[-1])):
            return True
        self._spend(len(self._general))
        for i in self._general:
            g = self.globs[i]
            full, parent = g._flags(names)
            if parent or (full and not g.dir_only):
                return True
        return False

    def last(self, path: str, is_dir: bool) -> int:
        """The index of the last pattern that matches `path` as .gitignore reads it
        (Glob.match_direct), or -1."""
        if self.exhausted:
            return -1
        names = path.split("/")
        globs = self.globs
        full_hits = self._name_hits(names[-1])
        best = max((i for i in full_hits if is_dir or not globs[i].dir_only), default=-1)
        for name in names[:-1]:
            parent_hits = (i for i in self._name_hits(name) if i not in full_hits)
            best = max(best, max(parent_hits, default=-1))
        general = self._starting(names[0])
        self._spend(len(general))
        for i in reversed(general):
            if i <= best:
                break
            g = globs[i]
            lit = g.literal_path
            if lit is not None:  # what match_names answers, without splitting names
                if (is_dir or not g.dir_only) if path == lit else path.startswith(lit + "/"):
                    return i
            elif g.match_names(names, is_dir):
                return i
        return best

    def _starting(self, first: str) -> tuple[int, ...]:
        """The general patterns, in order, that may match a path whose first name is
        `first` (the same answer as trying them all)."""
        if first not in self._firsts:
            return self._free
        found = self._by_first.get(first)
        if found is None:
            found = self._by_first[first] = tuple(
                i for i in self._general if self.globs[i].first in (None, first)
            )
        return found


@lru_cache(maxsize=256)
def glob_list(patterns: tuple[str, ...]) -> GlobList:
    return GlobList(patterns)


def match_any(patterns: tuple[str, ...], path: str) -> bool:
    """Whether any pattern matches `path` (a file) or one of its parent directories."""
    return bool(patterns) and glob_list(tuple(patterns)).any(path)
