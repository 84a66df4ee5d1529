"""Container runtime sockets mounted into containers.

Whoever can talk to the Docker (or containerd, CRI-O, podman) socket controls the
host: it can start a privileged container with the host's root filesystem, and even
read-only access lets it list every container and read their environments, secrets
included.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ztlint.checks.compose import interpolate, scalar_text, services
from ztlint.checks.containers._common.script_run import _context, mounts, run_commands
from ztlint.checks.containers._common.sockets import (
    SOCKET_DIRS,
    SOCKET_NAMES,
    WINDOWS_PIPE,
    runtime_socket,
)
from ztlint.model import Confidence, Severity
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk
from ztlint.rule import FileContext, Hit


def _short_volume(spec: str) -> tuple[str, str, bool]:
    """(source, target, read_only) of a short-syntax volume `src:dst[:mode]`."""
    text = interpolate(spec)
    if text.lower().startswith(WINDOWS_PIPE):
        rest = text[len(WINDOWS_PIPE) :].lstrip(":")
        parts = [WINDOWS_PIPE, *rest.split(":")]
    else:
        parts = text.split(":")
    source = parts[0] if len(parts) > 1 else ""
    target = parts[1] if len(parts) > 1 else parts[0]
    mode = parts[2] if len(parts) > 2 else ""
    return source, target, "ro" in mode.split(",")


def _extra(ctx: FileContext) -> tuple[str, ...]:
    value = ctx.options.get("extra-sockets", ())
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


def _describe(path: str, read_only: bool) -> str:
    kind = (
        "runtime socket directory"
        if path.rstrip("/") in SOCKET_DIRS
        else "container runtime socket"
    )
    return f"the {kind} {path}" + (
        " (read-only still exposes every container)" if read_only else ""
    )


def detect_compose(ctx: FileContext) -> Iterator[Hit]:
    documents = ctx.documents()  # a ParseFailure is reported once by the engine
    extra = _extra(ctx)
    for doc in documents:
        # A volume list shared through an anchor is one problem, reported once at its
        # definition, naming every service that uses it.
        found: dict[int, tuple[str, bool, Node, list[str]]] = {}
        bare_found: dict[int, tuple[str, bool, Node, list[str]]] = {}
        for name, service in services(doc):
            volumes = service.get_seq("volumes")
            if volumes is None:
                continue
            docker_host = _docker_host(service)
            for item in volumes.items:
                hit = _volume_socket(item, extra)
                if hit is None and docker_host is not None:
                    mount = _target(item)
                    if mount and (
                        docker_host == mount[1]
                        or docker_host.startswith(mount[1].rstrip("/") + "/")
                    ):
                        hit = (f"{mount[0]} (DOCKER_HOST uses it)", False, item)
                if hit is not None:
                    path, read_only, node = hit
                    found.setdefault(id(node), (path, read_only, node, []))[3].append(name)
                    continue
                bare = _bare_socket(item, extra)
                if bare is not None:
                    bare_found.setdefault(id(item), (bare, False, item, []))[3].append(name)
        for path, read_only, node, names in found.values():
            yield Hit(
                span=node.span,
                message=f"{_who(names)} {_verb(names)} {_describe(path, read_only)}",
                entity=names[0],
            )
        for path, _, node, names in bare_found.values():
            # Compose creates an anonymous volume at a bare path, so as written the host's
            # socket is not there. The line still asks for runtime access: a mistaken
            # socket mount, or one completed by an override file or `docker run -v`.
            yield Hit(
                span=node.span,
                message=(
                    f"{_who(names)} {_verb(names, 'lists', 'list')} the runtime socket path "
                    f"{path} as a volume without a host side: as written Compose puts an "
                    "empty anonymous volume there, but the service is set up to drive the "
                    "container runtime (a broken socket mount, or one an override completes)"
                ),
                severity=Severity.MEDIUM,
                confidence=Confidence.MEDIUM,
                entity=names[0],
            )


def _who(names: list[str]) -> str:
    if len(names) == 1:
        return f"service '{names[0]}'"
    return "services " + ", ".join(f"'{n}'" for n in names)


def _verb(names: list[str], one: str = "mounts", many: str = "mount") -> str:
    return one if len(names) == 1 else many


def _bare_socket(item: Node, extra: tuple[str, ...]) -> str | None:
    """A short-syntax volume that is only a container path naming a runtime socket file
    (`- /var/run/docker.sock`). Socket directories are left alone: an anonymous volume
    at `/run` is an ordinary scratch directory."""
    if not isinstance(item, Scalar):
        return None
    text = interpolate(item.value).strip().strip("\"'")
    if ":" in text or not text.startswith("/"):
        return None
    norm = posixpath.normpath(text)
    if posixpath.basename(norm) in SOCKET_NAMES or norm in extra:
        return norm
    return None


def _volume_socket(item: Node, extra: tuple[str, ...]) -> tuple[str, bool, Node] | None:
    if isinstance(item, Scalar):
        if ":" not in interpolate(item.value) and not item.value.lower().startswith(WINDOWS_PIPE):
            return None  # a bare path is an anonymous volume, not a host mount
        source, target, read_only = _short_volume(item.value)
        if source and runtime_socket(source, extra):
            return source, read_only, item
        if not source.strip() and runtime_socket(target, extra):
            return (
                target,
                read_only,
                item,
            )  # `${SOCK}:/var/run/docker.sock`: the host side is unknown
        return None
    if isinstance(item, Mapping):
        kind = scalar_text(item.get("type")) or "bind"
        if kind not in ("bind", "npipe"):
            return None
        source = interpolate(scalar_text(item.get("source")) or "")
        flag = item.get("read_only")
        read_only = isinstance(flag, Scalar) and flag.truthy() is True
        if runtime_socket(source, extra):
            return source, read_only, item.get("source") or item
    return None


def _docker_host(service: Mapping) -> str | None:
    """The unix socket path DOCKER_HOST names in the service's environment."""
    env = service.get("environment")
    value: str | None = None
    if isinstance(env, Mapping):
        value = env.get_str("DOCKER_HOST")
    elif isinstance(env, Sequence):
        for item in env.items:
            if isinstance(item, Scalar) and item.value.startswith("DOCKER_HOST="):
                value = item.value.split("=", 1)[1]
    if value and value.startswith("unix://"):
        return posixpath.normpath(value[len("unix://") :])
    return None


