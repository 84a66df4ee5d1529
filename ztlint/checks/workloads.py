"""Reading Kubernetes workloads: pod specs wherever a kind keeps them (Pod, Deployment,
StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List items), their containers of
every sort, and the pod template's annotations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk_with
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


# What an idle container runs: it exists to be entered with `kubectl exec`.
_IDLE = (("sleep",), ("tail", "-f", "/dev/null"), ("pause",))
DEBUG_POD_NOTE = " (a node-debugging pod: a bare Pod whose containers only sleep, for kubectl exec)"


def _argv(c: Container) -> list[str]:
    out: list[str] = []
    for key in ("command", "args"):
        items = c.node.get_seq(key)
        for item in items.items if items is not None else []:
            if not isinstance(item, Scalar):
                return []
            out += item.value.split()
    if len(out) >= 3 and out[0].rsplit("/", 1)[-1] in ("sh", "bash") and out[1] == "-c":
        out = out[2:]  # sh -c "sleep infinity"
    return out


def debug_pod(pod: PodSpec) -> bool:
    """A node-debugging pod: a bare `Pod` (no controller runs it as a service), serving
    no port, whose every container only idles (`sleep 3600`, `sleep infinity`, `tail -f
    /dev/null`) until someone runs `kubectl exec` in it; what `kubectl debug node/...`
    makes. The host access it asks for is the applier's own, for a session, not what a
    deployed workload runs with."""
    if pod.workload.split(" ", 1)[0] != "Pod":
        return False
    found = list(containers(pod))
    if not found:
        return False
    for c in found:
        if c.node.get("ports") is not None:
            return False
        argv = _argv(c)
        if not argv:
            return False
        argv[0] = argv[0].rsplit("/", 1)[-1]
        if not any(tuple(argv[: len(idle)]) == idle for idle in _IDLE):
            return False
        if argv[0] == "sleep" and len(argv) > 2:
            return False  # `sleep 5 && ./serve`: runs something after
    return True


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
