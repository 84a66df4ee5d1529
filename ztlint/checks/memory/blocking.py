"""Blocking calls on an event loop: `blocking-call-in-event-loop`.

A blocking connect, sleep or DNS lookup inside an `async fn` (or an `async` block), or
inside a mio `poll` loop, stops every other connection that loop serves for as long as
the call takes: one slow or unreachable peer stalls them all (the seed's L1).
Reported:
- Rust: `std::net::TcpStream::connect` (or `TcpStream::connect` where `TcpStream` is
  std's), `std::thread::sleep`, `to_socket_addrs()` and `reqwest::blocking` calls in an
  async function or block, or in a function that runs a mio `poll.poll(..)` loop;
- Python: `time.sleep`, `requests.*`, `urllib.request.urlopen`,
  `socket.create_connection` and `socket.gethostbyname` directly in an `async def`.
Calls handed to `spawn_blocking`, `block_in_place`, `run_in_executor` or
`asyncio.to_thread` run elsewhere and are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.codeutil import calls
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


def _std_tcp(ctx: FileContext) -> bool:
    """Whether a bare `TcpStream` in this file is std's."""
    uses = " ".join(re.findall(r"^\s*use\s+[^;]+;", ctx.text, re.M))
    if re.search(
        r"(tokio|mio|async_std|smol|async_net)::net::(\{[^}]*\bTcpStream\b|TcpStream)", uses
    ):
        return False
    return bool(re.search(r"std::net::(\{[^}]*\bTcpStream\b|TcpStream)", uses))


def _rust_context(ctx: FileContext, node: Node) -> str | None:
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
        if parent.type == "function_item":
            head = _text(ctx, parent).split("{", 1)[0]
            if re.search(r"\basync\b", head):
                return "an async fn"
            body = _text(ctx, parent)
            if re.search(r"\.poll\(\s*&mut\s+\w+", body) and re.search(r"\bloop\b|\bwhile\b", body):
                return "the mio event loop"
            return None
        parent = parent.parent
    return None


def _rust(ctx: FileContext) -> Iterator[Hit]:
    std_tcp = None
    for node, callee, _ in calls(ctx):
        what = None
        if re.fullmatch(r"(::)?std::net::TcpStream::connect(_timeout)?", callee):
            what = "`std::net::TcpStream::connect`"
        elif re.fullmatch(r"TcpStream::connect(_timeout)?", callee):
            if node.parent is not None and node.parent.type == "await_expression":
                continue
            if std_tcp is None:
                std_tcp = _std_tcp(ctx)
            what = "`TcpStream::connect` (std)" if std_tcp else None
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
        where = _rust_context(ctx, node)
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


def detect(ctx: FileContext) -> Iterator[Hit]:
    if ctx.parser == "rust":
        yield from _rust(ctx)
    elif ctx.parser == "python":
        yield from _python(ctx)