def _target(item: Node) -> tuple[str, str] | None:
    """(source, container path) of a bind mount."""
    if isinstance(item, Scalar) and ":" in item.value:
        source, target, _ = _short_volume(item.value)
        return source, target
    if isinstance(item, Mapping):
        host, inside = item.get_str("source"), item.get_str("target")
        if host and inside:
            return host, inside
    return None


def detect_kubernetes(ctx: FileContext) -> Iterator[Hit]:
    documents = ctx.documents()  # a ParseFailure is reported once by the engine
    extra = _extra(ctx)
    for doc in documents:
        if not isinstance(doc, Mapping) or doc.get_str("kind") is None:
            continue
        workload = _workload_name(doc)
        for node, _ in walk(doc):
            if not isinstance(node, Mapping):
                continue
            host_path = node.get_map("hostPath")
            if host_path is None:
                continue
            path_node = host_path.get("path")
            if isinstance(path_node, Scalar) and runtime_socket(path_node.value, extra):
                yield Hit(
                    span=path_node.span,
                    message=f"{workload} mounts {_describe(path_node.value, False)} through hostPath",
                    entity=_name(doc),
                )


def _name(doc: Mapping) -> str | None:
    meta = doc.get_map("metadata")
    return meta.get_str("name") if meta is not None else None


def _workload_name(doc: Mapping) -> str:
    kind = doc.get_str("kind") or "object"
    name = _name(doc)
    return f"{kind} '{name}'" if name else kind


def detect_scripts(ctx: FileContext) -> Iterator[Hit]:
    extra = ctx.options.get("extra-sockets", ())
    sockets = tuple(str(v) for v in extra) if isinstance(extra, list | tuple) else ()
    for run in run_commands(ctx):
        for mount in mounts(run):
            if runtime_socket(mount.source, sockets):
                kind = (
                    "runtime socket directory"
                    if mount.source.rstrip("/") in SOCKET_DIRS
                    else "container runtime socket"
                )
                confidence, note = _context(ctx, run)
                yield Hit(
                    span=mount.option.span,
                    message=f"{run.who} mounts the {kind} {mount.source}"
                    + (" (read-only still exposes every container)" if mount.read_only else "")
                    + note,
                    confidence=confidence,
                    entity=run.image,
                )
