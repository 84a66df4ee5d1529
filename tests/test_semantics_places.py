"""Bindings by name at a place, and Rust condition patterns, from the layer."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from tests.test_semantics import _ctx, _last_use
from ztlint import semantics


def test_binding_at_a_string_sees_the_reaching_binding() -> None:
    text = 'fn f() {\n    let key = make();\n    println!("{key}");\n    let key = 2;\n}\n'
    ctx = _ctx("f.rs", text)
    sem = semantics.of(ctx)
    at = next(n for n in _strings(ctx.tree().root_node) if b"{key}" in (n.text or b""))
    binding = sem.binding_at(at, "key")
    assert binding is not None and binding.value is not None
    assert sem.text(binding.value) == "make()"


def test_parameter_at() -> None:
    text = "def f(token):\n    log(token)\n"
    ctx = _ctx("f.py", text)
    sem = semantics.of(ctx)
    use = _last_use(ctx, "token")
    assert sem.parameter_of(use, "token") is not None
    assert sem.binding_at(use, "token") is None


def test_while_let_pattern_binds_the_sender() -> None:
    text = (
        "fn pump(sock: &UdpSocket) {\n    let mut buf = [0u8; 64];\n"
        "    while let Ok((n, sender)) = sock.recv_from(&mut buf) {\n"
        '        info!("{} {:?}", n, sender);\n    }\n}\n'
    )
    ctx = _ctx("f.rs", text)
    sem = semantics.of(ctx)
    found = sem.resolve(_last_use(ctx, "sender"))
    assert found is not None and found.value is not None
    assert sem.text(found.value) == "sock.recv_from(&mut buf)"
    assert sem.resolve(_last_use(ctx, "n")) is not None
    # the pattern's variant name is no binding
    assert "Ok" not in sem.bindings(sem.function_of(found.node))


def _strings(root: Node) -> Iterator[Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "string_literal":
            yield node
        stack.extend(node.children)
