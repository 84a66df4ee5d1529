"""Environment variables a file sets for a program, wherever the file sets them:
compose `environment`, Kubernetes container `env`, GitHub workflow `env` (of the
workflow, a job, a step, a job's `container` or one of its `services`), Dockerfile
`ENV`/`ARG`, `.env` files, and `NAME=value` / `export NAME=value` in shell scripts.

Each setting comes with the span of its value (of the whole `NAME=value` where the
value has no node of its own) and where it was set, so a rule can judge a throwaway CI
service container apart from a deployment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ztlint import classify
from ztlint.checks.compose import services
from ztlint.checks.shell import commands, dockerfile_instructions, scripts
from ztlint.model import Span
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk
from ztlint.rule import FileContext

# Where a setting was made.
CONTAINER = "container"  # a compose service, a Kubernetes container, a Dockerfile
CI_SERVICE = "ci-service"  # a workflow job's service container: lives for one job
WORKFLOW = "workflow"  # a workflow's, job's or step's env
DOTENV = "dotenv"
SHELL = "shell"

_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)(\"[^\"]*\"|'[^']*'|\S*)")
_DOTENV_LINE = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


@dataclass(frozen=True)
class Setting:
    name: str
    value: str  # quotes removed
    span: Span
    where: str


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def yaml_entries(node: Node | None) -> Iterator[tuple[str, str, Node]]:
    """(name, value, value node) of an env block: a mapping, a list of `NAME=value`, or
    Kubernetes' list of `{name, value}`."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if isinstance(value, Scalar):
                yield key.value, value.value, value
    elif isinstance(node, Sequence):
        for item in node.items:
            if isinstance(item, Scalar) and "=" in item.value:
                var_name, _, text = item.value.partition("=")
                yield var_name.strip(), text, item
            elif isinstance(item, Mapping):
                var, val = item.get_str("name"), item.get("value")
                if var is not None and isinstance(val, Scalar):
                    yield var, val.value, val


def _workflow(doc: Node) -> Iterator[tuple[str, str, Node, str]]:
    if not isinstance(doc, Mapping):
        return
    for name, value, node in yaml_entries(doc.get("env")):
        yield name, value, node, WORKFLOW
    jobs = doc.get_map("jobs")
    for _, job in jobs.items() if jobs is not None else []:
        if not isinstance(job, Mapping):
            continue
        for name, value, node in yaml_entries(job.get("env")):
            yield name, value, node, WORKFLOW
        container = job.get_map("container")
        if container is not None:
            for name, value, node in yaml_entries(container.get("env")):
                yield name, value, node, CONTAINER
        svcs = job.get_map("services")
        for _, svc in svcs.items() if svcs is not None else []:
            if isinstance(svc, Mapping):
                for name, value, node in yaml_entries(svc.get("env")):
                    yield name, value, node, CI_SERVICE
        steps = job.get_seq("steps")
        for step in steps.items if steps is not None else []:
            if isinstance(step, Mapping):
                for name, value, node in yaml_entries(step.get("env")):
                    yield name, value, node, WORKFLOW


def settings(ctx: FileContext, names: Iterable[str], shell: bool = True) -> Iterator[Setting]:
    """Every setting of one of `names` in the file (`shell`: also in its scripts)."""
    wanted = frozenset(names)
    if not any(n in ctx.text for n in wanted):
        return
    if ctx.kinds & {classify.COMPOSE, classify.KUBERNETES, classify.WORKFLOW}:
        for doc in ctx.documents():
            found: list[tuple[str, str, Node, str]] = []
            if classify.WORKFLOW in ctx.kinds:
                found.extend(_workflow(doc))
            if classify.COMPOSE in ctx.kinds:
                for _, service in services(doc):
                    found.extend(
                        (n, v, node, CONTAINER)
                        for n, v, node in yaml_entries(service.get("environment"))
                    )
            if classify.KUBERNETES in ctx.kinds:
                for node, _ in walk(doc):
                    if isinstance(node, Mapping) and node.get("image") is not None:
                        found.extend(
                            (n, v, value, CONTAINER)
                            for n, v, value in yaml_entries(node.get("env"))
                        )
            for name, value, node, where in found:
                if name in wanted:
                    yield Setting(name, _unquote(value), node.span, where)
    if classify.DOCKERFILE in ctx.kinds:
        for instr in dockerfile_instructions(ctx.source):
            if instr.keyword not in ("ENV", "ARG"):
                continue
            for pair in _PAIR.finditer(instr.body):
                name, value = pair.group(1), pair.group(2)
                if name in wanted:
                    row = instr.line + instr.body[: pair.start()].count("\n")
                    col = ctx.source.line(row).find(name) + 1
                    span = Span(row, col, row, col + len(pair.group(0)))
                    yield Setting(name, _unquote(value), span, CONTAINER)
    if classify.DOTENV in ctx.kinds:
        for number, text in enumerate(ctx.source.lines, 1):
            found_line = _DOTENV_LINE.match(text)
            if found_line and found_line.group(1) in wanted:
                span = Span(number, found_line.start(1) + 1, number, len(text.rstrip()) + 1)
                value = found_line.group(2).split(" #", 1)[0]
                yield Setting(found_line.group(1), _unquote(value), span, DOTENV)
    if shell:
        for script in scripts(ctx):
            for cmd in commands(script, ctx):
                for name, word in cmd.assignments:
                    if name in wanted:
                        yield Setting(name, _unquote(word.text), word.span, SHELL)
