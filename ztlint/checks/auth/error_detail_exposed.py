"""Internal error text sent to the client with a server-error status.

A 5xx response that carries `err.Error()`, `str(e)` or `err.message` hands the caller
whatever the failing layer put in its message: SQL fragments, file paths, internal host
names, sometimes a credential in a connection string. Only server errors are reported:
a 4xx that says why the input was rejected is the point of a 4xx. The error must come
from the code (Go's `.Error()`, the variable of an `except ... as e` or a `catch (e)`,
an Express error handler's first parameter), not a fixed message.

Who reads the text decides whether it is a leak, so each finding's confidence says
what the file shows: HIGH when the error comes from an internal operation (file system,
database, process, network, a panic or stack trace, a wrapped chain) and no sign says
the handler serves operators only; MEDIUM when the error's origin is not visible or the
handler looks operator-only; LOW for sentinels and failures to write the response.

Over 400 lines: one detector for six languages; the error's origin and the handler's
audience are one analysis, asked of the shared semantics layer for every language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import FUNCTIONS, calls, enclosing_function, nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import types

_GO_5XX = re.compile(
    r"^(http\.Status(InternalServerError|NotImplemented|BadGateway|ServiceUnavailable|GatewayTimeout)|5\d\d)$"
)
_FIVE_XX = re.compile(r"^5\d\d$")
_JS_ERROR_PARAMS = frozenset({"err", "error", "e", "ex", "exc"})


_ADVICE = "log it and send a generic message"
# Where a handler visibly serves operators only: a debug or admin file, package or
# function, a listener bound to the loopback address or a Unix socket in the same file,
# a Go package named as a test helper (`httptest`, `apitest`).
_OPERATOR_NAME = re.compile(r"debug|admin|pprof", re.IGNORECASE)
_LOOPBACK_LISTENER = re.compile(
    r"""(?:Listen\w*|Addr\w*|bind|host)\W[^\n]{0,80}?["'](?:127\.0\.0\.1|localhost|\[::1\])(?::(?:\d*|%d|%v|%s))?["'`]""",
    re.IGNORECASE,
)
_LOCAL_SOCKET = re.compile(r"""\bnet\.Listen(?:Unix\w*\(|\(\s*"unix)""")
_GO_TEST_PACKAGE = re.compile(
    r"^package\s+((?!\w*(?:attest|latest|contest)\s)\w+test|\w*testutil\w*|\w*testing)\s*$",
    re.MULTILINE,
)
# Go sentinels by convention: `ErrNotFound`, `pkg.ErrUnavailable`, `errClosed`.
_GO_SENTINEL = re.compile(r"^(?:\w+\.)?(?:Err|err)[A-Z]\w*$")
# Packages whose errors describe the machine: files, processes, sockets, databases.
_GO_IO_PACKAGES = frozenset(
    {"os", "io", "io/ioutil", "io/fs", "os/exec", "database/sql", "net", "net/http", "syscall"}
)
_GO_DRIVERS = ("pgx", "lib/pq", "go-sql-driver", "gorm", "sqlx", "mongo-driver", "go-redis")
_GO_IO_METHODS = frozenset(
    {
        "Query",
        "QueryContext",
        "QueryRow",
        "QueryRowContext",
        "Exec",
        "ExecContext",
        "Prepare",
        "PrepareContext",
        "BeginTx",
        "Commit",
        "Scan",
        "RoundTrip",
        "DialContext",
        "CombinedOutput",
    }
)


class _Origin:
    """What the file shows about where an error comes from, weakest to strongest."""

    CONSTRUCTED, SENTINEL, UNKNOWN, CHAIN, INTERNAL = range(5)
    _RANKS = {
        "constructed": CONSTRUCTED,
        "sentinel": SENTINEL,
        "writing": SENTINEL,
        "unknown": UNKNOWN,
        "chain": CHAIN,
        "internal": INTERNAL,
    }

    def __init__(self, kind: str, what: str = "") -> None:
        self.kind = kind
        self.what = what
        self.rank = self._RANKS[kind]


