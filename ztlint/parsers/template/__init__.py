"""Template-tolerant reading of YAML written through Go templates (Helm charts,
`*.gotmpl`, `*.tmpl`, `*.tpl`) or Jinja (`*.j2`): the template's actions are
neutralised in place, keeping every other character's line and column, so the YAML
composer's positions are the template's own.

Nothing in a template is executed and no file it names is read (`include`,
`.Files.Get`, `template` stay neutral). What is done, in one linear pass:

- an action that prints a value inline becomes a plain run of `_` of its own length (a
  neutral scalar); one that stands alone on its line (`{{- include "labels" . |
  nindent 4 }}`, `{{ toYaml .Values.x | nindent 8 }}`) becomes blank, so the key
  above it reads as null rather than breaking the YAML; an action that prints a block
  (`toYaml`, `indent`, `nindent`) is blank wherever it sits;
- control actions (`if`, `else`, `with`, `range`, `end`, variables, comments) become
  blank; of an `if`/`else if`/`else` chain one branch is kept and the others blanked:
  the first whose condition is true from the chart's values, else the first whose
  condition cannot be decided (the documented policy: keep the if-branch, blank the
  else-branch), else the `else` branch. `with` and `range` keep their body unless the
  value is known to be empty. `define` bodies (template libraries) are blanked;
- a `.Values.a.b` printed as a scalar (also through `default`, `quote`, `squote`,
  `toString`, `index`) is looked up in the chart's values; `apply_values` puts the
  value on the composed scalar afterwards, and remembers the values line it came from.
  A value that is not in values.yaml stays neutral;
- a mapping or list of the values printed as a block under its key (`securityContext:
  {{ toYaml .Values.sc | nindent 12 }}`, or on the next line) is put under that key
  by `graft_blocks`, every node of the copy at the action's line (a finding lands on
  the template's line; the values line is its related location). Copies are bounded
  (`MAX_GRAFTED` nodes per template), so aliases in the values cannot blow them up.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Final

from ztlint.model import Span
from ztlint.parsers.data import Mapping, Node, ParseFailure, Scalar, Sequence, walk
from ztlint.source import line_starts, split_lines

GO: Final = "go"
JINJA: Final = "jinja"

# Blocks nested deeper than this (and parenthesised pipelines deeper than _MAX_PARENS)
# leave the template unread: no real chart comes near.
MAX_NESTING = 100
_MAX_PARENS = 32
_BLOCK_PRINTERS = frozenset({"toYaml", "toYamlPretty", "indent", "nindent"})
_VARIABLE = re.compile(r"\$[\w]*\s*:?=")
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<raw>`[^`]*`)|(?P<chr>'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<p>[()|,])|(?P<word>[^\s()|,"`']+))"""
)
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class TemplateError(ParseFailure):
    """A template that could not be read: its actions could not be followed (an
    unterminated action, an `end` without a block, nesting beyond the limit), or the
    YAML left after neutralising them does not parse. `line` is 1-based."""


@dataclass(frozen=True)
class _Coll:
    """A mapping or sequence from the values, for truthiness only."""

    size: int


_Py = None | bool | int | float | str | _Coll


@dataclass(frozen=True)
class Value:
    """What an expression evaluates to: its Python value, how the template would print
    it (scalars only), whether a quoting function made it a string, and the values
    nodes it came from."""

    py: _Py
    text: str | None
    quoted: bool = False
    nodes: tuple[Node, ...] = ()
    # Not in values.yaml. Helm would read nil; but charts also merge defaults in from
    # elsewhere, so a condition on it is undecided (only `default` takes it as nil).
    missing: bool = False

    def truthy(self) -> bool:
        py = self.py
        if isinstance(py, _Coll):
            return py.size > 0
        return bool(py)


UNKNOWN: Final = None
_MISSING: Final = Value(None, None, missing=True)


@dataclass(frozen=True)
class Placeholder:
    """An inline printing action: 0-based line, columns [start, end) on that line, and
    its value when the chart's values decide it."""

    line: int
    start: int
    end: int
    value: Value | None
    source: str = ""  # the action as written, shown where the value is not known


