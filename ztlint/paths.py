"""Declarative detectors for YAML, JSON and TOML: a path into the document and a test
of the value found there, with conditions on the fields around it.

    - match: clusters[*].cluster.insecure-skip-tls-verify
      equals: true
      kinds: [kubeconfig]
      triggers: [insecure-skip-tls-verify]
      message: kubeconfig cluster '{entity}' sets insecure-skip-tls-verify

Path syntax: keys separated by dots; `[*]` after a key (or alone) is every item of a
sequence; `*` is every key of a mapping; `**` is any depth; a key with dots or
brackets is written in double quotes (`"@type"`). YAML merge keys are followed.

Tests (on the matched value, and in conditions): `equals` compares booleans by truth
(`true`, `"true"`, `yes`), anything else as text; `in` is a list of texts the value is
one of; `matches` is a regular expression searched in the text; `contains` is a text
or a list of texts one of which is an item of a sequence value (a scalar counts as a
one-item sequence); `exists: true|false` says whether the field is there at all.

Conditions: `where` is a list of conditions that must all hold, `unless` a list of
which none may hold. A condition names a field by a path from one of three places,
plus one test:

- `sibling: PATH` from the mapping that holds the matched key;
- `ancestor: PATH` from the nearest mapping above that one in which PATH is found
  (the Kubernetes object around a `subjects` item, even inside a `List`);
- `root: PATH` from the document.

    - match: subjects[*].kind
      equals: ServiceAccount
      where:
        - {ancestor: kind, equals: ClusterRoleBinding}
        - {ancestor: roleRef.name, equals: cluster-admin}
      entity: metadata.name
      message: "{ancestor:kind} '{entity}' grants cluster-admin to '{sibling:name}'"

The message names fields in braces: `{entity}` is the finding's entity, `{key}` and
`{value}` the matched key and value (for `contains`, the item that matched), and
`{sibling:PATH}`, `{ancestor:PATH}`, `{root:PATH}` a field found as in a condition
("?" when absent). The entity is the `name` of the nearest enclosing mapping that has
one, or with `entity: PATH`, PATH found as for `ancestor` but starting from the
matched key's own mapping (`metadata.name`: the object's name, not a subject's). The
mappings searched are those that enclose the matched key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from ztlint.model import Confidence, Severity, Span
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk_with
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


def _descend(node: Node, ancestors: tuple[Mapping, ...]) -> tuple[Mapping, ...]:
    return (*ancestors, node) if isinstance(node, Mapping) else ancestors


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
            for sub, above in walk_with(node, ancestors, _descend):
                stack.append((sub, i + 1, above, key))
        elif isinstance(node, Mapping):
            inner = (*ancestors, node)
            if kind == "key":
                entry = node.entry(name)
                if entry is not None:
                    stack.append((entry[1], i + 1, inner, entry[0]))
            else:
                stack.extend((v, i + 1, inner, k) for k, v in reversed(list(node.items())))


ANCHORS = ("sibling", "ancestor", "root")
TESTS = ("equals", "in", "matches", "contains", "exists")


@dataclass(frozen=True)
class Test:
    """One test of a value: `equals`, `in`, `matches`, `contains` or `exists`."""

    op: str
    arg: str | tuple[str, ...] | bool

    def item(self, value: Node) -> Scalar | None:
        """For `contains`: the first item of the value that is one of the texts."""
        wanted = self.arg if isinstance(self.arg, tuple) else (str(self.arg),)
        items = value.items if isinstance(value, Sequence) else [value]
        for item in items:
            if isinstance(item, Scalar) and item.value in wanted:
                return item
        return None

    def apply(self, value: Node | None) -> str | None:
        """The text that passed (a scalar's value, the matching item), or None."""
        if self.op == "exists":
            return "" if (value is not None) is self.arg else None
        if value is None:
            return None
        if self.op == "contains":
            item = self.item(value)
            return item.value if item is not None else None
        if not isinstance(value, Scalar):
            return None
        if self.op == "equals":
            want = str(self.arg)
            truth = Scalar(value.span, want).truthy()
            ok = value.truthy() is truth if truth is not None else value.value == want
        elif self.op == "in":
            ok = isinstance(self.arg, tuple) and value.value in self.arg
        else:
            ok = re.search(str(self.arg), value.value) is not None
        return value.value if ok else None


@dataclass(frozen=True)
class Condition:
    anchor: str  # sibling, ancestor or root
    path: str
    test: Test


def _first(node: Node, path: str) -> Node | None:
    for m in select(node, parse_path(path)):
        return m.value
    return None


def _field(anchor: str, path: str, doc: Node, ancestors: tuple[Mapping, ...]) -> Node | None:
    """The value of PATH seen from the anchor (see the module docstring)."""
    if anchor == "root":
        return _first(doc, path)
    if anchor == "sibling":
        return _first(ancestors[-1], path) if ancestors else None
    above = ancestors[:-1] if anchor == "ancestor" else ancestors  # "entity": from its own
    for mapping in reversed(above):
        found = _first(mapping, path)
        if found is not None:
            return found
    return None


def _entity(ancestors: tuple[Mapping, ...]) -> str | None:
    for mapping in reversed(ancestors):
        name = mapping.get_str("name")
        if name:
            return name
    return None


_FIELD = re.compile(r"\{(entity|key|value|(sibling|ancestor|root):([^{}]+))\}")


@dataclass(frozen=True)
class PathDetector:
    """Picklable detector built from a `match:` entry of a rule.yaml."""

    path: str
    message: str
    equals: str | None = None
    matches: str | None = None
    severity: Severity | None = None
    confidence: Confidence | None = None
    value_test: Test | None = None  # `in` or `contains`
    where: tuple[Condition, ...] = ()
    unless: tuple[Condition, ...] = ()
    entity: str | None = None  # a path to the entity's name (`metadata.name`)

    def passed(self, value: Node) -> str | None:
        """The matched text when the value passes the detector's test, else None."""
        if self.value_test is not None:
            return self.value_test.apply(value)
        if not isinstance(value, Scalar):
            return "" if self.equals is None and self.matches is None else None
        if self.equals is not None:
            return Test("equals", self.equals).apply(value)
        if self.matches is not None:
            return Test("matches", self.matches).apply(value)
        return value.value

    def test(self, value: Node) -> bool:
        return self.passed(value) is not None

    def _holds(self, cond: Condition, doc: Node, m: Match) -> bool:
        return cond.test.apply(_field(cond.anchor, cond.path, doc, m.ancestors)) is not None

    def __call__(self, ctx: FileContext) -> Iterator[Hit]:
        tokens = parse_path(self.path)
        for doc in ctx.documents():
            for m in select(doc, tokens):
                text = self.passed(m.value)
                if text is None:
                    continue
                if not all(self._holds(c, doc, m) for c in self.where) or any(
                    self._holds(c, doc, m) for c in self.unless
                ):
                    continue
                if self.entity is not None:
                    found = _field("entity", self.entity, doc, m.ancestors)
                    entity = found.value if isinstance(found, Scalar) and found.value else None
                else:
                    entity = _entity(m.ancestors)
                message = _FIELD.sub(
                    partial(_fill, doc=doc, m=m, entity=entity, text=text), self.message
                )
                yield Hit(
                    span=self._span(m),
                    message=message,
                    severity=self.severity,
                    confidence=self.confidence,
                    entity=entity,
                )

    def _span(self, m: Match) -> Span:
        """From the key to the value; for `contains`, the item that matched when it
        stands on a line of its own (a block sequence)."""
        end = m.value.span if isinstance(m.value, Scalar) else m.key.span
        if self.value_test is not None and self.value_test.op == "contains":
            item = self.value_test.item(m.value)
            if item is not None:
                if item.span.start_line != m.key.span.start_line:
                    return item.span
                end = item.span
        return Span(m.key.span.start_line, m.key.span.start_col, end.end_line, end.end_col)


def _fill(field: re.Match[str], *, doc: Node, m: Match, entity: str | None, text: str) -> str:
    name = field.group(1)
    if name == "entity":
        out = entity or "?"
    elif name == "key":
        out = m.key.value
    elif name == "value":
        out = text
    else:
        found = _field(field.group(2), field.group(3).strip(), doc, m.ancestors)
        out = found.value if isinstance(found, Scalar) and found.value else "?"
    return out[:60]
