"""Go programs that expose net/http/pprof beyond loopback: importing the package
registers its handlers on http.DefaultServeMux, so `http.ListenAndServe(":6060", nil)`
serves heap dumps, goroutine stacks and CPU profiles to anyone who can reach the port."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import QueryCursor

from ztlint.model import Confidence, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_IMPORT = re.compile(r'"net/http/pprof"')
_QUERY = """
((call_expression
   function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn)
   arguments: (argument_list . (_) @addr . (nil))) @call
 (#eq? @pkg "http")
 (#any-of? @fn "ListenAndServe" "ListenAndServeTLS"))
"""


def _loopback(addr: str) -> bool:
    host = addr.strip('"`').rsplit(":", 1)[0].strip("[]")
    return host in ("localhost", "::1") or host.startswith("127.")


def detect(ctx: FileContext) -> Iterator[Hit]:
    if not _IMPORT.search(ctx.text):
        return
    query = code.compile_query("go", _QUERY)
    for _, captures in QueryCursor(query).matches(ctx.tree().root_node):
        addr = captures["addr"][0]
        text = code.node_text(ctx.source, addr)
        literal = addr.type in ("interpreted_string_literal", "raw_string_literal")
        if literal and _loopback(text):
            continue
        yield Hit(
            span=code.node_span(ctx.source, captures["call"][0]),
            message=f"net/http/pprof is served on {text if literal else 'a configured address'} through the default mux",
            severity=None if literal else Severity.MEDIUM,
            confidence=None if literal else Confidence.LOW,
        )