@dataclass
class Neutralised:
    text: str
    placeholders: list[Placeholder] = field(default_factory=list)
    # Branches kept because values made their condition true: 1-based first and last
    # line, and the values nodes that decided it.
    decided: list[tuple[int, int, tuple[Node, ...]]] = field(default_factory=list)
    # Branches kept by policy, their condition undecided: 1-based first and last line.
    undecided: list[tuple[int, int]] = field(default_factory=list)
    # Values blocks printed by a blanked action: 0-based line, its columns [start, end)
    # on that line, the values node.
    blocks: list[tuple[int, int, int, Node]] = field(default_factory=list)
    # Named templates included with the root context by a blanked action: 0-based
    # line, columns [start, end), the name.
    includes: list[tuple[int, int, int, str]] = field(default_factory=list)


@dataclass
class _Action:
    start: int  # offset of `{{`
    end: int  # offset after `}}`
    body: str  # the text between the delimiters, trim markers and spaces removed
    word: str  # `if`, `else`, `end`, ... ; "" for a printing action; "#" comment
    scope: int = 0  # enclosing with/range/for blocks (where `.` is rebound)
    dot: Value | None = None  # what `.` is inside the innermost `with` on known values


@dataclass
class _Block:
    kind: str
    rebinds: bool
    # (condition value or None for undecidable, is-else, body start offset, body end)
    branches: list[tuple[Value | None, bool, int, int]] = field(default_factory=list)
    open_cond: Value | None = None
    open_else: bool = False
    # Branches (by index) that call `fail`: helm refuses to render them.
    failing: set[int] = field(default_factory=set)
    open_start: int = 0


# --- lexing -------------------------------------------------------------------------


def _lex(text: str, dialect: str) -> list[_Action]:
    """Every action, in order. Linear in the text: each character is looked at by one
    search at most once."""
    actions: list[_Action] = []
    opener = re.compile(r"\{\{|\{%|\{#") if dialect == JINJA else re.compile(r"\{\{")
    pos = 0
    n = len(text)
    while True:
        m = opener.search(text, pos)
        if m is None:
            return actions
        start = m.start()
        kind = m.group()
        i = m.end()
        if kind == "{#":
            close = text.find("#}", i)
            if close < 0:
                raise TemplateError("unterminated template comment", _line_of(text, start))
            actions.append(_Action(start, close + 2, "", "#"))
            pos = close + 2
            continue
        closer = "}}" if kind == "{{" else "%}"
        # Trim markers: `{{- `, `{%- `, `{%+ `.
        if i < n and text[i] in "-+" and (i + 1 >= n or text[i + 1] in " \t\r\n%}"):
            i += 1
        body_start = i
        while i < n and text[i] in " \t\r\n":
            i += 1
        if dialect == GO and text.startswith("/*", i):
            close = text.find("*/", i + 2)
            end = text.find(closer, close + 2) if close >= 0 else -1
            if close < 0 or end < 0 or text[close + 2 : end].strip(" \t\r\n-") != "":
                raise TemplateError("unterminated template comment", _line_of(text, start))
            actions.append(_Action(start, end + 2, "", "#"))
            pos = end + 2
            continue
        end = _action_end(text, i, closer)
        if end < 0:
            raise TemplateError("unterminated template action", _line_of(text, start))
        body = text[body_start:end].strip(" \t\r\n")
        if body.endswith("-") or body.endswith("+"):
            body = body[:-1].rstrip(" \t\r\n")
        word = _word(body, kind)
        actions.append(_Action(start, end + 2, body, word))
        pos = end + 2
        if dialect == JINJA and word == "raw":
            closing = re.compile(r"\{%[-+]?\s*endraw\s*[-+]?%\}").search(text, pos)
            if closing is None:
                raise TemplateError("unterminated raw block", _line_of(text, start))
            actions.append(_Action(closing.start(), closing.end(), "", "endraw"))
            pos = closing.end()


