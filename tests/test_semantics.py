"""The shared semantic layer (ztlint.semantics): bindings, resolution, constants,
qualified names and origins, in each language it reads."""

from __future__ import annotations

from tree_sitter import Node

from ztlint import classify, semantics
from ztlint.rule import FileContext
from ztlint.source import SourceText


def _ctx(rel: str, text: str) -> FileContext:
    fclass = classify.classify(rel, text)
    return FileContext(rel, fclass.kinds, fclass.parser, SourceText(text))


def _last_use(ctx: FileContext, name: str) -> Node:
    """The last occurrence of a name in the file (its use, after its bindings)."""
    found = None
    stack = [ctx.tree().root_node]
    while stack:
        node = stack.pop()
        if (
            node.type in semantics.NAMES
            and ctx.source.utf8[node.start_byte : node.end_byte] == name.encode()
            and (found is None or node.start_byte > found.start_byte)
        ):
            found = node
        stack.extend(node.named_children)
    assert found is not None, name
    return found


def _origin(rel: str, text: str, name: str) -> semantics.Origin:
    ctx = _ctx(rel, text)
    return semantics.of(ctx).origin(_last_use(ctx, name))


def test_go_local_from_a_header_is_request_input() -> None:
    text = (
        'package p\n\nimport "net/http"\n\n'
        "func h(w http.ResponseWriter, r *http.Request) {\n"
        '\tauth := r.Header.Get("Authorization")\n'
        '\tlog.Printf("%s", auth)\n}\n'
    )
    assert _origin("h.go", text, "auth") == semantics.Origin("request", "Authorization")


def test_go_if_initializer_and_comma_ok_bind() -> None:
    text = (
        "package p\n\nfunc h(r *http.Request) bool {\n"
        '\taddr := r.Header.Get("X-Forwarded-For")\n'
        "\tif _, found := trusted[addr]; !found {\n\t\treturn false\n\t}\n"
        "\treturn found\n}\n"
    )
    ctx = _ctx("h.go", text)
    sem = semantics.of(ctx)
    function = sem.function_of(_last_use(ctx, "addr"))
    assert function is not None
    assert "found" in sem.bindings(function)
    assert sem.origin(_last_use(ctx, "addr")).kind == "request"


def test_go_package_constant_folds() -> None:
    text = (
        'package p\n\nconst target = "127.0.0.1" + ":9000"\n\n'
        "func dial() { grpc.Dial(target, insecure()) }\n"
    )
    ctx = _ctx("d.go", text)
    const = semantics.of(ctx).const(_last_use(ctx, "target"))
    assert const is not None and const.text == "127.0.0.1:9000"


def test_go_qualified_callee_and_parameter() -> None:
    text = (
        'package p\n\nimport (\n\tstdtls "crypto/tls"\n)\n\n'
        "func c(skip bool) *stdtls.Config {\n\treturn &stdtls.Config{InsecureSkipVerify: skip}\n}\n"
    )
    ctx = _ctx("c.go", text)
    sem = semantics.of(ctx)
    assert sem.imports["stdtls"] == "crypto/tls"
    assert sem.origin(_last_use(ctx, "skip")) == semantics.Origin("parameter", "skip")


def test_python_hmac_digest_and_environment() -> None:
    text = (
        "import hmac, hashlib, os\n\n"
        "SECRET = os.environ.get('HOOK_SECRET')\n\n"
        "def verify(request):\n"
        "    expected = hmac.new(SECRET, request.body, hashlib.sha256).hexdigest()\n"
        "    given = request.headers['X-Signature']\n"
        "    return expected != given\n"
    )
    assert _origin("v.py", text, "expected").kind == "hmac"
    assert _origin("v.py", text, "given") == semantics.Origin("request", "X-Signature")
    assert _origin("v.py", text, "SECRET").kind == "environment"


def test_python_falsy_constants_and_aliased_imports() -> None:
    text = (
        "from requests import get as fetch\nimport OpenSSL.SSL as ssl_\n\n"
        "VERIFY = 0\n\n"
        "def go(url):\n    return fetch(url, verify=VERIFY)\n"
    )
    ctx = _ctx("g.py", text)
    sem = semantics.of(ctx)
    const = sem.const(_last_use(ctx, "VERIFY"))
    assert const is not None and const.falsy
    assert sem.imports["fetch"] == "requests.get"
    assert sem.imports["ssl_"] == "OpenSSL.SSL"


def test_python_walrus_with_and_tuples() -> None:
    text = (
        "def f(request):\n"
        "    a, b = request.args['x'], 2\n"
        "    if (tok := request.headers['T']):\n        pass\n"
        "    with open('k') as fh:\n        pass\n"
        "    return a, b, tok, fh\n"
    )
    assert _origin("f.py", text, "a").kind == "request"
    assert _origin("f.py", text, "b").kind == "literal"
    assert _origin("f.py", text, "tok") == semantics.Origin("request", "T")
    assert _origin("f.py", text, "fh").kind == "call"


def test_typescript_destructuring_takes_the_key() -> None:
    text = (
        'import express from "express";\n'
        "export function h(req: express.Request) {\n"
        "  const { sessionToken, user: who } = req.body;\n"
        "  console.log({ sessionToken, who });\n}\n"
    )
    assert _origin("h.ts", text, "sessionToken") == semantics.Origin("request", "sessionToken")
    assert _origin("h.ts", text, "who") == semantics.Origin("request", "user")