_UNKNOWN = _Origin("unknown")
_STACK = "a stack trace"
_CONSTRUCTED = _Origin("constructed")


def _operator_only(ctx: FileContext, scope: Node | None, by_name: bool = True) -> str | None:
    """Why the handler around a sink looks reachable by operators only, or None. A name
    (`debug`, `admin`) is not asked when `by_name` is false."""
    for segment in ctx.path.split("/") if by_name else ():
        match = _OPERATOR_NAME.search(segment)
        if match:
            return f"it sits in `{segment}`"
    function = scope if by_name else None
    while function is not None:
        name = function.child_by_field_name("name")
        receiver = function.child_by_field_name("receiver")
        for part in (name, receiver):
            if part is None:
                continue
            found = _OPERATOR_NAME.search(_text(ctx, part))
            if found:
                return f"`{_text(ctx, part)}` names a {found.group(0).lower()} handler"
        function = enclosing_function(function)
    return ctx.cached(_local_listener)


def _local_listener(ctx: FileContext) -> str | None:
    source = ctx.source.text
    if _LOOPBACK_LISTENER.search(source):
        return "the file binds its listener to the loopback address"
    if _LOCAL_SOCKET.search(source):
        return "the file serves on a Unix socket"
    package = _GO_TEST_PACKAGE.search(source) if ctx.parser == "go" else None
    if package:
        return f"package `{package.group(1)}` is a test helper"
    return None


def _graded(
    ctx: FileContext, node: Node, what: str, origin: _Origin, scope: Node | None
) -> Hit | None:
    """A finding whose confidence is what the file shows: HIGH when the error carries
    internal detail (an I/O, database, process or network failure, a panic, a wrapped
    chain) and no sign says the handler serves operators only; MEDIUM when the origin is
    not visible; LOW for a sentinel with fixed text or a failure to write the response
    itself; nothing for a message the code wrote."""
    if origin.kind == "constructed":
        return None
    span = code.node_span(ctx.source, node)
    if origin.rank == _Origin.SENTINEL:
        return Hit(
            span=span,
            message=f"{what} is sent in a server-error response, but {origin.what}",
            confidence=Confidence.LOW,
        )
    # A stack trace is never written for a client: only a local listener excuses it.
    restricted = _operator_only(ctx, scope, by_name=origin.what != _STACK)
    if origin.rank >= _Origin.CHAIN:
        message = f"{what} sends {origin.what} to the client in a server-error response"
        confidence = Confidence.MEDIUM if restricted else Confidence.HIGH
    else:
        message = (
            f"{what} is sent to the client in a server-error response (where the error "
            "comes from is not visible here)"
        )
        confidence = Confidence.LOW if restricted else Confidence.MEDIUM
    if restricted:
        message += f"; the handler may serve operators only: {restricted}"
    return Hit(span=span, message=f"{message}; {_ADVICE}", confidence=confidence)


# In Python, JavaScript and Rust the error comes from a `try` body or the expression a
# `match`, `if let` or `map_err` inspects: these calls there fail with text about the
# machine (SQL, paths, hosts, commands).
_INTERNAL_CALL = re.compile(
    r"""\b(?:sqlite3|sqlalchemy|psycopg2?|asyncpg|aiosqlite|pymysql|pymongo|motor|redis|requests|httpx|aiohttp|urllib|subprocess|shutil|socket|boto3|sqlx|diesel|reqwest|std::fs|tokio::fs|fs|child_process|axios)\s*(?:\.|::)\w+"""
    r"""|(?<![\w.])(?:open|fetch)\s*\(|File::(?:open|create)\b|\bCommand::new\b"""
    r"""|\.(?:execute|executemany|fetchone|fetchall|fetch_one|fetch_all|fetch_optional|query|query_as|commit|findOne|findAll|findByPk)\s*\("""
    r"""|\.(?:insert|insertOne|insertMany|updateOne|updateMany|deleteOne|deleteMany|findOneAndUpdate|aggregate)\s*\("""
    # a call given a URL: an upstream's errors quote the address, credentials and all
    r"""|\(\s*["'`](?:https?|wss?)://"""
)


