"""ZT302 privileged-container: privileged mode in compose files, Kubernetes workloads and
the container runs of scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.checks.containers._common.isolation import _compose, _true
from ztlint.checks.containers._common.script_run import _context, _enabled, run_commands
from ztlint.checks.workloads import Container, PodSpec, containers, file_pod_specs
from ztlint.model import Confidence, Severity
from ztlint.parsers.data import Scalar, Sequence
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
                if _kernel_settings_only(pod, c):
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
                yield Hit(
                    span=entry[0].span,
                    message=f"container '{c.name}' of {pod.workload} runs privileged",
                    entity=pod.name,
                )


# A step of an init container's script that only writes kernel parameters, or the shell
# around such steps: `sysctl -w net.ipv4.ip_forward=1`, `echo 1 > /proc/sys/...`,
# `if [ -e /proc/sys/... ]; then`, `fi`.
_KERNEL_STEP = re.compile(
    r"sysctl(?:\s+-[weq]+)*(?:\s+[\w./-]+=[\w./:-]+)+"
    r"|echo\s+(?:-n\s+)?[\w\"'.:-]+\s*>>?\s*/proc/sys/[\w./-]+"
    r"|(?:if|elif|while)\s+\[\s+-[edf]\s+/proc/sys/[\w./-]+\s+\]"
    r"|then|else|fi|do|done|true|:|set\s+-[eux]+"
)
_SCRIPT_SPLIT = re.compile(r"&&|\|\||;|\n")
_LEADING_KEYWORD = re.compile(r"^(?:then|else|do)\s+")
_MAX_SCRIPT = 4096
_SHELLS = frozenset({"sh", "bash", "ash", "/bin/sh", "/bin/bash", "/bin/ash", "-c", "-ec", "-xc"})


def _kernel_settings_only(pod: PodSpec, c: Container) -> bool:
    """An init container whose command and arguments only write kernel parameters (the
    common privileged sysctl init container), as literal strings a reader can see."""
    inits = pod.spec.get_seq("initContainers")
    if inits is None or not any(item is c.node for item in inits.items):
        return False
    words: list[str] = []
    for key in ("command", "args"):
        value = c.node.get(key)
        if value is None:
            continue
        if not isinstance(value, Sequence) or not all(isinstance(i, Scalar) for i in value.items):
            return False
        words += [i.value for i in value.items if isinstance(i, Scalar)]
    while words and words[0].strip() in _SHELLS:
        words.pop(0)
    script = " ".join(words) if len(words) != 1 else words[0]
    if len(script) > _MAX_SCRIPT:
        return False
    steps = [
        _LEADING_KEYWORD.sub("", step.strip())
        for step in _SCRIPT_SPLIT.split(script)
        if step.strip()
    ]
    return (
        bool(steps)
        and all(_KERNEL_STEP.fullmatch(step) for step in steps)
        and any(step.startswith(("sysctl", "echo")) for step in steps)
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
