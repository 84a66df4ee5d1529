"""Shell, wherever it is written: `.sh` files, and scripts embedded in Dockerfile `RUN`
instructions, GitHub workflow `run:` steps, compose `command`/`entrypoint` and
Kubernetes `command`/`args`. Each script is parsed with tree-sitter-bash and its
commands are handed to rules with spans in the file that holds them."""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from ztlint import classify
from ztlint.checks.compose import services
from ztlint.model import Span
from ztlint.parsers import code
from ztlint.parsers.data import Mapping, Scalar, Sequence, walk
from ztlint.parsers.data import Node as DataNode
from ztlint.rule import FileContext
from ztlint.source import SourceText

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
_WRAPPERS = frozenset({"sudo", "env", "exec", "command", "nohup", "time", "xargs"})


@dataclass(frozen=True)
class Word:
    text: str  # unquoted where the quoting is literal
    span: Span


@dataclass(frozen=True)
class Command:
    name: str  # basename of the program, after sudo/env and the like
    args: tuple[Word, ...]
    assignments: tuple[tuple[str, Word], ...]  # NAME=value prefixes and exports
    span: Span
    # The variables the conditions of the `if` statements around the command test
    # (`if [ "$INSECURE" = true ]; then curl -k ...`): a switch the command runs under.
    gates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Script:
    """A shell script and where it stands in its file."""

    text: str
    first_line: int  # file line of the script's first line
    first_col: int  # file column of the script's first character (first line only)
    exact: bool  # False when the script's text was reassembled (folded YAML, argv lists)
    end_line: int


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def file_commands(ctx: FileContext) -> list[tuple[Script, list[Command]]]:
    """Every script of the file with its commands, parsed once per file and shared by
    the rules that read shell."""
    return ctx.cached(_file_commands)


def _file_commands(ctx: FileContext) -> list[tuple[Script, list[Command]]]:
    return [(s, list(commands(s, ctx))) for s in scripts(ctx)]


def commands(script: Script, ctx: FileContext) -> Iterator[Command]:
    src = SourceText(script.text)
    tree = code.parse("bash", src)
    locator = _Locator(ctx, script)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.named_children))
        if node.type == "declaration_command":
            pairs = tuple(
                _assignment(src, a, locator)
                for a in node.named_children
                if a.type == "variable_assignment"
            )
            if pairs:
                yield Command("export", (), pairs, locator.span(src, node))
        elif (
            node.type == "variable_assignment"
            and node.parent is not None
            and node.parent.type not in ("command", "declaration_command")
        ):  # a statement of its own, at the top or in a branch, loop or function
            yield Command("", (), (_assignment(src, node, locator),), locator.span(src, node))
        elif node.type == "command":
            yield _command(src, node, locator)


def _assignment(src: SourceText, node: Node, locator: _Locator) -> tuple[str, Word]:
    name = node.child_by_field_name("name")
    value = node.child_by_field_name("value")
    key = code.node_text(src, name) if name is not None else ""
    if value is None:
        return key, Word("", locator.span(src, node))
    return key, Word(_unquote(code.node_text(src, value)), locator.span(src, node))


def _command(src: SourceText, node: Node, locator: _Locator) -> Command:
    assignments = tuple(
        _assignment(src, c, locator) for c in node.named_children if c.type == "variable_assignment"
    )
    name_node = node.child_by_field_name("name")
    words = [
        Word(_unquote(code.node_text(src, c)), locator.span(src, c))
        for c in node.named_children
        if c is not name_node
        and c.type not in ("variable_assignment", "file_redirect", "herestring_redirect")
    ]
    name = (
        posixpath.basename(_unquote(code.node_text(src, name_node)))
        if name_node is not None
        else ""
    )
    # `sudo -E curl -k`, `env FOO=1 curl -k`: look through wrappers to the program.
    while name in _WRAPPERS and words:
        while words and (words[0].text.startswith("-") or "=" in words[0].text):
            words.pop(0)
        if not words:
            break
        name = posixpath.basename(words.pop(0).text)
    return Command(name, tuple(words), assignments, locator.span(src, node), _gates(src, node))


def _gates(src: SourceText, node: Node) -> tuple[str, ...]:
    """The variables tested by the conditions of the `if` statements the command is in
    the branches of (not in their conditions), innermost first."""
    out: list[str] = []
    child, parent = node, node.parent
    levels = _GATE_LEVELS  # a hostile script's nesting is not walked to its top
    while parent is not None and levels:
        levels -= 1
        if parent.type in ("if_statement", "elif_clause"):
            conditions = parent.children_by_field_name("condition")
            if not any(c.start_byte <= child.start_byte < c.end_byte for c in conditions):
                stack, budget = list(conditions), _GATE_NODES
                while stack and budget:
                    budget -= 1
                    n = stack.pop()
                    if n.type == "variable_name":
                        out.append(code.node_text(src, n))
                    stack.extend(n.named_children)
        child, parent = parent, parent.parent
    return tuple(dict.fromkeys(out))


