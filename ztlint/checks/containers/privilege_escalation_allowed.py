"""ZT303 privilege-escalation-allowed: Kubernetes containers that may gain privileges."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.checks.containers._common.isolation import _containers_setting
from ztlint.checks.workloads import file_pod_specs
from ztlint.rule import FileContext, Hit


def detect_kubernetes(ctx: FileContext) -> Iterator[Hit]:
    for pod in file_pod_specs(ctx, with_kind=True):
        for name, key in _containers_setting(pod, "allowPrivilegeEscalation"):
            yield Hit(
                span=key.span,
                message=f"container '{name}' of {pod.workload} sets allowPrivilegeEscalation: true",
                entity=pod.name,
            )
