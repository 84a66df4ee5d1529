"""Where each configuration value came from, for messages that blame the right place:
a command-line flag (`--select: unknown rule or family 'ZT999'`), or a line of the
config file (`.ztlint.yaml:3: select: ...`, `pyproject.toml:12 [tool.ztlint]: ...`).

Lines are found only when a message needs one, on the text already read: for YAML by
composing the node tree (marks, no values built), for TOML by reading the table
headers and `key =` lines of `[tool.ztlint]` (tomllib keeps no positions). A key whose
line is not found is blamed on the file alone."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ztlint.config import Config

# Key paths are as messages write them: `select`, `severity.ZT101`, `exceptions[0]`,
# `exceptions[0].reason`, `semgrep.timeout`.
Lines = dict[str, int]
_DEPTH = 3


def yaml_lines(text: str) -> Lines:
    """The 1-based line of each key path (to depth 3) in a YAML config."""
    from ruamel.yaml import YAML

    try:
        node = YAML(typ="safe", pure=True).compose(text)
    except Exception:  # the loader reported the real error already; lines are a bonus
        return {}
    out: Lines = {}
    if node is not None:
        _walk(node, "", out, 0)
    return out


def _walk(node: Any, path: str, out: Lines, depth: int) -> None:
    if depth >= _DEPTH:
        return
    value = getattr(node, "value", None)
    if node.tag.endswith(":map") and isinstance(value, list):
        for key_node, item in value:
            name = f"{path}.{key_node.value}" if path else str(key_node.value)
            out.setdefault(name, key_node.start_mark.line + 1)
            _walk(item, name, out, depth + 1)
    elif node.tag.endswith(":seq") and isinstance(value, list):
        for i, item in enumerate(value):
            name = f"{path}[{i}]"
            out.setdefault(name, item.start_mark.line + 1)
            _walk(item, name, out, depth + 1)


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]#]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")


def _dotted(text: str) -> list[str]:
    return [
        p.strip().strip("\"'")
        for p in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", text)
    ]


def toml_lines(text: str) -> Lines:
    """The 1-based line of each key path of `[tool.ztlint]` in a pyproject.toml, plus
    `""` for the table itself."""
    out: Lines = {}
    table: list[str] | None = None  # the key path below tool.ztlint, or None outside
    arrays: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            parts = _dotted(header.group(2))
            if parts[:2] != ["tool", "ztlint"]:
                table = None
                continue
            table = parts[2:]
            name = ".".join(table)
            if header.group(1) == "[[":
                index = arrays.get(name, 0)
                arrays[name] = index + 1
                name = f"{name}[{index}]"
                table = [name]
            out.setdefault(name, number)
            continue
        if table is None:
            continue
        assign = _ASSIGN.match(line)
        if assign:
            key = ".".join([*table, *_dotted(assign.group(1))])
            out.setdefault(key, number)
    return out


def lines(source: str, text: str) -> Lines:
    """The key lines of a config file's `text`; `source` says which kind it is."""
    if not text:
        return {}
    return toml_lines(text) if source.endswith(" [tool.ztlint]") else yaml_lines(text)


def line_of(lines: Mapping[str, int], path: str) -> int | None:
    """The line of `path`, or of the nearest enclosing key that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return lines.get("")


def at(source: str, lines: Mapping[str, int], path: str) -> str:
    """`source` (`file` or `file [tool.ztlint]`) with the line of `path`."""
    line = line_of(lines, path)
    if line is None or not source:
        return source
    file, sep, section = source.partition(" [")
    return f"{file}:{line}{sep}{section}"


_MESSAGE_KEY = re.compile(r"([A-Za-z0-9_-]+(?:(?:\.[A-Za-z0-9_-]+)|\[\d+\])*)")
_UNKNOWN = re.compile(r"unknown key '([^']*)'")


def locate(message: str, source: str, lines: Mapping[str, int]) -> str:
    """A loader message `source: key.path: why` with the key's line put after the
    file name. Messages that name no key are returned as they are."""
    prefix = f"{source}: "
    if not lines or not source or not message.startswith(prefix):
        return message
    rest = message[len(prefix) :]
    m = _MESSAGE_KEY.match(rest)
    path = m.group(1) if m else ""
    unknown = _UNKNOWN.search(rest)
    if unknown:
        path = f"{path}.{unknown.group(1)}" if rest.startswith(f"{path}:") else unknown.group(1)
    elif not (m and rest[m.end() :].startswith((":", " "))):
        return message
    where = at(source, lines, path)
    return message if where == source else f"{where}: {rest}"


def where(config: Config, key: str, value: str | None = None) -> str:
    """Whom a message about `key` (and its `value`) blames: the flag it came from, the
    config file and line, or the config file."""
    origins = dict(config.origins)
    base = key.split(".", 1)[0].split("[", 1)[0]
    if value is not None and f"{base}={value}" in origins:
        return origins[f"{base}={value}"]
    if base in origins:
        return origins[base]
    if not config.source:
        return "configuration"
    return at(config.source, lines(config.source, config.text), key)


def nearest(word: str, known: list[str]) -> str:
    """` (did you mean 'x'?)` when a known word is close to `word`, else ""."""
    import difflib

    near = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
    return f" (did you mean '{near[0]}'?)" if near else ""
