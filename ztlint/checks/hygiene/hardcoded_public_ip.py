"""Hardcoded public IP addresses.

An infrastructure address written into code or config (the seed's AWS address
`3.128.36.92` in Swift defaults and config files) pins clients to one machine, bypasses
name-based identity and certificate checks, breaks when the address moves, and tells
every reader where the infrastructure is.

A token is reported only when the evidence says it is the address of one host that
somebody runs:
- the address itself: global unicast only (IPv6 inside 2000::/3); not private,
  loopback, link-local, CGNAT, documentation, benchmark, multicast, unspecified or
  broadcast; not a netmask (`128.0.0.0`), a network (`17.0.0.0/8`, `52.14.0.0`,
  `2000::`, `8000::`: routes and classification prefixes), a placeholder shape
  (`5.6.7.8`, `12.34.56.78`), or a well-known public resolver (resolvers are public
  by design: an address everyone may hardcode is nobody's infrastructure);
- where it is written: not a version, section or OID number (`RFC 5280 §4.1.2.4`,
  a four-arc OID such as `2.5.29.35` in a file that also writes longer OIDs,
  `version 1.2.3.4`), not the path of a URL, not prose (help and usage text, a
  description), not under an example or description key, not an allow-list, not a
  compose container's address on a compose network, and not one of dozens of
  addresses in one file (a resolver or bootstrap table is data).

Over 400 lines: the code, config and dotenv detectors share one judgement of an
address and of its context, which is most of the module.
"""

from __future__ import annotations

import bisect
import ipaddress
import itertools
import re
from collections.abc import Iterable, Iterator

from tree_sitter import Node

from ztlint import classify
from ztlint.checks import codeutil, workflowtests
from ztlint.model import Confidence, Span
from ztlint.parsers import code
from ztlint.parsers.data import Mapping, Scalar, Sequence
from ztlint.rule import FileContext, Hit
from ztlint.semantics import runtime, uses
from ztlint.semantics.addresses import globally_reachable
from ztlint.semantics.nodes import BINDINGS
from ztlint.semantics.vocabulary import words

_IPV4 = re.compile(r"(?<![\w.<>=~^!@§])((?:\d{1,3}\.){3}\d{1,3})(?![\w.]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.§])\[?([0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7})\]?(?![\w:])")
_PREFIX = re.compile(r"\]?/(\d{1,3})(?!\d)")

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _networks(*cidrs: str) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(c) for c in cidrs)