def test_typescript_destructured_parameter_is_a_parameter() -> None:
    text = "export const h = ({ query }: Request) => { const c = query.current; return c; };\n"
    assert _origin("h.ts", text, "c").kind == "parameter"


def test_javascript_require_and_random() -> None:
    text = (
        "const crypto = require('crypto');\n"
        "function token() { const t = crypto.randomBytes(32).toString('hex'); return t; }\n"
    )
    ctx = _ctx("t.js", text)
    sem = semantics.of(ctx)
    assert sem.imports["crypto"] == "crypto"
    assert sem.origin(_last_use(ctx, "t")).kind == "random"


def test_rust_let_wrappers_and_use() -> None:
    text = (
        "use std::env;\nuse sha2::{Digest, Sha256};\n\n"
        "fn k() -> String {\n"
        '    let key = String::from(env::var("API_KEY").unwrap());\n'
        "    let (a, b) = (key.clone(), 1);\n"
        "    a\n}\n"
    )
    ctx = _ctx("k.rs", text)
    sem = semantics.of(ctx)
    assert sem.imports["Sha256"] == "sha2::Sha256"
    assert sem.origin(_last_use(ctx, "key")).kind == "environment"
    assert sem.origin(_last_use(ctx, "a")).kind == "environment"


def test_swift_let_and_parameters() -> None:
    text = 'let host = "10.0.0.1"\nfunc f(token: String) { let t = token; print(t, host) }\n'
    ctx = _ctx("f.swift", text)
    sem = semantics.of(ctx)
    assert sem.origin(_last_use(ctx, "t")).kind == "parameter"
    const = sem.const(_last_use(ctx, "host"))
    assert const is not None and const.text == "10.0.0.1"


def test_a_binding_after_the_use_does_not_reach_it() -> None:
    text = (
        "def f(request):\n"
        "    x = request.args['a']\n"
        "    x = hashlib.sha256(x.encode()).hexdigest()\n"
        "    return x\n"
    )
    ctx = _ctx("f.py", text)
    sem = semantics.of(ctx)
    # The `x` inside the second assignment sees the first binding (request input) ...
    inner = None
    stack = [ctx.tree().root_node]
    while stack:
        node = stack.pop()
        if (
            node.type == "identifier"
            and sem.text(node) == "x"
            and node.parent is not None
            and node.parent.type == "attribute"
        ):
            inner = node
        stack.extend(node.named_children)
    assert inner is not None and sem.origin(inner).kind == "request"
    # ... and the returned `x` the second (a hash of it).
    assert sem.origin(_last_use(ctx, "x")).kind == "hash"


def test_returns_of_a_same_file_helper() -> None:
    text = (
        "def client_ip(request):\n    return request.headers.get('X-Forwarded-For')\n\n"
        "def limit(request):\n    return bucket[client_ip(request)]\n"
    )
    ctx = _ctx("l.py", text)
    sem = semantics.of(ctx)
    (value,) = sem.returns("client_ip")
    assert sem.origin(value).kind == "request"


def test_modules_are_the_imports_roots() -> None:
    cases = {
        "a.py": ("from click import command\nimport argparse as ap\n", {"click", "argparse"}),
        "a.rs": ("use clap::Parser;\nuse std::io;\n", {"clap", "std"}),
        "a.swift": ("import Foundation\nimport ArgumentParser\n", {"Foundation", "ArgumentParser"}),
        "a.go": ('package m\n\nimport "github.com/spf13/cobra"\n', {"github.com/spf13/cobra"}),
    }
    for rel, (text, modules) in cases.items():
        assert semantics.of(_ctx(rel, text)).modules() == modules, rel


def _leading(rel: str, text: str, name: str) -> str | None:
    ctx = _ctx(rel, text)
    return semantics.of(ctx).leading(_last_use(ctx, name))


def test_leading_text_of_computed_urls() -> None:
    """What a value starts with: a template's text before its first substitution, the
    left side of a `+`, what a leading substitution itself starts with, a `self`
    attribute the class assigns one way, and None when the assignments disagree."""
    py = 'h = "x"\nbase = f"http://{h}:1"\nurl = f"{base}/v"\nuse(url)\n'
    assert _leading("a.py", py, "url") == "http://"
    assert _leading("a.py", 'u = "https://" + host + "/x"\nuse(u)\n', "u") == "https://"
    js = "const u = `https://${host}/v`;\nuse(u);\n"
    assert _leading("a.js", js, "u") == "https://"
    cls = (
        "class P:\n    def __init__(self, h):\n        self.base = f'http://{h}'\n"
        "    def get(self):\n        u = self.base\n        return u\n"
    )
    assert _leading("a.py", cls, "u") == "http://"
    mixed = cls.replace(
        "self.base = f'http://{h}'", "self.base = f'http://{h}'\n        self.base = f'https://{h}'"
    )
    assert _leading("a.py", mixed, "u") is None
    assert _leading("a.py", "u = f'{host}/v'\nuse(u)\n", "u") is None
