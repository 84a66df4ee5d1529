"""Declared types read through the shared layer (ztlint.semantics.types)."""

from __future__ import annotations

from tests.test_semantics import _ctx, _last_use
from ztlint import semantics
from ztlint.semantics import types


def _type(rel: str, text: str, name: str) -> str | None:
    ctx = _ctx(rel, text)
    return types.declared_type(semantics.of(ctx), _last_use(ctx, name))


def test_go_parameters_sharing_a_type_and_a_typed_var() -> None:
    text = "package p\n\nfunc f(a, b net.Addr, t string) {\n\tvar ok bool\n\tuse(a, b, t, ok)\n}\n"
    assert _type("f.go", text, "b") == "net.Addr"
    assert _type("f.go", text, "t") == "string"
    assert _type("f.go", text, "ok") == "bool"


def test_rust_parameter_and_typed_let() -> None:
    text = "fn f(mut peer: SocketAddr, b: &str) {\n    let n: u32 = 1;\n    g(peer, b, n);\n}\n"
    assert _type("f.rs", text, "peer") == "SocketAddr"
    assert _type("f.rs", text, "b") == "&str"
    assert _type("f.rs", text, "n") == "u32"


def test_python_typescript_and_swift_parameters() -> None:
    py = "def f(a: int, b, c: str = 'x'):\n    g(a, b, c)\n"
    assert _type("f.py", py, "a") == "int"
    assert _type("f.py", py, "c") == "str"
    assert _type("f.py", py, "b") is None
    ts = "function f(a: number, b?: string) { const x: boolean = true; g(a, b, x); }\n"
    assert _type("f.ts", ts, "b") == "string"
    assert _type("f.ts", ts, "x") == "boolean"
    swift = "func f(a: Int, for pin: String) {\n    let x: Bool = true\n    g(a, pin, x)\n}\n"
    assert _type("f.swift", swift, "pin") == "String"
    assert _type("f.swift", swift, "x") == "Bool"


def test_inferred_types_are_unknown() -> None:
    text = "fn f() {\n    let n = compute();\n    g(n);\n}\n"
    assert _type("f.rs", text, "n") is None


def test_result_types_of_same_file_functions() -> None:
    go = "package p\n\nfunc valid(t string) (bool, error) { return true, nil }\n"
    assert types.result_type(semantics.of(_ctx("f.go", go)), "valid") == "bool"
    rs = "fn check(t: &str) -> bool { true }\n"
    assert types.result_type(semantics.of(_ctx("f.rs", rs)), "check") == "bool"
    py = "def check(t) -> bool:\n    return True\n"
    assert types.result_type(semantics.of(_ctx("f.py", py)), "check") == "bool"
    assert types.result_type(semantics.of(_ctx("f.py", py)), "missing") is None


def _parameters(rel: str, text: str) -> list[tuple[str, str | None]]:
    ctx = _ctx(rel, text)
    sem = semantics.of(ctx)
    function = next(n for n in _walk(ctx.tree().root_node) if n.type in semantics.FUNCTIONS)
    return types.parameter_list(sem, function)


def _walk(node):  # type: ignore[no-untyped-def]
    yield node
    for child in node.children:
        yield from _walk(child)


def test_parameter_lists_in_order_with_types() -> None:
    go = "package p\nfunc f(w http.ResponseWriter, a, b error, _ int) {}\n"
    assert _parameters("f.go", go) == [
        ("w", "http.ResponseWriter"),
        ("a", "error"),
        ("b", "error"),
        ("_", "int"),
    ]
    assert _parameters("f.go", "package p\nvar h = func(error) {}\n") == [("", "error")]
    rust = "impl X { fn f(&self, mut buf: &mut [u8], n: usize) {} }\n"
    assert _parameters("f.rs", rust) == [("buf", "&mut [u8]"), ("n", "usize")]
    py = "def f(a, b: int, c: str = 'x', *args): pass\n"
    assert _parameters("f.py", py) == [("a", None), ("b", "int"), ("c", "str"), ("args", None)]
    assert _parameters("f.swift", "func f(_ a: Int, named b: String) {}\n") == [
        ("a", "Int"),
        ("b", "String"),
    ]
