"""Plaintext transport: gRPC channels without TLS and http:// or ws:// endpoints.

A URL counts only where it is used as an endpoint: an argument to a client call, a
value bound to a name that says endpoint (url, endpoint, address, server, upstream,
...), or a config value under such a key. Hosts decide the rest: loopback, documentation
domains and schema hosts are never findings; cluster-internal names (`*.svc`,
single-label service names) are low confidence because a mesh may wrap them in mTLS;
private addresses are medium; anything else is high.

Some plaintext is how the thing works: cloud instance metadata services are served
only over http on a link-local or provider-internal address (169.254.169.254,
`fd00:ec2::254`, `metadata.google.internal`, Alibaba's 100.100.100.200); a forward
proxy (`HTTP_PROXY`, `https_proxy`) is conventionally `http://` and carries TLS end to
end through CONNECT; a host ending in `.sock` is the placeholder a client with a unix
socket dialer puts in its URLs; `localtest.me` and `lvh.me` resolve to loopback, and a
wildcard-DNS name resolves to the address it spells (`127.0.0.1.nip.io`). None of
these is a finding. Carrier-grade NAT space (100.64.0.0/10) is private, not public.
A URL whose comment directly above calls it a placeholder or unused is low confidence.
A URL with a fragment (`...spec.html#section`) links a section of a document: not an
endpoint (a fragment never reaches a server; `#/route`, `#!/route` are an app's pages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from tree_sitter import Node

from ztlint.checks import codeutil
from ztlint.checks.compared import only_compared
from ztlint.checks.transport._common.hosts import host_trust
from ztlint.model import Confidence, Severity, Span
from ztlint.parsers import code
from ztlint.parsers.data import Mapping, Scalar, Sequence
from ztlint.rule import FileContext, Hit
from ztlint.semantics import remarks, uses
from ztlint.semantics.vocabulary import words

_URL = re.compile(r"^(https?|wss?)://[^\s\"'<>]+$", re.I)
ENDPOINT_NAME = re.compile(
    r"(?i)(url|uri|endpoint|addr|address|host|server|upstream|base|api|target|origin|remote|registry|broker|proxy|webhook|callback)"
)
# Keys whose URLs are links, not endpoints.
_LINK_KEYS = re.compile(
    r"(?i)^(\$schema|\$id|\$ref|@context|@id|xmlns(:\w+)?|schema(location)?|license\w*|homepage|documentation|docs?|help\w*|"
    r"repository|bugs|issues|funding|author|contributors|source|about|website|info\w*|html_url|description)$"
)
_LINK_PARENTS = {
    "repository",
    "bugs",
    "funding",
    "author",
    "contributors",
    "annotations",
    "labels",
    "links",
    "license",
}
# Forward-proxy settings: http:// by convention, TLS goes end to end through CONNECT.
PROXY_KEY = re.compile(r"(?i)^(?:[\w.-]*[_.-])?(?:https?|all|ftp|no)?[_-]?proxy(?:[_-]?ur[li])?$")
# Requests built to be served in the same process (Go's `net/http/httptest`, Python's
# and JavaScript's test clients): no connection is made, so no plaintext travels.
_IN_PROCESS = re.compile(r"(?:^|\.)httptest\.|(?:^|\.)(?:TestClient|test_client|RequestFactory)\b")
_CALLS = frozenset({"call", "call_expression"})
_CALLEE = re.compile(
    r"(?i)^(get|post|put|patch|delete|head|options|request|fetch|urlopen|dial\w*|newrequest\w*|connect\w*|"
    r"websocket|eventsource|client|session|open|from_url|parse|create_connection|newclient|"
    r"new_client|async_client|httpclient|axios|got|ky|superagent|ws|io|request_url)$"
)


# A plaintext scheme and the URL's authority as far as the text decides it. A backtick
# or backslash ends the match undecided: an escape or a raw-string end may hide more.
_AUTHORITY = re.compile(r"://([^/?#\s\"'<>`\\]*)([`\\]?)")


def may_name_plaintext_endpoint(ctx: FileContext) -> bool:
    """Gate: whether some `http://` or `ws://` URL in the text has a host `judge_url`
    does not skip (the license header's apache.org, localhost, example.com are)."""
    text = ctx.text
    for m in _AUTHORITY.finditer(text):
        at = m.start()
        if (
            text[max(0, at - 4) : at].lower() != "http"
            and text[max(0, at - 2) : at].lower() != "ws"
        ):
            continue
        if m.group(2):
            return True
        host = m.group(1).rpartition("@")[2]
        host = host.partition("[")[2].partition("]")[0] if "[" in host else host.partition(":")[0]
        if host_trust(host) != "skip":
            return True
    return False


def judge_url(text: str) -> tuple[str, Confidence, Severity | None] | None:
    """(scheme://host, confidence, severity cap) of a plaintext endpoint URL, or None.
    Cluster-internal names are low confidence and medium severity."""
    value = text.strip()
    if not _URL.match(value) or re.search(r"[{}$%<>]|\{\{", value):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "ws"):
        return None
    if parts.fragment and not parts.fragment.startswith(("/", "!")):
        # `http://openid.net/specs/...html#ClaimsParameter`: a section of a document, a
        # link for people (a fragment never reaches a server; `#/route` is an app's page).
        return None
    trust = host_trust(host)
    if trust is None or trust == "skip":
        return None
    confidence = {
        "internal": Confidence.LOW,
        "private": Confidence.MEDIUM,
        "public": Confidence.HIGH,
    }[trust]
    severity = Severity.MEDIUM if trust == "internal" else None
    return f"{parts.scheme.lower()}://{host}", confidence, severity


