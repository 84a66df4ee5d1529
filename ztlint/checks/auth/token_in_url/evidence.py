"""Where a URL with a credential goes, and what the protocol it belongs to defines:
the evidence that makes a token-in-url finding no finding (a CAS service ticket, a
session id sent to end that session) or a medium-confidence one (a server's request to
a third-party API whose host is written in the code; form values a server reads, which
take the body as well as the query)."""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import (
    ARGUMENTS,
    BINDINGS,
    CALLS,
    COMMENTS,
    STRINGS,
    calls,
    enclosing_function,
    literal_value,
    walk,
)
from ztlint.checks.codeutil import callee as callee_name
from ztlint.checks.codeutil import text as _text
from ztlint.rule import FileContext
from ztlint.semantics import NAMES
from ztlint.semantics.vocabulary import words

# Expressions that join pieces of one URL.
JOINS = ("binary_expression", "binary_operator", "concatenated_string", "template_string")

# -- protocol-defined tickets: CAS ---------------------------------------------------
# CAS (Apereo Central Authentication Service, protocol 2.0/3.0) defines its service
# ticket as a query parameter: the server redirects the browser to the service URL with
# `?ticket=ST-...`, and the service validates it at `/validate`, `/serviceValidate`,
# `/proxyValidate` or `/p3/...` with `service` and `ticket` in the query. Seen by the
# protocol's own evidence: the `service` parameter beside the ticket, a validation
# endpoint, or the ticket appended to the service URL itself.
_CAS_URL = re.compile(
    r"(?i)[?&]service=|/(?:p3/)?(?:service|proxy)validate\b|"
    r"service(?:_?url)?\s*(?:\}\s*)?(?:\+\s*)?[\"'`]?[?&]ticket="
)


def cas_url(url_text: str) -> bool:
    return _CAS_URL.search(url_text) is not None


def service_url(ctx: FileContext, node: Node) -> bool:
    """The URL a ticket is appended to is the CAS `service` (`new URL(service)`,
    `serviceUrl`): a value named for it, directly or through the binding that made it."""
    value, _ = semantics.of(ctx).value_of(node)
    if value.type == "new_expression":
        args = value.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if first is not None:
            value = first
    last = re.split(r"[.\[\]\"'`()]+", _text(ctx, value).strip(".[]\"'`() "))[-1]
    ws = words(last)
    return ws[-1:] == ["service"] or ws[-2:] == ["service", "url"]


def cas_validation(ctx: FileContext, node: Node) -> bool:
    """A server reading `ticket` where CAS validates it: the same function reads the
    `service` parameter too, or is the validation endpoint (`serviceValidate`,
    `proxyValidate`, `/p3/...`) by its name or route."""
    function = enclosing_function(node)
    if function is None:
        return False
    named = [function]
    if function.parent is not None and function.parent.type == "decorated_definition":
        named.append(function.parent)
    for outer in named:
        name = outer.child_by_field_name("name")
        label = [_text(ctx, name)] if name is not None else []
        if outer.type == "decorated_definition":
            label += [_text(ctx, d) for d in outer.named_children[:-1]]
        ws = set(words(" ".join(label)))
        if "validate" in ws and ws & {"service", "proxy"}:
            return True
    return _SERVICE_READ.search(_text(ctx, function)) is not None


# The `service` parameter read from the request: `Get("service")`, `args["service"]`,
# `req.query.service`.
_SERVICE_READ = re.compile(r"""[(\[]\s*["'`]service["'`]\s*[,)\]]|\bquery\.service\b""")


# -- a session named to be ended ----------------------------------------------------
_SESSION_IDS = frozenset({"sessionid", "session_id", "session_token"})
# What a request does to the session its URL names: once done, a copy of the id in a
# log is dead.
_ENDING = frozenset({"delete", "revoke", "logout", "signout", "invalidate", "terminate", "kill"})
_AUGMENTED = ("augmented_assignment_expression", "augmented_assignment", "assignment_statement")


