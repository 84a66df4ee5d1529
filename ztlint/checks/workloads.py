"""Reading Kubernetes workloads: pod specs wherever a kind keeps them (Pod, Deployment,
StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List items), their containers of
every sort, and the pod template's annotations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ztlint.parsers.data import Mapping, Node, Sequence, walk_with
from ztlint.rule import FileContext

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


@dataclass(frozen=True)
class PodSpec:
    spec: Mapping
    workload: str  # "Deployment 'relay'"
    name: str | None  # the workload's metadata.name, for config exceptions
    annotations: Mapping | None  # the pod's (or pod template's) metadata.annotations


@dataclass(frozen=True)
class Container:
    node: Mapping
    name: str
    pod: PodSpec


def _describe(doc: Mapping) -> tuple[str, str | None]:
    kind = doc.get_str("kind") or "object"
    meta = doc.get_map("metadata")
    name = meta.get_str("name") if meta is not None else None
    return (f"{kind} '{name}'" if name else kind), name


def _owner(
    node: Node, outer: tuple[Mapping, Mapping | None] | None
) -> tuple[Mapping, Mapping | None] | None:
    """Hand down (nearest object with a kind, nearest metadata) while walking."""
    if isinstance(node, Mapping):
        meta = node.get_map("metadata")
        if node.get_str("kind") is not None:
            return node, meta
        if meta is not None and outer is not None:
            return outer[0], meta  # a pod template: its own metadata
    return outer


def pod_specs(doc: Node) -> Iterator[PodSpec]:
    for node, owner in walk_with(doc, None, _owner):
        if not isinstance(node, Mapping) or not isinstance(node.get("containers"), Sequence):
            continue
        top = owner[0] if owner is not None else doc
        workload, name = _describe(top) if isinstance(top, Mapping) else ("object", None)
        meta = owner[1] if owner is not None else None
        annotations = meta.get_map("annotations") if meta is not None else None
        yield PodSpec(node, workload, name, annotations)


def file_pod_specs(ctx: FileContext, with_kind: bool = False) -> Iterator[PodSpec]:
    """The pod specs of every document of the file (of those with a `kind` only, with
    `with_kind`), in document order. The documents are walked once per file, whichever
    rules ask."""
    for has_kind, pods in ctx.cached(_pods_by_document):
        if has_kind or not with_kind:
            yield from pods


def _pods_by_document(ctx: FileContext) -> list[tuple[bool, tuple[PodSpec, ...]]]:
    return [
        (isinstance(doc, Mapping) and doc.get_str("kind") is not None, tuple(pod_specs(doc)))
        for doc in ctx.documents()
    ]


def containers(pod: PodSpec) -> Iterator[Container]:
    for key in CONTAINER_LISTS:
        items = pod.spec.get_seq(key)
        for item in items.items if items is not None else []:
            if isinstance(item, Mapping):
                yield Container(item, item.get_str("name") or "container", pod)


def security_contexts(pod: PodSpec) -> Iterator[tuple[Mapping, str]]:
    """The pod's securityContext and each container's, with who they belong to
    ("Deployment 'relay'", "container 'app' of Deployment 'relay'")."""
    pod_sc = pod.spec.get_map("securityContext")
    if pod_sc is not None:
        yield pod_sc, pod.workload
    for c in containers(pod):
        sc = c.node.get_map("securityContext")
        if sc is not None:
            yield sc, f"container '{c.name}' of {pod.workload}"
