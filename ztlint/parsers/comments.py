"""Where a file's real comments are, for suppression directives.

A directive counts only inside a comment of the file's own syntax, never in a string
literal, a block scalar or a heredoc. Code, TOML and JSON comments come from the
tree-sitter grammar's comment nodes; a comment inside an ERROR node (text the grammar
could not place) does not count, so breaking a file's syntax cannot turn a string into
a comment. YAML comments are found by a scanner that follows quoting and block scalars
(libyaml keeps no comments); a YAML file that does not parse has none, for the same
reason. Dockerfiles, INI files and other text without a grammar have whole-line
comments only (`# ...` after indentation), and `.env` files also a `#` after
whitespace outside quotes.

Each finder answers `is_comment(line, column)` for a 1-based position on the file's
line table (ztlint.source).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ztlint.source import SourceText

IsComment = Callable[[int, int], bool]

_TREE_COMMENTS = frozenset({"comment", "line_comment", "block_comment", "multiline_comment"})
_TREE_LANGUAGES = frozenset(
    {"go", "rust", "swift", "python", "typescript", "tsx", "javascript", "bash", "lua"}
    | {"json", "toml"}
)
# Whole-line comment leaders of formats without a grammar.
_LINE_LEADERS = re.compile(r"[ \t]*(?:#|//|--|/\*|\*|<!--|;|%)")
# A Dockerfile heredoc (`RUN <<EOF`, `COPY <<-"EOF" /etc/x`): its body is a script or a
# file's content, whose `#` lines are no Dockerfile comment.
_HEREDOC = re.compile(r"<<(-?)[ \t]*([\"']?)([A-Za-z0-9_.-]+)\2")
# Markdown has only HTML comments: a `#` line is a heading. Up to 3 spaces of indent
# (4 make a code block), and not inside a fenced code block.
_HTML_COMMENT = re.compile(r" {0,3}<!--")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def never(line: int, column: int) -> bool:
    return False


def finder(
    source: SourceText,
    parser: str | None,
    kinds: frozenset[str],
    tree: Any,
    yaml_ok: bool,
    path: str = "",
) -> IsComment:
    """The comment test for a file. `tree` is the file's tree-sitter tree when a
    detector built one (else it is parsed here); `yaml_ok` says whether a YAML file
    parsed; `path` tells Markdown (HTML comments only) from other text."""
    if parser in _TREE_LANGUAGES:
        from ztlint.parsers import code

        return _tree_finder(source, tree if tree is not None else code.parse(parser, source))
    if parser == "yaml":
        return _line_finder(yaml_comment_starts(source.lines)) if yaml_ok else never
    if "dockerfile" in kinds:
        return _line_finder(dockerfile_comment_starts(source.lines))
    if path.lower().endswith((".md", ".markdown")):
        return _line_finder(markdown_comment_starts(source.lines))
    if "dotenv" in kinds:
        return _line_finder(dotenv_comment_starts(source.lines))
    return _whole_line(source, _LINE_LEADERS)


def _whole_line(source: SourceText, leader: re.Pattern[str]) -> IsComment:
    def is_comment(line: int, column: int) -> bool:
        m = leader.match(source.line(line))
        return m is not None and column > m.end()

    return is_comment


def _line_finder(starts: dict[int, int]) -> IsComment:
    """From the 1-based column where each line's comment starts (its `#`)."""

    def is_comment(line: int, column: int) -> bool:
        start = starts.get(line)
        return start is not None and column > start

    return is_comment


def _tree_finder(source: SourceText, tree: Any) -> IsComment:
    root = tree.root_node

    def is_comment(line: int, column: int) -> bool:
        at = source.byte_offset(line, column)
        node = root.descendant_for_byte_range(at, at + 1)
        in_comment = False
        while node is not None:
            if node.type == "ERROR" or node.is_error:
                return False
            if node.type in _TREE_COMMENTS:
                in_comment = True
            node = node.parent
        return in_comment

    return is_comment


def dockerfile_comment_starts(lines: list[str]) -> dict[int, int]:
    """Whole-line `#` comments of a Dockerfile, outside heredoc bodies."""
    out: dict[int, int] = {}
    pending: list[tuple[bool, str]] = []  # heredocs opened, bodies not yet read
    for number, text in enumerate(lines, 1):
        if pending:
            strip_tabs, word = pending[0]
            if (text.lstrip("\t") if strip_tabs else text) == word:
                pending.pop(0)
            continue
        stripped = text.lstrip(" \t")
        if stripped.startswith("#"):
            out[number] = len(text) - len(stripped) + 1
            continue
        pending = [(m.group(1) == "-", m.group(3)) for m in _HEREDOC.finditer(text)]
    return out