def ends_session(ctx: FileContext, url: Node, param: str, url_text: str) -> bool:
    """A session id sent to an endpoint that deletes, revokes or logs out that session
    (`/api/delete-session?sessionId=...`): the id is what the request ends. The path is
    read from the URL, or from the variable a `url += "?sessionId=..."` extends."""
    if param.lower() not in _SESSION_IDS:
        return False
    path = [url_text.split("?")[0]]
    parent = url.parent
    if parent is not None and parent.type in _AUGMENTED:
        target = parent.child_by_field_name("left")
        if target is not None and target.id != url.id and target.type in NAMES:
            value, _ = semantics.of(ctx).value_of(target)
            if value.id != target.id:
                path.append(_text(ctx, value).split("?")[0])
    return bool(set(words(" ".join(path))) & _ENDING)


# -- server-to-provider calls ---------------------------------------------------------
# Code that does not run in a browser or a mobile app: its request goes from the
# server straight to the host, over TLS, and no browser history or Referer sees it.
_SERVER_LANGUAGES = frozenset({"go", "python", "rust"})
# A URL whose scheme and host are written in the code: `https://graph.example.com/...`.
_FIXED_HTTPS_HOST = re.compile(
    r"^[\"'`rfb]*https://((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?::\d+)?(?=[/?#\"'`]|$)",
    re.I,
)
_PRIVATE_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".svc", ".home.arpa", ".test")
# Calls that only build the URL text: the request is made with what they return.
_FORMATTERS = frozenset({"Sprintf", "format", "format!", "concat!", "join", "Join", "JoinPath"})


def provider_host(ctx: FileContext, url: Node, url_text: str) -> str | None:
    """The third-party host a server sends this URL to: server-side code (Go, Python,
    Rust), an `https://` URL whose host is written in the code (a public DNS name: the
    application's own API would be configured, not fixed), and a URL that goes to a
    request, not to a redirect (a redirect hands it to the user's browser)."""
    if ctx.parser not in _SERVER_LANGUAGES:
        return None
    m = _FIXED_HTTPS_HOST.match(url_text.strip())
    if m is None:
        head = _head_constant(ctx, url)
        m = _FIXED_HTTPS_HOST.match(head) if head is not None else None
    if m is None:
        return None
    host = m.group(1).lower()
    if host.endswith(_PRIVATE_SUFFIXES) or not _back_channel(ctx, url):
        return None
    return host


def _head_constant(ctx: FileContext, url: Node) -> str | None:
    """The constant a URL starts with when it is named: `endpoint + "?token=" + t`,
    `fmt.Sprintf("%s?token=%s", endpoint, t)` with `endpoint := "https://..."`."""
    node = url
    while node.type in ("binary_expression", "binary_operator") and node.named_children:
        node = node.named_children[0]
    if node.id == url.id:
        args = node.parent
        if (
            node.type not in STRINGS
            or not (literal_value(ctx, node) or "").startswith(("%s", "%v"))
            or args is None
            or args.type not in ARGUMENTS
        ):
            return None
        items = [c for c in args.named_children if c.type not in COMMENTS]
        at = next((i for i, c in enumerate(items) if c.id == node.id), len(items))
        if at + 1 >= len(items):
            return None
        node = items[at + 1]
    found = semantics.of(ctx).const(node)
    return found.text if found is not None and found.string else None


def _callee_name(ctx: FileContext, call: Node) -> str:
    if call.type == "macro_invocation":
        macro = call.child_by_field_name("macro")
        return (_text(ctx, macro) + "!") if macro is not None else ""
    return callee_name(ctx, call)


# Calls that open a URL in the user's browser: Python's `webbrowser.open`, Rust's
# `webbrowser::open`, Go's `browser.OpenURL`.
_OPENS_BROWSER = frozenset({"open", "open_new", "open_new_tab", "OpenURL", "OpenBrowser"})


def _redirects(ctx: FileContext, call: Node, name: str) -> bool:
    """A call that hands a URL to the browser: `http.Redirect`, `c.Redirect`,
    `redirect(...)`, `RedirectResponse(...)`, a `Location` header set, or a browser
    opened on it."""
    if "redirect" in name.lower() or name in _OPENS_BROWSER:
        return True
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    return (
        first is not None
        and first.type in STRINGS
        and (literal_value(ctx, first) or "").lower() == "location"
    )


