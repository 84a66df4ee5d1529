"""CORS policies in application code that let any site make credentialed requests.

The severity follows what each library sends, not how the setting reads:

- Starlette/FastAPI `CORSMiddleware(allow_origins=["*"], allow_credentials=True)`
  answers a request that carries cookies with the request's own origin; Flask-CORS with
  `supports_credentials=True` and its default `origins="*"` does the same; rs/cors with
  `AllowedOrigins: {"*"}` and `AllowCredentials` echoes the origin; Express `cors()` with
  `origin: true`, an all-accepting callback or a `.*` regex reflects it. Any site can
  then read the user's data: high.
- Express `cors({origin: "*", credentials: true})` and gin-contrib `AllowAllOrigins`
  send a literal `*`, which browsers refuse together with credentials: broken, not
  exploitable, low.
- An origin list the code does not spell out, with `allow_methods=["*"]` and
  `allow_headers=["*"]` and credentials (the seed's B12): medium.
- Hand-written headers: `Access-Control-Allow-Origin` set to the request's `Origin`
  with `Access-Control-Allow-Credentials: true` and no check of the origin in the same
  function is high; a literal `*` with credentials is low.

Over 400 lines: one detector for six languages and their frameworks' CORS
settings; the judgement of origin and credentials is shared by all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import (
    FUNCTIONS,
    calls,
    enclosing_function,
    hit,
    keyed,
    literal_value,
    nodes_of,
    strings,
    walk,
)
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics.placeholder import is_local_host

_ANY_REGEX = re.compile(r"^\^?(https?:?/?/?)?\(?\.[*+]\)?\$?$")
_CALLS = frozenset({"call", "call_expression"})
_ACAO = "access-control-allow-origin"
_ACAC = "access-control-allow-credentials"


def _value(ctx: FileContext, node: Node | None) -> Node | None:
    """The expression a setting's value was computed from, through the names it was
    bound to (`ORIGINS = ["*"]` at module level, `const corsOptions = {...}`)."""
    if node is None or not semantics.supported(ctx):
        return node
    value, key = semantics.of(ctx).value_of(node)
    return node if key is not None else value


def _strings_in(ctx: FileContext, node: Node) -> list[str]:
    node = _value(ctx, node) or node
    return [
        v
        for n in walk(node)
        if n.type
        in ("string", "interpreted_string_literal", "raw_string_literal", "template_string")
        and (v := literal_value(ctx, n)) is not None
    ]


def _is_true(ctx: FileContext, node: Node | None) -> bool:
    if node is None:
        return False
    if _text(ctx, node).strip() in ("True", "true"):
        return True
    if not semantics.supported(ctx):
        return False
    found = semantics.of(ctx).const(node)
    return found is not None and found.truthy


def _all_star(ctx: FileContext, node: Node | None) -> bool:
    return node is not None and "*" in _strings_in(ctx, node)


def _loopback_origins(ctx: FileContext, node: Node | None) -> bool:
    """The allowed origins are written out and each is a loopback address
    (`["http://localhost:8080"]`): a developer's own front end, not a site on the web."""
    origins = _strings_in(ctx, node) if node is not None else []
    return bool(origins) and all(
        (m := _ORIGIN.fullmatch(o.strip())) is not None and is_local_host(m.group(1))
        for o in origins
    )


_ORIGIN = re.compile(r"https?://(\[[0-9a-fA-F:]+\]|[\w.-]+)(?::\d+)?/?")


def _any_regex(ctx: FileContext, node: Node | None) -> bool:
    node = _value(ctx, node)
    if node is None:
        return False
    if node.type == "regex":
        pattern = node.child_by_field_name("pattern")
        return pattern is not None and bool(_ANY_REGEX.match(_text(ctx, pattern)))
    return any(_ANY_REGEX.match(s) for s in _strings_in(ctx, node))


