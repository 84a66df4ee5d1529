"""Evaluating template expressions against the chart's values: `.Values` paths, literals
and the few pure functions charts use in conditions and printed values. Nothing is
executed; an expression it cannot decide is unknown."""

from __future__ import annotations

import re

from ztlint.parsers.data import Mapping, Node, Scalar, Sequence
from ztlint.parsers.template.model import (
    _FLOAT,
    _INT,
    _MAX_PARENS,
    _MISSING,
    _TOKEN,
    UNKNOWN,
    Value,
    _Coll,
    _Py,
)


def _scalar_value(node: Node) -> Value:
    if isinstance(node, Mapping):
        return Value(_Coll(len(node.entries) + len(node.merges)), None, nodes=(node,))
    if isinstance(node, Sequence):
        return Value(_Coll(len(node.items)), None, nodes=(node,))
    assert isinstance(node, Scalar)
    kind, text = node.kind, node.value
    py: _Py
    if kind == "bool":
        py = node.truthy() is True
        text = "true" if py else "false"
    elif kind == "null":
        return Value(None, None, nodes=(node,))
    elif kind == "int":
        try:
            py = int(text.replace("_", ""), 0)
        except ValueError:
            py = text
    elif kind == "float":
        try:
            py = float(text)
        except ValueError:
            py = text
    else:
        py = text
    return Value(py, text, nodes=(node,))


def _literal(tok: str) -> Value | None:
    if tok in ("true", "false"):
        return Value(tok == "true", tok)
    if tok == "nil":
        return Value(None, None)
    if _INT.fullmatch(tok):
        return Value(int(tok), tok)
    if _FLOAT.fullmatch(tok):
        return Value(float(tok), tok)
    return UNKNOWN


def _unquote(tok: str) -> str:
    body = tok[1:-1]
    if tok[0] == "`":
        return body
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def _descend(node: Node, parts: list[str]) -> Node | None:
    """The values node at a key path below `node`, or None."""
    for part in parts:
        found = node.get(part) if isinstance(node, Mapping) else None
        if found is None:
            return None
        node = found
    return node


class _Evaluator:
    """Evaluates the small part of Go's template language that reads chart values:
    field chains from `.Values`, literals, and the functions that decide conditions or
    pass a value through. Everything else is undecidable (None)."""

    def __init__(self, values: Mapping | None) -> None:
        self.values = values
        self._dot: Value | None = None

    def lookup(self, parts: list[str]) -> Value | None:
        if self.values is None:
            return UNKNOWN
        found = _descend(self.values, parts)
        return _MISSING if found is None else _scalar_value(found)

    def pipeline(self, body: str, scope: int, dot: Value | None = None) -> Value | None:
        if self.values is None or (".Values" not in body and dot is None):
            return UNKNOWN  # (literals alone, `{{ if true }}`, are not worth the time)
        tokens = [m.group(m.lastindex) for m in _TOKEN.finditer(body) if m.lastindex]
        self._dot = dot
        try:
            value, rest = self._pipe(tokens, 0, scope, 0)
        except (IndexError, ValueError):
            return UNKNOWN
        return value if rest == len(tokens) else UNKNOWN

    def _pipe(self, toks: list[str], i: int, scope: int, depth: int) -> tuple[Value | None, int]:
        if depth > _MAX_PARENS:
            raise ValueError("too deep")
        piped: Value | None = None
        first = True
        while True:
            args: list[Value | None] = []
            names: list[str] = []
            while i < len(toks) and toks[i] not in ("|", ")"):
                tok = toks[i]
                if tok == "(":
                    val, i = self._pipe(toks, i + 1, scope, depth + 1)
                    if i >= len(toks) or toks[i] != ")":
                        raise ValueError("unbalanced")
                    args.append(val)
                    names.append("")
                else:
                    args.append(self._operand(tok, scope))
                    names.append(tok)
                i += 1
            if not args:
                raise ValueError("empty command")
            result = self._command(names, args, None if first else piped, not first)
            piped, first = result, False
            if i < len(toks) and toks[i] == "|":
                i += 1
                continue
            return piped, i

    def _operand(self, tok: str, scope: int) -> Value | None:
        if tok[0] in '"`':
            text = _unquote(tok)
            return Value(text, text)
        if tok.startswith(".Values.") and scope == 0:
            return self.lookup(tok[len(".Values.") :].split("."))
        if tok.startswith("$.Values."):
            return self.lookup(tok[len("$.Values.") :].split("."))
        dot = self._dot
        if dot is not None and dot.nodes and tok[0] == "." and not tok.startswith(".Values"):
            if tok == ".":
                return dot
            found = _descend(dot.nodes[0], tok[1:].split("."))
            return UNKNOWN if found is None else _scalar_value(found)
        if (tok == ".Values" and scope == 0) or tok == "$.Values":
            return Value(_Coll(1), None, nodes=(self.values,)) if self.values else UNKNOWN
        return _literal(tok)

    def _command(
        self, names: list[str], args: list[Value | None], piped: Value | None, has_pipe: bool
    ) -> Value | None:
        fn = names[0]
        if not fn or fn[0] in '.$"`' or _literal(fn) is not None:
            # An operand, not a function: fine alone, not with arguments or a pipe.
            return args[0] if len(args) == 1 and not has_pipe else UNKNOWN
        params = args[1:] + ([piped] if has_pipe else [])
        return _call(fn, params, self)


