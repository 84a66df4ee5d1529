"""Where a key is written in a YAML or TOML config file (a line per key path), so a
weakening is reported on the line that does it. Read as text: nothing is evaluated."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ztlint.configdiff.compare import Key


def yaml_lines(text: str) -> dict[Key, int]:
    """The 1-based line of every mapping key and list item, by its path."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    try:
        root = YAML(typ="safe", pure=True).compose(text)  # see config.parse_yaml
    except (YAMLError, RecursionError):
        return {}
    out: dict[Key, int] = {}
    stack: list[tuple[Any, Key]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > 3:  # config keys are at most three deep
            continue
        children: list[tuple[Key, Any, Any]] = []
        if isinstance(node, MappingNode):
            children = [((*path, str(k.value)), k, v) for k, v in node.value]
        elif isinstance(node, SequenceNode):
            children = [((*path, i), v, v) for i, v in enumerate(node.value)]
        for key, marked, value in children:
            out.setdefault(key, marked.start_mark.line + 1)
            stack.append((value, key))
    return out


_TABLE = re.compile(r"^\[(\[)?\s*([A-Za-z0-9_.\"' -]+?)\s*\]")
_KEY = re.compile(r"^([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*=")


def toml_lines(text: str) -> dict[Key, int]:
    """The line of every key under [tool.ztlint], and of the items of its arrays (a
    line scanner: enough to place a finding, not a TOML parser)."""
    lines = text.split("\n")
    out: dict[Key, int] = {}
    table: Key | None = None
    tables_seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if (m := _TABLE.match(stripped)) is not None:
            name = m.group(2).replace('"', "").replace("'", "").replace(" ", "")
            table = None
            if name == "tool.ztlint" or name.startswith("tool.ztlint."):
                table = tuple(name.split(".")[2:])
                if m.group(1):  # [[tool.ztlint.exceptions]]: an array of tables
                    index = tables_seen.get(name, 0)
                    tables_seen[name] = index + 1
                    table = (*table, index)
                if table:
                    out.setdefault(table, number)
            continue
        if table is None or (k := _KEY.match(stripped)) is None:
            continue
        key = (*table, k.group(1).strip("\"'"))
        out.setdefault(key, number)
        value_at = line.index("=", line.index(k.group(1))) + 1
        for index, item_line in _array_items(lines, number - 1, value_at):
            out.setdefault((*key, index), item_line)
    return out


def _array_items(lines: list[str], row: int, col: int) -> Iterator[tuple[int, int]]:
    """(index, line) of each element of the array that starts at lines[row][col:]."""
    depth = 0
    index = 0
    expecting = False
    while row < len(lines):
        line = lines[row]
        i = col
        while i < len(line):
            c = line[i]
            if c == "#":
                break
            if depth == 0 and not c.isspace() and c != "[":
                return
            if c in "[{":
                if depth == 1 and expecting:
                    yield index, row + 1
                    expecting = False
                depth += 1
                expecting = expecting or depth == 1
            elif c in "]}":
                depth -= 1
                if depth == 0:
                    return
            elif c == ",":
                if depth == 1:
                    index += 1
                    expecting = True
            elif c in "\"'":
                if depth == 1 and expecting:
                    yield index, row + 1
                    expecting = False
                end = line.find(c, i + 1)
                while c == '"' and end > 0 and line[end - 1] == "\\":
                    end = line.find(c, end + 1)
                i = len(line) if end < 0 else end
            elif not c.isspace() and depth == 1 and expecting:
                yield index, row + 1
                expecting = False
            i += 1
        row += 1
        col = 0


def _line_of(positions: Mapping[Key, int], key: Key) -> int:
    for n in range(len(key), 0, -1):
        if key[:n] in positions:
            return positions[key[:n]]
    return 1
