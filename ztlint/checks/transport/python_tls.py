"""Python TLS semantics a query cannot express: which library a keyword belongs to.

`ssl=False` means "do not verify" to aiohttp but "no TLS at all" to redis or
psycopg; `obj.verify = False` is a requests session setting only where an HTTP client
is in use. These guards look at the file's imports.

A context that verifies nothing is fine when its only use is to read the peer's
certificate: the function wraps a socket with it and calls nothing on that socket but
`getpeercert()` (and timeouts, handshake, close), so nothing is sent or trusted.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.checks.transport import gating
from ztlint.model import Confidence, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext

_AIOHTTP = re.compile(r"^\s*(?:import|from)\s+aiohttp\b", re.M)
_HTTP_CLIENT = re.compile(
    r"^\s*(?:import|from)\s+(?:requests|httpx|urllib3|aiohttp|hvac|zeep)\b", re.M
)


Verdict = bool | tuple[Confidence, Severity, str]
GATED = (Confidence.MEDIUM, Severity.MEDIUM)


def gated_branch(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    """Guard: a literal insecure setting inside a branch on a setting is a gated mode
    (medium), named by the branch's condition; anything else is kept as it is."""
    condition = gating.any_branch(ctx, captures["finding"][0])
    if condition is None:
        return True
    return (*GATED, gating.GATED_MESSAGE.format(condition))


def setting_value(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    """Guard: verification taken from a setting (`rejectUnauthorized: !opts.insecure`,
    `danger_accept_invalid_certs(cfg.insecure)`) is a gated mode naming it."""
    return (*GATED, gating.GATED_MESSAGE.format(gating.text(ctx, captures["value"][0])))


def imports_aiohttp(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    return bool(_AIOHTTP.search(ctx.text)) and gated_branch(ctx, captures)


def imports_http_client(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    return bool(_HTTP_CLIENT.search(ctx.text)) and gated_branch(ctx, captures)


_READ_ONLY = "getpeercert|settimeout|close|cipher|version|do_handshake|selected_alpn_protocol|shared_ciphers|unwrap"


def inspection_only(ctx: FileContext, captures: dict[str, list[Node]]) -> Verdict:
    """Guard: False (drop) when the unverified context only serves a socket whose peer
    certificate is read and nothing else is done with it."""
    finding = captures["finding"][0]
    left = finding.child_by_field_name("left")
    holder = left.child_by_field_name("object") if left is not None else None
    function = finding.parent
    while function is not None and function.type != "function_definition":
        function = function.parent
    if holder is None or function is None:
        return gated_branch(ctx, captures)
    body = code.node_text(ctx.source, function)
    context = re.escape(code.node_text(ctx.source, holder))
    bound = re.search(
        rf"\b(\w+)\s*=\s*{context}\.wrap_socket\(|{context}\.wrap_socket\([^\n]*\)\s+as\s+(\w+)",
        body,
    )
    if bound is None or "getpeercert(" not in body:
        return gated_branch(ctx, captures)
    sock = re.escape(bound.group(1) or bound.group(2))
    uses = re.findall(rf"\b{sock}\b(\.\w+\()?", body)
    # The binding itself is the one use without a method call.
    calls = [u for u in uses if u]
    if len(uses) - len(calls) <= 1 and all(
        re.fullmatch(rf"\.(?:{_READ_ONLY})\(", c) for c in calls
    ):
        return False
    return gated_branch(ctx, captures)
