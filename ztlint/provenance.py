"""Where a file comes from, decided once per file: `production`, `test`, `example`,
`docs`, `generated` or `vendored`.

The evidence is the file's path relative to the scanned root (never the folders above
it: a scan of `fixtures/demo` judges its files by their paths inside it), its name, and
its head: Go's `Code generated ... DO NOT EDIT.` line and other generator markers, Go
build constraints that hold only with a test tag, and minified code (very long lines).
A config's `provenance:` globs decide first. The policy each class gets is in
ztlint.policy.
"""

from __future__ import annotations

import fnmatch
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ztlint.globs import match_any

PRODUCTION = "production"
TEST = "test"
EXAMPLE = "example"
DOCS = "docs"
GENERATED = "generated"
VENDORED = "vendored"
CLASSES = (PRODUCTION, TEST, EXAMPLE, DOCS, GENERATED, VENDORED)
# Not checked at all; findings not shown by default (secrets aside).
NOT_CHECKED = (GENERATED, VENDORED)
NOT_SHOWN = (TEST, EXAMPLE, DOCS)

# Build tags that mean "only in a test build" (fnmatch patterns).
DEFAULT_TEST_TAGS = ("integration", "e2e", "test*", "*test")

VENDORED_PATHS = (
    "vendor/",
    "third_party/",
    "third-party/",
    "node_modules/",
    "external/",
    "bower_components/",
    "*.min.js",
    "*.min.css",
    "*.min.mjs",
    "*.bundle.js",
)
GENERATED_PATHS = (
    "*.pb.go",
    "*.pb.gw.go",
    "*.pb.validate.go",
    "*_pb2.py",
    "*_pb2_grpc.py",
    "*_pb2.pyi",
    "*.gen.go",
    "*_generated.go",
    "zz_generated*.go",
    "*.pb.ts",
    "*_pb.js",
    "*_pb.d.ts",
)
# Test code beyond the configured test paths (config.DEFAULT_TEST_PATHS).
TEST_PATHS = (
    "integration/",
    "e2e/",
    "e2e-tests/",
    "component-tests/",
    "acceptance/",
    "testutil/",
    "testutils/",
    "*_integration_tests/",
    "*-integration-tests/",
    "test-*/",
    "test_*/",
    "**/config/test.exs",
    "test_data/",
    "testdata/",
    "test-data/",
    "test_resources/",
    "fixtures/",
    "stub/",
    "stubs/",
    "mock/",
    "mocks/",
    "__mocks__/",
    "mock_*.go",
    "*_mock.go",
    "*_mocks.go",
    "fake*.go",
    "mock.ts",
    "mocks.ts",
    "test-*.pem",
    "docker-compose.*test*.yml",
    "docker-compose.*test*.yaml",
    "docker-compose.integration.yml",
    "docker-compose.integration.yaml",
)
EXAMPLE_PATHS = (
    "examples/",
    "example/",
    "samples/",
    "sample/",
    "*.example",
    "*.sample",
    "*.example.*",
    "*.sample.*",
)
DOCS_PATHS = ("*.md", "*.markdown", "*.rst", "*.adoc", "docs/", "doc/", "site/")

# Generator markers in a file's first lines: Go's convention
# (https://go.dev/s/generatedcode), `@generated` (Facebook, Rust, many tools), and the
# "auto-generated ... do not edit" banners of other generators.
_GO_GENERATED = re.compile(r"^// Code generated .* DO NOT EDIT\.$", re.M)
_GENERATED_MARK = re.compile(
    r"@generated\b|\bauto-?generated\b.*\b(?:do not|don't) (?:edit|modify)\b"
    r"|\b(?:do not|don't) (?:edit|modify)\b.*\bauto-?generated\b",
    re.I,
)
_HEAD_LINES = 12
HEAD_BYTES = 4096
# A minified or bundled script: a line this long within its head.
LONG_LINE = 1000
_MINIFIABLE = (".js", ".mjs", ".cjs", ".css")

_PACKAGE = re.compile(r"^package[ \t]", re.M)
_GO_BUILD = re.compile(r"^//go:build[ \t]+(.+?)[ \t]*$", re.M)
_PLUS_BUILD = re.compile(r"^// \+build[ \t]+(.+?)[ \t]*$", re.M)
_TOKEN = re.compile(r"\s*(&&|\|\||!|\(|\)|[A-Za-z0-9_.]+)")
# More distinct tags than this in one constraint: not evaluated (taken as production).
_MAX_TAGS = 12


@dataclass(frozen=True)
class Settings:
    """How provenance is decided: the configured test paths, test tags, and the
    config's overrides by class (globs, first class that matches wins)."""

    test_paths: tuple[str, ...] = ()
    test_tags: tuple[str, ...] = DEFAULT_TEST_TAGS
    overrides: tuple[tuple[str, tuple[str, ...]], ...] = ()


def relative_to_roots(rel: str, roots: tuple[str, ...]) -> str:
    """`rel` (relative to the report root) made relative to the deepest scanned folder
    that holds it (`roots` are folder prefixes ending in '/'; '' is the report root)."""
    best = ""
    for root in roots:
        if root and rel.startswith(root) and len(root) > len(best):
            best = root
    return rel[len(best) :]


def classify(path: str, text: str | None, settings: Settings) -> str:
    """The provenance of a file at `path` (relative to the scanned root) with `text`
    (None for a binary file)."""
    for cls, patterns in settings.overrides:
        if match_any(patterns, path):
            return cls
    if match_any(VENDORED_PATHS, path) or (text is not None and _minified(path, text)):
        return VENDORED
    if match_any(GENERATED_PATHS, path) or (text is not None and generated_head(text)):
        return GENERATED
    if (
        match_any(settings.test_paths, path)
        or match_any(TEST_PATHS, path)
        or (text is not None and path.endswith(".go") and go_test_only(text, settings.test_tags))
    ):
        return TEST
    if match_any(EXAMPLE_PATHS, path):
        return EXAMPLE
    if match_any(DOCS_PATHS, path):
        return DOCS
    return PRODUCTION


def _head(text: str) -> str:
    return text[:HEAD_BYTES]


def generated_head(text: str) -> bool:
    """A generator's marker in the file's first lines."""
    head = _head(text)
    if "generated" not in head.lower():
        return False
    if "Code generated" in head and (m := _GO_GENERATED.search(head)):
        # Go's rule: the line comes before the package clause.
        package = _PACKAGE.search(head)
        if package is None or m.start() < package.start():
            return True
    first = "\n".join(head.split("\n", _HEAD_LINES)[:_HEAD_LINES])
    return bool(_GENERATED_MARK.search(first))


def _minified(path: str, text: str) -> bool:
    """A minified script: a line of code (not a comment: a long comment makes no bundle)
    at least LONG_LINE long within its head, or a head with no line break at all."""
    if not path.lower().endswith(_MINIFIABLE):
        return False
    head = _head(text)
    return any(
        len(line) >= LONG_LINE and not line.lstrip().startswith(("//", "/*", "*"))
        for line in head.split("\n")[:-1]
    ) or (len(text) > HEAD_BYTES and "\n" not in head)


# --- Go build constraints ------------------------------------------------------------


def _go_header(text: str) -> str:
    """The text before the package clause, where build constraints live."""
    m = _PACKAGE.search(text)
    return text[: m.start()] if m else _head(text)


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
