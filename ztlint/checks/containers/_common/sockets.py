"""Container runtime sockets (Docker, containerd, CRI-O, podman): whoever can talk to
one controls the host. ZT301 reports them mounted; the other isolation rules leave them
to it."""

from __future__ import annotations

import posixpath

SOCKET_NAMES = frozenset(
    {
        "docker.sock",
        "containerd.sock",
        "crio.sock",
        "podman.sock",
        "dockershim.sock",
        "cri-dockerd.sock",
    }
)


# Directories that hold runtime sockets: mounting them mounts the sockets.
SOCKET_DIRS = frozenset(
    {
        "/var/run",
        "/run",
        "/var/run/docker",
        "/run/docker",
        "/var/run/containerd",
        "/run/containerd",
        "/var/run/crio",
        "/run/crio",
        "/run/podman",
        "/var/run/podman",
    }
)


WINDOWS_PIPE = "//./pipe/docker_engine"


def runtime_socket(path: str, extra: tuple[str, ...] = ()) -> bool:
    raw = path.strip().strip("\"'")
    if not raw:
        return False
    if raw.replace("\\", "/").lower().rstrip("/") == WINDOWS_PIPE:
        return True
    norm = posixpath.normpath(raw) if raw.startswith(("/", "~", ".")) else raw
    if norm in extra:
        return True
    return posixpath.basename(norm) in SOCKET_NAMES or norm in SOCKET_DIRS
