"""ZT302 privileged-container: privileged mode in compose files, Kubernetes workloads and
the container runs of scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.checks.containers._common.isolation import (
    _compose,
    _true,
    cni_plugin,
    csi_node_plugin,
)
from ztlint.checks.containers._common.script_run import _context, _enabled, run_commands
from ztlint.checks.shell import _argv_script, commands
from ztlint.checks.workloads import (
    DEBUG_POD_NOTE,
    Container,
    PodSpec,
    containers,
    debug_pod,
    file_pod_specs,
)
from ztlint.model import Confidence, Severity
from ztlint.rule import FileContext, Hit


def detect_manifests(ctx: FileContext) -> Iterator[Hit]:
    if "compose" in ctx.kinds:
        for name, service in _compose(ctx):
            entry = service.entry("privileged")
            if entry is not None and _true(entry[1]):
                yield Hit(
                    span=entry[0].span, message=f"service '{name}' runs privileged", entity=name
                )
    if "kubernetes" in ctx.kinds:
        for pod in file_pod_specs(ctx, with_kind=True):
            entry = pod.spec.entry("privileged")  # not a pod field, but the intent is plain
            if entry is not None and _true(entry[1]):
                yield Hit(
                    span=entry[0].span,
                    message=f"{pod.workload} asks for privileged pods",
                    entity=pod.name,
                )
            for c in containers(pod):
                sc = c.node.get_map("securityContext")
                entry = sc.entry("privileged") if sc is not None else None
                if entry is None or not _true(entry[1]):
                    continue
                if _kernel_settings_only(ctx, pod, c):
                    # Shown with --min-confidence medium: what the pod needs is the
                    # host's kernel settings, which its own securityContext cannot set.
                    yield Hit(
                        span=entry[0].span,
                        message=f"init container '{c.name}' of {pod.workload} runs privileged "
                        "only to set kernel parameters (sysctl); set them on the node or in "
                        "securityContext.sysctls instead",
                        severity=Severity.LOW,
                        confidence=Confidence.MEDIUM,
                        entity=pod.name,
                    )
                    continue
                debug = debug_pod(pod)
                csi = not debug and csi_node_plugin(pod)
                cni = not debug and not csi and cni_plugin(pod)
                yield Hit(
                    span=entry[0].span,
                    message=f"container '{c.name}' of {pod.workload} runs privileged"
                    + (DEBUG_POD_NOTE if debug else "")
                    + (_CSI_NOTE if csi else "")
                    + (_CNI_NOTE if cni else ""),
                    confidence=Confidence.MEDIUM if debug or csi or cni else None,
                    entity=pod.name,
                )


# A CSI node plugin mounts volumes with Bidirectional propagation, which Kubernetes
# allows only to privileged containers.
_CSI_NOTE = (
    " (a CSI node plugin: mounting volumes into pods with Bidirectional propagation needs it)"
)


# A cluster network plugin programs the node's network (interfaces, routes, iptables).
_CNI_NOTE = " (a cluster network plugin: it installs the node's CNI and programs its network)"


# Commands a kernel-settings script may hold: `sysctl` writes, `echo`/`printf` whose
# output is redirected (every redirect must go under /proc/sys), tests and no-ops.
_SYSCTL_ARG = re.compile(r"-[weq]+|[\w./-]+=[\w./:-]+")
_HARMLESS = frozenset({"echo", "printf", "test", "[", "true", ":"})
_REDIRECT = re.compile(r"(?<![<>&])\d?>>?\s*([^\s;&|)]+)")
_MAX_SCRIPT = 4096


def _kernel_settings_only(ctx: FileContext, pod: PodSpec, c: Container) -> bool:
    """An init container whose command and arguments (read as the shell reads them,
    ztlint.checks.shell) only write kernel parameters: the common privileged sysctl
    init container."""
    inits = pod.spec.get_seq("initContainers")
    if inits is None or not any(item is c.node for item in inits.items):
        return False
    scripts = list(_argv_script(ctx, [c.node.get("command"), c.node.get("args")]))
    if not scripts or any(len(s.text) > _MAX_SCRIPT for s in scripts):
        return False
    targets = [t for s in scripts for t in _REDIRECT.findall(s.text)]
    if any(not (t.startswith("/proc/sys/") or t == "/dev/null") for t in targets):
        return False
    steps = [cmd for s in scripts for cmd in commands(s, ctx)]
    sysctl = [cmd for cmd in steps if cmd.name == "sysctl"]
    return (
        bool(sysctl or any(t.startswith("/proc/sys/") for t in targets))
        and all(cmd.name in _HARMLESS for cmd in steps if cmd.name != "sysctl")
        and all(_SYSCTL_ARG.fullmatch(w.text) for cmd in sysctl for w in cmd.args[1:])
        and not any(cmd.assignments for cmd in steps)
    )


def detect_scripts(ctx: FileContext) -> Iterator[Hit]:
    for run in run_commands(ctx):
        for opt in run.options:
            if opt.name == "--privileged" and _enabled(opt):
                confidence, note = _context(ctx, run)
                yield Hit(
                    span=opt.span,
                    message=f"{run.who} starts a privileged container{note}",
                    confidence=confidence,
                    entity=run.image,
                )
