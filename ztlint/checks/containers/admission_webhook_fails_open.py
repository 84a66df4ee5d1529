"""Admission webhooks that let requests through when the webhook cannot be reached.

A `ValidatingWebhookConfiguration` or `MutatingWebhookConfiguration` webhook with
`failurePolicy: Ignore` admits every request the webhook does not answer (it is down,
overloaded, its certificate expired, a network policy blocks it): whoever can make the
webhook unreachable, or waits for it to be, bypasses the policy it enforces. In
`admissionregistration.k8s.io/v1beta1` an absent `failurePolicy` meant `Ignore`.

How bad that is depends on what the webhook enforces, decided from its own fields:

- a policy or security webhook (high): a validating webhook whose rules cover
  workloads (pods, their controllers, or every resource) on CREATE; or any webhook whose
  service or name shows a policy engine or an image-signature check (Gatekeeper,
  Kyverno, Kubewarden, sigstore's policy-controller, Connaisseur, Ratify, Pod Security)
  and whose rules cover workloads or every resource;
- any other webhook (defaulting, conversion helpers, a project's own CRD validation,
  sidecar injection): low severity, low confidence, since several projects choose
  `Ignore` on purpose so that their webhook's outage does not block the cluster.

Helm templates are read with the chart's values, so `failurePolicy: {{ .Values.x }}`
whose value is `Ignore` is reported at the template's line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.model import Confidence, Severity
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk
from ztlint.rule import FileContext, Hit

KINDS = frozenset({"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"})
_WORKLOADS = frozenset(
    {
        "*",
        "*/*",
        "pods",
        "pods/*",
        "pods/ephemeralcontainers",
        "pods/exec",
        "deployments",
        "daemonsets",
        "statefulsets",
        "replicasets",
        "replicationcontrollers",
        "jobs",
        "cronjobs",
    }
)
_WORKLOAD_GROUPS = frozenset({"", "*", "apps", "batch"})
_POLICY_ENGINE = re.compile(
    r"gatekeeper|kyverno|kubewarden|policy-controller|policy-webhook|connaisseur|ratify|"
    r"sigstore|cosign|image-?policy|image-?signature|signature|pod-?security|"
    r"admission-policy|opa\b|open-policy-agent",
    re.I,
)


def _texts(node: Node | None) -> list[str]:
    if isinstance(node, Scalar):
        return [node.value]
    if isinstance(node, Sequence):
        return [i.value for i in node.items if isinstance(i, Scalar)]
    return []


def _covers_workloads(webhook: Mapping) -> bool:
    """A rule of the webhook covers pods or their controllers (or every resource) on
    CREATE."""
    rules = webhook.get_seq("rules")
    for rule in rules.items if rules is not None else []:
        if not isinstance(rule, Mapping):
            continue
        groups = set(_texts(rule.get("apiGroups")))
        resources = set(_texts(rule.get("resources")))
        operations = set(_texts(rule.get("operations")))
        if groups & _WORKLOAD_GROUPS and resources & _WORKLOADS and operations & {"CREATE", "*"}:
            return True
    return False


def _engine(webhook: Mapping) -> bool:
    """The webhook's service or name shows a policy engine or a signature check."""
    names = [webhook.get_str("name") or ""]
    client = webhook.get_map("clientConfig")
    service = client.get_map("service") if client is not None else None
    if service is not None:
        names += [service.get_str("name") or "", service.get_str("namespace") or ""]
    if client is not None:
        names.append(client.get_str("url") or "")
    return any(_POLICY_ENGINE.search(n) for n in names)


def _objects(doc: Node) -> Iterator[Mapping]:
    for node, _ in walk(doc):
        if isinstance(node, Mapping) and node.get_str("kind") in KINDS:
            yield node


def detect_kubernetes(ctx: FileContext) -> Iterator[Hit]:
    for doc in ctx.documents():
        for obj in _objects(doc):
            yield from _check(obj)


def _check(obj: Mapping) -> Iterator[Hit]:
    kind = obj.get_str("kind") or ""
    v1beta1 = (obj.get_str("apiVersion") or "").endswith("/v1beta1")
    meta = obj.get_map("metadata")
    config = (meta.get_str("name") if meta is not None else None) or kind
    webhooks = obj.get_seq("webhooks")
    for webhook in webhooks.items if webhooks is not None else []:
        if not isinstance(webhook, Mapping):
            continue
        entry = webhook.entry("failurePolicy")
        name = webhook.get_str("name") or "?"
        if entry is not None:
            policy = entry[1]
            if not isinstance(policy, Scalar) or policy.value.strip() != "Ignore":
                continue
            where: Node = policy
            how = "failurePolicy: Ignore"
        elif v1beta1:
            key = webhook.key_node("name")
            if key is None:
                continue
            where = key
            how = "no failurePolicy (v1beta1 defaults to Ignore)"
        else:
            continue
        workloads = _covers_workloads(webhook)
        security = workloads and (kind.startswith("Validating") or _engine(webhook))
        if not security and _engine(webhook) and _every_resource(webhook):
            security = True
        if security:
            yield Hit(
                span=where.span,
                message=f"{kind} '{config}' webhook '{name}' has {how}: workloads are "
                "admitted unchecked whenever the policy webhook cannot be reached",
                entity=config,
            )
        else:
            yield Hit(
                span=where.span,
                message=f"{kind} '{config}' webhook '{name}' has {how}: requests are "
                "admitted unchanged whenever the webhook cannot be reached",
                entity=config,
                severity=Severity.LOW,
                confidence=Confidence.LOW,
            )


def _every_resource(webhook: Mapping) -> bool:
    rules = webhook.get_seq("rules")
    return any(
        isinstance(rule, Mapping) and {"*", "*/*"} & set(_texts(rule.get("resources")))
        for rule in (rules.items if rules is not None else [])
    )
