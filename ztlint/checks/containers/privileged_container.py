"""ZT302 privileged-container: privileged mode in compose files, Kubernetes workloads and
the container runs of scripts."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.checks.containers._common.isolation import _compose, _containers_setting, _true
from ztlint.checks.containers._common.script_run import _context, _enabled, run_commands
from ztlint.checks.workloads import file_pod_specs
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
            for name, key in _containers_setting(pod, "privileged"):
                yield Hit(
                    span=key.span,
                    message=f"container '{name}' of {pod.workload} runs privileged",
                    entity=pod.name,
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