def _accepts_all(ctx: FileContext, node: Node | None) -> bool:
    """A callback that accepts every origin: `(o, cb) => cb(null, true)`, a Go
    `func(origin string) bool { return true }`, `lambda o: True`; a function declared
    in the file and passed by name."""
    node = _value(ctx, node)
    if node is not None and node.type in semantics.NAMES and semantics.supported(ctx):
        declared = semantics.of(ctx).functions(_text(ctx, node))
        node = declared[0] if len(declared) == 1 else node
    if node is None or node.type not in FUNCTIONS:
        return False
    body = node.child_by_field_name("body")
    if body is None:
        return False
    text = " ".join(_text(ctx, body).split())
    return bool(
        re.fullmatch(r"\{?\s*(return\s+)?true;?\s*\}?", text)
        or re.fullmatch(r"\{?\s*(return\s+)?\w+\(\s*null\s*,\s*true\s*\);?\s*\}?", text)
        or text == "True"
    )


# -- Python: Starlette/FastAPI and Flask-CORS ------------------------------------------


def _python(ctx: FileContext) -> Iterator[Hit]:
    flask_cors = "flask_cors" in ctx.text
    for node, callee, args in calls(ctx):
        name = callee.split(".")[-1]
        positional = [
            a for a in args.named_children if a.type not in ("keyword_argument", "comment")
        ]
        kw = keyed(ctx, args, "keyword_argument", "name", "value")
        starlette = name == "CORSMiddleware" or (
            name in ("add_middleware", "Middleware")
            and positional
            and _text(ctx, positional[0]).split(".")[-1] == "CORSMiddleware"
        )
        if starlette:
            if not _is_true(ctx, kw.get("allow_credentials")):
                continue
            if _all_star(ctx, kw.get("allow_origins")) or _any_regex(
                ctx, kw.get("allow_origin_regex")
            ):
                yield hit(
                    ctx,
                    node,
                    "CORSMiddleware allows any origin with allow_credentials=True: Starlette "
                    "answers credentialed requests with the caller's own origin, so any site "
                    "can read responses with the user's cookies",
                    Severity.HIGH,
                )
            elif _all_star(ctx, kw.get("allow_methods")) and _all_star(
                ctx, kw.get("allow_headers")
            ):
                found = hit(
                    ctx,
                    node,
                    "CORSMiddleware allows every method and header with allow_credentials=True; "
                    "list the methods and headers the frontend uses",
                    Severity.MEDIUM,
                )
                if _loopback_origins(ctx, kw.get("allow_origins")):
                    # Shown at the pedantic level: only a developer's local front end.
                    found = replace(
                        found,
                        confidence=Confidence.MEDIUM,
                        message=found.message + " (its origins are only the loopback's)",
                    )
                yield found
        elif flask_cors and name in ("CORS", "cross_origin"):
            if not _is_true(ctx, kw.get("supports_credentials")):
                continue
            origins = kw.get("origins")
            resources = kw.get("resources")
            wildcard = (
                (origins is None and (resources is None or "origins" not in _text(ctx, resources)))
                or _all_star(ctx, origins)
                or _any_regex(ctx, origins)
                or (
                    resources is not None
                    and re.search(
                        r"""["']origins["']\s*:\s*["'](\*|\.\*)["']""", _text(ctx, resources)
                    )
                    is not None
                )
            )
            if wildcard:
                yield hit(
                    ctx,
                    node,
                    f"{name}() allows any origin with supports_credentials=True: Flask-CORS "
                    "echoes the caller's origin, so any site can read responses with the "
                    "user's cookies",
                    Severity.HIGH,
                )


# -- Go: rs/cors and gin-contrib/cors --------------------------------------------------


def _go_fields(ctx: FileContext, literal: Node) -> dict[str, Node]:
    body = literal.child_by_field_name("body")
    out: dict[str, Node] = {}
    for element in body.named_children if body is not None else []:
        if element.type != "keyed_element" or len(element.named_children) < 2:
            continue
        key, value = element.named_children[0], element.named_children[-1]
        if value.type == "literal_element" and value.named_children:
            value = value.named_children[0]
        out[_text(ctx, key).strip()] = value
    return out


