"""YAML through ruamel.yaml's C parser (libyaml), composed, never constructed: nodes
keep line and column, aliases stay shared, nothing is executed or expanded."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from ztlint.parsers import Format
from ztlint.parsers.budget import over_budget
from ztlint.parsers.data import MAX_DEPTH, Mapping, Node, ParseFailure, Scalar, Sequence
from ztlint.source import SourceText, line_starts

# libyaml recurses once per nesting level and crashes the process around 100,000
# levels; the converter stops at MAX_DEPTH anyway, so refuse long before libyaml could.
MAX_TEXT_DEPTH = 1000

_TAG_KINDS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
}
_MERGE = "tag:yaml.org,2002:merge"


# Every character some reader takes for a line break (as str.splitlines): the depth
# estimate below errs towards "deep".
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# libyaml also breaks lines at these; ztlint's line table does not (ztlint.source).
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")


class _Mark(NamedTuple):
    line: int
    column: int


Remark = Callable[[Any], Any]


def _remarker(text: str) -> Remark | None:
    """A mark converter onto ztlint's line table, or None when libyaml's lines are
    already ours (no U+0085, U+2028 or U+2029 in the text). libyaml's marks also carry
    the code-point offset, which places them on any table."""
    if _YAML_ONLY_BREAKS.search(text) is None:
        return None
    starts = line_starts(text)

    def remark(mark: Any) -> _Mark:
        idx = bisect_right(starts, mark.index) - 1
        return _Mark(idx, mark.index - starts[idx])

    return remark


def deeper_than(text: str, limit: int) -> bool:
    """Whether the nesting may be deeper than `limit`, without parsing: flow brackets
    nested deeper, or a line indented wider (each block level costs at least one column
    of indentation or of a "- " marker). Brackets are followed one by one only when
    there are enough of them to matter."""
    if text.count("[") + text.count("{") > limit:
        depth = 0
        for ch in text:
            if ch in "[{":
                depth += 1
                if depth > limit:
                    return True
            elif ch in "]}":
                depth = max(depth - 1, 0)
    return _wide_indent(limit).search(text) is not None or (
        _wide_indent(limit, first=True).match(text) is not None
    )


@cache
def _wide_indent(limit: int, first: bool = False) -> re.Pattern[str]:
    """More than `limit` indentation characters after a line break (or, with `first`,
    at the start). Starting with a character class lets the regex engine skip ahead
    to the next line break in C."""
    return re.compile(rf"{'' if first else f'[{_LINE_BREAKS}]'}[ \-?:]{{{limit + 1}}}")


@cache
def _loader() -> Any:
    """One safe (C parser) loader per process: building one costs more than composing
    a small file, and each compose_all call sets up its own parser for its stream."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    yaml.Resolver = _caching_resolver()
    return yaml


# The compliant parser reads about 100 KB a second: larger files keep libyaml's error
# (a lock file that size is data, which no rule parses: ztlint.classify).
COMPLIANT_MAX_CHARS = 128 * 1024


