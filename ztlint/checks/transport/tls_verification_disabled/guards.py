"""ZT101's query guards that every language's queries use (`go.scm`, `javascript.scm`,
`python.scm`, `rust.scm`): a literal insecure setting inside a branch on a setting, and
verification taken from a setting, are gated modes (medium) that name it. Whether a
branch is on a setting is `ztlint.checks.transport._common.gating`'s to say."""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.checks.transport._common import gating
from ztlint.model import Confidence, Severity
from ztlint.rule import FileContext

Verdict = bool | tuple[Confidence, Severity, str]

GATED = (Confidence.MEDIUM, Severity.MEDIUM)


def gated_branch(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    """Guard: a literal insecure setting inside a branch on a setting is a gated mode
    (medium), named by the branch's condition; anything else is kept as it is."""
    if ctx.parser == "rust" and _unix_socket_client(ctx, captures["finding"][0]):
        return False  # no TLS over a Unix socket: the setting has nothing to turn off
    condition = gating.any_branch(ctx, captures["finding"][0])
    if condition is None:
        restored = gating.restored_later(ctx, captures["finding"][0])
        if restored is not None:
            return (*GATED, gating.RESTORED_MESSAGE.format(restored))
        return True
    return (*GATED, gating.GATED_MESSAGE.format(condition))


def setting_value(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    """Guard: verification taken from a setting (`rejectUnauthorized: !opts.insecure`,
    `danger_accept_invalid_certs(cfg.insecure)`) is a gated mode naming it."""
    return (*GATED, gating.GATED_MESSAGE.format(gating.text(ctx, captures["value"][0])))


def _unix_socket_client(ctx: FileContext, call: Node) -> bool:
    """reqwest's `danger_accept_invalid_certs(true)` on a builder that the same block
    points at a Unix socket (`builder = builder.unix_socket(path)`, or the same chain):
    the client speaks HTTP over the socket, with no TLS session to verify."""
    function = call.child_by_field_name("function")
    receiver = function.child_by_field_name("value") if function is not None else None
    if receiver is None:
        return False
    if ".unix_socket(" in gating.text(ctx, receiver):
        return True  # `Client::builder().unix_socket(path).danger_accept_invalid_certs(true)`
    block = call.parent
    while block is not None and block.type != "block":
        block = block.parent
    if block is None or receiver.type != "identifier":
        return False
    name = re.escape(gating.text(ctx, receiver))
    return bool(re.search(rf"\b{name}\s*(=\s*{name}\s*)?\.unix_socket\(", gating.text(ctx, block)))