def _region_origin(ctx: FileContext, node: Node, leak: str) -> _Origin:
    """What the code that raised the error shows about it (not Go)."""
    if "traceback" in leak or ".stack" in leak:
        return _Origin("internal", _STACK)
    for region in _error_regions(node):
        match = _INTERNAL_CALL.search(_text(ctx, region))
        if match:
            call = match.group(0).rstrip("( ")
            if "://" in call:
                return _Origin("internal", "the failure of a connection to an upstream URL")
            return _Origin("internal", f"the failure of `{call}`")
    return _UNKNOWN


def _error_regions(node: Node) -> Iterator[Node]:
    """The code whose failure the error at `node` can be: the body of the nearest `try`;
    in Rust the expressions every enclosing `match`, `if let` and `map_err(|e| ..)`
    inspects (an arm can match on `e.kind()` inside the arm that bound `Err(e)`)."""
    parent = node.parent
    while parent is not None:
        region: Node | None = None
        if parent.type in ("except_clause", "catch_clause") and parent.parent is not None:
            body = parent.parent.child_by_field_name("body")
            if body is not None:
                yield body
            return
        if parent.type == "match_arm" and parent.parent is not None:
            match = parent.parent.parent  # match_block -> match_expression
            region = match.child_by_field_name("value") if match is not None else None
        elif parent.type == "let_condition":
            region = parent.child_by_field_name("value")
        elif parent.type == "closure_expression":
            call = parent.parent.parent if parent.parent is not None else None
            function = call.child_by_field_name("function") if call is not None else None
            if function is not None and function.type == "field_expression":
                region = function.child_by_field_name("value")
        elif parent.type in FUNCTIONS:
            return
        if region is not None:
            yield region
        parent = parent.parent


def _opt(hit: Hit | None) -> Iterator[Hit]:
    if hit is not None:
        yield hit


def _hit(ctx: FileContext, node: Node, what: str) -> Hit | None:
    scope = enclosing_function(node)
    return _graded(ctx, node, what, _region_origin(ctx, node, what), scope)


def _go_param_index(ctx: FileContext, function: Node, name: str) -> int | None:
    """The position of parameter `name` of type `error` in a Go function, or None."""
    params = types.parameter_list(semantics.of(ctx), function)
    return next((i for i, (n, kind) in enumerate(params) if n == name and kind == "error"), None)


def _go_binding(ctx: FileContext, name: Node) -> Node | None:
    """The value last bound to a name in its function before the use (the layer's
    reaching binding; a package-level error is judged by its name instead)."""
    sem = semantics.of(ctx)
    binding = sem.resolve(name)
    if binding is None or sem.function_of(binding.node) is None:
        return None
    return binding.value