def _go(ctx: FileContext) -> Iterator[Hit]:
    imports = semantics.of(ctx).imports
    packages = {
        alias: path
        for alias, path in imports.items()
        if path in ("github.com/rs/cors", "github.com/gin-contrib/cors")
    }
    if packages:
        for node in nodes_of(ctx, "composite_literal"):
            kind = node.child_by_field_name("type")
            pkg, _, type_name = (_text(ctx, kind) if kind is not None else "").partition(".")
            path = packages.get(pkg)
            if path is None or type_name not in ("Options", "Config"):
                continue
            fields = _go_fields(ctx, node)
            if not _is_true(ctx, fields.get("AllowCredentials")):
                continue
            funcs = [
                fields.get(f)
                for f in (
                    "AllowOriginFunc",
                    "AllowOriginRequestFunc",
                    "AllowOriginVaryRequestFunc",
                    "AllowOriginWithContextFunc",
                )
            ]
            if any(_accepts_all(ctx, f) for f in funcs):
                yield hit(
                    ctx,
                    node,
                    "the CORS origin function accepts every origin with AllowCredentials: the "
                    "caller's origin is echoed, so any site can make credentialed requests",
                    Severity.HIGH,
                )
            elif path == "github.com/rs/cors" and _all_star(ctx, fields.get("AllowedOrigins")):
                yield hit(
                    ctx,
                    node,
                    'rs/cors with AllowedOrigins "*" and AllowCredentials echoes the caller\'s '
                    "origin, so any site can make credentialed requests",
                    Severity.HIGH,
                )
            elif path == "github.com/gin-contrib/cors" and (
                _is_true(ctx, fields.get("AllowAllOrigins"))
                or _all_star(ctx, fields.get("AllowOrigins"))
            ):
                yield _broken(
                    hit(
                        ctx,
                        node,
                        "gin-contrib/cors allows all origins with AllowCredentials: it sends a "
                        "literal `*`, which browsers refuse with credentials (broken, not exploitable)",
                        Severity.LOW,
                    )
                )


def _broken(found: Hit) -> Hit:
    """A literal `*` sent with credentials: browsers refuse the response, so nothing is
    exposed; a bug, not a security problem (shown with `--min-confidence medium`)."""
    return replace(found, confidence=Confidence.MEDIUM)


# -- JavaScript and TypeScript: the cors package and kin -------------------------------


def _javascript(ctx: FileContext) -> Iterator[Hit]:
    for node, callee, args in calls(ctx):
        name = callee.split(".")[-1]
        if name not in ("cors", "enableCors", "register", "use"):
            continue
        options = [
            value
            for a in args.named_children
            if (value := _value(ctx, a)) is not None and value.type == "object"
        ]
        if not options:
            continue
        pairs = keyed(ctx, options[-1], "pair", "key", "value")
        if not _is_true(ctx, pairs.get("credentials")):
            continue
        if name in ("register", "use") and "cors" not in _text(ctx, args).lower():
            continue
        origin = pairs.get("origin")
        if origin is not None and (
            _is_true(ctx, origin) or _any_regex(ctx, origin) or _accepts_all(ctx, origin)
        ):
            yield hit(
                ctx,
                node,
                "the CORS origin option accepts every origin with credentials: the caller's "
                "origin is echoed, so any site can make credentialed requests",
                Severity.HIGH,
            )
        elif (origin is None and name == "cors") or _all_star(ctx, origin):
            yield _broken(
                hit(
                    ctx,
                    node,
                    "CORS allows origin `*` with credentials: a literal `*` is sent, which browsers "
                    "refuse with credentials (broken, not exploitable)",
                    Severity.LOW,
                )
            )


# -- Hand-written headers, any language ------------------------------------------------


