"""ztlint.semantics.origins: digests through encoders and bound receivers, request
getters and helpers, stored lookups, the binding an expression is part of, and the
names computed from a binding."""

from __future__ import annotations

from tree_sitter import Node

from tests import test_semantics
from ztlint import semantics
from ztlint.semantics import origins

_ctx = test_semantics._ctx
_last = test_semantics._last_use


def _origin(rel: str, text: str, name: str) -> semantics.Origin:
    ctx = _ctx(rel, text)
    return origins.origin(semantics.of(ctx), _last(ctx, name))


def test_go_hex_of_a_bound_hmac_is_the_hmac() -> None:
    text = (
        'package p\n\nimport (\n\t"crypto/hmac"\n\t"crypto/sha256"\n\t"encoding/hex"\n)\n\n'
        "func v(key, body []byte) string {\n\tm := hmac.New(sha256.New, key)\n"
        "\tm.Write(body)\n\tcomputed := hex.EncodeToString(m.Sum(nil))\n\treturn computed\n}\n"
    )
    assert _origin("v.go", text, "computed").kind == "hmac"


def test_node_hmac_chain_is_the_hmac() -> None:
    text = (
        'import { createHmac } from "crypto";\n'
        "export function v(key: string, body: string) {\n"
        '  const ours = createHmac("sha256", key).update(body).digest("hex");\n'
        "  return ours;\n}\n"
    )
    assert _origin("v.ts", text, "ours").kind == "hmac"


def test_express_getter_reads_the_request_parameter_by_key() -> None:
    text = 'export function h(req) {\n  const sent = req.get("x-api-key");\n  return sent;\n}\n'
    assert _origin("h.ts", text, "sent") == semantics.Origin("parameter", "x-api-key")


def test_python_index_and_lookup_are_stored() -> None:
    text = (
        "def check(db, tokens, session_id):\n"
        "    row = db.execute('SELECT token FROM s WHERE id = ?', (session_id,)).fetchone()\n"
        "    stored = TOKENS[session_id]\n"
        "    return row, stored\n"
    )
    assert _origin("c.py", text, "stored").kind == "stored"


def test_same_file_helper_returning_a_header_is_request_input() -> None:
    text = (
        "def client_ip(request):\n"
        "    return request.headers['X-Forwarded-For']\n\n"
        "def view(request):\n"
        "    ip = client_ip(request)\n"
        "    return ip\n"
    )
    assert _origin("v.py", text, "ip").kind == "request"


def test_binding_of_and_derived_names() -> None:
    text = (
        "package p\n\nfunc h(r *http.Request) bool {\n"
        '\taddr := strings.TrimSpace(r.Header.Get("X-Forwarded-For"))\n'
        "\tif _, found := trusted[addr]; !found {\n\t\treturn false\n\t}\n"
        "\treturn true\n}\n"
    )
    ctx = _ctx("h.go", text)
    sem = semantics.of(ctx)
    read = next(
        n
        for n in _walk(ctx.tree().root_node)
        if n.type == "call_expression" and sem.text(n).startswith("r.Header.Get")
    )
    binding = origins.binding_of(sem, read)
    assert binding is not None and binding.name == "addr"
    assert "found" in {b.name for b in origins.derived(sem, binding)}


def _walk(node: Node) -> list[Node]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.named_children)
    return out


def test_returns_of_an_arrow_function_bound_to_a_name() -> None:
    text = (
        'const ip = (req) => req.headers["x-real-ip"];\n'
        "function pick(a) {\n  const f = () => 1;\n  return a;\n}\n"
    )
    ctx = _ctx("r.ts", text)
    sem = semantics.of(ctx)
    arrow = next(
        n
        for n in _walk(ctx.tree().root_node)
        if n.type == "arrow_function" and sem.text(n).startswith("(req)")
    )
    assert [sem.text(v) for v in origins.returns_of(sem, arrow)] == ['req.headers["x-real-ip"]']
    pick = sem.functions("pick")[0]
    assert [sem.text(v) for v in origins.returns_of(sem, pick)] == ["a"]


def test_a_local_holding_a_request_objects_input_is_request_input() -> None:
    go = (
        "package p\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n"
        '\thdr := r.Header\n\ttok := hdr.Get("Authorization")\n\tuse(tok)\n}\n'
    )
    assert _origin("h.go", go, "tok") == semantics.Origin("request", "Authorization")
    ts = (
        "function h(req: Request) {\n  const headers = req.headers;\n"
        '  const tok = headers["authorization"];\n  const saved = req.session.csrfToken;\n'
        "  use(tok, saved);\n}\n"
    )
    assert _origin("h.ts", ts, "tok").kind == "request"
    # the session is the server's, set by middleware: not what the client wrote
    assert _origin("h.ts", ts, "saved").kind != "request"