def _go_origin(
    ctx: FileContext, expr: Node, scope: Node | None, depth: int = 0, writer: str = ""
) -> _Origin:
    """Where the Go error `expr` comes from, as far as the file shows."""
    expr_text = _text(ctx, expr).strip()
    if expr.type == "call_expression":
        function = expr.child_by_field_name("function")
        args = expr.child_by_field_name("arguments")
        if writer and any(n.type == "identifier" and _text(ctx, n) == writer for n in walk(expr)):
            return _Origin("writing", "the error comes from writing the response itself")
        return _go_call_origin(ctx, _text(ctx, function) if function else "", args, scope, depth)
    if expr.type == "unary_expression" or expr.type == "parenthesized_expression":
        inner = expr.named_children[-1] if expr.named_children else None
        return _go_origin(ctx, inner, scope, depth, writer) if inner is not None else _UNKNOWN
    sentinel = _Origin("sentinel", f"`{expr_text}` is a sentinel error with fixed text")
    if expr.type == "selector_expression" and _GO_SENTINEL.search(expr_text):
        return sentinel
    if expr.type != "identifier" or scope is None or depth > 3:
        return _UNKNOWN
    bound = _go_binding(ctx, expr)
    if bound is not None:
        return _go_origin(ctx, bound, scope, depth + 1, writer)
    index = _go_param_index(ctx, scope, expr_text)
    name = scope.child_by_field_name("name")
    if index is None or name is None:
        # Neither assigned in the function nor its parameter: a package-level error.
        return sentinel if _GO_SENTINEL.search(expr_text) else _UNKNOWN
    # A helper that writes any error it is given: judge what its callers in this file
    # pass it (`fail(w, r, fmt.Errorf("decoding the request: %w", err))`).
    best = _UNKNOWN
    for call, callee, args in calls(ctx):
        if callee != _text(ctx, name) or len(args.named_children) <= index:
            continue
        caller = enclosing_function(call)
        origin = _go_origin(ctx, args.named_children[index], caller, depth + 1)
        if origin.rank > best.rank:
            best = origin
    if best.rank >= _Origin.CHAIN:
        return _Origin(best.kind, f"{best.what} (what callers pass to `{_text(ctx, name)}`)")
    return best


def _go_call_origin(
    ctx: FileContext, callee: str, args: Node | None, scope: Node | None, depth: int
) -> _Origin:
    items = args.named_children if args is not None else []
    if callee == "errors.New":
        return _CONSTRUCTED
    if callee == "fmt.Errorf":
        fmt_text = _text(ctx, items[0]) if items else ""
        wrapped = [a for a in items[1:] if _origin_is_error(ctx, a)]
        if not wrapped and "%w" not in fmt_text:
            return _CONSTRUCTED
        inner = _go_origin(ctx, wrapped[0], scope, depth + 1) if wrapped and depth < 3 else _UNKNOWN
        if inner.kind in ("sentinel", "constructed"):
            return inner
        if inner.rank >= _Origin.INTERNAL:
            return inner
        return _Origin("chain", "a wrapped error chain (`fmt.Errorf` with `%w`)")
    if callee == "recover":
        return _Origin("internal", "a recovered panic")
    if callee in ("debug.Stack", "runtime.Stack"):
        return _Origin("internal", _STACK)
    imports = semantics.of(ctx).imports
    package = imports.get(callee.split(".")[0], "") if "." in callee else ""
    if callee in ("http.NewRequest", "http.NewRequestWithContext"):
        # An invalid method or URL: the text is the arguments the handler gave it.
        return _UNKNOWN
    if callee.startswith("io.Copy"):
        return _UNKNOWN  # a stream copy: the client's own connection, or a body already sent
    if callee.rsplit(".", 1)[-1] in _GO_FORWARDERS and _to_requested(ctx, items, scope):
        # A proxy reaching the destination the client named (`dialer.DialContext(ctx,
        # "tcp", r.Host)`, `transport.RoundTrip(r)`): the error says why the client's own
        # destination could not be reached, nothing about this machine.
        return _Origin("sentinel", f"`{callee}` reaches the destination the client asked for")
    if callee in _GO_BODY_READERS and items and _request_body(ctx, items[0], scope):
        # `io.ReadAll(r.Body)` fails on what the client sent (a cut connection, a body
        # over the limit): its text describes the client's own request, not the machine.
        return _Origin(
            "sentinel", f"`{callee}` of the request's own body describes what the client sent"
        )
    if package == "io/fs" and callee.endswith(".Sub") and len(items) == 2:
        constant = _go_constant(ctx, items[1])
        if constant is not None:
            # `fs.Sub` fails only when the directory is not a valid path name, and its
            # text is that name: a constant here, nothing about the machine.
            return _Origin(
                "sentinel", f"`{callee}` can fail only on its constant directory {constant}"
            )
    if package in _GO_IO_PACKAGES or any(m in package for m in _GO_DRIVERS):
        return _Origin("internal", f"the error of `{callee}` (`{package}`)")
    method = callee.rsplit(".", 1)[-1]
    if "." in callee and method in _GO_IO_METHODS:
        return _Origin("internal", f"the error of `{callee}`")
    return _UNKNOWN


