"""Compose services that join networks meant to be apart.

A network is a zone when it is declared `internal: true`, when it has a static subnet
(`ipam.config[].subnet`), or when the rule's `zones` option names it. The implicit
`default` network is not a zone. A service attached to two zones routes between them:
compromise it and the isolation boundary is gone (the seed's tunnel client on agent-net
and infra-net). A designated proxy is allowed by a config exception with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.checks.compose import services
from ztlint.model import Related
from ztlint.parsers.data import Mapping, Scalar, Sequence
from ztlint.rule import FileContext, Hit


def _zones(doc: Mapping, named: tuple[str, ...]) -> dict[str, tuple[Scalar, str]]:
    """Zone networks: name -> (definition key, why it is a zone)."""
    out: dict[str, tuple[Scalar, str]] = {}
    networks = doc.get_map("networks")
    for key, definition in networks.items() if networks is not None else []:
        why = None
        if key.value in named:
            why = "named as a zone"
        elif isinstance(definition, Mapping):
            internal = definition.get("internal")
            if isinstance(internal, Scalar) and internal.truthy() is True:
                why = "internal"
            ipam = definition.get_map("ipam")
            configs = ipam.get_seq("config") if ipam is not None else None
            items = configs.items if configs is not None else []
            subnets = [
                sub for c in items if isinstance(c, Mapping) and (sub := c.get_str("subnet"))
            ]
            if subnets and why is None:
                why = f"subnet {', '.join(subnets)}"
        if why is not None and key.value != "default":
            out[key.value] = (key, why)
    return out


def _attached(service: Mapping) -> list[str]:
    networks = service.get("networks")
    if isinstance(networks, Sequence):
        return [n.value for n in networks.items if isinstance(n, Scalar)]
    if isinstance(networks, Mapping):
        return [k.value for k, _ in networks.items()]
    return []


def detect_compose(ctx: FileContext) -> Iterator[Hit]:
    option = ctx.options.get("zones", ())
    named = tuple(str(z) for z in option) if isinstance(option, list | tuple) else ()
    for doc in ctx.documents():
        if not isinstance(doc, Mapping):
            continue
        zones = _zones(doc, named)
        if len(zones) < 2:
            continue
        for name, service in services(doc):
            joined = [n for n in _attached(service) if n in zones]
            if len(joined) < 2:
                continue
            entry = service.entry("networks")
            where = entry[0] if entry is not None else None
            yield Hit(
                span=where.span if where is not None else service.span,
                message=f"service '{name}' bridges isolated networks {', '.join(joined)}",
                entity=name,
                value=",".join(joined),
                related=tuple(
                    Related(ctx.path, zones[n][0].span, f"{n}: {zones[n][1]}") for n in joined
                ),
            )
