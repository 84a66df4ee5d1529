"""Queues that any peer can grow: `unbounded-queue` (Rust).

A `VecDeque` or `Vec` field that a receive path pushes to (a loop over `recv`,
`dgram_recv`, `recv_from`, `read` or `poll`, or a function named for receiving or
handling packets) with no bound is memory a remote peer can fill until the process is
killed (the seed's H1). Bounded when the function compares the field's `len()` before
the push (and drops or refuses), or when the field's type caps itself (`ArrayDeque`,
`heapless::Deque`, `ArrayVec`, a ring buffer). tokio, futures, crossbeam, flume and
async-channel `unbounded` channels whose sender is fed inside such a loop are
reported too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.codeutil import FUNCTIONS, walk
from ztlint.checks.codeutil import text as _text
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_GROW = frozenset({"push_back", "push_front", "push", "extend", "extend_from_slice", "append"})
_RECEIVE_CALLS = re.compile(
    r"\.(dgram_recv|recv|recv_from|try_recv|recv_msg|read|read_buf|try_read|poll|poll_recv|"
    r"next|accept)\s*\("
)
# Functions named for taking data off the network; `received` (past tense) names
# bookkeeping about what arrived, not the receive path.
_RECEIVE_NAMES = re.compile(
    r"(^|_)(recv|receive|on_datagram|handle_datagram|process_datagrams?|on_dgram|dgram_recv)($|_)"
)
_BOUNDED_TYPES = re.compile(
    r"ArrayDeque|heapless::|ArrayVec|Bounded|RingBuffer|ring_buffer|CircularBuffer|LruCache"
)
_UNBOUNDED_CHANNEL = re.compile(r"(^|::)(unbounded_channel|unbounded)$")


def _function(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in ("function_item",):
        parent = parent.parent
    return parent


def _loops(node: Node, stop: Node) -> Iterator[Node]:
    parent = node.parent
    while parent is not None and parent.id != stop.id:
        if parent.type in ("loop_expression", "while_expression", "for_expression"):
            yield parent
        parent = parent.parent


def _receive_path(ctx: FileContext, node: Node, function: Node) -> bool:
    name = function.child_by_field_name("name")
    if name is not None and _RECEIVE_NAMES.search(_text(ctx, name)):
        return True
    return any(_RECEIVE_CALLS.search(_text(ctx, loop)) for loop in _loops(node, function))


def _field_types(ctx: FileContext) -> dict[str, str]:
    types: dict[str, str] = {}
    for node in walk(ctx.tree().root_node):
        if node.type == "field_declaration":
            name = node.child_by_field_name("name")
            kind = node.child_by_field_name("type")
            if name is not None and kind is not None:
                types[_text(ctx, name)] = _text(ctx, kind)
    return types


def _checked_before(ctx: FileContext, function: Node, receiver: str, push: Node) -> bool:
    """`if self.q.len() >= MAX { .. }` (or `is_full()`, `capacity()`) before the push."""
    pattern = re.compile(
        rf"{re.escape(receiver)}\s*\.\s*(len\(\)\s*(<|<=|>|>=|==)|is_full\(\)|capacity\(\))"
        rf"|(<|<=|>|>=|==)\s*{re.escape(receiver)}\s*\.\s*len\(\)"
    )
    head = _text(ctx, function)[: push.start_byte - function.start_byte]
    return pattern.search(head) is not None


def detect(ctx: FileContext) -> Iterator[Hit]:
    types: dict[str, str] | None = None
    for node in walk(ctx.tree().root_node):
        if node.type != "call_expression":
            continue
        function_node = node.child_by_field_name("function")
        if function_node is None:
            continue
        if function_node.type == "field_expression":
            method = function_node.child_by_field_name("field")
            receiver = function_node.child_by_field_name("value")
            if method is None or receiver is None or _text(ctx, method) not in _GROW:
                continue
            rtext = _text(ctx, receiver)
            m = re.fullmatch(r"self\.(\w+)", rtext)
            if not m:
                continue
            function = _function(node)
            if function is None or not _receive_path(ctx, node, function):
                continue
            if types is None:
                types = _field_types(ctx)
            declared = types.get(m.group(1), "")
            if not re.search(r"\b(VecDeque|Vec|LinkedList|BinaryHeap)\b", declared):
                continue
            if _BOUNDED_TYPES.search(declared) or _checked_before(ctx, function, rtext, node):
                continue
            yield Hit(
                span=code.node_span(ctx.source, node),
                message=f"`{rtext}` ({declared}) grows on every message received and nothing "
                "bounds it: a peer can send until the process runs out of memory; check "
                "`len()` against a maximum and drop or refuse",
            )
        elif _UNBOUNDED_CHANNEL.search(_text(ctx, function_node)):
            yield from _channel(ctx, node)


def _channel(ctx: FileContext, call: Node) -> Iterator[Hit]:
    """`let (tx, rx) = unbounded_channel();` with `tx.send(..)` in a receive loop."""
    binding = call.parent
    while (
        binding is not None
        and binding.type not in ("let_declaration",)
        and binding.type not in FUNCTIONS
    ):
        binding = binding.parent
    if binding is None or binding.type != "let_declaration":
        return
    pattern = binding.child_by_field_name("pattern")
    names = [n for n in re.findall(r"\w+", _text(ctx, pattern)) if n != "mut"] if pattern else []
    if not names:
        return
    sender = names[0]  # `let (mut tx, rx) = ..`: the sender comes first
    scope = binding.parent
    while scope is not None and scope.type not in ("function_item", "source_file"):
        scope = scope.parent
    if scope is None:
        return
    for node in walk(scope):
        if node.type != "call_expression":
            continue
        text = _text(ctx, node.child_by_field_name("function") or node)
        if not re.fullmatch(
            rf"{re.escape(sender)}(\.clone\(\))?\.(send|unbounded_send|try_send)", text
        ):
            continue
        loops = [loop for loop in _loops(node, scope) if _RECEIVE_CALLS.search(_text(ctx, loop))]
        if loops:
            yield Hit(
                span=code.node_span(ctx.source, call),
                message=f"an unbounded channel is fed from a receive loop (line "
                f"{node.start_point[0] + 1}): a fast peer fills it without limit; use a "
                "bounded channel and apply back-pressure or drop",
            )
            return
