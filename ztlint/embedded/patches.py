"""Kustomization patches as documents the workload rules read: strategic-merge and JSON
6902 patches with their target, and the patch a custom resource applies to the
workload it creates."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ztlint.model import Span
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk

KUSTOMIZATION_NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "kustomization"})
_PATCH_OPS = frozenset({"add", "replace", "remove", "move", "copy", "test"})
# Where a workload kind keeps its pod template's spec.
_POD_PATHS = (("spec", "template", "spec"), ("spec", "jobTemplate", "spec", "template", "spec"))


def _scalar(value: str, span: Span) -> Scalar:
    return Scalar(span, value)


def _with_entry(m: Mapping, key: str, value: Node) -> Mapping:
    """A copy of `m` (the parsed node is shared and stays as it is) with `key` set."""
    out = Mapping(m.span)
    out.entries = [(k, v) for k, v in m.entries if k.value != key]
    out.entries.append((_scalar(key, m.span), value))
    out.merges = list(m.merges)
    return out


def _pod_path(doc: Mapping) -> tuple[str, ...] | None:
    for path in _POD_PATHS:
        node: Node | None = doc
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping):
            return path
    return None


def _with_containers(m: Mapping, path: tuple[str, ...]) -> Mapping:
    """A copy of `m` whose mapping at `path` has a `containers` list (an empty one
    when a patch names none), so that the workload rules see a pod spec there."""
    if not path:
        if isinstance(m.get("containers"), Sequence):
            return m
        return _with_entry(m, "containers", Sequence(m.span, []))
    child = m.get(path[0])
    assert isinstance(child, Mapping)
    return _with_entry(m, path[0], _with_containers(child, path[1:]))


def patched_workload(
    patch: Mapping, kind: str | None, name: str | None, span: Span
) -> Mapping | None:
    """A strategic-merge patch (or a partial manifest) as a document the workload rules
    read: its kind and name set from the target where it has none, its pod template
    counted as a pod spec. None when it changes no pod template."""
    path = _pod_path(patch)
    if path is None:
        return None
    doc = _with_containers(patch, path)
    if doc.get_str("kind") is None:
        doc = _with_entry(doc, "kind", _scalar(f"{kind or 'workload'} patch", span))
    if name is not None:
        meta = doc.get_map("metadata")
        if meta is None or meta.get_str("name") is None:
            named = _with_entry(meta or Mapping(span), "name", _scalar(name, span))
            doc = _with_entry(doc, "metadata", named)
    return doc


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def json_patch_ops(node: Node) -> list[Mapping] | None:
    """The operations of a JSON 6902 patch (a list of `{op, path}` mappings), or None
    when the node is no such patch."""
    if not isinstance(node, Sequence) or not node.items:
        return None
    ops = []
    for item in node.items:
        if not isinstance(item, Mapping):
            return None
        op, path = item.get_str("op"), item.get_str("path")
        if op not in _PATCH_OPS or path is None or not path.startswith("/"):
            return None
        ops.append(item)
    return ops


def _op_document(op: Mapping) -> Mapping | None:
    """What an `add` or `replace` operation sets, as the document it makes: the path's
    segments become nested keys (list positions a one-item list) around the value, all
    placed at the value (the line a reader fixes). Other operations set nothing."""
    if op.get_str("op") not in ("add", "replace"):
        return None
    value = op.get("value")
    path = op.get_str("path")
    if value is None or path is None:
        return None
    node: Node = value
    for segment in reversed(path.split("/")[1:]):
        if segment == "-" or segment.isdigit():
            if isinstance(node, Mapping) and node.get("name") is None:
                # Named by its position, for the message: `container '#0'`.
                label = "new" if segment == "-" else f"#{segment}"
                node = _with_entry(node, "name", _scalar(label, value.span))
            node = Sequence(value.span, [node])
        else:
            m = Mapping(value.span)
            m.entries = [(_scalar(_unescape(segment), value.span), node)]
            node = m
    return node if isinstance(node, Mapping) else None


def _patch_documents(
    nodes: list[Node], kind: str | None, name: str | None, span: Span
) -> list[Node]:
    """The workload documents a patch's parsed nodes make: each strategic-merge
    document, or each setting operation of a JSON 6902 patch."""
    out: list[Node] = []
    for node in nodes:
        ops = json_patch_ops(node)
        parts: list[Mapping] = []
        if ops is not None:
            parts = [d for d in map(_op_document, ops) if d is not None]
        elif isinstance(node, Mapping):
            parts = [node]
        for part in parts:
            doc = patched_workload(part, kind, name, span)
            if doc is not None:
                out.append(doc)
    return out


def _target(item: Mapping) -> tuple[str | None, str | None]:
    target = item.get_map("target")
    if target is None:
        return None, None
    return target.get_str("kind"), target.get_str("name")


def _kustomization_patches(doc: Mapping) -> Iterator[tuple[Scalar, str | None, str | None]]:
    """The inline patch strings of a kustomization (or of a Flux Kustomization's
    spec), with their target's kind and name. Paths are not followed."""
    holders = [doc]
    spec = doc.get_map("spec")
    if spec is not None:
        holders.append(spec)
    for holder in holders:
        for key in ("patches", "patchesJson6902", "patchesStrategicMerge"):
            items = holder.get_seq(key)
            for item in items.items if items is not None else []:
                if isinstance(item, Mapping):
                    patch = item.get("patch")
                    if isinstance(patch, Scalar) and patch.value.strip():
                        yield (patch, *_target(item))
                elif isinstance(item, Scalar) and "\n" in item.value.strip():
                    yield item, None, None  # an inline strategic-merge patch, not a path


def _is_kustomization(path: str, doc: Mapping) -> bool:
    if posixpath.basename(path).lower() in KUSTOMIZATION_NAMES:
        return True
    return doc.get_str("kind") == "Kustomization"


def _resource_patches(doc: Mapping) -> Iterator[tuple[Mapping, str | None]]:
    """Patches a custom resource applies to a workload it creates: a `patch` mapping
    with `type: StrategicMerge|JSONMerge` and a `value` (Envoy Gateway's `EnvoyProxy`
    `envoyDeployment.patch`), with the kind its holder's key names (`envoyDeployment`
    -> Deployment, `envoyDaemonSet` -> DaemonSet)."""
    for node, _ in walk(doc):
        if not isinstance(node, Mapping):
            continue
        for key, holder in node.entries:
            patch = holder.get_map("patch") if isinstance(holder, Mapping) else None
            if patch is None or patch.get_str("type") not in ("StrategicMerge", "JSONMerge"):
                continue
            value = patch.get_map("value")
            if value is not None:
                named = key.value.lower()
                kind = next((k for k in _WORKLOAD_KINDS if named.endswith(k.lower())), None)
                yield value, kind


_WORKLOAD_KINDS = ("DaemonSet", "Deployment", "StatefulSet")