_GO_BODY_READERS = frozenset({"io.ReadAll", "ioutil.ReadAll", "io.ReadFull", "io.ReadAtLeast"})


_GO_FORWARDERS = frozenset(
    {"Dial", "DialContext", "DialTimeout", "DialTLS", "DialTLSContext", "RoundTrip"}
)


def _to_requested(ctx: FileContext, items: list[Node], scope: Node | None) -> bool:
    """An argument is the handler's `*http.Request` itself or its host (`r`, `r.Host`,
    `r.URL.Host`): the destination is the one the client named."""
    name = _request_param(ctx, scope)
    if name is None:
        return False
    wanted = re.compile(rf"{re.escape(name)}(?:\.Host|\.URL\.Host|\.URL\.String\(\))?")
    return any(wanted.fullmatch(_text(ctx, a).strip()) for a in items)


def _request_param(ctx: FileContext, scope: Node | None) -> str | None:
    """The name of the function's `*http.Request` parameter."""
    params = scope.child_by_field_name("parameters") if scope is not None else None
    if params is None:
        return None
    for param in params.named_children:
        # `r *http.Request`, and the last of `a, r *http.Request`.
        m = re.search(r"(\w+)\s+\*http\.Request\b", _text(ctx, param))
        if m is not None:
            return m.group(1)
    return None


def _request_body(ctx: FileContext, reader: Node, scope: Node | None) -> bool:
    """`r.Body` (or `http.MaxBytesReader(w, r.Body, n)`) where `r` is the handler's
    `*http.Request` parameter."""
    text = _text(ctx, reader).strip()
    m = re.fullmatch(r"(?:http\.MaxBytesReader\(\s*\w+\s*,\s*)?(\w+)\.Body(?:\s*,[^()]*\))?", text)
    return m is not None and m.group(1) == _request_param(ctx, scope)


def _go_constant(ctx: FileContext, node: Node) -> str | None:
    """The text of a Go string literal, directly or as the value last bound to the name
    (in its function or at package level: `const staticDir = "dist"`), or None."""
    if node.type == "identifier":
        binding = semantics.of(ctx).resolve(node)
        if binding is not None and binding.value is not None:
            node = binding.value
    if node.type in ("interpreted_string_literal", "raw_string_literal"):
        return _text(ctx, node)
    return None


def _origin_is_error(ctx: FileContext, node: Node) -> bool:
    t = _text(ctx, node).strip()
    return node.type == "identifier" and (t in ("err", "e", "error") or t.endswith("Err"))


def _go(ctx: FileContext) -> Iterator[Hit]:
    for node, callee, args in calls(ctx):
        if callee != "http.Error":
            continue
        items = args.named_children
        if len(items) != 3 or not _GO_5XX.match(_text(ctx, items[2]).strip()):
            continue
        body, _ = semantics.of(ctx).value_of(items[1])
        for inner in walk(body):
            if inner.type != "call_expression":
                continue
            f = inner.child_by_field_name("function")
            if f is None or not _text(ctx, f).endswith(".Error"):
                continue
            receiver = f.child_by_field_name("operand")
            scope = enclosing_function(node)
            origin = (
                _go_origin(ctx, receiver, scope, writer=_text(ctx, items[0]).strip())
                if receiver is not None
                else _UNKNOWN
            )
            hit = _graded(ctx, node, f"`{_text(ctx, f)}()`", origin, scope)
            if hit is not None:
                yield hit
            break
        else:
            yield from _opt(_go_formatted(ctx, node, body, _text(ctx, items[0]).strip()))