_GATE_LEVELS = 64
_GATE_NODES = 256


class _Locator:
    """Maps script positions back to the file. Exact scripts map by offset; a script
    whose text was reassembled maps a token to its first occurrence in the lines the
    script came from."""

    def __init__(self, ctx: FileContext, script: Script) -> None:
        self.ctx = ctx
        self.script = script

    def span(self, src: SourceText, node: Node) -> Span:
        local = code.node_span(src, node)
        s = self.script
        if s.exact:

            def shift(line: int, col: int) -> tuple[int, int]:
                return line + s.first_line - 1, col + (s.first_col - 1 if line == 1 else 0)

            sl, sc = shift(local.start_line, local.start_col)
            el, ec = shift(local.end_line, local.end_col)
            return Span(sl, sc, el, ec)
        token = code.node_text(src, node).split("\n", 1)[0]
        for line_no in range(s.first_line, s.end_line + 1):
            col = self.ctx.source.line(line_no).find(token)
            if col >= 0:
                return Span(line_no, col + 1, line_no, col + 1 + len(token))
        return Span(s.first_line, s.first_col, s.first_line, s.first_col + 1)


# --- where scripts live -------------------------------------------------------------


def scripts(ctx: FileContext) -> Iterator[Script]:
    if "bash" in ctx.kinds:
        yield Script(ctx.text, 1, 1, True, len(ctx.source.lines))
    if classify.DOCKERFILE in ctx.kinds:
        yield from _dockerfile(ctx)
    if classify.MAKEFILE in ctx.kinds:
        yield from makefile_recipes(ctx)
    if ctx.kinds & {classify.WORKFLOW, classify.COMPOSE, classify.KUBERNETES}:
        for doc in ctx.documents():
            if classify.WORKFLOW in ctx.kinds:
                yield from _workflow(ctx, doc)
            if classify.COMPOSE in ctx.kinds:
                for _, service in services(doc):
                    yield from _argv_script(
                        ctx, [service.get("entrypoint"), service.get("command")]
                    )
            if classify.KUBERNETES in ctx.kinds:
                for node, _ in walk(doc):
                    if isinstance(node, Mapping) and node.get("image") is not None:
                        yield from _argv_script(ctx, [node.get("command"), node.get("args")])


def _scalar_script(ctx: FileContext, node: Scalar) -> Script:
    """A YAML scalar holding shell. A one-line plain scalar maps by offset; a block or
    quoted scalar's text differs from its source (indentation, escapes), so its tokens
    are located in the lines it spans."""
    start = node.span.start_line
    indicator = ctx.source.line(start)[node.span.start_col - 1 : node.span.start_col]
    exact = node.span.start_line == node.span.end_line and indicator not in ("'", '"', "|", ">")
    return Script(node.value, start, node.span.start_col, exact, node.span.end_line)


def _workflow(ctx: FileContext, doc: DataNode) -> Iterator[Script]:
    if not isinstance(doc, Mapping):
        return
    jobs = doc.get_map("jobs")
    if jobs is None:
        return
    for _, job in jobs.items():
        steps = job.get_seq("steps") if isinstance(job, Mapping) else None
        for step in steps.items if steps is not None else []:
            if not isinstance(step, Mapping):
                continue
            shell = step.get_str("shell") or "bash"
            run = step.get("run")
            if isinstance(run, Scalar) and (shell.split() or ["bash"])[0] in SHELLS:
                yield _scalar_script(ctx, run)


def _argv_script(ctx: FileContext, parts: list[DataNode | None]) -> Iterator[Script]:
    """compose `entrypoint` + `command`, Kubernetes `command` + `args`: a string is a
    shell command line; a list is an argv, whose `sh -c SCRIPT` form holds a script."""
    argv: list[Scalar] = []
    for part in parts:
        if isinstance(part, Scalar):
            yield _scalar_script(ctx, part)
        elif isinstance(part, Sequence):
            argv.extend(item for item in part.items if isinstance(item, Scalar))
    if not argv:
        return
    first = posixpath.basename(argv[0].value)
    if first in SHELLS and len(argv) >= 3 and re.fullmatch(r"-[a-z]*c[a-z]*", argv[1].value):
        yield _scalar_script(ctx, argv[2])
        return
    line = shlex.join(a.value for a in argv)
    start, end = argv[0].span, argv[-1].span
    yield Script(line, start.start_line, start.start_col, False, end.end_line)