_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
# Documentation prefixes ipaddress does not know yet (RFC 9637).
_DOCUMENTATION = _networks("3fff::/20")
# Published public recursive resolvers: the operators' own anycast addresses and the
# documented resolvers of cloud platforms; and the DNS root servers. Whole blocks where
# the operator publishes its resolvers as a block (its variants: filtering, family,
# per-customer addresses).
WELL_KNOWN_RESOLVERS = _networks(
    # Google Public DNS
    "8.8.8.8/32",
    "8.8.4.4/32",
    "2001:4860:4860::/48",
    # Cloudflare 1.1.1.1 and its filtering variants
    "1.1.1.0/30",
    "1.0.0.0/30",
    "2606:4700:4700::/48",
    # Quad9
    "9.9.9.0/24",
    "149.112.112.0/24",
    "2620:fe::/48",
    # OpenDNS / Cisco Umbrella
    "208.67.222.0/24",
    "208.67.220.0/24",
    "2620:119:35::/48",
    "2620:119:53::/48",
    "2620:0:ccc::/48",
    "2620:0:ccd::/48",
    # AdGuard DNS
    "94.140.14.0/24",
    "94.140.15.0/24",
    "2a10:50c0::/32",
    # Mullvad DNS
    "194.242.2.0/24",
    "2a07:e340::/32",
    # Control D
    "76.76.2.0/24",
    "76.76.10.0/24",
    "2606:1a40::/32",
    # NextDNS
    "45.90.28.0/24",
    "45.90.30.0/24",
    "2a07:a8c0::/29",
    # CleanBrowsing
    "185.228.168.0/24",
    "185.228.169.0/24",
    "2a0d:2a00:1::/48",
    "2a0d:2a00:2::/48",
    # CIRA Canadian Shield
    "149.112.121.0/24",
    "149.112.122.0/24",
    "2620:10a:80bb::/48",
    "2620:10a:80bc::/48",
    # Wikimedia DNS
    "185.71.138.138/32",
    "2001:67c:930::1/128",
    # Level 3, Verisign, Comodo, Hurricane Electric, DNS.WATCH, Yandex
    "4.2.2.0/29",
    "64.6.64.6/32",
    "64.6.65.6/32",
    "8.26.56.26/32",
    "8.20.247.20/32",
    "74.82.42.42/32",
    "2001:470:20::2/128",
    "84.200.69.80/32",
    "84.200.70.40/32",
    "77.88.8.0/24",
    "2a02:6b8::feed:0ff/128",
    "2a02:6b8:0:1::feed:0ff/128",
    # AliDNS, DNSPod, 114DNS, Baidu, Volcengine (ByteDance) public DNS
    "223.5.5.5/32",
    "223.6.6.6/32",
    "119.29.29.29/32",
    "114.114.114.114/32",
    "114.114.115.115/32",
    "180.76.76.76/32",
    "180.184.1.1/32",
    "180.184.2.2/32",
    # Cloud platforms' documented resolvers: Azure's virtual public IP (wireserver and
    # DNS), DigitalOcean droplets, Hetzner.
    "168.63.129.16/32",
    "67.207.67.2/31",
    "185.12.64.1/32",
    "185.12.64.2/32",
    "2a01:4ff:ff00::add:1/128",
    "2a01:4ff:ff00::add:2/128",
    # The DNS root servers a to m (IANA's root hints), with b's earlier addresses: public
    # by design, and a program probes routes or bootstraps resolution with them.
    "198.41.0.4/32",
    "2001:503:ba3e::2:30/128",
    "170.247.170.2/32",
    "2801:1b8:10::b/128",
    "199.9.14.201/32",
    "2001:500:200::b/128",
    "192.228.79.201/32",
    "2001:500:84::b/128",
    "192.33.4.12/32",
    "2001:500:2::c/128",
    "199.7.91.13/32",
    "2001:500:2d::d/128",
    "192.203.230.10/32",
    "2001:500:a8::e/128",
    "192.5.5.241/32",
    "2001:500:2f::f/128",
    "192.112.36.4/32",
    "2001:500:12::d0d/128",
    "198.97.190.53/32",
    "2001:500:1::53/128",
    "192.36.148.17/32",
    "2001:7fe::53/128",
    "192.58.128.30/32",
    "2001:503:c27::2:30/128",
    "193.0.14.129/32",
    "2001:7fd::1/128",
    "199.7.83.42/32",
    "2001:500:9f::42/128",
    "202.12.27.33/32",
    "2001:dc3::35/128",
)
# A file holding this many distinct addresses is a table (resolvers, a bootstrap map,
# published ranges): data about the world, not one dependency on one's own machine.
TABLE_SIZE = 24

# Names under which addresses are policy, not endpoints, or are not addresses at all.
_SKIP_NAMES = re.compile(
    r"(?i)(allow|whitelist|white_list|trusted|cidr|ranges?$|ignore|exclude|deny|block|bypass|no_?proxy|"
    r"version|oid|netmask|mask|subnet|depend|requires|constraint|example|placeholder|"
    r"usage|help(?!er)|description)"
)
# Keys whose value is documentation (OpenAPI and JSON-schema `example`, `description`).
_DOC_KEYS = re.compile(
    r"(?i)(x-)?examples?|\$?comment|description|summary|title|help|usage|docs?|notes?"
)
# Compose keys whose addresses belong to a network compose creates on the host.
_COMPOSE_NETWORK_KEYS = frozenset({"ipv4_address", "ipv6_address", "link_local_ips", "ipam"})
# What a number is when it follows these words: a version, a section, an OID.
_NUMBER_CONTEXT = re.compile(
    r"(?i)(?:\bv|\bver\.?|\bversion|\brelease|\bbuild|\brfc\s*\d+|\bsection|\bsec\.|§|\boid)"
    r"[\s:=#(]{0,3}$"
)
# URLs are found from their `://` (a search led by a scheme's letters is quadratic on
# long words); the scheme is read back from there.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,31}\Z")
_URL_REST = re.compile(r"[^\s\"'<>`]*")
_USERINFO = re.compile(r"[^/?#@\s]*@")
_WORD = re.compile(r"(?<![\w./:@-])[A-Za-z][a-z]+(?![\w/:@-])")
_FUNCTION_WORDS = frozenset(
    {
        "the", "a", "an", "of", "for", "to", "is", "are", "and", "or", "in", "with",
        "this", "that", "be", "by", "as", "on", "from", "if", "should", "can", "will",
        "example", "such", "when", "which", "must", "list", "used",
    }
)  # fmt: skip
_CONCATENATIONS = frozenset(
    {"binary_expression", "binary_operator", "concatenated_string", "additive_expression"}
)