def _header_value(ctx: FileContext, literal: Node) -> Node | None:
    """The value a header-name literal is set to: `Set("ACAO", v)`, `h["ACAO"] = v`,
    `{"ACAO": v}`."""
    parent = literal.parent
    if parent is None:
        return None
    if parent.type in ("argument_list", "arguments"):
        items = [c for c in parent.named_children if c.type not in ("comment",)]
        index = next((i for i, c in enumerate(items) if c.id == literal.id), -1)
        return items[index + 1] if 0 <= index < len(items) - 1 else None
    if parent.type in ("pair", "keyed_element", "dictionary"):
        value = parent.child_by_field_name("value") or (
            parent.named_children[-1] if parent.named_children[-1].id != literal.id else None
        )
        return value
    if parent.type in ("subscript", "index_expression", "subscript_expression"):
        assignment = parent.parent
        if assignment is not None and assignment.type in ("assignment", "assignment_expression"):
            return assignment.child_by_field_name("right")
    return None


def _reflects(ctx: FileContext, value: Node) -> bool:
    text = _text(ctx, value)
    return bool(re.search(r"(?i)\borigin\b|[\"']origin[\"']|HTTP_ORIGIN", text)) and not re.search(
        r"(?i)allowed|whitelist|allowlist|trusted|config|settings", text
    )


_NULL_TESTS = re.compile(
    r"""(?i)(!==?|==?|is\s+not|is)\s*(null|nil|none|undefined|""|''|"null"|'null')|"""
    r"""(null|nil|none|undefined|""|'')\s*(!==?|==?)"""
)
_ALLOW_TEST = re.compile(
    r"(?i)\bin\b|includes|contains|match|test\(|allow|whitelist|trusted|valid|permit|==|"
    r"has_?suffix|has_?prefix|ends_?with|starts_?with|\bhas\(|\.get\("
)


def _origin_checked(ctx: FileContext, scope: Node) -> bool:
    """Whether the function compares the origin with something before echoing it; a
    test that the origin is merely present (`if origin`, `origin != ""`) is no check."""
    for node in walk(scope):
        if node.type in (
            "if_statement",
            "if_expression",
            "conditional_expression",
            "ternary_expression",
            "match_expression",
            "switch_statement",
            "expression_switch_statement",
        ):
            condition = node.child_by_field_name("condition") or node.child_by_field_name("value")
            if condition is None:
                continue
            rest = _NULL_TESTS.sub(" ", _text(ctx, condition))
            if re.search(r"(?i)origin", rest) and _ALLOW_TEST.search(rest):
                return True
    return False


_BRANCHES = frozenset({"if_statement", "if_expression", "if_clause"})


def _exclusive(a: Node, b: Node) -> bool:
    """`a` and `b` sit in different arms of the same if/else: one runs, not both."""
    child, node = a, a.parent
    while node is not None:
        if node.type in _BRANCHES and node.start_byte <= b.start_byte < node.end_byte:
            arms = [
                *node.children_by_field_name("consequence"),
                *node.children_by_field_name("alternative"),
            ]
            arm_a = next((c for c in arms if c.start_byte <= child.start_byte < c.end_byte), None)
            arm_b = next((c for c in arms if c.start_byte <= b.start_byte < c.end_byte), None)
            return arm_a is not None and arm_b is not None and arm_a.id != arm_b.id
        child, node = node, node.parent
    return False


# A function setting the credentials header more often than this is not judged arm by
# arm (it is reported), so a hostile file costs no more than a few walks per header.
_MAX_CREDENTIAL_SETS = 16


def _hand_written(ctx: FileContext) -> Iterator[Hit]:
    all_credentials: list[Node] | None = None
    for node, value in strings(ctx):
        if value.lower() != _ACAO:
            continue
        header_value = _header_value(ctx, node)
        if header_value is None:
            continue
        scope = enclosing_function(node) or ctx.tree().root_node
        scope_text = _text(ctx, scope).lower()
        if _ACAC not in scope_text or not re.search(
            r"access-control-allow-credentials[\"'`]\s*[,:\]=)]*\s*[\"'`]?true", scope_text
        ):
            continue
        if all_credentials is None:
            all_credentials = [n for n, v in strings(ctx) if v.lower() == _ACAC]
        credentials = [
            n for n in all_credentials if scope.start_byte <= n.start_byte < scope.end_byte
        ]
        if 0 < len(credentials) <= _MAX_CREDENTIAL_SETS and all(
            _exclusive(node, other) for other in credentials
        ):
            continue  # credentials only in the other arm of an if/else: never sent together
        shown = literal_value(ctx, header_value)
        if shown == "*":
            yield _broken(
                hit(
                    ctx,
                    header_value,
                    "Access-Control-Allow-Origin `*` is sent with credentials, which browsers "
                    "refuse (broken, not exploitable)",
                    Severity.LOW,
                )
            )
        elif shown is None and _reflects(ctx, header_value) and not _origin_checked(ctx, scope):
            yield hit(
                ctx,
                header_value,
                "Access-Control-Allow-Origin echoes the request's Origin with credentials and "
                "no check of the origin: any site can make credentialed requests",
                Severity.HIGH,
            )


