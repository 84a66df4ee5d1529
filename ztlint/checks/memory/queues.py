"""Queues that any peer can grow: `unbounded-queue` (Rust).

A `VecDeque` or `Vec` field that keeps what a peer sent (the seed's H1) with no bound
is memory a remote peer can fill until the process is killed. Reported: a push
(`push_back`, `push`, `extend`, ...) of a value built from received data, either in a
loop around a network read (`recv_from(&mut buf)`, `dgram_recv`, `read`, `poll_recv`,
an awaited stream `next()`) or in a function named for receiving that takes the message
(`on_datagram(&mut self, packet: &[u8])`). Bounded when the function compares the
field's `len()` before the push, or when the field's type caps itself (`ArrayDeque`,
`heapless::Deque`, `ArrayVec`, a ring buffer). tokio, futures, crossbeam, flume and
async-channel `unbounded` channels fed with received data inside such a loop are
reported too. Channel receives (`rx.recv()`) and accept loops are not network reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.codeutil import FUNCTIONS, nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_GROW = frozenset({"push_back", "push_front", "push", "extend", "extend_from_slice", "append"})
# A network read: a socket, QUIC or stream read that fills a buffer, or an awaited
# `next()` on a stream that is not a channel. `accept` is left out (each accepted entry
# owns a file descriptor, so the descriptor limit bounds the queue), and so are argument-
# less `recv()`s: that is a channel (tokio, std, crossbeam, broadcast) carrying what the
# process itself produced, not what a peer sent.
_RECEIVE_METHODS = frozenset(
    {"dgram_recv", "recv", "recv_from", "try_recv", "recv_msg", "read", "read_buf", "try_read",
     "poll_recv", "read_datagram", "recv_datagram"}
)  # fmt: skip
_CHANNEL_NAME = re.compile(r"^(rx|\w+_rx|receiver|\w+_receiver|chan|channel|\w+_chan(nel)?)$")
_PATTERN_WORDS = frozenset({"mut", "ref", "self"})
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


# A receive handler takes the message: bytes, a packet, a datagram, a frame.
_MESSAGE_TYPE = re.compile(
    r"\[u8\]|\bBytes(Mut)?\b|Vec<u8>|Packet|Datagram|Dgram|Message|Frame|Payload"
)
_MESSAGE_NAME = re.compile(
    r"^(packet|pkt|datagram|dgram|buf|buffer|bytes|msg|message|frame|payload|data)$"
)


def _names(ctx: FileContext, node: Node) -> set[str]:
    return {
        _text(ctx, n) for n in walk(node) if n.type == "identifier" and _text(ctx, n)[:1].islower()
    } - _PATTERN_WORDS


def _network_read(ctx: FileContext, call: Node) -> bool:
    function = call.child_by_field_name("function")
    if function is None or function.type != "field_expression":
        return False
    method, receiver = function.child_by_field_name("field"), function.child_by_field_name("value")
    if method is None or receiver is None:
        return False
    name = _text(ctx, method)
    args = call.child_by_field_name("arguments")
    has_args = args is not None and bool(args.named_children)
    if name == "next":
        awaited = call.parent is not None and call.parent.type == "await_expression"
        last = _text(ctx, receiver).split(".")[-1]
        return awaited and not _CHANNEL_NAME.match(last)
    return name in _RECEIVE_METHODS and (has_args or name not in ("recv", "try_recv"))


def _message_parameters(ctx: FileContext, function: Node) -> set[str]:
    found: set[str] = set()
    parameters = function.child_by_field_name("parameters")
    for p in parameters.named_children if parameters is not None else []:
        if p.type != "parameter":
            continue
        pattern, kind = p.child_by_field_name("pattern"), p.child_by_field_name("type")
        name = _text(ctx, pattern).removeprefix("mut ") if pattern is not None else ""
        if (kind is not None and _MESSAGE_TYPE.search(_text(ctx, kind))) or _MESSAGE_NAME.match(
            name
        ):
            found.add(name)
    return found


def _received(ctx: FileContext, scope: Node, seeds: set[str]) -> set[str]:
    """Names holding what arrived: the buffers network reads fill, the bindings of
    their results, and (one step at a time) bindings computed from those."""
    names = set(seeds)
    bindings: list[tuple[Node, Node]] = []
    for node in walk(scope):
        if node.type == "call_expression" and _network_read(ctx, node):
            args = node.child_by_field_name("arguments")
            if args is not None:
                names |= _names(ctx, args)
        elif node.type in ("let_declaration", "let_condition"):
            pattern, value = node.child_by_field_name("pattern"), node.child_by_field_name("value")
            if pattern is not None and value is not None:
                bindings.append((pattern, value))
    for _ in range(3):
        before = len(names)
        for pattern, value in bindings:
            reads = any(n.type == "call_expression" and _network_read(ctx, n) for n in walk(value))
            if reads or names & _names(ctx, value):
                names |= _names(ctx, pattern)
        if len(names) == before:
            break
    return names


_RAW = re.compile(r":\s*(&\s*(mut\s+)?\[u8\]|Vec<u8>|&?\s*(Bytes|BytesMut)\b|&\s*str\b|String\b)")


def _raw_bytes(ctx: FileContext, function: Node) -> bool:
    parameters = function.child_by_field_name("parameters")
    return parameters is not None and bool(_RAW.search(_text(ctx, parameters)))


def _receive_path(ctx: FileContext, node: Node, function: Node, loops_only: bool = False) -> bool:
    """Whether the pushed value is what a peer sent: in a loop around a network read,
    built from the read's data; or in a function named for receiving, built from the
    message it takes (`receive_metric(key, value)` records in-process bookkeeping)."""
    pushed = _names(ctx, node.child_by_field_name("arguments") or node)
    name = function.child_by_field_name("name")
    if not loops_only and name is not None and _RECEIVE_NAMES.search(_text(ctx, name)):
        message = _message_parameters(ctx, function)
        if message and pushed & _received(ctx, function, message):
            return True
    for loop in _loops(node, function):
        reads = any(n.type == "call_expression" and _network_read(ctx, n) for n in walk(loop))
        if reads and pushed & _received(ctx, loop, set()):
            return True
    return False


def _field_types(ctx: FileContext) -> dict[str, str]:
    types: dict[str, str] = {}
    for node in nodes_of(ctx, "field_declaration"):
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
    for node in nodes_of(ctx, "call_expression"):
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
            looped = _receive_path(ctx, node, function, loops_only=True)
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
                # Only the function's name says a peer's message arrives: raw bytes are
                # evidence it came off the wire; a parsed type (`Packet`) may be local.
                confidence=None if looped or _raw_bytes(ctx, function) else Confidence.LOW,
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
        sent = _names(ctx, node.child_by_field_name("arguments") or node)
        loops = [
            loop
            for loop in _loops(node, scope)
            if any(n.type == "call_expression" and _network_read(ctx, n) for n in walk(loop))
            and sent & _received(ctx, loop, set())
        ]
        if loops:
            yield Hit(
                span=code.node_span(ctx.source, call),
                message=f"an unbounded channel is fed from a receive loop (line "
                f"{code.node_span(ctx.source, node).start_line}): a fast peer fills it without limit; use a "
                "bounded channel and apply back-pressure or drop",
            )
            return