def public_addresses(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, address) of every token in `text` that can be one public host:
    judged by the token alone and the prefix length after it."""
    for m in _IPV4.finditer(text):
        value = m.group(1)
        if _host_address(value, text, m.end()):
            yield m.start(1), m.end(1), value
    if text.count(":") >= 2:
        for m in _IPV6.finditer(text):
            value = m.group(1)
            if value.count(":") >= 2 and _host_address(value, text, m.end(1)):
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
    a prefix length after it (`/NN`)."""
    text = ctx.text
    if "::" in text or (_V6_HINT.search(text) and _V6_FULL.search(text)):
        return True
    for m in _DOTS.finditer(text):
        if next(public_addresses(text[max(0, m.start() - 4) : m.end() + 5]), None):
            return True
    return False


def is_well_known_resolver(address: str) -> bool:
    """Whether `address` is a published public recursive resolver."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return _resolver(ip)


def _resolver(ip: _Address) -> bool:
    starts, ends = _RESOLVER_RANGES[ip.version]
    i = bisect.bisect_right(starts, int(ip)) - 1
    return i >= 0 and int(ip) <= ends[i]


def _ranges(version: int) -> tuple[list[int], list[int]]:
    """The resolver blocks of one IP version as sorted first and last addresses."""
    blocks = sorted(
        (int(n.network_address), int(n.broadcast_address))
        for n in WELL_KNOWN_RESOLVERS
        if n.version == version
    )
    return [b[0] for b in blocks], [b[1] for b in blocks]


_RESOLVER_RANGES = {4: _ranges(4), 6: _ranges(6)}


def _host_address(value: str, text: str, end: int) -> bool:
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return False
    if not globally_reachable(ip) or ip.is_multicast or _resolver(ip):
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip not in _GLOBAL_UNICAST_V6 or any(ip in n for n in _DOCUMENTATION):
            return False
        if int(ip) & ((1 << 64) - 1) == 0:  # no interface identifier: a prefix
            return False
    elif _netmask(ip) or int(ip) & 0xFF in (0, 255) or _placeholder(value):
        # Ending in 0 or 255 without a prefix: a network's own address or its broadcast
        # (no host answers there), or a four-part version (`3.2.2.0`).
        return False
    prefix = _PREFIX.match(text, end)
    return prefix is None or not _range(ip, int(prefix.group(1)))


def _netmask(ip: ipaddress.IPv4Address) -> bool:
    inverted = ~int(ip) & 0xFFFFFFFF
    return inverted & (inverted + 1) == 0


def _range(ip: _Address, length: int) -> bool:
    """Whether `ip/length` names a range (host bits zero) rather than one host."""
    if length >= ip.max_prefixlen:
        return False
    host_bits = ip.max_prefixlen - length
    return int(ip) & ((1 << host_bits) - 1) == 0


def _placeholder(value: str) -> bool:
    """`1.2.3.4`, `5.6.7.8`, `12.34.56.78`, `11.22.33.44`, `4.4.4.4`: shapes people type
    for "some address", and OIDs and versions such as `2.5.4.3`."""
    parts = [int(p) for p in value.split(".")]
    if parts[0] <= 2 and all(p < 32 for p in parts[1:]):
        return True
    digits = [int(d) for d in value.replace(".", "")]
    steps = {b - a for a, b in itertools.pairwise(digits)}
    if steps in ({1}, {-1}):
        return True
    if len(set(parts)) == 1:
        return True
    tens = [p // 11 for p in parts]
    return all(p % 11 == 0 and 0 < p < 100 for p in parts) and tens == list(
        range(tens[0], tens[0] + 4)
    )


def _url_hosts(text: str) -> list[tuple[int, int, int]]:
    """(start, host start, end) of every URL in text, in order."""
    out = []
    pos = 0
    while (i := text.find("://", pos)) >= 0:
        end = _URL_REST.match(text, i + 3)
        stop = end.end() if end else i + 3
        scheme = _SCHEME.search(text, max(0, i - 32), i)
        if scheme is not None:
            user = _USERINFO.match(text, i + 3, stop)
            host = user.end() if user else i + 3
            out.append((scheme.start(), host + text.startswith("[", host), stop))
        pos = max(stop, i + 3)
    return out


def _written_as_value(text: str, start: int, urls: list[tuple[int, int, int]]) -> bool:
    """Whether the address at text[start:] is written where a value would be: not
    after a version or section word, not in the path of a URL."""
    if _NUMBER_CONTEXT.search(text, max(0, start - 24), start):
        return False
    i = bisect.bisect_right(urls, (start, start, start)) - 1
    if i >= 0 and urls[i][0] < start < urls[i][2]:
        return urls[i][1] == start
    return True


def _prose(text: str) -> bool:
    """Whether text reads as a sentence (help, usage or a description), not a value or
    a command line."""
    words = [w.lower() for w in _WORD.findall(text)]
    return len(words) >= 5 and len(_FUNCTION_WORDS.intersection(words)) >= 2


# A DNS resource record in zone-file (presentation) form: owner, optional TTL, class,
# type, data (`a.example. 300 IN AAAA 2001:db8::53`). Its address is the answer a DNS
# server gives out, not a host the code connects to.
_ZONE_RECORD = re.compile(r"(?<![\w.-])(?:IN|CH|HS)[ \t]+(?:\d+[ \t]+)?(?:A|AAAA)[ \t]+[\d:]")


def _values(text: str) -> Iterator[tuple[int, int, str]]:
    if _prose(text) or _ZONE_RECORD.search(text):
        return
    urls: list[tuple[int, int, int]] | None = None
    for start, end, address in public_addresses(text):
        if urls is None:
            urls = _url_hosts(text)
        if _written_as_value(text, start, urls) and not _section_number(text, address):
            yield start, end, address


_SINGLE_DIGITS = re.compile(r"\d\.\d\.\d\.\d")


def _section_number(text: str, address: str) -> bool:
    """Four single digits in a text that says more than the address (`BRs: 7.2.2.1`,
    `RFC 5280: 5.1.2.4, 5.1.2.5, and 5.1.2.6`): a section's or a version's number. (Alone,
    `8.8.8.9` stays an address.)"""
    if not _SINGLE_DIGITS.fullmatch(address):
        return False
    rest = text.replace(address, " ")
    return any(c.isalpha() for c in rest)


def _unless_table(hits: Iterable[Hit]) -> Iterator[Hit]:
    found = list(hits)
    if len({h.value for h in found}) < TABLE_SIZE:
        yield from found


def _hit(address: str, span: Span, where: str, test: bool = False) -> Hit:
    return Hit(
        span=span,
        message=f"hardcoded public IP address {address} in {where}",
        value=address,
        confidence=Confidence.MEDIUM if test else None,
    )


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    return _unless_table(_code_hits(ctx))


# An object identifier of five arcs or more (`1.3.6.1.5.5.7.1.1`, `1.2.840.10045.4.3.2`):
# never an address. The first arc of an OID is 0, 1 or 2.
_LONG_OID = re.compile(r"(?<![\d.])[012]\.\d{1,9}(?:\.\d{1,9}){3,}(?![\d.])")


def _oid_arcs(ctx: FileContext) -> bool:
    """Whether the file writes object identifiers: then a four-arc one in it
    (`2.5.29.35`, authorityKeyIdentifier) is one too, not an address."""
    return ctx.cached(_writes_long_oids)


def _writes_long_oids(ctx: FileContext) -> bool:
    return _LONG_OID.search(ctx.text) is not None


# The APIs that take an object identifier in dotted form (OpenSSL's `Asn1Object`, Go's
# `asn1.ObjectIdentifier` parsers, `ObjectIdentifier`/`Oid` constructors elsewhere).
_OID_API = re.compile(r"Asn1Object|ObjectIdentifier|\bOID\b|\bOid\b|\boid\b|oid::|::Oid|\.Oid\b")


def _oid_like(address: str) -> bool:
    return "." in address and address.split(".", 1)[0] in ("0", "1", "2")


def _unused_statement(node: Node) -> bool:
    """A string that is a statement of its own (a Python docstring, JavaScript's
    `"use strict"`): nothing reads it."""
    parent = node.parent
    while parent is not None and parent.type in ("concatenated_string",):
        parent = parent.parent
    return (
        parent is not None
        and parent.type == "expression_statement"
        and len(parent.named_children) == 1
    )


def _code_hits(ctx: FileContext) -> Iterator[Hit]:
    browser = runtime.browser_code(ctx)
    oids = _oid_arcs(ctx)
    for node, value in codeutil.strings(ctx):
        if not any(ch.isdigit() for ch in value) or len(value) > 200:
            continue
        if _unused_statement(node):
            continue  # a docstring (`"""12.2.3.5 TPMS_RSA_PARMS"""`): text, never a value
        found = [f for f in _values(value) if not (oids and _oid_like(f[2]))]
        if not found:
            continue
        if browser and "://" not in value and "://" not in _concatenation(ctx, node):
            # A browser reaches a host only through a URL: a bare address in a front
            # end's module is data it shows or a form's default, not where it connects.
            continue
        use = uses.use_of(ctx, node)
        if use is not None and use.kind == "binding" and _SKIP_NAMES.search(use.name):
            continue
        if use is not None and use.kind == "binding" and _skipped_outer(ctx, use.node):
            continue  # `versionBands: [{ maxExclusive: "26.5.6.70" }]`: a version's bound
        if use is not None and use.kind == "call" and all(_oid_like(f[2]) for f in found):
            function = use.node.child_by_field_name("function") or use.node
            if _OID_API.search(code.node_text(ctx.source, function)):
                continue  # `Asn1Object::from_str("2.5.29.56")`: an object identifier
        if _in_sample_maker(ctx, node):
            continue
        if _prose(_concatenation(ctx, node)):
            continue
        outer = code.node_span(ctx.source, node)
        text = code.node_text(ctx.source, node)
        for _, _, address in found:
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


# Words of a function that makes sample data: a mock, a stub, a fake, a preview's value.
_SAMPLE_MAKERS = frozenset(
    {"mock", "mocks", "mocked", "fake", "stub", "preview", "previews", "sample", "dummy"}
)


def _in_sample_maker(ctx: FileContext, node: Node) -> bool:
    """The literal is in a function named for making sample data (`static func
    mock(serverIP: String = "188.12.32.12")`, `previewState()`): a value for previews and
    tests, nothing the program connects to."""
    function = codeutil.enclosing_function(node)
    while function is not None:
        name = function.child_by_field_name("name")
        if name is not None and _SAMPLE_MAKERS.intersection(words(codeutil.text(ctx, name))):
            return True
        function = codeutil.enclosing_function(function)
    return False


def _concatenation(ctx: FileContext, node: Node) -> str:
    """The text of the string concatenation the literal is part of (help text is often
    written as `"..." + "..."`), or the literal's own text."""
    top = node
    for _ in range(32):
        parent = top.parent
        if parent is None or parent.type not in _CONCATENATIONS | {"parenthesized_expression"}:
            break
        top = parent
    if top is node or top.end_byte - top.start_byte > 4000:
        return ""
    return code.node_text(ctx.source, top)


