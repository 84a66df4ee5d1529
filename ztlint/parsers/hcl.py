"""A small, bounded reader for the subset of HCL that server configurations use:
blocks with labels (`listener "tcp" { ... }`), nested blocks, `key = value` attributes
with a string, number, boolean or bare value, and the three comment forms.

No official tree-sitter HCL wheel is published, and a full HCL parser is not needed to
read a listener's settings. The reader works line by line and keeps no more than
MAX_DEPTH open blocks, so its work is linear in the text; what it does not understand
(lists, expressions, heredocs, YAML around an embedded configuration) it skips. That is
what lets it read HCL embedded in a YAML block scalar (a Helm values file, a
ConfigMap) in place, with the outer file's line numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_DEPTH = 32
_BLOCK = re.compile(r'\s*([A-Za-z_][\w-]*)((?:\s+"[^"\n]*"|\s+[A-Za-z_][\w-]*)*)\s*\{')
_CLOSE = re.compile(r"\s*\}")
_ATTR = re.compile(r'\s*([A-Za-z_][\w-]*)\s*=\s*("(?:[^"\\\n]|\\.)*"|\{|\[|<<-?\s*\w+|[^\s,}#]+)')
_SEPARATOR = re.compile(r"\s*,")
_LABEL = re.compile(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')


@dataclass(frozen=True)
class Attribute:
    path: tuple[str, ...]  # the enclosing blocks' types and labels, outermost first
    block: int  # which block instance holds it (0: the top level)
    key: str
    value: str  # quotes removed
    line: int  # 1-based
    col: int  # 1-based column of the key
    end_col: int  # exclusive column after the value


def _strip_comment(line: str, in_block_comment: bool) -> tuple[str, bool]:
    """The line with comments blanked out (columns kept), and whether a `/* */`
    comment is still open at its end."""
    out = []
    i, quoted = 0, False
    while i < len(line):
        ch = line[i]
        if in_block_comment:
            if line.startswith("*/", i):
                in_block_comment = False
                out.append("  ")
                i += 2
                continue
            out.append(" ")
            i += 1
            continue
        if quoted:
            if ch == "\\" and i + 1 < len(line):
                out.append(line[i : i + 2])
                i += 2
                continue
            if ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "#" or line.startswith("//", i):
            break
        elif line.startswith("/*", i):
            in_block_comment = True
            out.append("  ")
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out), in_block_comment


def attributes(text: str) -> Iterator[Attribute]:
    stack: list[tuple[tuple[str, ...], int]] = []
    blocks = 0
    in_comment = False
    heredoc: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        if heredoc is not None:
            if raw.strip() == heredoc:
                heredoc = None
            continue
        line, in_comment = _strip_comment(raw, in_comment)
        pos = 0
        while pos < len(line):
            path = stack[-1][0] if stack else ()
            block_id = stack[-1][1] if stack else 0
            m = _BLOCK.match(line, pos)
            if m is not None:
                labels = tuple(a or b for a, b in _LABEL.findall(m.group(2)))
                if len(stack) < MAX_DEPTH:
                    blocks += 1
                    stack.append(((*path, m.group(1), *labels), blocks))
                pos = m.end()
                continue
            m = _CLOSE.match(line, pos)
            if m is not None:
                if stack:
                    stack.pop()
                pos = m.end()
                continue
            m = _ATTR.match(line, pos)
            if m is not None:
                value = m.group(2)
                if value == "{":
                    if len(stack) < MAX_DEPTH:
                        blocks += 1
                        stack.append(((*path, m.group(1)), blocks))
                elif value.startswith("<<"):
                    heredoc = value.lstrip("<-").strip()
                    break
                elif value == "[":
                    break  # a list: not read
                else:
                    if value.startswith('"'):
                        value = value[1:-1]
                    yield Attribute(
                        path, block_id, m.group(1), value, number, m.start(1) + 1, m.end(2) + 1
                    )
                pos = m.end()
                sep = _SEPARATOR.match(line, pos)
                if sep is not None:
                    pos = sep.end()
                continue
            break