_SUBSCRIPT_KEY = re.compile(r"""\[\s*["'`]([^"'`\]]+)["'`]\s*\]\s*$""")


def _used_as_endpoint(ctx: FileContext, literal: Node) -> str | None:
    """How the literal is used: "call NAME", "binding NAME", or None."""
    use = uses.use_of(ctx, literal, depth=4)
    if use is None:
        return None
    if use.kind == "call":
        function = use.node.child_by_field_name("function") if use.node.type in _CALLS else None
        if function is not None and _IN_PROCESS.search(codeutil.text(ctx, function)[-120:]):
            return None  # `httptest.NewRequest("GET", "http://x/y", nil)`: served in-process
        return (
            f"call {use.name}"
            if _CALLEE.match(use.name) or use.name in ("WebSocket", "URL")
            else None
        )
    name = use.name.strip("\"'")
    # `os.environ["HTTPS_PROXY"] = ...`, `self.http_proxy = ...`: the key names the use.
    subscript = _SUBSCRIPT_KEY.search(name)
    if subscript is not None:
        name = subscript.group(1)
    if use.node.type == "value_argument" and name in ("string", "url"):
        # Swift `URL(string: "http://...")`: the label names the argument, the call the use.
        call: Node | None = use.node
        while call is not None and call.type != "call_expression":
            call = (
                call.parent
                if call.type in ("value_argument", "value_arguments", "call_suffix")
                else None
            )
        if call is not None:
            called = codeutil.callee(ctx, call)
            if called in ("URL", "URLRequest", "URLComponents") or _CALLEE.match(called):
                return f"call {called}"
    if re.fullmatch(r"__\w+__", name.rsplit(".", 1)[-1]):
        return None  # `__url__ = "http://..."`: a module's metadata, a link for people
    if use.node.type == "keyword_argument" and _package_metadata(ctx, use.node):
        return None  # `setup(url="http://...")`: the package's home page, a link for people
    if (
        name
        and not _LINK_KEYS.match(name)
        and not PROXY_KEY.match(name)
        and ENDPOINT_NAME.search(name)
    ):
        return f"binding {name}"
    return None


def _package_metadata(ctx: FileContext, keyword: Node) -> bool:
    """A keyword argument of setuptools' (or distutils') `setup(...)`: package metadata
    (`url=`, `download_url=`, `project_urls=`) that a package index shows as links."""
    args = keyword.parent
    call = args.parent if args is not None else None
    if call is None or call.type != "call":
        return False
    return codeutil.callee(ctx, call).rsplit(".", 1)[-1] == "setup" and (
        "setuptools" in ctx.text or "distutils" in ctx.text
    )


# A comment about the transport (`TLS is not used: the proxy terminates it`) speaks of
# the connection, not of whether the value is used.
_ABOUT_TLS = re.compile(r"(?i)\b(tls|ssl|https|encrypt\w*|cert\w*|plain\s*text|cleartext)\b")


def _commented_unused(ctx: FileContext, literal: Node) -> str | None:
    """The comment right above the argument or statement that holds the URL says the
    value is a placeholder or not used (`// Placeholder, not used by OIDC connectors`
    above `new URL("http://...")`): the author's word that nothing connects to it."""
    return remarks.said_unused(ctx, literal, _ABOUT_TLS)


# Declarations that hold values under a name: types, enums, namespaces, objects.
_HOLDERS = frozenset(
    {"class_declaration", "class_definition", "enum_declaration", "struct_item", "enum_item",
     "object_declaration", "protocol_declaration", "interface_declaration", "mod_item",
     "internal_module", "type_spec"}
)  # fmt: skip


