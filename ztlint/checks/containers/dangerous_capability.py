"""ZT304 dangerous-capability: capabilities added in compose files, Kubernetes workloads
and the container runs of scripts (a network agent's NET_ADMIN is not the same case)."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.checks.containers._common.isolation import (
    CAPABILITIES,
    MODULES,
    _compose,
    capability,
    compose_host_sources,
    compose_network_agent,
    pod_host_sources,
    pod_network_agent,
)
from ztlint.checks.containers._common.script_run import _context, run_commands
from ztlint.checks.workloads import containers, file_pod_specs
from ztlint.model import Confidence
from ztlint.parsers.data import Scalar, Sequence
from ztlint.rule import FileContext, Hit

# What a network agent (a VPN client or gateway, a CNI plugin, a tunnel endpoint) needs
# to do its job: configure interfaces, routes and firewall rules, and send raw packets.
# The seed's finding is these capabilities on containers that are no such agent.
_NETWORK_JOB = frozenset({"NET_ADMIN", "NET_RAW"})


_AGENT_NOTE = " (it manages the host's network, a tunnel device or forwards packets: what a network agent needs)"
# A network agent given the host's kernel modules (`/lib/modules`) loads its tunnel's
# module (WireGuard's, on a kernel without it built in) with SYS_MODULE: the mount says
# so. Without that mount, SYS_MODULE is no part of the agent's evident job.
_MODULE_NOTE = (
    " (a network agent given the host's /lib/modules: it loads its tunnel's kernel module)"
)


def _cap_hits(
    items: Sequence | None,
    who: str,
    entity: str | None,
    agent: bool = False,
    modules: bool = False,
) -> Iterator[Hit]:
    for item in items.items if items is not None else []:
        if not isinstance(item, Scalar):
            continue
        cap = capability(item.value)
        if cap in CAPABILITIES:
            note = ""
            if agent and cap in _NETWORK_JOB:
                note = _AGENT_NOTE
            elif agent and modules and cap == "SYS_MODULE":
                note = _MODULE_NOTE
            needed = bool(note)
            yield Hit(
                span=item.span,
                message=f"{who} adds capability {cap}" + note,
                severity=CAPABILITIES[cap],
                confidence=Confidence.MEDIUM if needed else None,
                entity=entity,
                value=cap,
            )


def detect_manifests(ctx: FileContext) -> Iterator[Hit]:
    if "compose" in ctx.kinds:
        for name, service in _compose(ctx):
            yield from _cap_hits(
                service.get_seq("cap_add"),
                f"service '{name}'",
                name,
                compose_network_agent(service),
                MODULES in compose_host_sources(service),
            )
    if "kubernetes" in ctx.kinds:
        for pod in file_pod_specs(ctx, with_kind=True):
            for c in containers(pod):
                sc = c.node.get_map("securityContext")
                caps = sc.get_map("capabilities") if sc is not None else None
                adds = caps.get_seq("add") if caps is not None else None
                yield from _cap_hits(
                    adds,
                    f"container '{c.name}' of {pod.workload}",
                    pod.name,
                    pod_network_agent(pod, c),
                    MODULES in pod_host_sources(pod),
                )


def detect_scripts(ctx: FileContext) -> Iterator[Hit]:
    for run in run_commands(ctx):
        for opt in run.options:
            if opt.name != "--cap-add":
                continue
            for raw in opt.value.split(","):
                cap = capability(raw)
                if cap in CAPABILITIES:
                    confidence, note = _context(ctx, run)
                    if cap in ("NET_ADMIN", "NET_RAW") and run.network_agent:
                        confidence, note = Confidence.MEDIUM, _AGENT_NOTE
                    yield Hit(
                        span=opt.span,
                        message=f"{run.who} adds capability {cap}{note}",
                        severity=CAPABILITIES[cap],
                        confidence=confidence,
                        entity=run.image,
                        value=cap,
                    )