_GO_FORMATTERS = frozenset({"fmt.Sprintf", "fmt.Sprint", "fmt.Sprintln", "fmt.Errorf"})


def _go_formatted(ctx: FileContext, node: Node, body: Node, writer: str) -> Hit | None:
    """`http.Error(w, fmt.Sprintf("export failed: %v", err), 500)`, directly or through
    a local: an error formatted into the body. A name is an error when the branch the
    response is written in tested it against nil (`if err != nil {`)."""
    scope = enclosing_function(node)
    for inner in walk(body):
        if inner.type != "call_expression":
            continue
        function = inner.child_by_field_name("function")
        args = inner.child_by_field_name("arguments")
        if function is None or args is None or _text(ctx, function) not in _GO_FORMATTERS:
            continue
        for arg in args.named_children[1:]:
            if arg.type == "identifier" and _tested_against_nil(ctx, node, _text(ctx, arg)):
                origin = _go_origin(ctx, arg, scope, writer=writer)
                return _graded(ctx, node, f"the error `{_text(ctx, arg)}`", origin, scope)
    return None


def _tested_against_nil(ctx: FileContext, node: Node, name: str) -> bool:
    test = re.compile(rf"\b{re.escape(name)}\s*!=\s*nil\b")
    parent = node.parent
    while parent is not None and parent.type not in FUNCTIONS:
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            if condition is not None and test.search(_text(ctx, condition)):
                return True
        parent = parent.parent
    return False


def _except_names(ctx: FileContext, node: Node) -> set[str] | None:
    """Names bound by the `except ... as` clauses around `node`; None outside any."""
    names: set[str] | None = None
    parent = node.parent
    while parent is not None:
        if parent.type == "except_clause":
            names = names or set()
            for child in parent.named_children:
                if child.type == "as_pattern":
                    alias = child.child_by_field_name("alias")
                    if alias is not None:
                        names.add(_text(ctx, alias).strip())
        parent = parent.parent
    return names


def _python_leaks(ctx: FileContext, expr: Node, names: set[str]) -> str | None:
    for inner in walk(expr):
        if inner.type == "call":
            f = inner.child_by_field_name("function")
            args = inner.child_by_field_name("arguments")
            if (
                f is not None
                and _text(ctx, f) in ("str", "repr", "format_exc", "traceback.format_exc")
                and args is not None
            ):
                if _text(ctx, f).endswith("format_exc"):
                    return "the traceback"
                if any(_text(ctx, a) in names for a in args.named_children):
                    return f"`{_text(ctx, inner)}`"
        if inner.type == "interpolation":
            expression = inner.named_children[0] if inner.named_children else None
            if expression is not None and _text(ctx, expression) in names:
                return f"the exception `{_text(ctx, expression)}`"
        if inner.type == "attribute" and _text(ctx, inner).split(".")[0] in names:
            return f"`{_text(ctx, inner)}`"
    return None


def _python(ctx: FileContext) -> Iterator[Hit]:
    for node in nodes_of(ctx, "call"):
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if function is None or args is None:
            continue
        fname = _text(ctx, function).split(".")[-1]
        if fname not in ("HTTPException", "JSONResponse", "abort", "PlainTextResponse"):
            continue
        names = _except_names(ctx, node)
        if names is None:
            continue
        status = None
        payload = []
        positional = [a for a in args.named_children if a.type != "keyword_argument"]
        for a in args.named_children:
            if a.type == "keyword_argument":
                key = a.child_by_field_name("name")
                value = a.child_by_field_name("value")
                if key is None or value is None:
                    continue
                if _text(ctx, key) in ("status_code", "code", "status"):
                    status = _text(ctx, value)
                elif _text(ctx, key) in ("detail", "content", "description", "message"):
                    payload.append(value)
        if positional:
            first = _text(ctx, positional[0])
            if fname in ("HTTPException", "abort") and status is None:
                status = first
                payload += positional[1:]
            else:
                payload += positional[:1]
        if status is None or not (
            _FIVE_XX.match(status) or "INTERNAL_SERVER_ERROR" in status or "HTTP_50" in status
        ):
            continue
        for value in payload:
            leak = _python_leaks(ctx, value, names)
            if leak:
                yield from _opt(_hit(ctx, node, leak))
                break