def detect_config(ctx: FileContext) -> Iterator[Hit]:
    return _unless_table(_config_hits(ctx))


def _config_hits(ctx: FileContext) -> Iterator[Hit]:
    compose = "compose" in ctx.kinds
    oids = _oid_arcs(ctx)
    workflow = classify.WORKFLOW in ctx.kinds
    for doc in ctx.documents():
        seen: set[int] = set()
        tests = workflowtests.test_settings(doc) if workflow else set()
        own = _compose_networks(doc) if compose else ()
        stack: list[tuple[object, str, bool]] = [(doc, "", False)]
        while stack:
            node, key, in_test = stack.pop()
            if id(node) in seen or _skipped_key(key, compose):
                continue
            seen.add(id(node))
            in_test = in_test or id(node) in tests
            if isinstance(node, Mapping):
                stack.extend((v, k.value, in_test) for k, v in reversed(list(node.items())))
            elif isinstance(node, Sequence):
                stack.extend((item, key, in_test) for item in reversed(node.items))
            elif (
                isinstance(node, Scalar)
                and node.kind in ("str", "other")
                and len(node.value) <= 200
            ):
                if _pinned_version(ctx, node):
                    continue
                for _, _, address in _values(node.value):
                    if (oids and _oid_like(address)) or _on_networks(address, own):
                        continue
                    span = _value_span(ctx, node, address)
                    if in_test:
                        # What a CI step that runs tests is given configures the test.
                        yield _hit(address, span, "the settings of a CI test step", test=True)
                    else:
                        yield _hit(address, span, "configuration")


