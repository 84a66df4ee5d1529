"""Hardcoded public IP addresses.

An infrastructure address written into code or config (the seed's AWS address
`3.128.36.92` in Swift defaults and config files) pins clients to one machine, bypasses
name-based identity and certificate checks, breaks when the address moves, and tells
every reader where the infrastructure is. Only global unicast addresses are reported:
private, loopback, link-local, CGNAT, documentation, benchmark, multicast, unspecified and
broadcast addresses are not; nor are version strings, OIDs, netmasks, and addresses in
allow-lists. Well-known public resolvers are low severity.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from ztlint.checks import codeutil
from ztlint.model import Severity, Span
from ztlint.parsers import code
from ztlint.parsers.data import Mapping, Scalar, Sequence
from ztlint.rule import FileContext, Hit

_IPV4 = re.compile(r"(?<![\w.<>=~^!@])((?:\d{1,3}\.){3}\d{1,3})(?![\w.]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])\[?([0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7})\]?(?![\w:])")
RESOLVERS = frozenset(
    {
        "8.8.8.8",
        "8.8.4.4",
        "1.1.1.1",
        "1.0.0.1",
        "9.9.9.9",
        "149.112.112.112",
        "208.67.222.222",
        "208.67.220.220",
        "2001:4860:4860::8888",
        "2001:4860:4860::8844",
        "2606:4700:4700::1111",
        "2606:4700:4700::1001",
    }
)
# Names under which addresses are policy, not endpoints, or are not addresses at all.
_SKIP_NAMES = re.compile(
    r"(?i)(allow|whitelist|white_list|trusted|cidr|ranges?$|ignore|exclude|deny|block|bypass|no_?proxy|"
    r"version|oid|netmask|mask|subnet|depend|requires|constraint)"
)


def public_addresses(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, address) of every global unicast address in `text`."""
    for m in _IPV4.finditer(text):
        value = m.group(1)
        if _global(value) and not _small_dotted(value):
            yield m.start(1), m.end(1), value
    if text.count(":") >= 2:
        for m in _IPV6.finditer(text):
            value = m.group(1)
            if value.count(":") >= 2 and _global(value):
                yield m.start(1), m.end(1), value


# The dots of a dotted quad: a search led by a literal is fast, one led by digits is not.
_DOTS = re.compile(r"\.\d{1,3}\.\d{1,3}\.\d")
_V6_HINT = re.compile(r":[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:")
_V6_FULL = re.compile(r"[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}")


def may_hold_public_address(ctx: FileContext) -> bool:
    """Gate: whether `public_addresses` can find anything in any part of the text. Any
    text that may hold an IPv6 address (`::` or eight groups) passes. IPv4 candidates
    are found from their dots (fast) and judged with every character the full search
    looks at: up to 3 digits and one character before the first dot, the last group and
    two characters after."""
    text = ctx.text
    if "::" in text or (_V6_HINT.search(text) and _V6_FULL.search(text)):
        return True
    for m in _DOTS.finditer(text):
        if next(public_addresses(text[max(0, m.start() - 4) : m.end() + 5]), None):
            return True
    return False


def _global(value: str) -> bool:
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast


def _small_dotted(value: str) -> bool:
    """`1.2.3.4`, `2.5.4.3`: placeholders, OIDs and versions rather than addresses."""
    parts = [int(p) for p in value.split(".")]
    return value not in RESOLVERS and parts[0] <= 2 and all(p < 32 for p in parts[1:])


def _hit(address: str, span: Span, where: str) -> Hit:
    resolver = address in RESOLVERS
    return Hit(
        span=span,
        message=f"{'public resolver' if resolver else 'hardcoded public IP address'} {address} in {where}",
        severity=Severity.LOW if resolver else None,
        value=address,
    )


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    for node, value in codeutil.strings(ctx):
        if not any(ch.isdigit() for ch in value) or len(value) > 200:
            continue
        use = codeutil.use_of(ctx, node)
        if use is not None and use.kind == "binding" and _SKIP_NAMES.search(use.name):
            continue
        outer = code.node_span(ctx.source, node)
        text = code.node_text(ctx.source, node)
        for _, _, address in public_addresses(value):
            col = text.find(address)
            span = (
                Span(
                    outer.start_line,
                    outer.start_col + col,
                    outer.start_line,
                    outer.start_col + col + len(address),
                )
                if col >= 0 and outer.start_line == outer.end_line
                else outer
            )
            yield _hit(address, span, "code")


def detect_config(ctx: FileContext) -> Iterator[Hit]:
    for doc in ctx.documents():
        seen: set[int] = set()
        stack: list[tuple[object, str]] = [(doc, "")]
        while stack:
            node, key = stack.pop()
            if id(node) in seen or _SKIP_NAMES.search(key):
                continue
            seen.add(id(node))
            if isinstance(node, Mapping):
                stack.extend((v, k.value) for k, v in reversed(list(node.items())))
            elif isinstance(node, Sequence):
                stack.extend((item, key) for item in reversed(node.items))
            elif (
                isinstance(node, Scalar)
                and node.kind in ("str", "other")
                and len(node.value) <= 200
            ):
                for _, _, address in public_addresses(node.value):
                    yield _hit(address, _value_span(ctx, node, address), "configuration")


def _value_span(ctx: FileContext, node: Scalar, address: str) -> Span:
    line = ctx.source.line(node.span.start_line)
    col = line.find(address, node.span.start_col - 1)
    if col < 0 or node.span.start_line != node.span.end_line:
        return node.span
    return Span(node.span.start_line, col + 1, node.span.start_line, col + 1 + len(address))


def detect_dotenv(ctx: FileContext) -> Iterator[Hit]:
    for number, text in enumerate(ctx.source.lines, 1):
        m = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$", text)
        if not m or _SKIP_NAMES.search(m.group(1)):
            continue
        for start, end, address in public_addresses(m.group(2)):
            offset = m.start(2)
            yield _hit(
                address, Span(number, offset + start + 1, number, offset + end + 1), "configuration"
            )