_BODY = {
    closer: re.compile(
        rf"""(?:[^{closer[0]}"'`\n]|\n|{re.escape(closer[0])}(?!{re.escape(closer[1])})"""
        r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)*"""
    )
    for closer in ("}}", "%}")
}


def _action_end(text: str, i: int, closer: str) -> int:
    """The offset of the closing delimiter, skipping quoted strings; -1 if none. One
    regex whose alternatives each start with a different character: linear."""
    body = _BODY[closer].match(text, i)
    end = body.end() if body is not None else i
    return end if text.startswith(closer, end) else -1


_GO_WORDS = frozenset(
    {"if", "else", "end", "range", "with", "define", "block", "break", "continue", "template"}
)
_JINJA_WORDS = frozenset(
    {
        "if", "elif", "else", "endif", "for", "endfor", "macro", "endmacro", "call",
        "endcall", "filter", "endfilter", "set", "endset", "block", "endblock", "with",
        "endwith", "raw", "include", "import", "from", "extends", "do", "autoescape",
        "endautoescape",
    }
)  # fmt: skip


_HEAD = re.compile(r"[A-Za-z_]\w*")
_FAIL = re.compile(r"fail\b")


def _word(body: str, opener: str) -> str:
    m = _HEAD.match(body)
    head = m.group() if m else ""
    if opener == "{%":
        return head if head in _JINJA_WORDS else "stmt"
    if head in _GO_WORDS and head != "template":
        return head  # `{{ with.Values.x }}` is Go too: a keyword ends at any non-word
    if _VARIABLE.match(body):
        return "var"
    return ""


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --- values -------------------------------------------------------------------------


def _scalar_value(node: Node) -> Value:
    if isinstance(node, Mapping):
        return Value(_Coll(len(node.entries) + len(node.merges)), None, nodes=(node,))
    if isinstance(node, Sequence):
        return Value(_Coll(len(node.items)), None, nodes=(node,))
    assert isinstance(node, Scalar)
    kind, text = node.kind, node.value
    py: _Py
    if kind == "bool":
        py = node.truthy() is True
        text = "true" if py else "false"
    elif kind == "null":
        return Value(None, None, nodes=(node,))
    elif kind == "int":
        try:
            py = int(text.replace("_", ""), 0)
        except ValueError:
            py = text
    elif kind == "float":
        try:
            py = float(text)
        except ValueError:
            py = text
    else:
        py = text
    return Value(py, text, nodes=(node,))


def _literal(tok: str) -> Value | None:
    if tok in ("true", "false"):
        return Value(tok == "true", tok)
    if tok == "nil":
        return Value(None, None)
    if _INT.fullmatch(tok):
        return Value(int(tok), tok)
    if _FLOAT.fullmatch(tok):
        return Value(float(tok), tok)
    return UNKNOWN


def _unquote(tok: str) -> str:
    body = tok[1:-1]
    if tok[0] == "`":
        return body
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def _descend(node: Node, parts: list[str]) -> Node | None:
    """The values node at a key path below `node`, or None."""
    for part in parts:
        found = node.get(part) if isinstance(node, Mapping) else None
        if found is None:
            return None
        node = found
    return node


class _Evaluator:
    """Evaluates the small part of Go's template language that reads chart values:
    field chains from `.Values`, literals, and the functions that decide conditions or
    pass a value through. Everything else is undecidable (None)."""

    def __init__(self, values: Mapping | None) -> None:
        self.values = values
        self._dot: Value | None = None

    def lookup(self, parts: list[str]) -> Value | None:
        if self.values is None:
            return UNKNOWN
        found = _descend(self.values, parts)
        return _MISSING if found is None else _scalar_value(found)

    def pipeline(self, body: str, scope: int, dot: Value | None = None) -> Value | None:
        if self.values is None or (".Values" not in body and dot is None):
            return UNKNOWN  # (literals alone, `{{ if true }}`, are not worth the time)
        tokens = [m.group(m.lastindex) for m in _TOKEN.finditer(body) if m.lastindex]
        self._dot = dot
        try:
            value, rest = self._pipe(tokens, 0, scope, 0)
        except (IndexError, ValueError):
            return UNKNOWN
        return value if rest == len(tokens) else UNKNOWN

    def _pipe(self, toks: list[str], i: int, scope: int, depth: int) -> tuple[Value | None, int]:
        if depth > _MAX_PARENS:
            raise ValueError("too deep")
        piped: Value | None = None
        first = True
        while True:
            args: list[Value | None] = []
            names: list[str] = []
            while i < len(toks) and toks[i] not in ("|", ")"):
                tok = toks[i]
                if tok == "(":
                    val, i = self._pipe(toks, i + 1, scope, depth + 1)
                    if i >= len(toks) or toks[i] != ")":
                        raise ValueError("unbalanced")
                    args.append(val)
                    names.append("")
                else:
                    args.append(self._operand(tok, scope))
                    names.append(tok)
                i += 1
            if not args:
                raise ValueError("empty command")
            result = self._command(names, args, None if first else piped, not first)
            piped, first = result, False
            if i < len(toks) and toks[i] == "|":
                i += 1
                continue
            return piped, i

    def _operand(self, tok: str, scope: int) -> Value | None:
        if tok[0] in '"`':
            text = _unquote(tok)
            return Value(text, text)
        if tok.startswith(".Values.") and scope == 0:
            return self.lookup(tok[len(".Values.") :].split("."))
        if tok.startswith("$.Values."):
            return self.lookup(tok[len("$.Values.") :].split("."))
        dot = self._dot
        if dot is not None and dot.nodes and tok[0] == "." and not tok.startswith(".Values"):
            if tok == ".":
                return dot
            found = _descend(dot.nodes[0], tok[1:].split("."))
            return UNKNOWN if found is None else _scalar_value(found)
        if (tok == ".Values" and scope == 0) or tok == "$.Values":
            return Value(_Coll(1), None, nodes=(self.values,)) if self.values else UNKNOWN
        return _literal(tok)

    def _command(
        self, names: list[str], args: list[Value | None], piped: Value | None, has_pipe: bool
    ) -> Value | None:
        fn = names[0]
        if not fn or fn[0] in '.$"`' or _literal(fn) is not None:
            # An operand, not a function: fine alone, not with arguments or a pipe.
            return args[0] if len(args) == 1 and not has_pipe else UNKNOWN
        params = args[1:] + ([piped] if has_pipe else [])
        return _call(fn, params, self)


def _call(fn: str, params: list[Value | None], ev: _Evaluator) -> Value | None:
    if fn == "default" and len(params) == 2:
        fallback, given = params
        if given is not None and given.truthy():
            return given
        if given is None:
            return UNKNOWN
        return fallback
    params = [None if p is not None and p.missing else p for p in params]
    known = [p for p in params if p is not None]
    nodes = tuple(n for p in known for n in p.nodes)
    if fn == "not" and len(params) == 1:
        p = params[0]
        return UNKNOWN if p is None else Value(not p.truthy(), None, nodes=p.nodes)
    if fn in ("and", "or") and params:
        want = fn == "or"  # the value that decides: a true for `or`, a false for `and`
        for p in params:
            if p is not None and p.truthy() == want:
                return Value(want, None, nodes=p.nodes)
        if len(known) < len(params):
            return UNKNOWN
        return Value(not want, None, nodes=nodes)
    if fn in ("eq", "ne") and len(params) >= 2:
        if len(known) < len(params) or any(isinstance(p.py, _Coll) for p in known):
            return UNKNOWN
        first = _comparable(known[0].py)
        same = any(first == _comparable(p.py) for p in known[1:])
        return Value(same if fn == "eq" else not same, None, nodes=nodes)
    if fn == "empty" and len(params) == 1:
        p = params[0]
        return UNKNOWN if p is None else Value(not p.truthy(), None, nodes=p.nodes)
    if fn in ("quote", "squote", "toString") and len(params) == 1:
        p = params[0]
        if p is None or p.text is None:
            return UNKNOWN
        return Value(p.text, p.text, quoted=fn != "toString", nodes=p.nodes)
    if fn in ("toYaml", "toYamlPretty", "indent", "nindent") and params:
        p = params[-1]  # the printed value comes last (`nindent 8 (toYaml .Values.x)`)
        if p is not None and isinstance(p.py, _Coll) and p.nodes:
            return Value(p.py, None, nodes=p.nodes[:1])
        return UNKNOWN
    if fn == "index" and len(params) >= 2 and params[0] is not None:
        base = params[0]
        keys = params[1:]
        if (
            base.nodes
            and base.nodes[0] is ev.values
            and all(k is not None and isinstance(k.py, str) for k in keys)
        ):
            return ev.lookup([str(k.py) for k in keys if k is not None])
        return UNKNOWN
    return UNKNOWN


def _comparable(py: _Py) -> object:
    if isinstance(py, bool) or py is None:
        return py
    if isinstance(py, int | float):
        return float(py)
    return py


# --- neutralising -------------------------------------------------------------------


def neutralise(text: str, dialect: str = GO, values: Mapping | None = None) -> Neutralised:
    """The template's text with its actions neutralised (see the module's docs).
    Raises TemplateError when the actions cannot be followed."""
    if "{{" not in text and (dialect != JINJA or ("{%" not in text and "{#" not in text)):
        return Neutralised(text)
    actions = _lex(text, dialect)
    ev = _Evaluator(values)
    blanks, decided = _structure(text, actions, ev, dialect)
    out = list(text)
    starts = line_starts(text)
    for a, b in _merge(blanks):
        _blank(out, a, b)
    result = Neutralised("")
    cut = _Cuts(_merge(blanks))
    printing: list[_Action] = []
    for act in actions:
        if cut.covers(act.start):
            continue
        if act.word == "":
            printing.append(act)
        else:
            _blank(out, act.start, act.end)
    # A printing action alone on its line (after the blanking above) stands for a block,
    # and so does one that prints YAML (`toYaml`, `nindent`) with nothing after it.
    by_line: dict[int, list[_Action]] = {}
    for act in printing:
        by_line.setdefault(bisect_right(starts, act.start) - 1, []).append(act)
    for line, acts in by_line.items():
        first, last = acts[0], acts[-1]
        line_start = starts[line]
        line_end = text.find("\n", last.end)
        line_end = len(text) if line_end < 0 else line_end
        inside = "".join(out[line_start : first.start]) + "".join(out[last.end : line_end])
        rest = inside + "".join("".join(out[a.end : b.start]) for a, b in itertools.pairwise(acts))
        if rest.strip() == "":
            for act in acts:
                _blank(out, act.start, act.end)
            if len(acts) == 1:
                _printed_block(ev, first, line, line_start, result)
            continue
        for act in acts:
            tail = text.find("\n", act.end)
            tail = len(text) if tail < 0 else tail
            if _prints_block(act.body) and "".join(out[act.end : tail]).strip() == "":
                # `securityContext: {{ toYaml .Values.sc | nindent 12 }}`: a block
                # after its key, which reads as null.
                _blank(out, act.start, act.end)
                _printed_block(ev, act, line, line_start, result)
                continue
            end_line = bisect_right(starts, act.end - 1) - 1
            if end_line != line:
                # A printing action over several lines: its first line keeps a
                # placeholder, the continuation is blank.
                stop = text.find("\n", act.start)
                _fill(out, act.start, stop)
                _blank(out, stop, act.end)
                continue
            _fill(out, act.start, act.end)
            value = ev.pipeline(act.body, act.scope, act.dot)
            if value is not None and value.text is None:
                value = None
            result.placeholders.append(
                Placeholder(
                    line,
                    act.start - line_start,
                    act.end - line_start,
                    value,
                    " ".join(text[act.start : act.end].split()),
                )
            )
    shifts = _pull_left(out, text, starts)
    if shifts:
        result.placeholders = [
            Placeholder(p.line, p.start - shifts[p.line], p.end - shifts[p.line], p.value, p.source)
            if p.line in shifts
            else p
            for p in result.placeholders
        ]
    result.text = _empty_blank_lines("".join(out), text)
    for a, b, nodes in decided:
        lines = (bisect_right(starts, a), bisect_right(starts, max(a, b - 1)))
        if nodes:
            result.decided.append((*lines, nodes))
        else:
            result.undecided.append(lines)
    return result


def _pull_left(out: list[str], text: str, starts: list[int]) -> dict[int, int]:
    """A line that starts with a control action and goes on with YAML
    (`{{ with .Values.p }}imagePullPolicy: {{ . }}{{ end }}`) would indent the YAML by
    the action's width: the rest of the line moves left to where the action began. The
    columns on such a line shift (its line stays); the shift per 0-based line."""
    shifts: dict[int, int] = {}
    for line, begin in enumerate(starts):
        lead = _LEAD.match(text, begin)
        if lead is None:
            continue
        indent = lead.end() - 2
        if out[indent] != " ":
            continue
        end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
        if end > begin and text[end - 1] == "\r":
            end -= 1
        rest = "".join(out[indent:end])
        width = len(rest) - len(rest.lstrip(" \t"))
        if width == len(rest):
            continue
        out[indent:end] = list(rest[width:] + " " * width)
        shifts[line] = width
    return shifts


_LEAD = re.compile(r"[ \t]*\{\{")


def _empty_blank_lines(out: str, text: str) -> str:
    """Lines that neutralising left with spaces only lose the spaces: inside a block
    scalar, a leading line of spaces wider than its content breaks the YAML (libyaml
    takes it for the indentation). Only changed lines are touched, and a line's end
    stays where it was for every other line."""
    lines = out.split("\n")
    original = text.split("\n")
    for i, line in enumerate(lines):
        if line and line.strip(" \r") == "" and line != original[i]:
            lines[i] = "\r" if line.endswith("\r") else ""
    return "\n".join(lines)


_INCLUDE = re.compile(
    r'include\s+"([^"\\]{1,200})"\s+[.$](?:\s*\|\s*(?:nindent|indent)\s+\d+)?(?:\s*\|\s*trim)?'
)


def _printed_block(
    ev: _Evaluator, act: _Action, line: int, line_start: int, out: Neutralised
) -> None:
    """Remember a values mapping or list that a blanked action prints as a block, or a
    named template it includes with the root context (`include "app.sc" . | nindent 8`)."""
    if act.scope == 0 and (m := _INCLUDE.fullmatch(act.body)) is not None:
        start = act.start - line_start
        out.includes.append((line, start, act.end - line_start, m.group(1)))
        return
    if not _prints_block(act.body):
        return
    value = ev.pipeline(act.body, act.scope, act.dot)
    if value is None or not isinstance(value.py, _Coll) or not value.nodes:
        return
    node = value.nodes[0]
    if isinstance(node, Mapping | Sequence) and node is not ev.values:
        start = act.start - line_start
        one_line = "\n" not in act.body
        out.blocks.append((line, start, act.end - line_start if one_line else start + 2, node))


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


def _prints_block(body: str) -> bool:
    words = set(re.findall(r"[A-Za-z_]\w*", body))
    return bool(words & _BLOCK_PRINTERS)


def _structure(
    text: str, actions: list[_Action], ev: _Evaluator, dialect: str
) -> tuple[list[tuple[int, int]], list[tuple[int, int, tuple[Node, ...]]]]:
    """Follow the blocks: the text ranges to blank (branches not kept, `define` bodies)
    and the kept branches a known-true condition decided."""
    blanks: list[tuple[int, int]] = []
    decided: list[tuple[int, int, tuple[Node, ...]]] = []
    stack: list[_Block] = []
    opens = {"if", "with", "range", "define", "block", "for", "macro", "call", "filter"}
    opens |= {"autoescape"}
    ends = {"end", "endif", "endfor", "endmacro", "endcall", "endfilter", "endset"}
    ends |= {"endblock", "endwith", "endautoescape"}
    for act in actions:
        act.scope = sum(1 for b in stack if b.rebinds)
        inner = next((b for b in reversed(stack) if b.rebinds), None)
        if inner is not None and inner.kind == "with" and not inner.open_else:
            cond = inner.open_cond
            if cond is not None and isinstance(cond.py, _Coll) and cond.nodes:
                act.dot = cond
        word = act.word
        if word == "set" and dialect == JINJA and "=" not in act.body:
            word = "setblock"  # `{% set x %}...{% endset %}` captures its body
        if word in opens or word == "setblock":
            if len(stack) >= MAX_NESTING:
                raise TemplateError("template blocks nested too deep", _line_of(text, act.start))
            rebinds = word in ("with", "range", "for")
            block = _Block(word, rebinds, open_start=act.end)
            if word in ("if", "with", "range") and dialect == GO:
                block.open_cond = ev.pipeline(_after_word(act.body), act.scope, act.dot)
            stack.append(block)
        elif word in ("else", "elif"):
            if not stack:
                raise TemplateError(f"`{word}` outside a block", _line_of(text, act.start))
            block = stack[-1]
            block.branches.append((block.open_cond, block.open_else, block.open_start, act.start))
            rest = _after_word(act.body)
            head = m.group() if (m := _HEAD.match(rest)) else ""
            if word == "elif" or head in ("if", "with"):
                block.open_cond = (
                    ev.pipeline(_after_word(rest), act.scope) if dialect == GO else UNKNOWN
                )
                block.open_else = False
            else:
                block.open_cond = UNKNOWN
                block.open_else = True
            block.open_start = act.end
        elif word == "" and stack and _FAIL.match(act.body):
            stack[-1].failing.add(len(stack[-1].branches))
        elif word in ends:
            if not stack:
                raise TemplateError(f"`{word}` without a block", _line_of(text, act.start))
            block = stack.pop()
            block.branches.append((block.open_cond, block.open_else, block.open_start, act.start))
            _close(block, blanks, decided)
    if stack:
        raise TemplateError(f"`{stack[-1].kind}` block never ended", _line_of(text, len(text)))
    return blanks, decided


def _close(
    block: _Block,
    blanks: list[tuple[int, int]],
    decided: list[tuple[int, int, tuple[Node, ...]]],
) -> None:
    if block.kind in ("define", "macro", "setblock"):
        blanks.extend((a, b) for _, _, a, b in block.branches)
        return
    keep: int | None = None
    for i, (cond, is_else, _, _) in enumerate(block.branches):
        if is_else or block.kind not in ("if", "with", "range"):
            keep = i
            break
        if cond is None or cond.missing or cond.truthy():
            keep = i
            _, _, a, b = block.branches[i]
            decided.append((a, b, () if cond is None or cond.missing else cond.nodes))
            break
    if keep is not None and keep in block.failing and keep != 0:
        # The values lead to `fail` (a setting the user must give): which branch the
        # user picks is not known; the if-branch is kept, as for an undecided one.
        if decided and decided[-1][:2] == block.branches[keep][2:]:
            decided.pop()
        keep = 0
        _, _, a, b = block.branches[0]
        decided.append((a, b, ()))
    for i, (_, _, a, b) in enumerate(block.branches):
        if i != keep:
            blanks.append((a, b))


def _after_word(body: str) -> str:
    m = _HEAD.match(body)
    return body[m.end() :].lstrip() if m else body


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


class _Cuts:
    """Whether an offset lies in one of the sorted, disjoint ranges."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self.starts = [a for a, _ in ranges]
        self.ends = [b for _, b in ranges]

    def covers(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]


_NOT_BREAK = re.compile(r"[^\r\n]")


def _blank(out: list[str], a: int, b: int) -> None:
    out[a:b] = _NOT_BREAK.sub(" ", "".join(out[a:b]))


def _fill(out: list[str], a: int, b: int) -> None:
    out[a:b] = _NOT_BREAK.sub("_", "".join(out[a:b]))


# --- values onto the composed documents ----------------------------------------------

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
