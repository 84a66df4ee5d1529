"""Build conditions: whether a Go `//go:build` (or legacy `// +build`) line, or a Rust
`#[cfg(...)]` predicate on a module, lets the code be built only with a test tag set,
so it is test code. Rust's `test` and a cargo feature are tags (`feature = "testing"`
is the tag `testing`); any other key-value (`target_os = "linux"`) is a tag of its own."""

from __future__ import annotations

import fnmatch
import itertools
import re
from collections.abc import Iterator

from ztlint.provenance.classes import HEAD_BYTES

# Go's package clause: constraints come before it.
PACKAGE_CLAUSE = re.compile(r"^package[ \t]", re.M)
_GO_BUILD = re.compile(r"^//go:build[ \t]+(.+?)[ \t]*$", re.M)
_PLUS_BUILD = re.compile(r"^// \+build[ \t]+(.+?)[ \t]*$", re.M)
_TOKEN = re.compile(r"\s*(&&|\|\||!|\(|\)|[A-Za-z0-9_.]+)")
# More distinct tags than this in one constraint: not evaluated (taken as production).
_MAX_TAGS = 12


def _go_header(text: str) -> str:
    """The text before the package clause, where build constraints live."""
    m = PACKAGE_CLAUSE.search(text)
    return text[: m.start()] if m else text[:HEAD_BYTES]


def go_constraint(text: str) -> str | None:
    """The file's build constraint as a `//go:build` expression, or None. A legacy
    `// +build` line is an OR of space-separated terms of comma-joined (AND) tags;
    several lines AND together."""
    if "build" not in text[: HEAD_BYTES * 4]:
        return None
    header = _go_header(text)
    m = _GO_BUILD.search(header)
    if m:
        return m.group(1)
    lines = _PLUS_BUILD.findall(header)
    if not lines:
        return None
    return " && ".join(
        "(" + " || ".join("(" + " && ".join(term.split(",")) + ")" for term in line.split()) + ")"
        for line in lines
    )


class _Parser:
    """A recursive-descent parser of Go's constraint grammar: `||` over `&&` over `!`
    over tags and parentheses."""

    def __init__(self, expr: str) -> None:
        self.tokens = _tokens(expr)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ValueError("unexpected end")
        self.pos += 1
        return tok

    def parse(self) -> tuple[object, ...]:
        node = self.or_()
        if self.peek() is not None:
            raise ValueError("trailing tokens")
        return node

    def or_(self) -> tuple[object, ...]:
        node = self.and_()
        while self.peek() == "||":
            self.take()
            node = ("or", node, self.and_())
        return node

    def and_(self) -> tuple[object, ...]:
        node = self.not_()
        while self.peek() == "&&":
            self.take()
            node = ("and", node, self.not_())
        return node

    def not_(self) -> tuple[object, ...]:
        tok = self.take()
        if tok == "!":
            return ("not", self.not_())
        if tok == "(":
            node = self.or_()
            if self.take() != ")":
                raise ValueError("unbalanced")
            return node
        if tok in ("&&", "||", ")"):
            raise ValueError("unexpected operator")
        return ("tag", tok)


def _tokens(expr: str) -> list[str]:
    out = []
    pos = 0
    expr = expr.rstrip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if m is None:
            raise ValueError("bad character")
        out.append(m.group(1))
        pos = m.end()
    return out


def _tags(node: tuple[object, ...]) -> Iterator[str]:
    if node[0] == "tag":
        yield str(node[1])
        return
    for child in node[1:]:
        if isinstance(child, tuple):
            yield from _tags(child)


def _eval(node: tuple[object, ...], env: dict[str, bool]) -> bool:
    op = node[0]
    if op == "tag":
        return env[str(node[1])]
    if op == "not":
        return not _eval(node[1], env)  # type: ignore[arg-type]
    left = _eval(node[1], env)  # type: ignore[arg-type]
    if op == "and":
        return left and _eval(node[2], env)  # type: ignore[arg-type]
    return left or _eval(node[2], env)  # type: ignore[arg-type]


def is_test_tag(tag: str, test_tags: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(tag, pattern) for pattern in test_tags)


def test_only(expr: str, test_tags: tuple[str, ...]) -> bool:
    """Whether the constraint can hold only with a test tag set: false for every
    setting of the other tags while every test tag is off. An expression that does not
    parse, or has too many tags to try, is not test-only."""
    try:
        node = _Parser(expr).parse()
    except ValueError:
        return False
    return _test_only(node, test_tags)


_RUST_TOKEN = re.compile(r'\s*(\(|\)|,|=|"[^"\\\n]{0,200}"|[A-Za-z_][A-Za-z0-9_]{0,100})')


def rust_cfg_test_only(predicate: str, test_tags: tuple[str, ...]) -> bool:
    """Whether a Rust `cfg` predicate (`test`, `any(test, feature = "testing")`) can
    hold only with a test tag set; a predicate that does not parse is not test-only."""
    tokens: list[str] = []
    pos = 0
    predicate = predicate.strip()
    while pos < len(predicate):
        m = _RUST_TOKEN.match(predicate, pos)
        if m is None:
            return False
        tokens.append(m.group(1))
        pos = m.end()
    at = 0

    def term(depth: int) -> tuple[object, ...]:
        nonlocal at
        if at >= len(tokens) or depth > 16:
            raise ValueError("unexpected end")
        tok = tokens[at]
        at += 1
        if tok in ("any", "all", "not") and at < len(tokens) and tokens[at] == "(":
            at += 1
            items: list[tuple[object, ...]] = []
            while at < len(tokens) and tokens[at] != ")":
                items.append(term(depth + 1))
                if at < len(tokens) and tokens[at] == ",":
                    at += 1
            if at >= len(tokens):
                raise ValueError("unbalanced")
            at += 1
            if tok == "not":
                if len(items) != 1:
                    raise ValueError("not takes one predicate")
                return ("not", items[0])
            if not items:  # any() is false, all() is true: a tag that is never set
                return ("not", ("tag", "")) if tok == "all" else ("tag", "")
            node = items[0]
            for item in items[1:]:
                node = ("or" if tok == "any" else "and", node, item)
            return node
        if not tok[0].isalpha() and tok[0] != "_":
            raise ValueError("unexpected token")
        if at < len(tokens) and tokens[at] == "=":
            value = tokens[at + 1] if at + 1 < len(tokens) else ""
            at += 2
            if not value.startswith('"'):
                raise ValueError("a key's value is a string")
            return ("tag", value[1:-1] if tok == "feature" else f"{tok}={value[1:-1]}")
        return ("tag", tok)

    try:
        node = term(0)
    except ValueError:
        return False
    if at != len(tokens):
        return False
    return _test_only(node, test_tags)


def _test_only(node: tuple[object, ...], test_tags: tuple[str, ...]) -> bool:
    tags = sorted(set(_tags(node)))
    free = [t for t in tags if not is_test_tag(t, test_tags)]
    if len(free) > _MAX_TAGS or len(free) == len(tags):
        return False
    env = {t: False for t in tags}
    for values in itertools.product((False, True), repeat=len(free)):
        env.update(zip(free, values, strict=True))
        if _eval(node, env):
            return False
    return True


def go_test_only(text: str, test_tags: tuple[str, ...]) -> bool:
    expr = go_constraint(text)
    return expr is not None and test_only(expr, test_tags)