def _python_returns(ctx: FileContext) -> Iterator[Hit]:
    """Flask's `return {"error": str(exc)}, 500` and `return jsonify(detail=repr(err)), 503`:
    a (body, status) tuple returned from an `except` clause."""
    for node in nodes_of(ctx, "return_statement"):
        values = [c for c in node.named_children if c.type != "comment"]
        if len(values) == 1 and values[0].type in ("expression_list", "tuple"):
            values = [c for c in values[0].named_children if c.type != "comment"]
        if len(values) < 2:
            continue
        status = _text(ctx, values[1]).strip()
        if not (_FIVE_XX.match(status) or "INTERNAL_SERVER_ERROR" in status):
            continue
        names = _except_names(ctx, node)
        if not names:
            continue
        leak = _python_leaks(ctx, values[0], names)
        if leak:
            yield from _opt(_hit(ctx, node, leak))


def _catch_names(ctx: FileContext, node: Node) -> set[str]:
    names = set()
    parent = node.parent
    while parent is not None:
        if parent.type == "catch_clause":
            param = parent.child_by_field_name("parameter")
            if param is not None:
                names.add(_text(ctx, param))
        if parent.type in ("arrow_function", "function_expression", "function_declaration"):
            params = parent.child_by_field_name("parameters")
            items = params.named_children if params is not None else []
            # Express error handlers: (err, req, res, next)
            if len(items) == 4:
                first = items[0]
                name = first.child_by_field_name("pattern") or first
                names.add(_text(ctx, name).split(":")[0].strip())
        parent = parent.parent
    return names


def _catch_parameters(ctx: FileContext, node: Node) -> set[str]:
    """The names `catch (...)` clauses around the node bind: whatever it is called,
    a catch parameter is the caught error."""
    names = set()
    parent = node.parent
    while parent is not None and parent.type not in FUNCTIONS:
        if parent.type == "catch_clause":
            param = parent.child_by_field_name("parameter")
            if param is not None and param.type == "identifier":
                names.add(_text(ctx, param))
        parent = parent.parent
    return names


def _javascript(ctx: FileContext) -> Iterator[Hit]:
    for node in nodes_of(ctx, "call_expression"):
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            continue
        prop = function.child_by_field_name("property")
        obj = function.child_by_field_name("object")
        if prop is None or obj is None or _text(ctx, prop) not in ("send", "json", "end"):
            continue
        if obj.type != "call_expression":
            continue
        status_fn = obj.child_by_field_name("function")
        status_args = obj.child_by_field_name("arguments")
        if (
            status_fn is None
            or status_args is None
            or not _text(ctx, status_fn).endswith(".status")
        ):
            continue
        codes = status_args.named_children
        if len(codes) != 1 or not _FIVE_XX.match(_text(ctx, codes[0]).strip()):
            continue
        names = _catch_names(ctx, node)
        args = node.child_by_field_name("arguments")
        if args is None or not names:
            continue
        for inner in walk(args):
            text = _text(ctx, inner)
            if (
                inner.type == "member_expression"
                and text.split(".")[0] in names
                and text.rsplit(".", 1)[-1] in ("message", "stack", "toString")
            ):
                yield from _opt(_hit(ctx, node, f"`{text}`"))
                break
            if (
                inner.type in ("identifier", "shorthand_property_identifier")
                and text in names
                and (text in _JS_ERROR_PARAMS or text in _catch_parameters(ctx, node))
            ):
                yield from _opt(_hit(ctx, node, f"the error `{text}`"))
                break


