"""Queues that any peer can grow: `unbounded-queue` (Rust).

A `VecDeque` or `Vec` field that keeps what a peer sent (the seed's H1) with no bound
is memory a remote peer can fill until the process is killed. Reported: a push
(`push_back`, `push`, `extend`, ...) of a value built from received data, either in a
loop around a network read (`recv_from(&mut buf)`, `dgram_recv`, `read`, `poll_recv`,
an awaited stream `next()`) or in a function named for receiving that takes the message
(`on_datagram(&mut self, packet: &[u8])`). Bounded when the function compares the
field's `len()` before the push, or when the field's type caps itself (`ArrayDeque`,
`heapless::Deque`, `ArrayVec`, a ring buffer). Unbounded channels (tokio, std `mpsc::channel`,
crossbeam, flume, futures, async-channel; by qualified callee) whose sender (followed by
the semantic layer) is fed with received data inside such a loop are reported too, and
`UnboundedSender` parameters fed so. Channel receives (`rx.recv()`) and accept loops are not network reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import types

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
    if name in _RECEIVE_METHODS and _standard_input(ctx, receiver):
        return False  # the local terminal or a parent process: no remote peer writes it
    return name in _RECEIVE_METHODS and (has_args or name not in ("recv", "try_recv"))


def _standard_input(ctx: FileContext, receiver: Node) -> bool:
    """The read is from the process's standard input (`io::stdin()`, a name bound to it
    or to its lock, `stdin.lock()`)."""
    text = _text(ctx, receiver)
    if "stdin" in text:
        return True
    if receiver.type != "identifier":
        return False
    value, _ = semantics.of(ctx).value_of(receiver)
    return value.id != receiver.id and "stdin" in _text(ctx, value)


def _message_parameters(ctx: FileContext, function: Node) -> set[str]:
    """The parameters that take a message: by declared type, or by name when untyped."""
    return {
        name
        for name, kind in types.parameter_list(semantics.of(ctx), function)
        if name and ((kind is not None and _MESSAGE_TYPE.search(kind)) or _MESSAGE_NAME.match(name))
    }


def _received(ctx: FileContext, scope: Node, seeds: set[str]) -> set[str]:
    """Names holding what arrived: the buffers network reads fill, the bindings (the
    layer's, `if let`/`while let` patterns included) of their results, and, one step at
    a time, bindings computed from those."""
    sem = semantics.of(ctx)
    names = set(seeds)
    for node in walk(scope):
        if node.type == "call_expression" and _network_read(ctx, node):
            args = node.child_by_field_name("arguments")
            if args is not None:
                names |= _names(ctx, args)
    function = scope if scope.type in semantics.FUNCTIONS else sem.function_of(scope)
    bindings = [
        b
        for items in sem.bindings(function).values()
        for b in items
        if b.value is not None
        and scope.start_byte <= b.node.start_byte
        and b.node.end_byte <= scope.end_byte
    ]
    reads = {
        b.value.id
        for b in bindings
        if b.value is not None
        and any(n.type == "call_expression" and _network_read(ctx, n) for n in walk(b.value))
    }
    for _ in range(3):
        before = len(names)
        for b in bindings:
            if b.value is not None and (b.value.id in reads or names & _names(ctx, b.value)):
                names.add(b.name)
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


def detect_rust(ctx: FileContext) -> Iterator[Hit]:
    fields: dict[str, str] | None = None
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
            if fields is None:
                fields = _field_types(ctx)
            declared = fields.get(m.group(1), "")
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
    yield from _channels(ctx)


# Unbounded channel constructors, qualified: tokio, std (`mpsc::channel` has no bound;
# `sync_channel` has), crossbeam, flume, async-channel, futures.
_UNBOUNDED_CONSTRUCTORS = re.compile(
    r"(^|::)(unbounded_channel|unbounded)$|(^|::)std::sync::mpsc::channel$|^(sync::)?mpsc::channel$"
)
_SENDS = frozenset({"send", "unbounded_send", "try_send", "send_async"})
# A sender whose type says it has no bound.
_UNBOUNDED_SENDER = re.compile(r"\bUnboundedSender\b|\bstd::sync::mpsc::Sender\b")


def _constructor(sem: semantics.Semantics, call: Node) -> bool:
    """`unbounded_channel::<T>()`, `mpsc::channel()` (std's, not tokio's: that one takes
    a capacity), `crossbeam_channel::unbounded()`, `flume::unbounded()`."""
    function = call.child_by_field_name("function")
    if function is None:
        return False
    if function.type == "generic_function":
        function = function.child_by_field_name("function") or function
    name = sem.qualified(function)
    if not _UNBOUNDED_CONSTRUCTORS.search(name):
        return False
    if name.endswith("channel") and not name.endswith("unbounded_channel"):
        args = call.child_by_field_name("arguments")
        return "tokio" not in name and (args is None or not args.named_children)
    return True


def _sender_of(sem: semantics.Semantics, receiver: Node) -> Node | None:
    """The unbounded channel constructor whose sender `receiver` is (through clones and
    plain re-bindings, and into closures), or None."""
    node = sem.unwrap(receiver)
    for _ in range(4):
        if node.type not in semantics.NAMES:
            return None
        binding = sem.resolve(node)
        if binding is None or binding.value is None:
            return None
        value = sem.unwrap(binding.value)
        if value.type == "call_expression" and _constructor(sem, value):
            pattern = binding.node.child_by_field_name("pattern")
            first = (
                pattern.named_children[0]
                if pattern is not None and pattern.named_children
                else None
            )
            names = _names(sem.ctx, first) if first is not None else set()
            return value if binding.name in names else None
        node = value
    return None


def _unbounded_parameter(sem: semantics.Semantics, receiver: Node) -> bool:
    """A sender taken as a parameter whose declared type has no bound."""
    node = sem.unwrap(receiver)
    if node.type not in semantics.NAMES or not sem.is_parameter(node):
        return False
    declared = types.declared_type(sem, node)
    return declared is not None and bool(_UNBOUNDED_SENDER.search(declared))


def _fed_from_receive_loop(ctx: FileContext, send: Node) -> bool:
    """The send sits in a loop around a network read and sends what it received."""
    scope = _function(send) or ctx.tree().root_node
    sent = _names(ctx, send.child_by_field_name("arguments") or send)
    return any(
        any(n.type == "call_expression" and _network_read(ctx, n) for n in walk(loop))
        and sent & _received(ctx, loop, set())
        for loop in _loops(send, scope)
    )


def _channels(ctx: FileContext) -> Iterator[Hit]:
    """`let (tx, rx) = unbounded_channel();` (or std, crossbeam, flume) with the sender
    fed in a receive loop: reported at the constructor; a sender parameter typed
    `UnboundedSender` fed so: at the send."""
    sem = semantics.of(ctx)
    reported: set[int] = set()
    for node in nodes_of(ctx, "call_expression"):
        function = node.child_by_field_name("function")
        if function is None or function.type != "field_expression":
            continue
        method, receiver = (
            function.child_by_field_name("field"),
            function.child_by_field_name("value"),
        )
        if method is None or receiver is None or _text(ctx, method) not in _SENDS:
            continue
        constructor = _sender_of(sem, receiver)
        by_type = constructor is None and _unbounded_parameter(sem, receiver)
        if constructor is None and not by_type:
            continue
        where = constructor if constructor is not None else node
        if where.id in reported or not _fed_from_receive_loop(ctx, node):
            continue
        reported.add(where.id)
        yield Hit(
            span=code.node_span(ctx.source, where),
            message=f"an unbounded channel is fed from a receive loop (line "
            f"{code.node_span(ctx.source, node).start_line}): a fast peer fills it without "
            "limit; use a bounded channel and apply back-pressure or drop",
        )
