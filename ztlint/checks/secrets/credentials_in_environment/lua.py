"""Envoy Lua filters that read credentials from the environment (`os.getenv`), inline
(`inline_code`, `default_source_code`) or in `.lua` files: the credentials then sit in
Envoy's environment, visible to anything that can read its process (the seed's
STATIC_CREDENTIALS). A `.lua` file is Envoy's filter when it defines an entry point
Envoy calls (`envoy_on_request`, `envoy_on_response`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import QueryCursor

from ztlint.checks import envoy
from ztlint.model import Span
from ztlint.parsers import code
from ztlint.parsers.data import Mapping, Scalar, walk
from ztlint.rule import FileContext, Hit
from ztlint.semantics.credentials import is_credential_name
from ztlint.source import SourceText

_QUERY = """
((function_call
   name: (dot_index_expression table: (identifier) @t field: (identifier) @f)
   arguments: (arguments . (string content: (string_content) @var))) @call
 (#eq? @t "os")
 (#eq? @f "getenv"))
"""


def _reads(src: SourceText) -> Iterator[tuple[str, Span]]:
    query = code.compile_query("lua", _QUERY)
    tree = code.parse("lua", src)
    for _, captures in QueryCursor(query).matches(tree.root_node):
        name = code.node_text(src, captures["var"][0])
        if is_credential_name(name, env=True):
            yield name, code.node_span(src, captures["call"][0])


def _hit(name: str, span: Span) -> Hit:
    return Hit(
        span=span,
        message=f"Lua filter reads credential {name} from Envoy's environment",
        value=name,
    )


# Envoy calls a Lua filter's script through these entry points; a `.lua` file without
# one is some other program (a test runner, a Kong plugin's helper), not Envoy's filter.
_ENTRY_POINTS = re.compile(r"\bfunction\s+envoy_on_(?:request|response)\b")


def detect_lua_file(ctx: FileContext) -> Iterator[Hit]:
    if _ENTRY_POINTS.search(ctx.text) is None:
        return
    for name, span in _reads(ctx.source):
        yield _hit(name, span)


def detect_lua_inline(ctx: FileContext) -> Iterator[Hit]:
    for doc in envoy.documents(ctx):
        for node, _ in walk(doc.root):
            if not isinstance(node, Mapping):
                continue
            for key in ("inline_code", "default_source_code"):
                value = node.get(key)
                if isinstance(value, Mapping):
                    value = value.get("inline_string")
                if not isinstance(value, Scalar) or "getenv" not in value.value:
                    continue
                block = value.span.end_line > value.span.start_line  # inline Lua is a `|` block
                for name, span in _reads(SourceText(value.value)):
                    if not block:
                        yield doc.hit(_hit(name, value.span))
                        continue
                    line_in_doc = value.span.start_line + span.start_line
                    row = doc.remap(Span(line_in_doc, 1, line_in_doc, 1)).start_line
                    col = ctx.source.line(row).find("os.getenv") + 1 or 1
                    yield _hit(name, Span(row, col, row, col + len("os.getenv")))