def _rust_chain_top(node: Node) -> Node:
    """The outermost call of a builder chain: `Cors::default().allow_any_origin()...`."""
    while node.parent is not None and node.parent.type in ("field_expression", "call_expression"):
        node = node.parent
    return node


def _rust(ctx: FileContext) -> Iterator[Hit]:
    """actix-cors and tower-http builders.

    actix-cors echoes the request's origin for `allow_any_origin()` unless
    `send_wildcard()` is set, and `Cors::permissive()` allows credentials too; tower-http's
    `CorsLayer::very_permissive()` mirrors the origin with credentials, as does
    `AllowOrigin::mirror_request()` or an accept-all predicate next to
    `allow_credentials(true)`. tower-http refuses `Any` with credentials at start-up,
    so that is not reported."""
    seen: set[int] = set()
    for node in nodes_of(ctx, "call_expression"):
        function = node.child_by_field_name("function")
        if function is None:
            continue
        ftext = _text(ctx, function)
        tail = re.split(r"[.:]+", ftext)[-1]
        if tail not in (
            "permissive",
            "very_permissive",
            "allow_any_origin",
            "mirror_request",
            "predicate",
        ):
            continue
        top = _rust_chain_top(node)
        # a layer built in steps: `let cors = CorsLayer::new(); ... cors.allow_credentials(true)`
        scope = enclosing_function(node) or ctx.tree().root_node
        chain, context = _text(ctx, top), _text(ctx, scope)
        credentials = re.search(
            r"allow_credentials\(\s*true\s*\)|supports_credentials\(\)", context
        )
        message = None
        if re.search(r"(^|[^\w])Cors::permissive$", ftext):
            message = "Cors::permissive() answers every origin and allows credentials"
        elif ftext.endswith("CorsLayer::very_permissive"):
            message = "CorsLayer::very_permissive() mirrors every origin and allows credentials"
        elif tail == "allow_any_origin" and credentials and "send_wildcard" not in chain:
            message = "allow_any_origin() with supports_credentials() echoes every origin with credentials"
        elif tail == "mirror_request" and credentials:
            message = "AllowOrigin::mirror_request() with allow_credentials(true) echoes every origin with credentials"
        elif tail == "predicate" and credentials:
            args = node.child_by_field_name("arguments")
            body = re.sub(r"\s+", "", _text(ctx, args)) if args is not None else ""
            if re.fullmatch(r"\(\|[^|]*\|(true|\{true\})\)", body):
                message = "an origin predicate that accepts all, with allow_credentials(true)"
        line = code.node_span(ctx.source, node).start_line  # not a tree-sitter row
        if message and line not in seen:
            seen.add(line)
            field = (
                function.child_by_field_name("field")
                if function.type == "field_expression"
                else None
            )
            yield hit(
                ctx,
                field or node,
                f"{message}: any site can make credentialed requests",
                Severity.HIGH,
            )


def detect(ctx: FileContext) -> Iterator[Hit]:
    if ctx.parser == "python":
        yield from _python(ctx)
    elif ctx.parser == "go":
        yield from _go(ctx)
    elif ctx.parser in ("javascript", "typescript", "tsx"):
        yield from _javascript(ctx)
    elif ctx.parser == "rust":
        yield from _rust(ctx)
    if "ccess-control-allow-origin" in ctx.text.lower():
        yield from _hand_written(ctx)
