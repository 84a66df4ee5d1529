"""ZT305 seccomp-disabled: seccomp or AppArmor turned off (unconfined) in compose files,
Kubernetes workloads (fields and legacy annotations) and the container runs of scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.checks.containers._common.isolation import _compose
from ztlint.checks.containers._common.script_run import _context, run_commands
from ztlint.checks.workloads import file_pod_specs, security_contexts
from ztlint.parsers.data import Mapping, Node, Scalar
from ztlint.rule import FileContext, Hit

_LEGACY_SECCOMP = re.compile(r"^(container\.)?seccomp\.security\.alpha\.kubernetes\.io/")


_LEGACY_APPARMOR = re.compile(r"^container\.apparmor\.security\.beta\.kubernetes\.io/")


_UNCONFINED_OPT = re.compile(r"^\s*(seccomp|apparmor)\s*[:=]\s*unconfined\s*$", re.I)


def _profile_unconfined(node: Node | None) -> bool:
    if isinstance(node, Scalar):  # not the API's shape, but the intent is plain
        return node.value.strip().lower() == "unconfined"
    if isinstance(node, Mapping):
        kind = node.get_str("type")
        return kind is not None and kind.strip().lower() == "unconfined"
    return False


def detect_manifests(ctx: FileContext) -> Iterator[Hit]:
    if "compose" in ctx.kinds:
        for name, service in _compose(ctx):
            opts = service.get_seq("security_opt")
            for item in opts.items if opts is not None else []:
                if isinstance(item, Scalar):
                    m = _UNCONFINED_OPT.match(item.value)
                    if m:
                        yield Hit(
                            span=item.span,
                            message=f"service '{name}' runs with {m.group(1).lower()} unconfined",
                            entity=name,
                        )
    if "kubernetes" in ctx.kinds:
        for pod in file_pod_specs(ctx, with_kind=True):
            for sc, who in security_contexts(pod):
                for field in ("seccompProfile", "appArmorProfile"):
                    entry = sc.entry(field)
                    if entry is not None and _profile_unconfined(entry[1]):
                        what = "seccomp" if field == "seccompProfile" else "AppArmor"
                        yield Hit(
                            span=entry[0].span,
                            message=f"{who} runs with {what} Unconfined",
                            entity=pod.name,
                        )
            if pod.annotations is not None:
                for key, value in pod.annotations.items():
                    if not isinstance(value, Scalar) or value.value.strip().lower() != "unconfined":
                        continue
                    if _LEGACY_SECCOMP.match(key.value) or _LEGACY_APPARMOR.match(key.value):
                        yield Hit(
                            span=key.span,
                            message=f"{pod.workload} sets {key.value}: unconfined",
                            entity=pod.name,
                        )


def detect_scripts(ctx: FileContext) -> Iterator[Hit]:
    for run in run_commands(ctx):
        for opt in run.options:
            if opt.name != "--security-opt":
                continue
            m = _UNCONFINED_OPT.match(opt.value.strip("\"'"))
            if m is not None:
                confidence, note = _context(ctx, run)
                yield Hit(
                    span=opt.span,
                    message=f"{run.who} runs with {m.group(1).lower()} unconfined{note}",
                    confidence=confidence,
                    entity=run.image,
                )