def markdown_comment_starts(lines: list[str]) -> dict[int, int]:
    """Lines of a Markdown file that start an HTML comment, outside fenced code."""
    out: dict[int, int] = {}
    fence = ""
    for number, text in enumerate(lines, 1):
        m = _FENCE.match(text)
        if fence:
            if m is not None and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = ""
            continue
        if m is not None:
            fence = m.group(1)
            continue
        if (c := _HTML_COMMENT.match(text)) is not None:
            out[number] = c.end() - 3
    return out


def dotenv_comment_starts(lines: list[str]) -> dict[int, int]:
    """`# ...` lines, and a `#` after whitespace outside the value's quotes."""
    out: dict[int, int] = {}
    for number, text in enumerate(lines, 1):
        if "#" not in text:
            continue
        stripped = text.lstrip(" \t")
        if stripped.startswith("#"):
            out[number] = len(text) - len(stripped) + 1
            continue
        eq = text.find("=")
        i = eq + 1 if eq >= 0 else len(text)
        if eq >= 0 and i < len(text) and text[i] in "'\"":
            close = text.find(text[i], i + 1)
            if close < 0:
                continue  # an unclosed quote: no comment on this line
            i = close + 1
        while (i := text.find("#", i)) >= 0:
            if text[i - 1] in " \t":
                out[number] = i + 1
                break
            i += 1
    return out


_BLOCK_HEADER = re.compile(r"[|>][0-9+\-]*[ \t]*(?:#.*)?$")
_PROPERTY = re.compile(r"[!&]\S*[ \t]+")
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")


def yaml_comment_starts(lines: list[str]) -> dict[int, int]:
    """The 1-based column of the `#` that starts each line's comment, for lines that
    have one. A `#` starts a comment at the start of a line or after a space or tab,
    outside single- and double-quoted scalars (which may span lines) and outside
    block scalars (`|`, `>`). When in doubt a `#` is not a comment: a directive missed
    costs a visible finding, a string taken for a comment would hide one. libyaml also
    ends lines at U+0085, U+2028 and U+2029, where ztlint's line table does not: a file
    with one has no comments here."""
    out: dict[int, int] = {}
    if any(_YAML_ONLY_BREAKS.search(text) for text in lines):
        return out
    quote = ""  # the open quote, across lines
    block_indent: int | None = None  # lines deeper than this are block scalar text
    indents: list[int] = []  # indentation of earlier non-blank lines, for a lone "|"
    for number, text in enumerate(lines, 1):
        stripped = text.lstrip(" ")
        indent = len(text) - len(stripped)
        if block_indent is not None:
            marker = indent == 0 and stripped.startswith(("---", "..."))
            if not marker and (not stripped.strip() or indent > block_indent):
                continue
            block_indent = None
        i = 0
        token_start = True  # a quote here opens a quoted scalar
        while i < len(text):
            ch = text[i]
            if quote:
                if quote == '"' and ch == "\\":
                    i += 2
                    continue
                if ch == quote:
                    if quote == "'" and text[i + 1 : i + 2] == "'":
                        i += 2
                        continue
                    quote = ""
                    token_start = False
                i += 1
                continue
            if ch == "#" and (i == 0 or text[i - 1] in " \t"):
                out[number] = i + 1
                break
            if ch in " \t":
                i += 1
                continue
            if token_start and ch in "'\"":
                quote = ch
                i += 1
                continue
            if token_start and ch in "|>" and _BLOCK_HEADER.match(text, i):
                hash_at = _block_comment(text, i)
                if hash_at is not None:
                    out[number] = hash_at + 1
                block_indent = _block_parent(text[:i], indent, indents)
                break
            if token_start and ch in "!&" and (m := _PROPERTY.match(text, i)) is not None:
                i = m.end()
                continue
            if ch in ":[{,":
                token_start = True
            else:
                token_start = ch in "-?" and (i + 1 == len(text) or text[i + 1] in " \t")
            i += 1
        if stripped.strip() and not stripped.startswith("#"):
            indents.append(indent)
    return out


def _block_parent(prefix: str, indent: int, indents: list[int]) -> int:
    """The indentation a block scalar's text is deeper than: the column of the key
    before the indicator (`key: |`, `- key: |`), or of the last `-` or `?` before it
    (`- |`); for an indicator alone on its line, the nearest earlier line indented
    less (its key), or -1 at the top level (every line up to the next document)."""
    core = _PROPERTY.sub("", prefix).strip()
    if core.rstrip(":").strip(" -?") == "" and not core.endswith(":"):
        if core.startswith("---") or not core:
            for earlier in reversed(indents):
                if earlier < indent:
                    return earlier
            return -1
        return max(prefix.rfind("-"), prefix.rfind("?"))
    return len(prefix) - len(prefix.lstrip(" -?"))


def _block_comment(text: str, at: int) -> int | None:
    """The `#` of a comment after a block scalar header, if any."""
    for i in range(at + 1, len(text)):
        if text[i] == "#" and text[i - 1] in " \t":
            return i
    return None
