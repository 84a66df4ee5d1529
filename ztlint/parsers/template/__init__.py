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

This module neutralises (`neutralise` and the block structure it follows); `lexer`
finds the actions, `evaluate` decides expressions from the values, `graft` copies
printed blocks, `apply` puts values on scalars, `model` holds the shared types. Names
with a leading underscore are private to the package; the public ones are importable
from here.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right

from ztlint.parsers.data import Mapping, Node, Sequence
from ztlint.parsers.template.apply import apply_values as apply_values
from ztlint.parsers.template.evaluate import _Evaluator
from ztlint.parsers.template.graft import MAX_GRAFTED as MAX_GRAFTED
from ztlint.parsers.template.graft import defines as defines
from ztlint.parsers.template.graft import graft_blocks as graft_blocks
from ztlint.parsers.template.lexer import _FAIL, _HEAD, _lex, _line_of
from ztlint.parsers.template.model import _BLOCK_PRINTERS, UNKNOWN, _Action, _Block, _Coll
from ztlint.parsers.template.model import GO as GO
from ztlint.parsers.template.model import JINJA as JINJA
from ztlint.parsers.template.model import MAX_NESTING as MAX_NESTING
from ztlint.parsers.template.model import Neutralised as Neutralised
from ztlint.parsers.template.model import Placeholder as Placeholder
from ztlint.parsers.template.model import TemplateError as TemplateError
from ztlint.parsers.template.model import Value as Value
from ztlint.source import line_starts

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
