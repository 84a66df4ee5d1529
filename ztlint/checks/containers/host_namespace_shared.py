"""ZT307 host-namespace-shared: the host's network, PID or IPC namespace shared with a
container, in compose files, Kubernetes workloads and the container runs of scripts."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.checks.containers._common.isolation import (
    _compose,
    _true,
    cni_plugin,
    compose_network_agent,
    pod_network_agent,
)
from ztlint.checks.containers._common.script_run import _context, run_commands
from ztlint.checks.workloads import DEBUG_POD_NOTE, debug_pod, file_pod_specs
from ztlint.model import Confidence
from ztlint.parsers.data import Scalar
from ztlint.rule import FileContext, Hit

_COMPOSE_NS = {
    "network_mode": "network",
    "pid": "PID",
    "ipc": "IPC",
    "userns_mode": "user",
    "uts": "UTS",
}


_K8S_NS = {"hostNetwork": "network", "hostPID": "PID", "hostIPC": "IPC"}


_NAMESPACES = {
    "--network": ("network", "network_mode"),
    "--pid": ("PID", "pid"),
    "--ipc": ("IPC", "ipc"),
    "--uts": ("UTS", "uts"),
    "--userns": ("user", "userns_mode"),
}


def detect_manifests(ctx: FileContext) -> Iterator[Hit]:
    if "compose" in ctx.kinds:
        for name, service in _compose(ctx):
            for key, ns in _COMPOSE_NS.items():
                entry = service.entry(key)
                if (
                    entry is not None
                    and isinstance(entry[1], Scalar)
                    and entry[1].value.strip() == "host"
                ):
                    needed = ns == "network" and compose_network_agent(service)
                    user = ns == "user"
                    yield Hit(
                        span=entry[0].span,
                        message=f"service '{name}' shares the host's {ns} namespace"
                        + (_HOST_NETWORK_NOTE if needed else _USERNS_NOTE if user else ""),
                        confidence=Confidence.MEDIUM if needed or user else None,
                        entity=name,
                        value=key,
                    )
    if "kubernetes" in ctx.kinds:
        for pod in file_pod_specs(ctx, with_kind=True):
            for key, ns in _K8S_NS.items():
                entry = pod.spec.entry(key)
                if entry is not None and _true(entry[1]):
                    needed = ns == "network" and pod_network_agent(pod)
                    plugin = ns == "network" and not needed and cni_plugin(pod)
                    debug = not needed and not plugin and debug_pod(pod)
                    yield Hit(
                        span=entry[0].span,
                        message=f"{pod.workload} shares the host's {ns} namespace"
                        + (
                            _HOST_NETWORK_NOTE
                            if needed
                            else _PLUGIN_NOTE
                            if plugin
                            else DEBUG_POD_NOTE
                            if debug
                            else ""
                        ),
                        confidence=Confidence.MEDIUM if needed or plugin or debug else None,
                        entity=pod.name,
                        value=key,
                    )


# A network agent (NET_ADMIN in the host's network) shares it to manage it.
_HOST_NETWORK_NOTE = " to manage it with NET_ADMIN (a VPN or network agent's job)"
# The user namespace is the host's for every container unless the daemon remaps users
# (`userns-remap`): `--userns=host` only opts out of a remapping the daemon may do.
_USERNS_NOTE = (
    ", which every container has unless the daemon remaps users (userns-remap): this only "
    "opts out of that remapping"
)
# A cluster network plugin (it installs the node's CNI) is the node's network.
_PLUGIN_NOTE = " to program it (a cluster network plugin: it installs the node's CNI)"


def detect_scripts(ctx: FileContext) -> Iterator[Hit]:
    for run in run_commands(ctx):
        for opt in run.options:
            shared = _NAMESPACES.get(opt.name)
            if shared is not None and opt.value.strip().strip("\"'") == "host":
                confidence, note = _context(ctx, run)
                if shared[0] == "network" and run.network_agent:
                    confidence, note = (
                        Confidence.MEDIUM,
                        " to manage it with NET_ADMIN (a VPN or network agent's job)",
                    )
                elif shared[0] == "user" and confidence is None:
                    confidence, note = Confidence.MEDIUM, _USERNS_NOTE
                yield Hit(
                    span=opt.span,
                    message=f"{run.who} shares the host's {shared[0]} namespace{note}",
                    confidence=confidence,
                    entity=run.image,
                    value=shared[1],
                )
