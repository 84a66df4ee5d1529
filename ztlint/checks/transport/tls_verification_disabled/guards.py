"""ZT101's query guards that every language's queries use (`go.scm`, `javascript.scm`,
`python.scm`, `rust.scm`): a literal insecure setting inside a branch on a setting, and
verification taken from a setting, are gated modes (medium) that name it. Whether a
branch is on a setting is `ztlint.checks.transport._common.gating`'s to say."""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.checks import codeutil
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
    if ctx.parser in _NODE and _pinned_on_connect(ctx, captures["finding"][0]):
        return False  # the chain check is replaced by a fingerprint check of the peer
    renamed = _setting_rewritten(ctx, captures["finding"][0])
    if renamed is not None:
        return (*GATED, gating.GATED_MESSAGE.format(renamed))
    condition = gating.any_branch(ctx, captures["finding"][0], tls_on_skipped=True)
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


_ASSIGNMENT_NODES = frozenset(
    {"assignment", "assignment_statement", "assignment_expression", "expression_statement"}
)


def _setting_rewritten(ctx: FileContext, finding: Node) -> str | None:
    """`if conf.ssl_verify == "no" then conf.ssl_verify = false`: the setting the branch
    tests is rewritten to its canonical form (a legacy spelling of the user's own
    choice): gated by that setting. The setting, else None."""
    if finding.type not in _ASSIGNMENT_NODES or not finding.named_children:
        return None
    target = gating.text(ctx, finding.named_children[0]).strip()
    if not target or "." not in target or "=" in target:
        return None
    node = finding.parent
    while node is not None and node.type not in ("if_statement", "if_expression"):
        if node.type in gating.ANY_FUNCTIONS:
            return None
        node = node.parent
    condition = node.child_by_field_name("condition") if node is not None else None
    if condition is None:
        return None
    return target if target in gating.text(ctx, condition) else None


_NODE = ("javascript", "typescript", "tsx")
# What identifies a peer's certificate in Node's `getPeerCertificate()` result.
_CERT_IDENTITY = re.compile(r"\.(?:fingerprint(?:256|512)?|pubkey|raw)\b")
# A handler that refuses the connection: destroys it, fails it, or throws.
_REFUSES = re.compile(r"\.destroy\s*\(|\bemit\s*\(\s*['\"]error|\bthrow\b|\breject\s*\(")
_EQUALITY = frozenset({"===", "!==", "==", "!="})


def _pinned_on_connect(ctx: FileContext, finding: Node) -> bool:
    """Node certificate pinning: the function that sets `rejectUnauthorized: false` also
    listens for `secureConnect` (or passes `tls.connect` its callback), reads
    `getPeerCertificate()` and, when its fingerprint, public key or DER differs from the
    expected one, refuses the connection (`destroy`, an `error` event, a throw). Node
    documents no other hook that can refuse a certificate the chain check let through
    with `rejectUnauthorized: false` (a `checkServerIdentity` error is then ignored)."""
    function = codeutil.enclosing_function(finding)
    if function is None:
        return False
    whole = gating.text(ctx, function)
    if "getPeerCertificate" not in whole or not _CERT_IDENTITY.search(whole):
        return False
    if "secureConnect" not in whole and "connect(" not in whole:
        return False
    for node in codeutil.walk(function):
        if node.type != "if_statement":
            continue
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        if condition is None or consequence is None:
            continue
        compares = any(
            c.type == "binary_expression"
            and (op := c.child_by_field_name("operator")) is not None
            and gating.text(ctx, op) in _EQUALITY
            for c in codeutil.walk(condition)
        )
        if compares and _REFUSES.search(gating.text(ctx, consequence)):
            return True
    return False


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