def _dockerfile(ctx: FileContext) -> Iterator[Script]:
    for instr in dockerfile_instructions(ctx.source):
        if instr.keyword != "RUN":
            continue
        body = instr.body
        if body.lstrip().startswith("["):
            try:
                argv = json.loads(body)
            except ValueError:
                argv = None
            if isinstance(argv, list) and all(isinstance(a, str) for a in argv):
                if (
                    argv
                    and posixpath.basename(argv[0]) in SHELLS
                    and len(argv) >= 3
                    and argv[1].startswith("-")
                ):
                    body = argv[2]
                else:
                    body = shlex.join(argv)
                yield Script(body, instr.line, instr.body_col, False, instr.end_line)
                continue
        # The instruction's lines were joined at its continuations: the shell reads them
        # as one command line (`docker run \\` then `--privileged` on the next line).
        lines = [part for part in body.split("\n") if part != "\\"]
        yield Script(" \\\n".join(lines), instr.line, instr.body_col, False, instr.end_line)


_MAKE_RULE = re.compile(r"^[^\s#=][^=]*?::?(?!=)")
_MAKE_VARIABLE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:\?|:{1,3}|\+)?=[ \t]*(\S+)[ \t]*$")
_MAKE_REFERENCE = re.compile(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]")


def makefile_recipes(ctx: FileContext) -> Iterator[Script]:
    """A Makefile's recipe lines (tab-indented, after a rule), each with its
    continuation lines, as shell: the `@`, `-` and `+` prefixes dropped, `$$` read as
    `$`, and a make variable that holds one word (`DOCKER ?= docker`) replaced by it."""
    lines = ctx.source.lines
    variables: dict[str, str] = {}
    for line in lines:
        m = _MAKE_VARIABLE.match(line)
        if m is not None:
            variables[m.group(1)] = m.group(2)
    in_rule = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("\t"):
            if _MAKE_RULE.match(line) is not None:
                in_rule = True
            elif "=" in line and not line.lstrip().startswith("#"):
                in_rule = False  # a variable assignment ends the rule
            i += 1
            continue
        start = i
        parts = [line]
        while parts[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            parts.append(lines[i])
        i += 1
        if not in_rule:
            continue
        text = "\n".join(p.removeprefix("\t") for p in parts).lstrip()
        text = text.lstrip("@-+ \t")
        text = _MAKE_REFERENCE.sub(lambda m: variables.get(m.group(1), m.group(0)), text)
        yield Script(text.replace("$$", "$"), start + 1, 2, False, i)


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case
    body: str  # continuation lines joined with newlines, backslashes removed
    line: int
    body_col: int
    end_line: int


_INSTRUCTION = re.compile(r"^(\s*)([A-Za-z]+)(\s+)(.*)$")
_RUN_FLAGS = re.compile(r"^(?:--\S+\s+)*")


def dockerfile_instructions(src: SourceText) -> Iterator[Instruction]:
    """Instructions with their continuation lines (`\\`), comments skipped."""
    lines = src.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _INSTRUCTION.match(line)
        if m is None or line.lstrip().startswith("#"):
            i += 1
            continue
        start = i
        parts = [m.group(4)]
        while parts[-1].rstrip().endswith("\\") and i + 1 < len(lines):
            parts[-1] = parts[-1].rstrip()[:-1]
            i += 1
            nxt = lines[i]
            if nxt.lstrip().startswith("#"):
                # A comment inside a continuation is dropped; the instruction goes on.
                parts.append("\\")
                continue
            parts.append(nxt)
        body = "\n".join(parts)
        keyword = m.group(2).upper()
        if keyword == "RUN":
            flags = _RUN_FLAGS.match(body)
            body = body[flags.end() :] if flags else body
        col = len(m.group(1)) + len(m.group(2)) + len(m.group(3)) + 1
        yield Instruction(keyword, body, start + 1, col, i + 1)
        i += 1


_FROM = re.compile(r"^(?:--\S+\s+)*(\S+)(?:\s+as\s+(\S+))?\s*$", re.I | re.S)


@dataclass(frozen=True)
class Stage:
    """A build stage of a Dockerfile: from its `FROM` to the next."""

    index: int
    name: str | None
    base: str  # the image or earlier stage it starts from (lower case)
    line: int


def dockerfile_stages(
    instructions: Iterable[Instruction],
) -> tuple[list[Stage], list[tuple[int, Instruction]]]:
    """The stages, and each instruction with the index of its stage (-1 before the
    first `FROM`: the global `ARG`s)."""
    stages: list[Stage] = []
    out: list[tuple[int, Instruction]] = []
    for instr in instructions:
        if instr.keyword == "FROM":
            m = _FROM.match(instr.body.strip())
            base = m.group(1).lower() if m else ""
            name = m.group(2).lower() if m and m.group(2) else None
            stages.append(Stage(len(stages), name, base, instr.line))
        out.append((len(stages) - 1, instr))
    return stages, out


def shipped_stages(stages: list[Stage]) -> set[int]:
    """The stages the final image is built on: the last, and the stages it starts FROM."""
    if not stages:
        return set()
    by_name = {s.name: s for s in stages if s.name}
    out: set[int] = set()
    stage: Stage | None = stages[-1]
    while stage is not None and stage.index not in out:
        out.add(stage.index)
        stage = by_name.get(stage.base)
    return out