def _back_channel(ctx: FileContext, url: Node) -> bool:
    """The URL is passed to a request the server makes (directly, or through the
    variable it is stored in), and to no redirect or browser."""
    node = url
    for _ in range(8):
        parent = node.parent
        if parent is None:
            return False
        if parent.type in ARGUMENTS or parent.type == "token_tree":
            call = parent.parent
            if call is None or call.type not in (*CALLS, "macro_invocation"):
                return False
            name = _callee_name(ctx, call)
            if name in _FORMATTERS:
                node = call
                continue
            return _requests(name) and not _redirects(ctx, call, name)
        if parent.type in (*JOINS, "parenthesized_expression", "expression_list"):
            node = parent
            continue
        if parent.type in BINDINGS:
            target = (
                parent.child_by_field_name("left")
                or parent.child_by_field_name("pattern")
                or parent.child_by_field_name("name")
            )
            if target is None:
                return False
            names = [n for n in re.split(r"[\s,]+", _text(ctx, target)) if n]
            return bool(names) and _sent_as_request(ctx, parent, names[0])
        return False
    return False


def _sent_as_request(ctx: FileContext, binding: Node, name: str) -> bool:
    """A variable holding the URL is passed to a request after it (or to a helper that
    makes one, named for it), and never to a redirect."""
    function = enclosing_function(binding)
    scope = function if function is not None else binding.parent
    if scope is None:
        return False
    used = re.compile(rf"^&?(?:mut\s+)?{re.escape(name)}\b(?!\s*[:(]?=)")
    sent = False
    for call, _callee, args in calls(ctx):
        if not (scope.start_byte <= call.start_byte < scope.end_byte):
            continue
        if call.start_byte < binding.end_byte:
            continue
        if any(used.match(_text(ctx, a)) for a in args.named_children):
            name = callee_name(ctx, call)
            if _redirects(ctx, call, name):
                return False
            sent = sent or _requests(name)
    return sent


# Words of a call that makes a request: `client.Get`, `http.NewRequest`, `requests.post`,
# `urlopen`, `reqwest::get`, a helper such as `getUrlResponse` or `postWithBody`. A URL
# put in a response body (`c.JSON`) or stored goes elsewhere: to a browser, maybe.
_REQUEST_WORDS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "request", "fetch", "urlopen", "do"}
)


def _requests(name: str) -> bool:
    return bool(set(words(name)) & _REQUEST_WORDS)


def go_error_written(ctx: FileContext, url: Node) -> str | None:
    """Go only: the URL is an argument of a request whose error is then formatted,
    wrapped or logged in the same function (`resp, err := client.Get(u)` then
    `fmt.Errorf("...: %s", err.Error())`). net/http's error (`*url.Error`) quotes the
    whole URL, query and all, so the credential is in that text: the call that takes it
    is named. None when the error is only tested or dropped."""
    if ctx.parser != "go":
        return None
    call = _go_request_call(ctx, url)
    if call is None:
        return None
    values = call.parent
    statement = values.parent if values is not None else None
    if (
        values is None
        or statement is None
        or values.type != "expression_list"
        or statement.type not in ("short_var_declaration", "assignment_statement")
    ):
        return None
    left = statement.child_by_field_name("left")
    names = left.named_children if left is not None else []
    if not names or names[-1].type != "identifier":
        return None
    err = _text(ctx, names[-1])
    function = enclosing_function(statement)
    if function is None or err == "_":
        return None
    for other, callee, args in calls(ctx):
        if not (statement.end_byte <= other.start_byte < function.end_byte):
            continue
        if callee.startswith("errors.") and callee.rsplit(".", 1)[-1] in ("Is", "As"):
            continue
        written = any(
            n.type == "identifier" and _text(ctx, n) == err
            for a in args.named_children
            for n in walk(a)
        )
        if written and (
            callee in ("fmt.Errorf", "fmt.Sprintf", "fmt.Sprint", "fmt.Sprintln")
            or callee.startswith(("errors.", "log.", "slog."))
            or set(words(callee.rsplit(".", 1)[-1])) & _WRITES_ERROR
        ):
            return callee
    return None


