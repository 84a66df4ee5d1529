"""Reading Envoy configuration in every shape it is kept.

Bootstrap files (YAML and JSON), xDS resource files (`resources:` with typed
resources), v2-era keys, and Envoy configuration embedded in a Kubernetes ConfigMap
(`data: {envoy.yaml: |...}`): the embedded text is parsed on its own and every span is
mapped back to the ConfigMap's lines, so findings point at the right place in the file
that holds them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from ztlint import classify
from ztlint.model import Related, Span
from ztlint.parsers.data import Mapping, Node, ParseFailure, Scalar, Sequence, walk_with
from ztlint.rule import FileContext, Hit
from ztlint.source import SourceText

_EMBEDDED = re.compile(
    r"static_resources|dynamic_resources|type\.googleapis\.com/envoy\.|^admin:", re.M
)
_CLUSTER_KEYS = (
    "connect_timeout",
    "load_assignment",
    "hosts",
    "lb_policy",
    "type",
    "cluster_type",
    "eds_cluster_config",
    "dns_lookup_family",
)


@dataclass(frozen=True)
class EnvoyDoc:
    root: Node
    # Maps a span of the parsed document to a span of the file; identity for files that
    # are Envoy configuration themselves.
    remap: Callable[[Span], Span]

    def hit(self, hit: Hit) -> Hit:
        related = tuple(replace(r, span=self.remap(r.span)) for r in hit.related)
        return replace(hit, span=self.remap(hit.span), related=related)


def _identity(span: Span) -> Span:
    return span


def _block_remap(ctx: FileContext, value: Scalar) -> Callable[[Span], Span] | None:
    """A literal block scalar: line k of its text is file line `start + k`, shifted by
    the block's indentation. A one-line plain or quoted scalar shifts columns only."""
    start = value.span.start_line
    indicator = ctx.source.line(start)[value.span.start_col - 1 : value.span.start_col]
    if indicator == "|":
        first = start + 1
        while first <= value.span.end_line and not ctx.source.line(first).strip():
            first += 1
        text = ctx.source.line(first)
        indent = len(text) - len(text.lstrip())

        def block(span: Span) -> Span:
            return Span(
                span.start_line + start,
                span.start_col + indent,
                span.end_line + start,
                span.end_col + indent,
            )

        return block
    if start != value.span.end_line:
        return None  # folded or multi-line flow text: positions cannot be mapped back
    shift = value.span.start_col + (1 if indicator in ("'", '"') else 0) - 1

    def one_line(span: Span) -> Span:
        return Span(start, span.start_col + shift, start, span.end_col + shift)

    return one_line


def documents(ctx: FileContext) -> Iterator[EnvoyDoc]:
    """Every Envoy document the file holds, directly or in a ConfigMap."""
    if classify.ENVOY in ctx.kinds:
        for doc in ctx.documents():
            yield EnvoyDoc(doc, _identity)
    if classify.KUBERNETES in ctx.kinds and "ConfigMap" in ctx.text:
        from ztlint.parsers import structured
        from ztlint.parsers import yaml as yaml_parser

        for doc in ctx.documents():
            if not isinstance(doc, Mapping) or doc.get_str("kind") != "ConfigMap":
                continue
            data = doc.get_map("data")
            for key, value in data.items() if data is not None else []:
                if not isinstance(value, Scalar) or not _EMBEDDED.search(value.value):
                    continue
                remap = _block_remap(ctx, value)
                if remap is None:
                    continue
                try:
                    if key.value.endswith(".json"):
                        parsed = structured.parse_json(SourceText(value.value))
                    else:
                        parsed = yaml_parser.parse_yaml(value.value)
                except ParseFailure:
                    continue
                for sub in parsed:
                    yield EnvoyDoc(sub, remap)


# --- walking ------------------------------------------------------------------------


def is_cluster(m: Mapping) -> bool:
    return m.get_str("name") is not None and any(m.get(k) is not None for k in _CLUSTER_KEYS)


def enclosing_cluster(node: Node, outer: str | None) -> str | None:
    return node.get_str("name") if isinstance(node, Mapping) and is_cluster(node) else outer


def clusters(root: Node) -> Iterator[Mapping]:
    for node, _ in walk_with(root, None, lambda n, _: None):
        if isinstance(node, Mapping) and is_cluster(node):
            yield node


def type_url(m: Mapping | None) -> str:
    return (m.get_str("@type") or "") if m is not None else ""


def typed_config(m: Mapping) -> Mapping | None:
    """`typed_config` (v3) or `config` (v2) of a filter or socket."""
    return m.get_map("typed_config") or m.get_map("config")


def named(m: Mapping, name: str, type_suffix: str) -> bool:
    """A filter or socket that is `name` (by name, or by its typed config's type)."""
    return m.get_str("name") == name or type_url(typed_config(m)).endswith(type_suffix)


def listeners(root: Node) -> Iterator[Mapping]:
    for node, _ in walk_with(root, None, lambda n, _: None):
        if isinstance(node, Mapping) and isinstance(node.get("filter_chains"), Sequence | Mapping):
            yield node


def listener_address(listener: Mapping) -> tuple[str, Scalar] | None:
    address = listener.get_map("address")
    socket = address.get_map("socket_address") if address is not None else None
    node = socket.get("address") if socket is not None else None
    return (node.value, node) if isinstance(node, Scalar) else None


def http_managers(listener: Mapping) -> Iterator[Mapping]:
    """The HttpConnectionManager configs of a listener's filter chains."""
    chains: list[Node] = []
    for key in ("filter_chains", "default_filter_chain"):
        node = listener.get(key)
        if isinstance(node, Sequence):
            chains.extend(node.items)
        elif isinstance(node, Mapping):
            chains.append(node)
    for chain in chains:
        filters = chain.get_seq("filters") if isinstance(chain, Mapping) else None
        for f in filters.items if filters is not None else []:
            if isinstance(f, Mapping) and named(
                f, "envoy.filters.network.http_connection_manager", "HttpConnectionManager"
            ):
                config = typed_config(f)
                if config is not None:
                    yield config


def truthy(node: Node | None) -> bool:
    """A boolean, or a `{value: true}` wrapper (google.protobuf.BoolValue)."""
    if isinstance(node, Mapping):
        node = node.get("value")
    return isinstance(node, Scalar) and node.truthy() is True


def related(path: str, node: Node, message: str) -> Related:
    return Related(path, node.span, message)


def mappings(root: Node) -> Iterator[Mapping]:
    """Every mapping in a document, outermost first."""
    for node, _ in walk_with(root, None, lambda n, _: None):
        if isinstance(node, Mapping):
            yield node