# Renovate's annotation of the value below it: a dependency's version it keeps current
# (`# renovate: datasource=docker depName=acme/gateway` above `gateway: '3.12.0.9'`).
_RENOVATE = re.compile(r"#\s*renovate:|\bdatasource=")


def _pinned_version(ctx: FileContext, node: Scalar) -> bool:
    line = node.span.start_line
    if line < 2:
        return False
    above = ctx.source.line(line - 1).strip()
    return above.startswith("#") and _RENOVATE.search(above) is not None


def _compose_networks(doc: object) -> tuple[_Network, ...]:
    """The networks a compose file creates (`ipam` subnets) and the addresses it gives
    its containers on them (`ipv4_address`): an address inside one, wherever else the
    file writes it (`extra_hosts`, a service's environment), is a container's on a
    network of the compose project, not a host on the internet."""
    out: list[_Network] = []
    stack: list[tuple[object, str]] = [(doc, "")]
    while stack:
        node, key = stack.pop()
        if isinstance(node, Mapping):
            stack.extend((v, k.value) for k, v in node.items())
        elif isinstance(node, Sequence):
            stack.extend((item, key) for item in node.items)
        elif isinstance(node, Scalar) and key in ("subnet", "ipv4_address", "ipv6_address"):
            try:
                out.append(ipaddress.ip_network(node.value.strip(), strict=False))
            except ValueError:
                continue
    return tuple(out)


