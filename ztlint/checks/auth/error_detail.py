"""Internal error text sent to the client with a server-error status.

A 5xx response that carries `err.Error()`, `str(e)` or `err.message` hands the caller
whatever the failing layer put in its message: SQL fragments, file paths, internal host
names, sometimes a credential in a connection string. Only server errors are reported:
a 4xx that says why the input was rejected is the point of a 4xx. The error must come
from the code (Go's `.Error()`, the variable of an `except ... as e` or a `catch (e)`,
an Express error handler's first parameter), not a fixed message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.codeutil import enclosing_function, nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_GO_5XX = re.compile(
    r"^(http\.Status(InternalServerError|NotImplemented|BadGateway|ServiceUnavailable|GatewayTimeout)|5\d\d)$"
)
_FIVE_XX = re.compile(r"^5\d\d$")
_JS_ERROR_PARAMS = frozenset({"err", "error", "e", "ex", "exc"})


def _hit(ctx: FileContext, node: Node, what: str) -> Hit:
    return Hit(
        span=code.node_span(ctx.source, node),
        message=f"{what} is sent to the client in a server-error response; log it and send a generic message",
    )


def _go(ctx: FileContext) -> Iterator[Hit]:
    for node in nodes_of(ctx, "call_expression"):
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if function is None or args is None or _text(ctx, function) != "http.Error":
            continue
        items = args.named_children
        if len(items) != 3 or not _GO_5XX.match(_text(ctx, items[2]).strip()):
            continue
        for inner in walk(items[1]):
            if inner.type == "call_expression":
                f = inner.child_by_field_name("function")
                if f is not None and _text(ctx, f).endswith(".Error"):
                    yield _hit(ctx, node, f"`{_text(ctx, f)}()`")
                    break


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
                yield _hit(ctx, node, leak)
                break


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
                yield _hit(ctx, node, f"`{text}`")
                break
            if (
                inner.type in ("identifier", "shorthand_property_identifier")
                and text in names
                and text in _JS_ERROR_PARAMS
            ):
                yield _hit(ctx, node, f"the error `{text}`")
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
                yield _hit(ctx, node, leak)
                break


def detect(ctx: FileContext) -> Iterator[Hit]:
    if ctx.parser == "go":
        yield from _go(ctx)
    elif ctx.parser == "python":
        yield from _python(ctx)
    elif ctx.parser in ("javascript", "typescript", "tsx"):
        yield from _javascript(ctx)
    elif ctx.parser == "rust":
        yield from _rust(ctx)
