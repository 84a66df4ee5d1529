"""Blocking calls on an event loop: `blocking-call-in-event-loop`.

A blocking connect, sleep or DNS lookup inside an `async fn` (or an `async` block), or
inside a mio `poll` loop, stops every other connection that loop serves for as long as
the call takes: one slow or unreachable peer stalls them all (the seed's L1).
Reported:
- Rust: `std::net::TcpStream::connect` (or `TcpStream::connect` where `TcpStream` is
  std's), `std::thread::sleep`, `to_socket_addrs()` and `reqwest::blocking` calls in an
  async function or block, inside a mio `poll.poll(..)` loop, or in a same-file
  function that loop calls (one level deep); not before the loop starts;
- Python: `time.sleep`, `requests.*`, `urllib.request.urlopen`,
  `socket.create_connection` and `socket.gethostbyname` directly in an `async def`.
Calls handed to `spawn_blocking`, `block_in_place`, `run_in_executor` or
`asyncio.to_thread` run elsewhere and are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import FUNCTIONS, calls, nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_RUST_OFFLOAD = re.compile(r"spawn_blocking|block_in_place|std::thread::spawn|thread::spawn")
_PY_BLOCKING = re.compile(
    r"^(time\.sleep|requests\.(get|post|put|patch|delete|head|request|Session)|"
    r"urllib\.request\.urlopen|urlopen|socket\.create_connection|socket\.gethostbyname|"
    r"socket\.getaddrinfo|subprocess\.(run|call|check_output|check_call))$"
)


def _hit(ctx: FileContext, node: Node, what: str, where: str) -> Hit:
    return Hit(
        span=code.node_span(ctx.source, node),
        message=f"{what} blocks {where}: every other task on the loop waits for it; use the "
        "async equivalent or move it to a blocking thread pool",
    )


def _std_tcp(sem: semantics.Semantics) -> bool:
    """Whether a bare `TcpStream` in this file is std's (by the file's imports)."""
    return sem.imports.get("TcpStream", "").startswith("std::net")


_LOOPS = frozenset({"loop_expression", "while_expression", "for_expression"})


def _poll_call(ctx: FileContext, node: Node) -> bool:
    """`poll.poll(&mut events, timeout)`: a mio (or polling) event-loop wait."""
    function = node.child_by_field_name("function")
    if function is None or function.type != "field_expression":
        return False
    field = function.child_by_field_name("field")
    args = node.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    return (
        field is not None
        and _text(ctx, field) == "poll"
        and first is not None
        and _text(ctx, first).replace(" ", "").startswith("&mut")
    )


def _event_loops(ctx: FileContext) -> list[Node]:
    """The loops that wait on a mio poll: the outermost loop around each poll call."""
    return ctx.cached(_poll_loops)


def _poll_loops(ctx: FileContext) -> list[Node]:
    found: dict[int, Node] = {}
    for node in nodes_of(ctx, "call_expression"):
        if not _poll_call(ctx, node):
            continue
        outer = None
        parent = node.parent
        while parent is not None and parent.type not in FUNCTIONS:
            if parent.type in _LOOPS:
                outer = parent
            parent = parent.parent
        if outer is not None:
            found[outer.id] = outer
    return list(found.values())


def _loop_callees(ctx: FileContext) -> dict[str, Node]:
    """Same-file functions called from an event loop's body (one level deep), by name."""
    return ctx.cached(_called_from_loops)


def _called_from_loops(ctx: FileContext) -> dict[str, Node]:
    sem = semantics.of(ctx)
    out: dict[str, Node] = {}
    for loop in _event_loops(ctx):
        for node in walk(loop):
            if node.type != "call_expression":
                continue
            function = node.child_by_field_name("function")
            if function is None:
                continue
            name = re.split(r"[.:]+", _text(ctx, function))[-1]
            if name and sem.functions(name):
                out.setdefault(name, loop)
    return out


def _rust_context(ctx: FileContext, sem: semantics.Semantics, node: Node) -> str | None:
    parent = node.parent
    while parent is not None:
        if parent.type == "call_expression" and _RUST_OFFLOAD.search(
            _text(ctx, parent.child_by_field_name("function") or parent)
        ):
            return None  # spawn_blocking(|| ..): runs on a blocking thread
        if parent.type == "async_block":
            return "an async block"
        if parent.type == "closure_expression" and (
            parent.parent is not None and parent.parent.type == "let_declaration"
        ):
            return None  # `let work = || ..;` runs wherever it is handed (often a thread)
        if parent.type in _LOOPS and any(parent.id == loop.id for loop in _event_loops(ctx)):
            return "the mio event loop"
        if parent.type == "function_item":
            head = _text(ctx, parent).split("{", 1)[0]
            if re.search(r"\basync\b", head):
                return "an async fn"
            # Before the loop starts (resolving the upstream in `main`) is fine; a
            # function the loop calls runs on it.
            name = parent.child_by_field_name("name")
            called = _text(ctx, name) if name is not None else ""
            if called and called in _loop_callees(ctx):
                return f"`{called}` (called from the mio event loop)"
            return None
        parent = parent.parent
    return None


def _rust(ctx: FileContext) -> Iterator[Hit]:
    sem = semantics.of(ctx)
    for node, callee, _ in calls(ctx):
        what = None
        if re.fullmatch(r"(::)?std::net::TcpStream::connect(_timeout)?", callee):
            what = "`std::net::TcpStream::connect`"
        elif callee == "TcpStream::connect_timeout":
            what = "`TcpStream::connect_timeout` (std)"  # only std's has a timeout form
        elif callee == "TcpStream::connect":
            if node.parent is not None and node.parent.type == "await_expression":
                continue
            what = "`TcpStream::connect` (std)" if _std_tcp(sem) else None
        elif re.fullmatch(r"(std::)?thread::sleep", callee):
            what = "`thread::sleep`"
        elif callee.endswith(".to_socket_addrs") or re.fullmatch(
            r"(dns_lookup::)?lookup_host", callee
        ):
            what = "a blocking DNS lookup"
        elif callee.startswith("reqwest::blocking::"):
            what = f"`{callee}`"
        if what is None:
            continue
        if node.parent is not None and node.parent.type == "await_expression":
            continue  # tokio::net::lookup_host(..).await and kin are the async forms
        where = _rust_context(ctx, sem, node)
        if where:
            yield _hit(ctx, node, what, where)


def _python(ctx: FileContext) -> Iterator[Hit]:
    for node, callee, _ in calls(ctx):
        if not _PY_BLOCKING.match(callee):
            continue
        parent = node.parent
        while parent is not None and parent.type not in ("function_definition", "lambda"):
            parent = parent.parent
        if parent is None or parent.type == "lambda":
            continue
        if not _text(ctx, parent).lstrip().startswith("async "):
            continue
        yield _hit(ctx, node, f"`{callee}`", "inside `async def`")


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    if ctx.parser == "rust":
        yield from _rust(ctx)
    elif ctx.parser == "python":
        yield from _python(ctx)