def _on_networks(address: str, networks: tuple[_Network, ...]) -> bool:
    if not networks:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip.version == n.version and ip in n for n in networks)


# Literal collections a value can sit in below the name that says what they hold.
_COLLECTIONS = frozenset(
    {"object", "array", "dictionary", "list", "tuple", "set", "literal_value",
     "composite_literal", "array_expression", "struct_expression", "field_initializer_list"}
)  # fmt: skip


def _skipped_outer(ctx: FileContext, binding: Node) -> bool:
    """Whether a binding sits in a collection literal bound, two levels up at most, to a
    name under which addresses are not endpoints (`versionBands`, `allowedNetworks`)."""
    node, levels = binding.parent, 0
    while node is not None and levels < 2:
        while node is not None and node.type in _COLLECTIONS:
            node = node.parent
        if node is None or node.type not in BINDINGS:
            return False
        name = uses.binding_name(ctx, node)
        if name and _SKIP_NAMES.search(name):
            return True
        node, levels = node.parent, levels + 1
    return False


def _skipped_key(key: str, compose: bool) -> bool:
    return bool(
        _SKIP_NAMES.search(key)
        or _DOC_KEYS.fullmatch(key)
        or (compose and key in _COMPOSE_NETWORK_KEYS)
    )


def _value_span(ctx: FileContext, node: Scalar, address: str) -> Span:
    line = ctx.source.line(node.span.start_line)
    col = line.find(address, node.span.start_col - 1)
    if col < 0 or node.span.start_line != node.span.end_line:
        return node.span
    return Span(node.span.start_line, col + 1, node.span.start_line, col + 1 + len(address))


def detect_dotenv(ctx: FileContext) -> Iterator[Hit]:
    return _unless_table(_dotenv_hits(ctx))


def _dotenv_hits(ctx: FileContext) -> Iterator[Hit]:
    for number, text in enumerate(ctx.source.lines, 1):
        m = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$", text)
        if not m or _SKIP_NAMES.search(m.group(1)):
            continue
        value = m.group(2)
        if value.lstrip()[:1] not in ("'", '"'):
            value = re.split(r"\s#", value, maxsplit=1)[0]  # an inline comment
        for start, end, address in _values(value):
            offset = m.start(2)
            yield _hit(
                address, Span(number, offset + start + 1, number, offset + end + 1), "configuration"
            )
