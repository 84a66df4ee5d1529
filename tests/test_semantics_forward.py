"""The layer's forward questions (ztlint.semantics.forward): the binding that holds a
value, the uses of a binding, and the fields assigned on a receiver."""

from __future__ import annotations

from tree_sitter import Node

from tests.test_semantics import _ctx
from ztlint import semantics
from ztlint.rule import FileContext
from ztlint.semantics.forward import bound_to, field_assignments, uses


def _first(ctx: FileContext, kind: str) -> Node:
    stack = [ctx.tree().root_node]
    while stack:
        node = stack.pop()
        if node.type == kind:
            return node
        stack.extend(reversed(node.named_children))
    raise AssertionError(kind)


GO = """package p

import "crypto/tls"

func dial() {
	cfg := &tls.Config{InsecureSkipVerify: true}
	cfg.VerifyPeerCertificate = check
	conn, _ := tls.Dial("tcp", "a:443", cfg)
	conn.Close()
	other := 1
	_ = other
}
"""


def test_go_literal_is_bound_through_the_address_operator() -> None:
    ctx = _ctx("a.go", GO)
    sem = semantics.of(ctx)
    binding = bound_to(sem, _first(ctx, "composite_literal"))
    assert binding is not None and binding.name == "cfg"


def test_go_uses_of_a_binding_exclude_its_target() -> None:
    ctx = _ctx("a.go", GO)
    sem = semantics.of(ctx)
    binding = bound_to(sem, _first(ctx, "composite_literal"))
    assert binding is not None
    function = _first(ctx, "function_declaration")
    found = [sem.text(n.parent) for n in uses(sem, binding, function) if n.parent is not None]
    assert found == ["cfg.VerifyPeerCertificate", '("tcp", "a:443", cfg)']


def test_go_field_assignments_on_a_receiver() -> None:
    ctx = _ctx("a.go", GO)
    sem = semantics.of(ctx)
    function = _first(ctx, "function_declaration")
    found = [(f, sem.text(v) if v else None) for f, v, _ in field_assignments(sem, function, "cfg")]
    assert found == [("VerifyPeerCertificate", "check")]
    assert list(field_assignments(sem, function, "conn")) == []


def test_python_attribute_assignments_and_bound_call() -> None:
    ctx = _ctx(
        "a.py",
        "import ssl\n\ndef f():\n    c = ssl.create_default_context()\n"
        "    c.check_hostname = False\n    return c\n",
    )
    sem = semantics.of(ctx)
    call = _first(ctx, "call")
    binding = bound_to(sem, call)
    assert binding is not None and binding.name == "c"
    function = _first(ctx, "function_definition")
    assert [f for f, _, _ in field_assignments(sem, function, "c")] == ["check_hostname"]
    assert len(uses(sem, binding, function)) == 2


def test_go_multi_target_binding_is_the_first_targets() -> None:
    ctx = _ctx(
        "a.go",
        "package p\n\nfunc f() {\n\tname, err := g()\n\t_ = name\n"
        '\tconn, err := tls.Dial("tcp", "a:443", nil)\n\t_ = conn\n}\n',
    )
    sem = semantics.of(ctx)
    calls = []
    stack = [ctx.tree().root_node]
    while stack:
        node = stack.pop()
        if node.type == "call_expression" and sem.text(node).startswith("tls.Dial"):
            calls.append(node)
        stack.extend(node.named_children)
    binding = bound_to(sem, calls[0])
    assert binding is not None and binding.name == "conn"