def _call(fn: str, params: list[Value | None], ev: _Evaluator) -> Value | None:
    if fn == "default" and len(params) == 2:
        fallback, given = params
        if given is not None and given.truthy():
            return given
        if given is None:
            return UNKNOWN
        return fallback
    params = [None if p is not None and p.missing else p for p in params]
    known = [p for p in params if p is not None]
    nodes = tuple(n for p in known for n in p.nodes)
    if fn == "not" and len(params) == 1:
        p = params[0]
        return UNKNOWN if p is None else Value(not p.truthy(), None, nodes=p.nodes)
    if fn in ("and", "or") and params:
        want = fn == "or"  # the value that decides: a true for `or`, a false for `and`
        for p in params:
            if p is not None and p.truthy() == want:
                return Value(want, None, nodes=p.nodes)
        if len(known) < len(params):
            return UNKNOWN
        return Value(not want, None, nodes=nodes)
    if fn in ("eq", "ne") and len(params) >= 2:
        if len(known) < len(params) or any(isinstance(p.py, _Coll) for p in known):
            return UNKNOWN
        first = _comparable(known[0].py)
        same = any(first == _comparable(p.py) for p in known[1:])
        return Value(same if fn == "eq" else not same, None, nodes=nodes)
    if fn == "empty" and len(params) == 1:
        p = params[0]
        return UNKNOWN if p is None else Value(not p.truthy(), None, nodes=p.nodes)
    if fn in ("quote", "squote", "toString") and len(params) == 1:
        p = params[0]
        if p is None or p.text is None:
            return UNKNOWN
        return Value(p.text, p.text, quoted=fn != "toString", nodes=p.nodes)
    if fn in ("toYaml", "toYamlPretty", "indent", "nindent") and params:
        p = params[-1]  # the printed value comes last (`nindent 8 (toYaml .Values.x)`)
        if p is not None and isinstance(p.py, _Coll) and p.nodes:
            return Value(p.py, None, nodes=p.nodes[:1])
        return UNKNOWN
    if fn == "index" and len(params) >= 2 and params[0] is not None:
        base = params[0]
        keys = params[1:]
        if (
            base.nodes
            and base.nodes[0] is ev.values
            and all(k is not None and isinstance(k.py, str) for k in keys)
        ):
            return ev.lookup([str(k.py) for k in keys if k is not None])
        return UNKNOWN
    return UNKNOWN


def _comparable(py: _Py) -> object:
    if isinstance(py, bool) or py is None:
        return py
    if isinstance(py, int | float):
        return float(py)
    return py