def _go_request_call(ctx: FileContext, url: Node) -> Node | None:
    """The request call the URL is an argument of, directly or through the name it is
    first bound to (`u := fmt.Sprintf(...)` then `client.Get(u)`)."""
    node: Node | None = url.parent
    while node is not None and node.type not in _GO_STATEMENT_ENDS:
        if node.type == "call_expression" and _requests(callee_name(ctx, node)):
            return node
        if node.type == "short_var_declaration" or node.type == "assignment_statement":
            break
        node = node.parent
    if node is None or node.type not in ("short_var_declaration", "assignment_statement"):
        return None
    left = node.child_by_field_name("left")
    names = left.named_children if left is not None else []
    if len(names) != 1 or names[0].type != "identifier":
        return None
    name = _text(ctx, names[0])
    function = enclosing_function(node)
    if function is None:
        return None
    for call, callee, args in calls(ctx):
        if node.end_byte <= call.start_byte < function.end_byte and any(
            a.type == "identifier" and _text(ctx, a) == name for a in args.named_children
        ):
            return call if _requests(callee) else None
    return None


_GO_STATEMENT_ENDS = ("function_declaration", "method_declaration", "func_literal", "block")

# Method words of loggers and error wrappers (`logger.Error`, `l.Warnf`, `pkgerrors.Wrap`).
_WRITES_ERROR = frozenset(
    {"errorf", "error", "warn", "warnf", "warning", "info", "infof", "debug", "debugf",
     "printf", "println", "print", "fatal", "fatalf", "wrap", "wrapf", "log", "logf"}
)  # fmt: skip


def provider_message(param: str, host: str) -> str:
    return (
        f"a credential is sent in the URL query (`{param}=`) of a server-side request to "
        f"`{host}`, whose API takes it there; the URL still reaches error messages and "
        "logs: use the API's header form where it has one"
    )


def receiver(call: Node) -> Node:
    """`url` of `url.searchParams.set(...)`."""
    node = call.child_by_field_name("function") or call
    while node.type == "member_expression" and node.child_by_field_name("object") is not None:
        inner = node.child_by_field_name("object")
        assert inner is not None
        node = inner
    return node


# reqwest's builder: `client.get("https://host/...")...query(...)`.
_CHAINED_URL = re.compile(
    r"\.(?:get|post|put|patch|delete|head|request)\(\s*(?:[\w:]+,\s*)?(\"https://[^\"]*\")"
)


def chained_host(callee: str) -> str | None:
    m = _CHAINED_URL.search(callee)
    if m is None:
        return None
    host = _FIXED_HTTPS_HOST.match(m.group(1))
    if host is None or host.group(1).lower().endswith(_PRIVATE_SUFFIXES):
        return None
    return host.group(1).lower()


# Go accessors that read `Request.Form` (the form-encoded body of a POST, PUT or PATCH
# and the URL query together), however they are named: beego's `Ctx.Input.Query` (its
# `BeegoInput.Query` calls `ParseForm` and `Form.Get`), and macaron's `ctx.Query`.
_GO_FORM_READ = re.compile(r"\bInput\.Query$")
_GO_FORM_FRAMEWORKS = ("gopkg.in/macaron", "github.com/go-macaron/", "gitea.com/macaron/")


def go_form_read(ctx: FileContext, callee: str) -> bool:
    if _GO_FORM_READ.search(callee):
        return True
    if "URL.Query()" in callee:
        return False
    return any(m.startswith(_GO_FORM_FRAMEWORKS) for m in semantics.of(ctx).modules())


def form_message(param: str) -> str:
    return (
        f"the server reads a credential (`{param}`) from the form values, which take the "
        "request body or the URL query: clients may put it where proxies and logs keep "
        "it; read it from the body or a header only"
    )
