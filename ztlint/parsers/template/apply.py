"""Values put onto the composed documents: a neutral scalar that printed `.Values.a.b`
takes the value (and the values line it came from)."""

from __future__ import annotations

from ztlint.model import Span
from ztlint.parsers.data import Mapping, Node, Scalar, walk
from ztlint.parsers.template.model import _FLOAT, _INT, Neutralised, Placeholder
from ztlint.source import split_lines

_YAML_TRUE = frozenset({"true", "True", "TRUE"})
_YAML_FALSE = frozenset({"false", "False", "FALSE"})


def _resolve_plain(text: str) -> str:
    """The kind YAML 1.2's core schema gives a plain scalar."""
    if text in _YAML_TRUE or text in _YAML_FALSE:
        return "bool"
    if text in ("", "~", "null", "Null", "NULL"):
        return "null"
    if _INT.fullmatch(text):
        return "int"
    if _FLOAT.fullmatch(text):
        return "float"
    return "str"


def apply_values(
    docs: list[Node], neutral: Neutralised, text: str
) -> tuple[list[tuple[int, Node]], set[int]]:
    """Put the values the placeholders stand for on the composed scalars (where no
    value is known, the action as written: a message then names
    `{{ include "name" . }}-node`, not a run of `_`). Returns the (1-based line, values
    node) of each substitution, for related locations, and the ids of the scalars that
    held a template action (their text is the template's, not a literal)."""
    by_line: dict[int, list[Placeholder]] = {}
    for p in neutral.placeholders:
        by_line.setdefault(p.line + 1, []).append(p)
    used: list[tuple[int, Node]] = []
    templated: set[int] = set()
    if not by_line:
        return used, templated
    lines = split_lines(text)
    for doc in docs:
        for node, _ in walk(doc):
            if isinstance(node, Mapping):
                scalars: list[Node] = [k for k, _ in node.entries]
            elif isinstance(node, Scalar):
                scalars = [node]
            else:
                continue
            for scalar in scalars:
                assert isinstance(scalar, Scalar)
                span = scalar.span
                if span.end_line == span.start_line:
                    on_line = by_line.get(span.start_line)
                    if on_line is not None:
                        line = lines[span.start_line - 1]
                        if _substitute(scalar, span, on_line, line, used):
                            templated.add(id(scalar))
                elif any(by_line.get(n) for n in range(span.start_line, span.end_line + 1)):
                    _show_actions(scalar, span, by_line)
                    templated.add(id(scalar))
    return used, templated


def _show_actions(node: Scalar, span: Span, by_line: dict[int, list[Placeholder]]) -> None:
    """A scalar over several lines (a block scalar) shows its actions as written: its
    text was reflowed, so values are not put in; each placeholder's run of `_` is found
    in order."""
    value = node.value
    out: list[str] = []
    at = 0
    for n in range(span.start_line, span.end_line + 1):
        for p in by_line.get(n, ()):
            run = "_" * (p.end - p.start)
            found = value.find(run, at)
            if found < 0:
                continue
            out.append(value[at:found])
            out.append(p.source)
            at = found + len(run)
    out.append(value[at:])
    node.value = "".join(out)
    node.kind = "str"


def _substitute(
    node: Scalar,
    span: Span,
    on_line: list[Placeholder],
    line: str,
    used: list[tuple[int, Node]],
) -> bool:
    """Whether the one-line scalar held placeholders (and now holds their values)."""
    a, b = span.start_col - 1, span.end_col - 1
    raw = line[a:b]
    quoted = raw[:1] in ("'", '"') and len(raw) >= 2 and raw[-1] == raw[0]
    if quoted:
        a, b = a + 1, b - 1
    inner = line[a:b]
    mine = [p for p in on_line if a <= p.start and p.end <= b]
    if not mine:
        return False
    if node.value != inner:
        return True  # escapes changed the text: not worth guessing
    pieces: list[str] = []
    at = a
    for p in mine:
        pieces.append(line[at : p.start])
        if p.value is not None and p.value.text is not None:
            pieces.append(p.value.text)
            used.extend((span.start_line, n) for n in p.value.nodes)
        else:
            pieces.append(p.source)
        at = p.end
    pieces.append(line[at:b])
    node.value = "".join(pieces)
    only = mine[0].value if len(mine) == 1 and mine[0].start == a and mine[0].end == b else None
    if quoted or only is None or only.text is None or only.quoted:
        node.kind = "str"
    else:
        node.kind = _resolve_plain(node.value)
    return True
