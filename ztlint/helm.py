"""Helm charts and other templated YAML, read without helm.

A chart is a folder with a `Chart.yaml`; the files below its `templates/` folder are
its templates, read template-tolerantly (ztlint.parsers.template) with the chart's
`values.yaml` as the values; `templates/_*` files are template libraries, never
documents. Nothing a template names by path is read (`.Files.Get`): the only other
files read are the chart's own `values.yaml` and its template libraries
(`templates/_*.tpl`, whose named templates an `include` with the chart's root context
prints), regular files reached without a symbolic link, inside the scanned tree,
within the file size limit (all libraries together), parsed by the same safe readers
under the same budget.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass

from ztlint.model import Related, Span
from ztlint.parsers import template
from ztlint.parsers.budget import OverBudget
from ztlint.parsers.data import Mapping, Node, ParseFailure, Sequence

VALUES = "values.yaml"
PRINTED = "the template prints this value from the chart's values.yaml"
KEPT = "this value in the chart's values.yaml makes the template render the branch"
# Kept per process, by content: a chart's templates share one parse of their values.
_PARSED: dict[bytes, Mapping | None] = {}
_PARSED_LIMIT = 32


@dataclass(frozen=True)
class Chart:
    """The chart a template belongs to: its folder (relative to the report root, "" for
    the root itself) and the bytes of its values.yaml (None: none, or not readable)."""

    folder: str
    values: bytes | None
    # The chart's template libraries (`templates/_*.tpl`), joined; None: none.
    library: bytes | None = None

    @property
    def values_path(self) -> str:
        return f"{self.folder}/{VALUES}" if self.folder else VALUES


@dataclass(frozen=True)
class ChartFile:
    """What a chart template's scan tells the chart's note: pod specs checked, and the
    line (with the reason) where it stayed unreadable."""

    chart: str
    pods: int
    unread: tuple[int | None, str] | None = None


def chart_of(rel: str, abs_path: str, max_size: int) -> Chart | None:
    """The chart whose `templates/` folder holds the file, or None. Only folders inside
    the report root are looked at, and none reached through a symbolic link."""
    parts = rel.split("/")
    if "templates" not in parts[:-1] or not abs_path.endswith(rel.replace("/", os.sep)):
        return None
    root = abs_path[: len(abs_path) - len(rel)].rstrip(os.sep) or os.sep
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] != "templates":
            continue
        folder = parts[:i]
        if not _real_folders(root, [*folder, "templates"]):
            continue
        base = os.path.join(root, *folder)
        if not _regular(os.path.join(base, "Chart.yaml"), None):
            continue
        values = _regular(os.path.join(base, VALUES), max_size)
        return Chart(
            "/".join(folder),
            values if isinstance(values, bytes) else None,
            _library(os.path.join(base, "templates"), max_size),
        )
    return None


def _library(folder: str, max_size: int) -> bytes | None:
    """The chart's template libraries joined (sorted by name), within `max_size` in all."""
    parts: list[bytes] = []
    left = max_size
    try:
        names = sorted(n for n in os.listdir(folder) if n.startswith("_") and n.endswith(".tpl"))
    except OSError:
        names = []
    for name in names[:64]:
        data = _regular(os.path.join(folder, name), left)
        if isinstance(data, bytes) and len(data) < left:
            parts.append(data)
            left -= len(data) + 1
    return b"\n".join(parts) if parts else None


# Named templates per library content, parsed once per process.
_DEFINES: dict[bytes, dict[str, str]] = {}


def _defines_of(data: bytes) -> dict[str, str]:
    key = hashlib.sha256(data).digest()
    found = _DEFINES.get(key)
    if found is None:
        from ztlint.source import decode

        try:
            found = template.defines(decode(data))
        except ParseFailure:
            found = {}
        if len(_DEFINES) >= _PARSED_LIMIT:
            _DEFINES.clear()
        _DEFINES[key] = found
    return found


def _real_folders(root: str, parts: list[str]) -> bool:
    """Whether each folder from `root` down along `parts` is a folder, not a link."""
    path = root
    for part in parts:
        path = os.path.join(path, part)
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                return False
        except OSError:
            return False
    return True