def _placeholder_holder(ctx: FileContext, literal: Node) -> str | None:
    """The type or namespace holding the value is named for placeholders (Swift `enum
    Placeholders { static let pacURL = "http://..." }`, the grey text of empty fields):
    the author's word, as in a comment, that nothing connects to these values."""
    node = literal.parent
    while node is not None:
        if node.type in _HOLDERS:
            name = node.child_by_field_name("name")
            if name is not None and {"placeholder", "placeholders"} & set(
                words(codeutil.text(ctx, name))
            ):
                return "placeholder"
        node = node.parent
    return None


def _url_base(ctx: FileContext, literal: Node) -> bool:
    """The literal is the second argument of JavaScript's `new URL(input, base)`: the
    base a relative input is resolved against, commonly a dummy origin given only to
    parse a path and its query."""
    args = literal.parent
    call = args.parent if args is not None else None
    if args is None or call is None or args.type != "arguments" or call.type != "new_expression":
        return False
    constructor = call.child_by_field_name("constructor")
    items = [c for c in args.named_children if c.type != "comment"]
    return (
        constructor is not None
        and codeutil.text(ctx, constructor) == "URL"
        and len(items) == 2
        and items[1].id == literal.id
    )


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    for node, text in codeutil.strings(ctx):
        judged = judge_url(text)
        if judged is None or _used_as_endpoint(ctx, node) is None:
            continue
        use = uses.use_of(ctx, node, depth=4)
        if use is not None and use.kind == "binding" and only_compared(ctx, use):
            continue  # `if url == DEPRECATED_URL`: a retired address kept to refuse it
        endpoint, confidence, severity = judged
        scheme = endpoint.split(":", 1)[0]
        unused = _commented_unused(ctx, node)
        holder = None if unused is not None else _placeholder_holder(ctx, node)
        base = unused is None and holder is None and _url_base(ctx, node)
        if unused is not None or holder is not None or base:
            # Shown at the pedantic level: the code says nothing connects to it.
            said = (
                f"the comment above calls `{unused}`"
                if unused is not None
                else "declared among placeholders"
                if holder is not None
                else "given to `new URL(input, base)` as the base a relative input is "
                "parsed against"
            )
            yield Hit(
                span=code.node_span(ctx.source, node),
                message=f"{endpoint} is a plaintext {scheme} URL {said}; if it is ever "
                "reached, it is without TLS",
                confidence=Confidence.LOW,
                severity=Severity.LOW,
            )
            continue
        yield Hit(
            span=code.node_span(ctx.source, node),
            message=f"{endpoint} is reached over plaintext {scheme}",
            confidence=confidence,
            severity=severity,
        )


def detect_config(ctx: FileContext) -> Iterator[Hit]:
    for doc in ctx.documents():
        seen: set[int] = set()
        stack: list[tuple[object, str]] = [(doc, "")]
        while stack:
            node, under = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, Sequence):
                stack.extend((item, under) for item in reversed(node.items))
                continue
            if not isinstance(node, Mapping) or under.lower() in _LINK_PARENTS:
                continue
            for key, value in node.items():
                if not isinstance(value, Scalar):
                    stack.append((value, key.value))
                    continue
                if (
                    _LINK_KEYS.match(key.value)
                    or PROXY_KEY.match(key.value)
                    or not ENDPOINT_NAME.search(key.value)
                ):
                    continue
                judged = judge_url(value.value)
                if judged is not None:
                    endpoint, confidence, severity = judged
                    yield Hit(
                        span=value.span,
                        message=f"{key.value}: {endpoint} is reached over plaintext {endpoint.split(':', 1)[0]}",
                        confidence=confidence,
                        severity=severity,
                    )


def detect_dotenv(ctx: FileContext) -> Iterator[Hit]:
    for number, text in enumerate(ctx.source.lines, 1):
        found = re.match(
            r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*[\"']?([^\"'#\s]+)", text
        )
        if not found or not ENDPOINT_NAME.search(found.group(1)) or PROXY_KEY.match(found.group(1)):
            continue
        judged = judge_url(found.group(2))
        if judged is not None:
            endpoint, confidence, severity = judged
            span = Span(number, found.start(2) + 1, number, found.end(2) + 1)
            yield Hit(
                span=span,
                message=f"{found.group(1)}: {endpoint} is reached over plaintext {endpoint.split(':', 1)[0]}",
                confidence=confidence,
                severity=severity,
            )
