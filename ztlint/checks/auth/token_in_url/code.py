"""Credentials carried in URL query strings.

A URL is logged by every proxy, load balancer and web server on the way, kept in
browser history, and sent onwards in the Referer header. A token, ticket or API key in
`?token=` ends up in all of them (the seed's B17: WebSocket tickets in the query).

Reported, in code of every language ztlint reads:
- a URL built with a credential parameter whose value comes from the code: template
  literals and f-strings (`?ticket=${ticket}`), concatenation (`"?token=" + t`),
  `fmt.Sprintf("...?token=%s", t)`, `searchParams.set("token", t)`, `requests.get(url, params={"api_key": k})`;
- servers reading a credential from the query: `request.query_params["ticket"]`,
  Flask `request.args.get("token")`, Django `request.GET["token"]`, FastAPI
  `token: str = Query(...)`, Go `r.URL.Query().Get("token")`, gin `c.Query("token")`,
  echo `c.QueryParam("token")`, Express `req.query.token`.

Links made to be sent to a person (password reset, e-mail verification, invitations,
unsubscribe, magic login links) have no other place for their single-use token, and
the endpoints that receive them neither: both are left alone, judged by the URL path or
the handling function's name. So are CAS service tickets, which the protocol puts in the
query (seen by the `service` parameter or a validation endpoint beside them), and a
session id sent to the endpoint that ends that session. Any other single-use ticket
design is a config exception with its reason, not a guess.

Shown at medium confidence: a server's request to a third-party API whose https host is
written in the code (the provider's API takes the token there; no browser sees the
URL), and server reads through accessors that take the form body as well as the query.

Where a URL goes and what its protocol defines is read in `evidence`. Over 400 lines:
one detector for seven languages, whose evidence (URL building, the parameter's name,
the single-use flows) is shared by all of them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.auth.token_in_url.evidence import (
    JOINS as _JOINS,
)
from ztlint.checks.auth.token_in_url.evidence import (
    cas_url,
    cas_validation,
    chained_host,
    ends_session,
    form_message,
    go_error_written,
    go_form_read,
    provider_host,
    provider_message,
    receiver,
    service_url,
)
from ztlint.checks.codeutil import (
    FUNCTIONS,
    STRINGS,
    calls,
    hit,
    keyed,
    literal_value,
    nodes_of,
    walk,
)
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.rule import FileContext, Hit
from ztlint.semantics.text import lowering_is_exact
from ztlint.semantics.vocabulary import words

PARAMS = (
    r"token|access_token|accesstoken|auth_token|authtoken|id_token|refresh_token|ticket|"
    r"api_key|apikey|api-key|jwt|password|passwd|secret|client_secret|sessionid|session_id|"
    r"session_token|x-api-key"
)
_PARAM = re.compile(rf"^({PARAMS})$", re.I)
# `?token=` at the end of a literal piece, the value coming next.
_URL_PARAM_END = re.compile(rf"[?&]({PARAMS})=$", re.I)
# `?token=%s` in a format string.
# `?token=%s`, `?token={}`, Rust's `format!("?token={token}")` and Python's `.format`.
_URL_PARAM_FORMAT = re.compile(rf"[?&]({PARAMS})=(%[sv]|\{{\w*(:[^}}]*)?\}})", re.I)
# Any of them as a query parameter, in the lowercased text (the gate).
_ANY_URL_PARAM = re.compile(rf"[?&](?:{PARAMS})=")
# Links for people: the token has nowhere else to go.
_PERSON_LINK = frozenset(
    {
        "reset",
        "forgot",
        "recover",
        "recovery",
        "verify",
        "verification",
        "confirm",
        "confirmation",
        "activate",
        "activation",
        "invite",
        "invitation",
        "unsubscribe",
        "magic",
        "onboarding",
        "signup",
        "register",
        "email",
        "mail",
    }
)


# URIs that are not fetched over the web: `otpauth://totp/..?secret=` (and other OTP
# apps' key URIs) is a QR code's content by spec; `mailto:`, `data:`. Any scheme but the
# web's own is not a request that servers, proxies and referrers record.
_SCHEME = re.compile(r"^[\"'`rf]*([A-Za-z][A-Za-z0-9+.-]*):(?!\d)")
_WEB_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp", "ftps"})


def _not_fetched(url_text: str) -> bool:
    m = _SCHEME.match(url_text)
    return m is not None and m.group(1).lower() not in _WEB_SCHEMES


def _for_people(ctx: FileContext, node: Node, url_text: str = "") -> bool:
    if _not_fetched(url_text.strip()):
        return True
    if set(words(url_text.split("?")[0])) & _PERSON_LINK:
        return True
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTIONS or parent.type in ("decorated_definition",):
            name = parent.child_by_field_name("name")
            if name is not None and set(words(_text(ctx, name))) & _PERSON_LINK:
                return True
            if (
                parent.type == "decorated_definition"
                and set(words(" ".join(_text(ctx, d) for d in parent.named_children[:-1])))
                & _PERSON_LINK
            ):
                return True
        parent = parent.parent
    return False


def _pieces(ctx: FileContext, node: Node) -> Iterator[tuple[str, Node | None]]:
    """A template literal or f-string as (literal text, the substitution after it)."""
    literal: list[str] = []
    for child in node.children:
        if child.type in ("template_substitution", "interpolation", "interpolated_expression"):
            yield "".join(literal), child
            literal = []
        elif child.type in (
            "string_fragment",
            "string_content",
            "escape_sequence",
            "line_str_text",
        ):
            literal.append(_text(ctx, child))
    yield "".join(literal), None


# Python subscripts, FastAPI parameters and routes; JS/TS `req.query.x` and `["x"]`.
_READ_KINDS = (
    "subscript",
    "typed_default_parameter",
    "default_parameter",
    "decorated_definition",
    "member_expression",
    "subscript_expression",
)


# Where a literal is seen to be a URL: a scheme, a path, or a `?` opening its query.
_URL_SHAPE = re.compile(r"^[\"'`rfb]*(?:[A-Za-z][A-Za-z0-9+.-]*://|/)|\?")


def _url_hit(ctx: FileContext, node: Node, text: str, param: str) -> Hit | None:
    """`a=1&password={p}` with no `?`, path or scheme may be a form body (a POST's
    `application/x-www-form-urlencoded` template): shown with --min-confidence medium.
    A server's request to a fixed third-party host (`provider_host`) likewise; a CAS
    service ticket (`cas_url`) is no finding."""
    found = hit(ctx, node, _message(param))
    outer = node
    while outer.parent is not None and outer.parent.type in _JOINS:
        outer = outer.parent
    # The whole concatenation is read (`base + "?a=1" + "&token=" + t`); a piece that
    # only continues it (`"a=1&scope=https://x" "/.default&password={p}"`) is no URL.
    joined = outer.id != node.id or node.type in _JOINS
    url = _text(ctx, outer) if joined else text
    if param.lower() == "ticket" and cas_url(url):
        return None
    if ends_session(ctx, outer, param, url):
        return None
    if not _URL_SHAPE.search(url):
        return Hit(span=found.span, message=found.message, confidence=Confidence.MEDIUM)
    host = provider_host(ctx, outer, url)
    if host is not None:
        return _provider_hit(ctx, outer, param, host)
    head = f"a credential is sent in the URL query (`{param}=`)"
    return _error_written(ctx, outer, found, head) or found


def _built_urls(ctx: FileContext) -> Iterator[Hit]:
    for node in nodes_of(ctx, *STRINGS):
        whole = _text(ctx, node)
        if "=" not in whole:
            continue
        value = literal_value(ctx, node)
        if value is None:
            # Interpolated: a credential parameter right before a substitution.
            for piece, substitution in _pieces(ctx, node):
                m = _URL_PARAM_END.search(piece)
                if substitution is not None and _client_identifier(ctx, substitution):
                    continue
                if m and substitution is not None and not _for_people(ctx, node, whole):
                    found = _url_hit(ctx, node, whole, m.group(1))
                    if found is not None:
                        yield found
                    break
            continue
        m = _URL_PARAM_END.search(value)
        joined = _followed(node)
        operands = joined.named_children if joined is not None else []
        if len(operands) == 2 and _client_identifier(ctx, operands[1]):
            continue
        if m and joined is not None and not _for_people(ctx, node, value):
            found = _url_hit(ctx, joined, value, m.group(1))
            if found is not None:
                yield found
            continue
        m = _URL_PARAM_FORMAT.search(value)
        if m and not _for_people(ctx, node, value):
            found = _url_hit(ctx, node, value, m.group(1))
            if found is not None:
                yield found


def _client_identifier(ctx: FileContext, value: Node) -> bool:
    """What is put after `api_key=` is the application's client identifier
    (`provider.clientId`, `${app.client_id}`): some providers call their public client
    id an API key (Last.fm), and an identifier is no credential, whatever the parameter
    is called. (A session id is one: not excused.)"""
    text = _text(ctx, value).strip("${} \t")
    if len(text) > 120 or not re.fullmatch(r"[\w.?!\[\]\"']+", text):
        return False
    last = re.split(r"[.?!\[\]\"']+", text.rstrip("?!.])\"'"))[-1]
    ws = words(last)
    return ws[-2:] in (["client", "id"], ["app", "id"], ["application", "id"])


def _followed(literal: Node) -> Node | None:
    """The concatenation in which something follows the literal: `"?t=" + x`, and
    `(base + "?t=") + x`."""
    node = literal
    parent = node.parent
    while parent is not None and parent.type in ("binary_expression", "binary_operator"):
        if parent.named_children and parent.named_children[0].id == node.id:
            return parent
        node, parent = parent, parent.parent
    return None


def _message(param: str) -> str:
    return (
        f"a credential is sent in the URL query (`{param}=`), where proxies, logs and "
        "Referer headers keep it; send it in a header or the request body"
    )


def _query_builders(ctx: FileContext) -> Iterator[Hit]:
    for call, callee, args in calls(ctx):
        name = callee.split(".")[-1]
        items = [a for a in args.named_children if a.type not in ("comment",)]
        if name in ("set", "append") and "searchParams" in callee and len(items) == 2:
            key = literal_value(ctx, items[0]) if items[0].type in STRINGS else None
            if (
                key
                and _PARAM.match(key)
                and not _constant(ctx, items[1])
                and not _for_people(ctx, call)
                and not (key.lower() == "ticket" and service_url(ctx, receiver(call)))
            ):
                yield hit(ctx, call, _message(key))
        if ctx.parser == "rust" and name == "query":
            # reqwest: `.query(&[("api_key", key)])`
            for pair in walk(args):
                parts = [c for c in pair.named_children if c.type not in ("line_comment",)]
                if pair.type != "tuple_expression" or len(parts) != 2:
                    continue
                key = literal_value(ctx, parts[0]) if parts[0].type in STRINGS else None
                if key and _PARAM.match(key) and not _constant(ctx, parts[1]):
                    if not _for_people(ctx, call):
                        yield _provider_hit(ctx, pair, key, chained_host(callee))
                    break
        if ctx.parser == "python" and name in ("get", "post", "put", "delete", "request", "stream"):
            params = keyed(ctx, args, "keyword_argument", "name", "value").get("params")
            if params is not None and params.type == "dictionary":
                for key, value in keyed(ctx, params, "pair", "key", "value").items():
                    if (
                        _PARAM.match(key)
                        and not _constant(ctx, value)
                        and not _for_people(ctx, call)
                    ):
                        url = items[0] if items and items[0].type in STRINGS else None
                        host = provider_host(ctx, url, _text(ctx, url)) if url is not None else None
                        yield _provider_hit(ctx, call, key, host)
                        break


def _provider_hit(ctx: FileContext, node: Node, param: str, host: str | None) -> Hit:
    """A third-party API that takes the credential in its query is shown with
    --min-confidence medium, unless the file shows the URL reaching error text."""
    if host is None:
        return hit(ctx, node, _message(param))
    found = hit(ctx, node, provider_message(param, host))
    head = (
        f"a credential is sent in the URL query (`{param}=`) of a server-side request to `{host}`"
    )
    return _error_written(ctx, node, found, head) or dataclasses.replace(
        found, confidence=Confidence.MEDIUM
    )


def _error_written(ctx: FileContext, url: Node, found: Hit, head: str) -> Hit | None:
    """Shown by default wherever the sending request's error, which quotes the whole
    URL, is seen written into another error or a log (`go_error_written`); `head` says
    what is sent where."""
    written = go_error_written(ctx, url)
    if written is None:
        return None
    message = (
        f"{head}: the request's error quotes the whole URL, credential and all, and goes "
        f"to `{written}` here; send it in a header or the request body"
    )
    return Hit(span=found.span, message=message, confidence=Confidence.HIGH)


def _swift_query_items(ctx: FileContext) -> Iterator[Hit]:
    """`URLQueryItem(name: "token", value: t)` with a value from the code."""
    for node in nodes_of(ctx, "call_expression"):
        if not node.named_children:
            continue
        if _text(ctx, node.named_children[0]) != "URLQueryItem":
            continue
        m = re.search(r"name\s*:\s*\"([^\"\\]+)\"\s*,\s*value\s*:\s*([^)]*)", _text(ctx, node))
        value = m.group(2).strip() if m else ""
        if (
            m
            and _PARAM.match(m.group(1))
            and value not in ("nil", "")
            and not value.startswith('"')
            and not _for_people(ctx, node)
        ):
            yield hit(ctx, node, _message(m.group(1)))


def _constant(ctx: FileContext, node: Node) -> bool:
    return node.type in STRINGS and literal_value(ctx, node) is not None


# -- servers reading credentials from the query ----------------------------------------

_PY_QUERY = re.compile(r"\b(query_params|args|GET|query)$")
_GO_QUERY_CALLS = re.compile(
    r"(URL\.Query\(\)\.Get|\.Query|\.QueryParam|\.DefaultQuery|\.GetQuery)$"
)


def _server_reads(ctx: FileContext) -> Iterator[Hit]:
    parser = ctx.parser
    for call, callee, args in calls(ctx):
        items = [a for a in args.named_children if a.type not in ("comment",)]
        if not items or items[0].type not in STRINGS:
            continue
        key = literal_value(ctx, items[0])
        if not key or not _PARAM.match(key):
            continue
        receiver, _, method = callee.rpartition(".")
        reads = False
        if parser == "python":
            reads = method in ("get", "getlist") and bool(
                re.search(
                    r"(request|req|websocket|ws|self\.request)\.(query_params|args|GET)$", receiver
                )
            )
        elif parser == "go":
            reads = bool(_GO_QUERY_CALLS.search(callee)) and (
                "URL.Query()" in callee or re.match(r"^(c|ctx|context|e)\.", callee) is not None
            )
        if not reads or _for_people(ctx, call):
            continue
        if key.lower() == "ticket" and cas_validation(ctx, call):
            continue
        if parser == "go" and go_form_read(ctx, callee):
            found = hit(ctx, call, form_message(key))
            yield Hit(span=found.span, message=found.message, confidence=Confidence.MEDIUM)
        else:
            yield hit(ctx, call, _read_message(key))
    for node in nodes_of(ctx, *_READ_KINDS):
        if parser == "python" and node.type == "subscript":
            value = node.child_by_field_name("value")
            index = node.child_by_field_name("subscript")
            if (
                value is not None
                and index is not None
                and index.type == "string"
                and re.search(
                    r"(request|req|websocket|ws)\.(query_params|args|GET)$", _text(ctx, value)
                )
            ):
                key = literal_value(ctx, index) or ""
                if key.lower() == "ticket" and cas_validation(ctx, node):
                    continue
                if _PARAM.match(key) and not _for_people(ctx, node):
                    yield hit(ctx, node, _read_message(key))
        elif parser == "python" and node.type in ("typed_default_parameter", "default_parameter"):
            name = node.child_by_field_name("name")
            default = node.child_by_field_name("value")
            if (
                name is not None
                and default is not None
                and default.type == "call"
                and _text(ctx, default).startswith(("Query(", "fastapi.Query("))
                and _PARAM.match(_text(ctx, name))
                and not _for_people(ctx, node)
            ):
                yield hit(ctx, node, _read_message(_text(ctx, name)))
        elif parser == "python" and node.type == "decorated_definition":
            yield from _fastapi_plain_params(ctx, node)
        elif parser in ("javascript", "typescript", "tsx") and node.type in (
            "member_expression",
            "subscript_expression",
        ):
            obj = node.child_by_field_name("object")
            field = node.child_by_field_name("property") or node.child_by_field_name("index")
            if (
                obj is None
                or field is None
                or not re.fullmatch(r"(req|request|ctx\.request|ctx)\.query", _text(ctx, obj))
            ):
                continue
            key = literal_value(ctx, field) if field.type in STRINGS else _text(ctx, field)
            if key and key.lower() == "ticket" and cas_validation(ctx, node):
                continue
            if key and _PARAM.match(key) and not _for_people(ctx, node):
                yield hit(ctx, node, _read_message(key))


_ROUTE = re.compile(r"\.(get|post|put|delete|patch|websocket|api_route)\(\s*[\"']([^\"']*)")
_NOT_QUERY = re.compile(r"^(fastapi\.)?(Header|Cookie|Depends|Body|Form|Path|Security|File)\(")


def _fastapi_plain_params(ctx: FileContext, decorated: Node) -> Iterator[Hit]:
    """FastAPI reads a plain `token: str` parameter of a route from the query string,
    unless the route's path has `{token}`."""
    route = None
    for decorator in decorated.named_children[:-1]:
        route = _ROUTE.search(_text(ctx, decorator)) or route
    function = decorated.named_children[-1] if decorated.named_children else None
    if route is None or function is None or function.type != "function_definition":
        return
    params = function.child_by_field_name("parameters")
    for param in params.named_children if params is not None else []:
        if param.type not in ("typed_parameter", "typed_default_parameter"):
            continue
        name_node = param.child_by_field_name("name") or (
            param.named_children[0] if param.named_children else None
        )
        kind = param.child_by_field_name("type")
        default = param.child_by_field_name("value")
        if name_node is None or kind is None:
            continue
        name = _text(ctx, name_node)
        if not _PARAM.match(name) or "{" + name + "}" in route.group(2):
            continue
        if not re.fullmatch(r"(Optional\[)?str\]?(\s*\|\s*None)?", _text(ctx, kind).strip()):
            continue
        if default is not None and (
            _NOT_QUERY.match(_text(ctx, default)) or _text(ctx, default).startswith("Query(")
        ):
            continue  # Query(...) defaults are reported as parameters already
        if not _for_people(ctx, param):
            yield hit(ctx, param, _read_message(name))