def _regular(path: str, max_size: int | None) -> bytes | bool:
    """False unless `path` is a regular file (never through a link); with `max_size`,
    its bytes when no larger (True when larger or unreadable)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    if max_size is None:
        return True
    if st.st_size > max_size:
        return True
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return True
    try:
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return True
            return fh.read(max_size + 1)[:max_size]
    except OSError:
        return True


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indent = min((len(t) - len(t.lstrip(" ")) for t in lines if t.strip()), default=0)
    return "\n".join(t[indent:] for t in lines)


def _values(data: bytes | None) -> Mapping | None:
    """The values as a mapping, parsed once per process and content; None when absent
    or unparsable (every value then stays neutral)."""
    if data is None:
        return None
    key = hashlib.sha256(data).digest()
    if key in _PARSED:
        return _PARSED[key]
    from ztlint.parsers.yaml import parse_yaml
    from ztlint.source import decode

    try:
        docs = parse_yaml(decode(data))
    except ParseFailure:
        docs = []
    found = docs[0] if docs and isinstance(docs[0], Mapping) else None
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[key] = found
    return found


class TemplateReader:
    """How one templated YAML file is read: its dialect, its chart (if any), and after
    reading, where values reached its documents."""

    def __init__(self, dialect: str, chart: Chart | None = None) -> None:
        self.dialect = dialect
        self.chart = chart
        self._by_line: dict[int, list[Node]] = {}
        self._decided: list[tuple[int, int, tuple[Node, ...]]] = []
        self._undecided: list[tuple[int, int]] = []
        self._templated: set[int] = set()
        self._included: dict[str, Node | None] = {}
        self._library: dict[str, str] | None = None

    def documents(self, text: str) -> list[Node]:
        from ztlint.parsers.yaml import parse_yaml

        values = _values(self.chart.values) if self.chart is not None else None
        neutral = template.neutralise(text, self.dialect, values)
        try:
            docs = parse_yaml(neutral.text)
        except OverBudget:
            raise
        except ParseFailure as failure:
            raise template.TemplateError(
                f"{failure.message} (after neutralising the template's actions)",
                failure.line,
                failure.column,
            ) from None
        used, self._templated = template.apply_values(docs, neutral, neutral.text)
        for line, start, end, name in neutral.includes:
            node = self._named(name, values)
            if node is not None:
                neutral.blocks.append((line, start, end, node))
        used += template.graft_blocks(docs, neutral)
        for line, node in used:
            self._by_line.setdefault(line, []).append(node)
        self._decided = neutral.decided
        self._undecided = neutral.undecided
        return docs

    def _named(self, name: str, values: Mapping | None) -> Node | None:
        """What a named template of the chart's libraries writes, read as YAML with the
        chart's values (its own includes stay neutral); None when it is not a mapping or
        list, or cannot be read."""
        if name in self._included:
            return self._included[name]
        found: Node | None = None
        library = self._defines()
        body = library.get(name)
        if body is not None:
            from ztlint.parsers.yaml import parse_yaml

            text = _dedent(body)
            try:
                neutral = template.neutralise(text, template.GO, values)
                docs = parse_yaml(neutral.text)
            except ParseFailure:
                docs = []
            if len(docs) == 1 and isinstance(docs[0], Mapping | Sequence):
                template.apply_values(docs, neutral, neutral.text)
                template.graft_blocks(docs, neutral)
                found = docs[0]
        self._included[name] = found
        return found

    def _defines(self) -> dict[str, str]:
        if self._library is None:
            data = self.chart.library if self.chart is not None else None
            self._library = _defines_of(data) if data is not None else {}
        return self._library

    def related(self, span: Span) -> tuple[Related, ...]:
        """The values lines a finding at `span` depends on: the value printed on its
        line, and the values that made the branches holding it be kept."""
        if self.chart is None:
            return ()
        nodes = [(n, PRINTED) for n in self._by_line.get(span.start_line, ())]
        for first, last, used in self._decided:
            if first <= span.start_line <= last:
                nodes.extend((n, KEPT) for n in used)
        out: dict[int, Related] = {}
        for node, why in nodes:
            at = node.span
            out.setdefault(
                at.start_line,
                Related(
                    self.chart.values_path,
                    Span(at.start_line, at.start_col, at.start_line, at.end_col)
                    if at.end_line == at.start_line
                    else Span(at.start_line, at.start_col, at.start_line, at.start_col),
                    why,
                ),
            )
        return tuple(out[k] for k in sorted(out))

    def templated(self, node: object) -> bool:
        """Whether a scalar of the documents held a template action: its text is what
        the template writes, with values put in, not a literal of the file."""
        return id(node) in self._templated

    def undecided(self, span: Span) -> bool:
        """Whether `span` reaches into a branch kept only by policy (its condition
        could not be decided from the values)."""
        return any(
            first <= span.end_line and span.start_line <= last for first, last in self._undecided
        )
