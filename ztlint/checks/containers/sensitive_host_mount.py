"""ZT309 sensitive-host-mount: sensitive host paths mounted into containers, in compose
files, Kubernetes workloads and the container runs of scripts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from ztlint.checks.containers._common.isolation import (
    _compose,
    _compose_sources,
    _sensitive_in_etc,
    agent_host_path,
    cni_plugin,
    compose_network_agent,
    csi_node_plugin,
    kubelet_path,
    network_plugin_path,
    pod_network_agent,
    sensitive_host_path,
)
from ztlint.checks.containers._common.script_run import _context, _lower, mounts, run_commands
from ztlint.checks.workloads import DEBUG_POD_NOTE, debug_pod, file_pod_specs
from ztlint.model import Confidence, Severity
from ztlint.parsers.data import Mapping, Node, Scalar
from ztlint.rule import FileContext, Hit


def detect_manifests(ctx: FileContext) -> Iterator[Hit]:
    if "compose" in ctx.kinds:
        for name, service in _compose(ctx):
            for source, read_only, node in _compose_sources(service):
                where = sensitive_host_path(source)
                if where is not None:
                    hit = _mount_hit(f"service '{name}'", where, read_only, node, name)
                    if agent_host_path(where) and compose_network_agent(service):
                        hit = _agent_owned(hit)
                    yield hit
    if "kubernetes" in ctx.kinds:
        for pod in file_pod_specs(ctx, with_kind=True):
            volumes = pod.spec.get_seq("volumes")
            for volume in volumes.items if volumes is not None else []:
                host = volume.get_map("hostPath") if isinstance(volume, Mapping) else None
                path = host.get("path") if host is not None else None
                if isinstance(path, Scalar):
                    where = sensitive_host_path(path.value)
                    if where is not None:
                        hit = _mount_hit(pod.workload, where, False, path, pod.name)
                        if agent_host_path(where) and pod_network_agent(pod):
                            hit = _agent_owned(hit)
                        elif kubelet_path(path.value) and csi_node_plugin(pod):
                            hit = dataclasses.replace(
                                hit,
                                message=hit.message + _CSI_NOTE,
                                confidence=Confidence.MEDIUM,
                            )
                        elif network_plugin_path(path.value) and cni_plugin(pod):
                            hit = dataclasses.replace(
                                hit,
                                message=hit.message + _CNI_NOTE,
                                confidence=Confidence.MEDIUM,
                            )
                        if debug_pod(pod):
                            hit = dataclasses.replace(
                                hit,
                                message=hit.message + DEBUG_POD_NOTE,
                                confidence=Confidence.MEDIUM,
                            )
                        yield hit


# A network agent (NET_ADMIN in the host's network, or with the TUN device) that mounts
# the host's WireGuard or OpenVPN configuration writes the interfaces it manages there.
_AGENT_NOTE = ": the VPN configuration of the host's network this network agent manages"


# A CSI node plugin mounts volumes into pods through the kubelet's folders.
_CSI_NOTE = ": the kubelet folder a CSI node plugin mounts volumes through"
# A cluster network plugin installs the node's CNI configuration and programs its
# network (the tunnel's kernel module, the iptables lock).
_CNI_NOTE = ": what a cluster network plugin (it installs the node's CNI) manages"


def _agent_owned(hit: Hit) -> Hit:
    return dataclasses.replace(hit, message=hit.message + _AGENT_NOTE, confidence=Confidence.MEDIUM)


def _mount_hit(who: str, where: str, read_only: bool, node: Node, entity: str | None) -> Hit:
    return Hit(
        span=node.span,
        message=f"{who} mounts the host's {where}" + (" (read-only)" if read_only else ""),
        severity=Severity.MEDIUM if read_only else None,
        confidence=None if _sensitive_in_etc(where) else Confidence.MEDIUM,
        entity=entity,
        value=where,
    )


def detect_scripts(ctx: FileContext) -> Iterator[Hit]:
    for run in run_commands(ctx):
        for mount in mounts(run):
            where = sensitive_host_path(mount.source)
            if where is None:
                continue
            confidence, note = _context(ctx, run)
            yield Hit(
                span=mount.option.span,
                message=f"{run.who} mounts the host's {where}"
                + (" (read-only)" if mount.read_only else "")
                + note,
                severity=Severity.MEDIUM if mount.read_only else None,
                confidence=_lower(
                    confidence, None if _sensitive_in_etc(where) else Confidence.MEDIUM
                ),
                entity=run.image,
                value=where,
            )
