"""An embedded document (`Embedded`): a virtual text that keeps the outer file's line
numbers, with a column shift per line, and the budget that bounds the work per file."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ztlint import classify
from ztlint.model import Span
from ztlint.parsers.data import Node, ParseFailure, Scalar
from ztlint.rule import Hit
from ztlint.source import SourceText

# The kinds an embedded document can have: what the configuration rules read.
KINDS = frozenset({classify.COMPOSE, classify.KUBERNETES, classify.ENVOY})
# Every kind an embedded document is read as (a Vault template's text as dotenv).
READ_AS = KINDS | {classify.DOTENV}
MAX_DOCUMENTS = 64  # embedded documents read per file
MAX_VIRTUAL_CHARS = 4_000_000  # characters of virtual text made per file, padding included


@dataclass(frozen=True)
class Embedded:
    """One embedded document: its kinds, the virtual text the detectors read, its
    documents when they are built here (else the detectors parse the text), and how a
    span of the virtual text maps onto the outer file."""

    kinds: frozenset[str]
    source: SourceText
    parser: str
    documents: tuple[Node, ...] | None
    first_line: int
    last_line: int
    shifts: tuple[tuple[int, int], ...] = ()  # (line, columns removed) where not 0
    pinned: Span | None = None  # every span maps here (a quoted or folded string)
    # (line, virtual columns from which one more outer column lies behind): where a
    # shell escape's backslash was taken out (`\$` in an unquoted heredoc).
    cuts: tuple[tuple[int, tuple[int, ...]], ...] = ()

    def remap(self, span: Span) -> Span:
        if self.pinned is not None:
            return self.pinned
        if not self.shifts and not self.cuts:
            return span
        return Span(
            span.start_line,
            self._column(span.start_line, span.start_col),
            span.end_line,
            self._column(span.end_line, span.end_col),
        )

    def _column(self, line: int, column: int) -> int:
        cuts = dict(self.cuts).get(line, ())
        return column + dict(self.shifts).get(line, 0) + sum(1 for c in cuts if c <= column)

    def hit(self, hit: Hit, path: str) -> Hit:
        related = tuple(
            replace(r, span=self.remap(r.span)) if r.path == path else r for r in hit.related
        )
        return replace(
            hit,
            span=self.remap(hit.span),
            related=related,
            secret_spans=tuple(self.remap(s) for s in hit.secret_spans),
            marked_at=tuple(self.remap(Span(n, 1, n, 1)).start_line for n in hit.marked_at),
        )


def comment_starts(found: list[Embedded]) -> dict[int, int]:
    """Where each line's comment starts (1-based column of its `#`, on the outer
    file's lines) in the embedded documents: a YAML comment in a heredoc or in a
    block-scalar patch is a comment of that document, so a suppression written there
    applies to the findings in it. A comment on a document's last line is left out:
    a directive there would also cover the outer file's next line, which is no part
    of the document."""
    from ztlint.parsers import comments

    out: dict[int, int] = {}
    for emb in found:
        if emb.pinned is not None:
            continue
        lines = emb.source.lines
        if emb.parser == "dotenv":
            starts = comments.dotenv_comment_starts(lines)
        elif emb.parser == "yaml":
            starts = comments.yaml_comment_starts(lines)
        else:
            continue
        for line, column in starts.items():
            if line >= emb.last_line:
                continue
            shifted = emb.remap(Span(line, column, line, column)).start_col
            out.setdefault(line, shifted)
    return out


# --- virtual texts ------------------------------------------------------------------


@dataclass(frozen=True)
class _Virtual:
    source: SourceText
    first: int
    last: int
    shifts: tuple[tuple[int, int], ...]
    cuts: tuple[tuple[int, tuple[int, ...]], ...] = ()


class _Budget:
    def __init__(self) -> None:
        self.documents = 0
        self.chars = 0

    def spent(self) -> bool:
        return self.documents >= MAX_DOCUMENTS or self.chars >= MAX_VIRTUAL_CHARS

    def take(self, chars: int) -> bool:
        if self.documents >= MAX_DOCUMENTS or self.chars + chars > MAX_VIRTUAL_CHARS:
            return False
        self.documents += 1
        self.chars += chars
        return True


def _virtual(
    lines: list[tuple[int, str, int]],
    budget: _Budget,
    cuts: dict[int, list[int]] | None = None,
) -> _Virtual | None:
    """A virtual text from (outer line number, text, columns already removed) rows:
    their common indentation removed, each row on its own line number. `cuts` are the
    columns of each row's text from which a removed character lies behind."""
    rows = [r for r in lines if r[1].strip()]
    if not rows:
        return None
    indent = min(len(t) - len(t.lstrip(" ")) for _, t, _ in rows)
    first, last = lines[0][0], lines[-1][0]
    size = first + sum(len(t) + 1 for _, t, _ in lines)
    if not budget.take(size):
        return None
    out = ["\n" * (first - 1)]
    shifts = []
    for number, text, removed in lines:
        out.append(text[indent:] if text.strip() else "")
        out.append("\n")
        if removed + indent and text.strip():
            shifts.append((number, removed + indent))
    moved = tuple(
        (number, tuple(c - indent for c in columns))
        for number, columns in sorted((cuts or {}).items())
        if columns
    )
    return _Virtual(SourceText("".join(out)), first, last, tuple(shifts), moved)


def _parse(virtual: _Virtual, parser: str) -> list[Node] | None:
    from ztlint.parsers import structured
    from ztlint.parsers import yaml as yaml_parser

    try:
        if parser == "json":
            return structured.parse_json(virtual.source)
        return yaml_parser.parse_yaml(virtual.source.text)
    except ParseFailure:
        return None  # not configuration after all, or not readable: nothing to check


def _block_lines(source: SourceText, value: Scalar) -> list[tuple[int, str, int]] | None:
    """The outer lines of a literal block scalar (`|`, `|-`), when they are exactly its
    text once indented alike; None for other styles."""
    start = value.span.start_line
    line = source.line(start)
    if line[value.span.start_col - 1 : value.span.start_col] != "|":
        return None
    rows: list[tuple[int, str, int]] = []
    indent: int | None = None
    for number in range(start + 1, value.span.end_line + 1):
        text = source.line(number)
        if text.strip():
            width = len(text) - len(text.lstrip(" "))
            if indent is None:
                indent = width
            elif width < indent:
                break
        rows.append((number, text, 0))
    while rows and not rows[-1][1].strip():
        rows.pop()
    if indent is None or not rows:
        return None
    body = "\n".join(t[indent:] for _, t, _ in rows)
    if body.strip() != value.value.strip():
        return None  # an indentation indicator or an escape: positions are not plain
    return rows


def _string_documents(
    source: SourceText, value: Scalar, budget: _Budget
) -> tuple[list[Node], _Virtual, Span | None] | None:
    """The documents of a string that holds YAML or JSON (a patch), with its virtual
    text; a string not written as a literal block is read from its value, and all its
    spans are pinned to where the string starts."""
    rows = _block_lines(source, value)
    pinned = None
    if rows is not None:
        virtual = _virtual(rows, budget)
    else:
        if not budget.take(len(value.value)):
            return None
        virtual = _Virtual(SourceText(value.value), 1, 1, ())
        pinned = Span(
            value.span.start_line,
            value.span.start_col,
            value.span.start_line,
            value.span.start_col + 1,
        )
    if virtual is None:
        return None
    docs = _parse(virtual, "yaml")
    if docs is None:
        return None
    return docs, virtual, pinned
