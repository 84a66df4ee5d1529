"""Reading the listener settings of servers (Vault, Consul) that ZT101 and ZT102 both
look at: HCL attribute spans and true-ish values."""

from __future__ import annotations

from ztlint.model import Span
from ztlint.parsers import hcl
from ztlint.parsers.data import Node, Scalar

_TRUE = frozenset({"1", "true"})


def _span(attr: hcl.Attribute) -> Span:
    return Span(attr.line, attr.col, attr.line, attr.end_col)


def _truthy(node: Node | None) -> bool:
    return isinstance(node, Scalar) and node.value.strip().lower() in ("1", "true")
