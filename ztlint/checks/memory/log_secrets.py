"""Secrets and topology written to logs: `sensitive-data-logged`.

Logs are copied to collectors, tickets and laptops, and kept for months; a token or a
password written there is a credential handed to everyone who can read them. Reported
(high): a logging or print call in any language whose arguments carry a secret by
name (`token`, `password`, `api_key`, `client_secret`, `private_key`, `authorization`,
an `Authorization` header read) directly or interpolated, not merely its length, a
boolean about it or a masked form.

With the rule option `topology: true` (off by default, low), peer addresses, routes
and upstream lists logged at info level or above are reported too (the seed's I1):
useful on a gateway whose logs leave the host.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.auth.timing import SECRET_HEADERS, secret_name, words
from ztlint.checks.codeutil import STRINGS, walk
from ztlint.checks.codeutil import text as _text
from ztlint.model import Severity
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_RUST_MACROS = re.compile(
    r"^(\w+::)*(trace|debug|info|warn|error|println|eprintln|print|eprint|dbg|log)$"
)
_LEVEL_AT_LEAST_INFO = re.compile(
    r"(^|[.:])(info|warn|warning|error|critical|fatal|Info|Infof|Warn|Warnf|Error|Errorf|Fatal|Fatalf|Print|Printf|Println|log|println|print)$"
)
_CALL_LOGGERS = re.compile(
    r"^(print|console\.(log|info|warn|error|debug|trace)|"
    r"(\w+\.)*(log|logger|logging|LOG|LOGGER|_log|_logger|slog|klog|glog|logrus|zap|sugar|l)\.\w+|"
    r"log\.(Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf)|"
    r"fmt\.(Print|Printf|Println)|NSLog|os_log|debugPrint)$"
)
_MASKED = re.compile(
    r"(?i)mask|redact|hash|digest|fingerprint|len|length|count|is_|has_|bool|prefix|suffix|type|last4|sha|hint"
)
_TOPOLOGY_WORDS = frozenset(
    {
        "addr",
        "address",
        "peer",
        "remote",
        "route",
        "routes",
        "upstream",
        "upstreams",
        "endpoint",
        "endpoints",
        "ip",
        "socket",
    }
)


def _logger_calls(ctx: FileContext) -> Iterator[tuple[Node, str, list[Node]]]:
    """(call, logger name, argument nodes) for every logging call."""
    for node in walk(ctx.tree().root_node):
        if node.type == "macro_invocation" and ctx.parser == "rust":
            name = node.child_by_field_name("macro") or (
                node.named_children[0] if node.named_children else None
            )
            if name is not None and _RUST_MACROS.match(_text(ctx, name)):
                tokens = [c for c in node.named_children if c.type == "token_tree"]
                yield node, _text(ctx, name), tokens
        elif node.type in ("call_expression", "call"):
            function = node.child_by_field_name("function") or (
                node.named_children[0] if node.named_children else None
            )
            if function is None:
                continue
            called = _text(ctx, function)
            if _CALL_LOGGERS.match(called):
                args = node.child_by_field_name("arguments")
                if args is None and ctx.parser == "swift":
                    args = next((c for c in node.named_children if c.type == "call_suffix"), None)
                yield node, called, [args] if args is not None else []


def _mio_tokens(ctx: FileContext) -> bool:
    return ctx.parser == "rust" and bool(
        re.search(r"\bmio::(\{[^}]*\b)?Token\b|\bToken\(\s*\w+\s*\)|:\s*Token\b", ctx.text)
    )


def _secret_in(ctx: FileContext, arg: Node, mio_tokens: bool = False) -> str | None:
    """The secret an argument carries: an identifier or field named as a secret, a
    header read of Authorization, or an interpolation of either."""
    for inner in walk(arg):
        kind = inner.type
        if kind in STRINGS:
            text = _text(ctx, inner)
            for m in re.finditer(
                r"\{([A-Za-z_][\w.]*)(:[^}]*)?\}|\$\{([A-Za-z_][\w.]*)\}|\\\(([A-Za-z_][\w.]*)\)",
                text,
            ):
                name = next(g for g in (m.group(1), m.group(3), m.group(4)) if g)
                last = name.split(".")[-1]
                if secret_name(last) and not (mio_tokens and words(last)[-1] == "token"):
                    return name
            if (
                SECRET_HEADERS.match(text.strip("\"'`"))
                and inner.parent is not None
                and inner.parent.type
                in ("arguments", "argument_list", "subscript", "index_expression", "token_tree")
            ):
                parent_text = _text(ctx, inner.parent.parent or inner.parent)
                if re.search(r"(?i)header|get\(|\[", parent_text):
                    return text.strip("\"'`")
            continue
        if kind in ("identifier", "field_identifier", "property_identifier", "simple_identifier"):
            name = _text(ctx, inner)
            if not secret_name(name) or name[:1].isupper():
                continue  # `SessionToken` is a type, not a value
            if mio_tokens and words(name)[-1] == "token":
                continue  # a mio `Token` names an event-loop slot
            parent = inner.parent
            # len(token), token.len(), token is None, mask(token), `token=` keyword name
            context = (
                _text(ctx, parent.parent)
                if parent is not None and parent.parent is not None
                else ""
            )
            if (
                parent is not None
                and parent.type == "keyword_argument"
                and parent.child_by_field_name("name") == inner
            ):
                continue
            if _MASKED.search(context.split(name)[0][-24:]) or re.search(
                rf"{re.escape(name)}\s*(\.|\?\.)\s*(len|length|count|is_empty|isEmpty|is_some|is_none)\b|{re.escape(name)}\s+is\s+(not\s+)?None|{re.escape(name)}\s*[!=]=",
                context,
            ):
                continue
            if (
                parent is not None
                and parent.type in ("call", "call_expression")
                and parent.child_by_field_name("function") == inner
            ):
                continue  # calling a function named like a secret
            return name
    return None


def _topology(ctx: FileContext, name: str, args: list[Node]) -> str | None:
    if not _LEVEL_AT_LEAST_INFO.search(name) or re.search(r"(?i)debug|trace", name):
        return None
    for arg in args:
        for inner in walk(arg):
            if inner.type in ("identifier", "field_identifier", "property_identifier"):
                ws = words(_text(ctx, inner))
                if ws and ws[-1] in _TOPOLOGY_WORDS:
                    return _text(ctx, inner)
    return None


def detect(ctx: FileContext) -> Iterator[Hit]:
    topology = bool(ctx.options.get("topology", False)) if ctx.options else False
    mio_tokens = _mio_tokens(ctx)
    for call, name, args in _logger_calls(ctx):
        secret = next((s for s in (_secret_in(ctx, a, mio_tokens) for a in args) if s), None)
        if secret:
            shown = secret if len(secret) <= 40 else secret[:37] + "..."
            yield Hit(
                span=code.node_span(ctx.source, call),
                message=f"`{shown}` is written to the log by `{name}`: anyone who reads the logs "
                "gets the credential; log that it is present, or a masked form",
            )
        elif topology:
            peer = _topology(ctx, name, args)
            if peer:
                yield Hit(
                    span=code.node_span(ctx.source, call),
                    message=f"`{peer}` (network topology) is logged at info level or above; keep "
                    "addresses and routes at debug on hosts whose logs leave the machine",
                    severity=Severity.LOW,
                )