def _read_message(param: str) -> str:
    return (
        f"the server accepts a credential from the URL query (`{param}`), so clients put "
        "it where proxies and logs keep it; read it from a header or the body"
    )


# Per language, the text every builder and server read the detector knows has in its
# callee or receiver (Python: too many forms to be worth gating).
_CALL_WORDS = {
    "go": ("Query", "searchParams"),  # r.URL.Query().Get, c.Query, c.QueryParam, ...
    "javascript": (".query", "searchParams"),  # req.query.token, url.searchParams.set
    "typescript": (".query", "searchParams"),
    "tsx": (".query", "searchParams"),
    "rust": ("query", "searchParams"),  # reqwest's .query(&[...])
    "swift": ("URLQueryItem", "searchParams"),
}


def may_carry_credential(ctx: FileContext) -> bool:
    """Gate: every URL the detector judges holds `?param=` or `&param=` for a credential
    parameter, in its literal text; every builder or server read it knows names one of
    the language's call words. Without either, nothing is reported."""
    words_ = _CALL_WORDS.get(str(ctx.parser))
    if words_ is None or not lowering_is_exact(ctx.text):
        return True
    if any(w in ctx.text for w in words_):
        return True
    return _ANY_URL_PARAM.search(ctx.lower()) is not None


# A WebSocket or server-sent-events handshake, on either side: a browser cannot set a
# header on it, so the query is where a credential goes unless the design avoids it.
_HANDSHAKE = re.compile(
    r"(?i)websocket|eventsource|tungstenite|socket\.io|socketio|\bwss?://|/ws\b|"
    r"\.upgrade\(|upgrader"
)