def _compliant_loader() -> Any:
    """ruamel's pure-Python safe loader, for a file libyaml rejects: libyaml refuses
    some YAML 1.2 that every other reader takes (a `:` inside a plain scalar in a flow
    collection: `deps: [{task: docker:build}]`, pnpm lock files). Slower, so used only
    after libyaml has failed; a new one each time (the pure loader keeps its reader,
    scanner and composer between streams)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = _caching_resolver()
    return yaml


_RESOLVED_LIMIT = 50_000


def _caching_resolver() -> Any:
    """ruamel's resolver with each plain scalar's tag remembered. Resolving costs a
    version lookup (two caught exceptions under the C parser) and a regex per scalar;
    manifests repeat the same keys and values thousands of times. The version is read
    once per stream, so a `%YAML` directive still picks its own rules."""
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    resolved: dict[tuple[Any, str, Any], Any] = {}

    class CachingResolver(VersionedResolver):
        _version: Any = None

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not ScalarNode or self.yaml_path_resolvers:
                return super().resolve(kind, value, implicit)
            if self._version is None:
                self._version = self.processing_version
            key = (self._version, value, implicit)
            tag = resolved.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(resolved) < _RESOLVED_LIMIT:
                    resolved[key] = tag
            return tag

    return CachingResolver


def parse_yaml(text: str) -> list[Node]:
    """All documents of a YAML stream, as data nodes."""
    over = over_budget(text)
    if over is not None:
        raise over
    if deeper_than(text, MAX_TEXT_DEPTH):
        raise ParseFailure(f"nesting deeper than {MAX_TEXT_DEPTH} levels; not parsed")
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    remark = _remarker(text)
    try:
        documents = _compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark is not None and remark is not None:
            mark = remark(mark)
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ParseFailure(f"YAML error: {problem}", line, col) from None
    except YAMLError as exc:
        raise ParseFailure(f"YAML error: {exc}") from None
    except RecursionError:
        raise ParseFailure("YAML nesting too deep; not parsed") from None
    except UnicodeError:
        raise ParseFailure("text cannot be encoded for the YAML parser (lone surrogate)") from None
    memo: dict[int, Node] = {}
    return [_convert(doc, memo, 0, remark) for doc in documents if doc is not None]


def _compose(text: str) -> list[Any]:
    """The stream's composed documents: libyaml's, or the compliant parser's when
    libyaml rejects the text and the compliant parser accepts it (else libyaml's
    error)."""
    from ruamel.yaml.error import MarkedYAMLError

    try:
        return list(_loader().compose_all(text))
    except MarkedYAMLError as exc:
        first = exc
    finally:
        _release(_loader())
    if len(text) > COMPLIANT_MAX_CHARS:
        raise first
    compliant = _compliant_loader()
    try:
        return list(compliant.compose_all(text))
    except Exception:
        raise first from None
    finally:
        _release(compliant)


def _release(yaml: Any) -> None:
    """Drop what the loader keeps of the last stream. ruamel builds a loader per stream
    that refers to itself, so it and the text it holds wait for the cycle collector;
    clearing its attributes lets reference counting free them at once."""
    loader = getattr(yaml, "_scanner", None)
    if loader is not None and hasattr(loader, "__dict__"):
        loader.__dict__.clear()
    yaml._scanner = None
    yaml._stream = None


_TAGS: dict[int, tuple[Any, str]] = {}
_TAGS_LIMIT = 10_000


def _tag(node: Any) -> str:
    """The node's resolved tag. ruamel makes the text anew on each read; the resolver
    hands out the same few tag objects for plain nodes, so the text is kept per object
    (the entry holds the object, so its id is not reused while kept)."""
    ctag = node.ctag
    known = _TAGS.get(id(ctag))
    if known is not None and known[0] is ctag:
        return known[1]
    tag = "" if ctag is None else str(ctag)
    if len(_TAGS) < _TAGS_LIMIT:
        _TAGS[id(ctag)] = (ctag, tag)
    return tag


def _convert(node: Any, memo: dict[int, Node], depth: int, remark: Remark | None) -> Node:
    known = memo.get(id(node))
    if known is not None:
        return known
    if depth > MAX_DEPTH:
        raise ParseFailure(
            f"nesting deeper than {MAX_DEPTH} levels; not parsed",
            (remark(node.start_mark) if remark is not None else node.start_mark).line + 1,
        )
    node_id = node.id
    marks = (node.start_mark, node.end_mark)
    if remark is not None:
        marks = (remark(marks[0]), remark(marks[1]))
    if node_id == "scalar":
        value = node.value if isinstance(node.value, str) else str(node.value)
        out: Node = Scalar(None, value, _TAG_KINDS.get(_tag(node), "other"), marks)
        memo[id(node)] = out
        return out
    if node_id == "sequence":
        seq = Sequence(None, marks=marks)
        memo[id(node)] = seq
        seq.items = [_convert(item, memo, depth + 1, remark) for item in node.value]
        return seq
    mapping = Mapping(None, marks)
    memo[id(node)] = mapping
    for key, value in node.value:
        if _tag(key) == _MERGE:
            merged = _convert(value, memo, depth + 1, remark)
            if isinstance(merged, Mapping):
                mapping.merges.append(merged)
            elif isinstance(merged, Sequence):
                mapping.merges.extend(m for m in merged.items if isinstance(m, Mapping))
            continue
        k = _convert(key, memo, depth + 1, remark)
        if not isinstance(k, Scalar):
            # A complex key: keep the value reachable under a synthetic text key.
            k = Scalar(k.span, "", "other")
        mapping.entries.append((k, _convert(value, memo, depth + 1, remark)))
    return mapping


def _documents(source: SourceText) -> list[Node]:
    return parse_yaml(source.text)


FORMAT = Format(
    name="yaml",
    parse=_documents,
    template_fallback=True,
    templated=True,
)
