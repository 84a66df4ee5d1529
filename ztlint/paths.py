"""Declarative detectors for YAML, JSON and TOML: a path into the document and a test
of the value found there.

    - match: clusters[*].cluster.insecure-skip-tls-verify
      equals: true
      kinds: [kubeconfig]
      triggers: [insecure-skip-tls-verify]
      message: kubeconfig cluster '{entity}' sets insecure-skip-tls-verify

Path syntax: keys separated by dots; `[*]` after a key (or alone) is every item of a
sequence; `*` is every key of a mapping; `**` is any depth; a key with dots or
brackets is written in double quotes (`"@type"`). YAML merge keys are followed.
`equals` compares booleans by truth (`true`, `"true"`, `yes`), anything else as
text; `matches` is a regular expression searched in the text. `{entity}` in the
message is the `name` of the nearest enclosing mapping that has one; `{key}` and
`{value}` are the matched key and value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ztlint.model import Confidence, Severity, Span
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk
from ztlint.rule import FileContext, Hit

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\[\*\]|\*\*|\*|[^.\[\]"]+|\.')


class PathSyntaxError(ValueError):
    pass


def parse_path(path: str) -> tuple[tuple[str, str], ...]:
    """Tokens: ("key", name), ("items", ""), ("any", ""), ("deep", "")."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(path):
        if m.start() != pos:
            raise PathSyntaxError(f"cannot read {path!r} at {pos}")
        pos = m.end()
        text = m.group(0)
        if text == ".":
            continue
        if m.group(1) is not None:
            out.append(("key", m.group(1).replace('\\"', '"')))
        elif text == "[*]":
            out.append(("items", ""))
        elif text == "**":
            out.append(("deep", ""))
        elif text == "*":
            out.append(("any", ""))
        else:
            out.append(("key", text.strip()))
    if pos != len(path) or not out or out[-1][0] not in ("key", "any"):
        raise PathSyntaxError(f"{path!r} must end in a key")
    return tuple(out)


@dataclass(frozen=True)
class Match:
    key: Scalar
    value: Node
    ancestors: tuple[Mapping, ...]  # nearest last


def select(root: Node, tokens: tuple[tuple[str, str], ...]) -> Iterator[Match]:
    """Every (key, value) the path reaches. Shared (aliased) nodes are visited once
    per path position, so an alias bomb costs no more than its text."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Node, int, tuple[Mapping, ...], Scalar | None]] = [(root, 0, (), None)]
    while stack:
        node, i, ancestors, key = stack.pop()
        if (id(node), i) in seen:
            continue
        seen.add((id(node), i))
        if i == len(tokens):
            if key is not None:
                yield Match(key, node, ancestors)
            continue
        kind, name = tokens[i]
        if kind == "items":
            if isinstance(node, Sequence):
                stack.extend((item, i + 1, ancestors, key) for item in reversed(node.items))
        elif kind == "deep":
            for sub, _ in walk(node):
                stack.append((sub, i + 1, ancestors, key))
        elif isinstance(node, Mapping):
            inner = (*ancestors, node)
            if kind == "key":
                entry = node.entry(name)
                if entry is not None:
                    stack.append((entry[1], i + 1, inner, entry[0]))
            else:
                stack.extend((v, i + 1, inner, k) for k, v in reversed(list(node.items())))


def _entity(ancestors: tuple[Mapping, ...]) -> str | None:
    for mapping in reversed(ancestors):
        name = mapping.get_str("name")
        if name:
            return name
    return None


@dataclass(frozen=True)
class PathDetector:
    """Picklable detector built from a `match:` entry of a rule.yaml."""

    path: str
    message: str
    equals: str | None = None
    matches: str | None = None
    severity: Severity | None = None
    confidence: Confidence | None = None

    def test(self, value: Node) -> bool:
        if not isinstance(value, Scalar):
            return self.equals is None and self.matches is None
        if self.equals is not None:
            wanted = Scalar(value.span, self.equals).truthy()
            if wanted is not None:
                return value.truthy() is wanted
            return value.value == self.equals
        if self.matches is not None:
            return re.search(self.matches, value.value) is not None
        return True

    def __call__(self, ctx: FileContext) -> Iterator[Hit]:
        tokens = parse_path(self.path)
        for doc in ctx.documents():
            for m in select(doc, tokens):
                if not self.test(m.value):
                    continue
                entity = _entity(m.ancestors)
                text = m.value.value if isinstance(m.value, Scalar) else ""
                message = self.message.format(
                    entity=entity or "?", key=m.key.value, value=text[:60]
                )
                end = m.value.span if isinstance(m.value, Scalar) else m.key.span
                yield Hit(
                    span=Span(
                        m.key.span.start_line, m.key.span.start_col, end.end_line, end.end_col
                    ),
                    message=message,
                    severity=self.severity,
                    confidence=self.confidence,
                    entity=entity,
                )