def _function_handshakes(ctx: FileContext) -> tuple[tuple[int, int, int, bool], ...]:
    """Every function of the file as (first line, last line, start byte, whether it
    opens or accepts a WebSocket or EventSource), each read once per file."""
    return tuple(
        (
            function.start_point[0] + 1,
            function.end_point[0] + 1,
            function.start_byte,
            _HANDSHAKE.search(_text(ctx, function)) is not None,
        )
        for function in nodes_of(ctx, *sorted(FUNCTIONS))
    )


def _handshake(ctx: FileContext, line: int) -> bool:
    """The function holding `line` (the innermost) opens or accepts a WebSocket (or an
    EventSource); outside any function, the line itself says so."""
    holding = [f for f in ctx.cached(_function_handshakes) if f[0] <= line <= f[1]]
    if holding:
        return max(holding, key=lambda f: f[2])[3]
    lines = ctx.source.lines
    return 0 < line <= len(lines) and _HANDSHAKE.search(lines[line - 1]) is not None


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    """Shown by default only where the seed found the problem, a credential in a
    WebSocket (or EventSource) handshake's query; every other finding is shown with
    --min-confidence medium: on production repositories they were mostly designs the
    maintainers chose (an API that documents a query token, a handoff that strips it)."""
    seen: set[tuple[int, int]] = set()
    found = [*_built_urls(ctx), *_query_builders(ctx), *_server_reads(ctx)]
    if ctx.parser == "swift":
        found += _swift_query_items(ctx)
    for found_hit in found:
        key = (found_hit.span.start_line, found_hit.span.start_col)
        if key in seen:
            continue
        seen.add(key)
        if found_hit.confidence is None and not _handshake(ctx, found_hit.span.start_line):
            found_hit = dataclasses.replace(found_hit, confidence=Confidence.MEDIUM)
        yield found_hit
