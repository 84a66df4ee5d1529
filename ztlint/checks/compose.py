"""Reading docker-compose files: services, with merge keys and interpolation."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.parsers.data import Mapping, Node, Scalar

# Keys that only a container definition has: a `services:` mapping whose entries have
# none of them is not a compose file.
CONTAINER_KEYS = frozenset(
    {
        "image",
        "build",
        "volumes",
        "command",
        "entrypoint",
        "cap_add",
        "cap_drop",
        "privileged",
        "network_mode",
        "environment",
        "ports",
        "security_opt",
        "depends_on",
        "networks",
        "extends",
        "container_name",
        "restart",
        "user",
        "env_file",
        "healthcheck",
        "pid",
        "ipc",
        "devices",
        "profiles",
        "deploy",
    }
)

_INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?[-?+])([^}]*))?\}|\$(\w+)")


def services(doc: Node) -> Iterator[tuple[str, Mapping]]:
    """(name, definition) of every service in a compose document."""
    if not isinstance(doc, Mapping):
        return
    svc = doc.get_map("services")
    if svc is None:
        return
    for key, value in svc.items():
        if isinstance(value, Mapping) and any(value.get(k) is not None for k in CONTAINER_KEYS):
            yield key.value, value


def interpolate(text: str) -> str:
    """Resolve compose interpolation to what an unset environment gives: the default
    of `${VAR:-default}` / `${VAR-default}`, otherwise the empty string."""

    def repl(m: re.Match[str]) -> str:
        if m.group(4):
            return ""
        op = m.group(2) or ""
        return m.group(3) or "" if op in (":-", "-") else ""

    return _INTERPOLATION.sub(repl, text.replace("$$", "\x00")).replace("\x00", "$")


def scalar_text(node: Node | None) -> str | None:
    return node.value if isinstance(node, Scalar) else None
