"""Values printed as blocks (`{{ toYaml .Values.sc | nindent 12 }}`) grafted under
their key in the composed documents, bounded by MAX_GRAFTED nodes; and the `define`
bodies of a template library."""

from __future__ import annotations

import re

from ztlint.model import Span
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk
from ztlint.parsers.template.lexer import _lex, _line_of
from ztlint.parsers.template.model import GO, MAX_NESTING, Neutralised, TemplateError
from ztlint.source import split_lines

MAX_GRAFTED = 20_000


def defines(text: str) -> dict[str, str]:
    """The named templates of a template library (`{{- define "name" -}}...{{- end }}`):
    name to body text, the first definition of a name winning as for helm's load order
    within a file. Raises TemplateError when the actions cannot be followed."""
    out: dict[str, str] = {}
    opens = {"if", "with", "range", "define", "block"}
    depth = 0
    name: str | None = None
    body_start = 0
    for act in _lex(text, GO):
        if act.word in opens:
            if depth == 0 and act.word == "define":
                m = re.match(r'define\s+"([^"\\]{1,200})"', act.body)
                name = m.group(1) if m else None
                body_start = act.end
            depth += 1
            if depth > MAX_NESTING:
                raise TemplateError("template blocks nested too deep", _line_of(text, act.start))
        elif act.word == "end":
            depth -= 1
            if depth < 0:
                raise TemplateError("`end` without a block", _line_of(text, act.start))
            if depth == 0 and name is not None:
                out.setdefault(name, text[body_start : act.start])
                name = None
    return out


def graft_blocks(docs: list[Node], neutral: Neutralised) -> list[tuple[int, Node]]:
    """Put each printed values block under the key it is printed for: a key on the
    action's line, or on the nearest line above it with only blank lines between, whose
    value reads as null. Returns the (1-based line, values node) of each graft."""
    if not neutral.blocks:
        return []
    lines = split_lines(neutral.text)
    empty: dict[int, tuple[Mapping, int]] = {}  # key line -> (mapping, entry index)
    for doc in docs:
        for node, _ in walk(doc):
            if isinstance(node, Mapping):
                for i, (key, value) in enumerate(node.entries):
                    if isinstance(value, Scalar) and value.kind == "null" and not value.value:
                        empty.setdefault(key.span.start_line, (node, i))
    grafted: list[tuple[int, Node]] = []
    budget = [MAX_GRAFTED]
    for line0, column, end, block in neutral.blocks:
        at = line0 + 1
        key_line = at
        while key_line not in empty and key_line > 1 and not lines[key_line - 2].strip():
            key_line -= 1
        if key_line not in empty:
            key_line -= 1
        found = empty.get(key_line)
        span = Span(at, column + 1, at, end + 1)
        if found is None or (
            key_line != at and found[0].entries[found[1]][0].span.start_col > column
        ):
            # Not under a key: a mapping's entries printed among its own (`spec:` then
            # `{{- include "pod.security" . | nindent 2 }}` beside `containers:`).
            into = _enclosing(docs, lines, at, column) if isinstance(block, Mapping) else None
            copy = _copy(block, span, budget) if into is not None else None
            if into is None or not isinstance(copy, Mapping):
                if budget[0] < 0:
                    break
                continue
            have = {k.value for k, _ in into.entries}
            into.entries.extend((k, v) for k, v in copy.entries if k.value not in have)
            grafted.append((at, block))
            continue
        mapping, i = found
        key, _ = mapping.entries[i]
        copy = _copy(block, span, budget)
        if copy is None:
            break
        mapping.entries[i] = (key, copy)
        del empty[key_line]
        grafted.append((at, block))
    return grafted


def _enclosing(docs: list[Node], lines: list[str], at: int, column: int) -> Mapping | None:
    """The mapping whose keys sit at the column of a block printed on line `at`, with
    the block inside it: only lines indented at least as deep lie between the block and
    one of its keys."""

    def inside(a: int, b: int) -> bool:
        return all(not t.strip() or len(t) - len(t.lstrip(" ")) >= column for t in lines[a : b - 1])

    for doc in docs:
        for node, _ in walk(doc):
            if not isinstance(node, Mapping) or not node.entries:
                continue
            if node.entries[0][0].span.start_col != column + 1:
                continue
            keys = [k.span.start_line for k, _ in node.entries]
            before = [k for k in keys if k < at]
            after = [k for k in keys if k > at]
            if (before and inside(before[-1], at)) or (after and inside(at, after[0])):
                return node
    return None


def _copy(node: Node, span: Span, budget: list[int], depth: int = 0) -> Node | None:
    """A copy of a values node with every span at `span`; None past the budget or
    nested deeper than MAX_NESTING."""
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_NESTING:
        return None
    if isinstance(node, Scalar):
        return Scalar(span, node.value, node.kind)
    if isinstance(node, Sequence):
        items: list[Node] = []
        for item in node.items:
            copied = _copy(item, span, budget, depth + 1)
            if copied is None:
                return None
            items.append(copied)
        return Sequence(span, items)
    if isinstance(node, Mapping):
        mapping = Mapping(span)
        for key, value in node.items():
            k = _copy(key, span, budget, depth + 1)
            v = _copy(value, span, budget, depth + 1)
            if not isinstance(k, Scalar) or v is None:
                return None
            mapping.entries.append((k, v))
        return mapping
    return None