_RUST_5XX = re.compile(
    r"(InternalServerError|ServiceUnavailable|BadGateway|GatewayTimeout|NotImplemented|"
    r"INTERNAL_SERVER_ERROR|SERVICE_UNAVAILABLE|BAD_GATEWAY|GATEWAY_TIMEOUT|NOT_IMPLEMENTED)\b"
)
_RUST_ERROR_HELPERS = re.compile(
    r"(^|::)Error(InternalServerError|ServiceUnavailable|BadGateway|GatewayTimeout|NotImplemented)$"
)


def _rust_error_names(ctx: FileContext, node: Node) -> set[str]:
    """Names that hold an error where `node` is: `Err(e)` patterns and the parameter of
    `map_err(|e| ..)` / `unwrap_or_else(|e| ..)` in the enclosing function."""
    function = enclosing_function(node)
    scope = function
    while scope is not None and scope.type == "closure_expression":
        scope = enclosing_function(scope)
    text = _text(ctx, scope or node)
    names = set(re.findall(r"\bErr\(\s*(?:ref\s+)?(\w+)\s*\)", text))
    names |= set(
        re.findall(
            r"\.(?:map_err|unwrap_or_else|or_else|map_or_else)\(\s*(?:move\s*)?\|\s*(\w+)", text
        )
    )
    return {n for n in names if n != "_"}


def _rust_leak(ctx: FileContext, payload: Node, names: set[str]) -> str | None:
    for inner in walk(payload):
        if inner.type == "identifier" and _text(ctx, inner) in names:
            parent = inner.parent
            # `e.kind()` or `e.status_code()` describes the error without its text
            if parent is not None and parent.type == "field_expression":
                field = parent.child_by_field_name("field")
                if field is not None and _text(ctx, field) not in ("to_string", "message", "msg"):
                    continue
            dot = inner.next_sibling
            method = dot.next_sibling if dot is not None and dot.type == "." else None
            if method is not None and _text(ctx, method) not in ("to_string", "message", "msg"):
                continue  # inside a macro's tokens: `e.kind()`
            return f"the error `{_text(ctx, inner)}`"
        if inner.type == "macro_invocation":
            for m in re.finditer(r"\{(\w+)(:[^}]*)?\}", _text(ctx, inner)):
                if m.group(1) in names:
                    return f"the error `{m.group(1)}`"
    return None


def _rust(ctx: FileContext) -> Iterator[Hit]:
    for node in nodes_of(ctx, "call_expression", "tuple_expression"):
        payload: list[Node] = []
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if function is None or args is None:
                continue
            ftext = _text(ctx, function)
            if _RUST_ERROR_HELPERS.search(ftext):
                payload = list(args.named_children)  # actix: the error's Display is the body
            elif function.type == "field_expression":
                field = function.child_by_field_name("field")
                value = function.child_by_field_name("value")
                if (
                    field is not None
                    and value is not None
                    and _text(ctx, field) in ("body", "json", "text")
                    and value.type == "call_expression"
                    and _RUST_5XX.search(_text(ctx, value.child_by_field_name("function") or value))
                    and "HttpResponse" in _text(ctx, value)
                ):
                    payload = list(args.named_children)
        elif node.type == "tuple_expression":
            items = node.named_children
            if (
                len(items) >= 2
                and _RUST_5XX.search(_text(ctx, items[0]))
                and "StatusCode" in _text(ctx, items[0])
            ):
                payload = items[1:]  # axum: (StatusCode::INTERNAL_SERVER_ERROR, body)
        if not payload:
            continue
        names = _rust_error_names(ctx, node)
        if not names:
            continue
        for item in payload:
            leak = _rust_leak(ctx, item, names)
            if leak:
                yield from _opt(_hit(ctx, node, leak))
                break


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    if ctx.parser == "go":
        yield from _go(ctx)
    elif ctx.parser == "python":
        yield from _python(ctx)
        yield from _python_returns(ctx)
    elif ctx.parser in ("javascript", "typescript", "tsx"):
        yield from _javascript(ctx)
    elif ctx.parser == "rust":
        yield from _rust(ctx)
