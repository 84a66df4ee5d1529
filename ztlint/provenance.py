"""Where a file comes from, decided once per file: `production`, `test`, `example`,
`docs`, `generated` or `vendored`.

The evidence is the file's path relative to the scanned root (never the folders above
it: a scan of `fixtures/demo` judges its files by their paths inside it), its name, and
its head: Go's `Code generated ... DO NOT EDIT.` line and other generator markers, Go
build constraints that hold only with a test tag, and minified code (very long lines).
A config's `provenance:` globs decide first. The policy each class gets is in
ztlint.policy.

Some files are known only by what other files say about them; `evidence` reads those
statements from each file and `project_classes` judges them once every file is read:
a rendered Helm chart whose chart the repository does not hold (a copy of another
project's release), a compose topology that CI runs and that builds the repository's
own services from source, and Go packages kept for tests only.
"""

from __future__ import annotations

import fnmatch
import itertools
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ztlint import classify as kinds_of
from ztlint.globs import match_any

PRODUCTION = "production"
TEST = "test"
EXAMPLE = "example"
DOCS = "docs"
GENERATED = "generated"
VENDORED = "vendored"
DATA = "data"
CLASSES = (PRODUCTION, TEST, EXAMPLE, DOCS, GENERATED, VENDORED, DATA)
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
# Data, not code: lock files that package managers write (npm, Yarn, pnpm, Bun, Deno,
# Cargo, Go, Poetry, Pipenv, PDM, uv, pixi, Bundler, Composer, SwiftPM, CocoaPods, Dart,
# Mix, NuGet, Gradle, Terraform, Nix) and translation catalogues (ztlint.provenance
# .catalogue). Only the secret rules read them; their findings are shown as they are.
LOCK_FILES = frozenset(
    {
        "yarn.lock", "package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "bun.lock",
        "deno.lock", "Cargo.lock", "go.sum", "go.work.sum", "poetry.lock", "Pipfile.lock",
        "pdm.lock", "pixi.lock", "pylock.toml", "Gemfile.lock", "composer.lock", "uv.lock",
        "Package.resolved", "Podfile.lock", "pubspec.lock", "mix.lock", "packages.lock.json",
        "gradle.lockfile", ".terraform.lock.hcl", "flake.lock",
    }
)  # fmt: skip
# Translation catalogues by format: gettext, XLIFF, Flutter ARB, Apple strings tables;
# also Java message bundles (`messages_de.properties`) and Android string resources
# (`res/values-de/strings.xml`).
CATALOGUE_SUFFIXES = (".po", ".pot", ".xliff", ".xlf", ".arb", ".strings", ".stringsdict")
# Folders that hold translations: any data file below them is one. Below the folders of
# the second set only a file (or folder) named by a locale (`en.json`, `pt-BR/app.yaml`).
_CATALOGUE_DIRS = frozenset({"locales", "locale", "i18n", "l10n", "translations", "_locales"})
_LANGUAGE_DIRS = frozenset({"lang", "langs", "languages", "messages"})
_CATALOGUE_SUFFIXES = (".json", ".yaml", ".yml", ".toml", ".properties", ".ini")
# ISO 639-1 language codes; a locale is one, then a script or region (`zh-Hans`, `pt_BR`).
_LANGUAGES = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs "
    "cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha "
    "he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn "
    "ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb "
    "nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd "
    "se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw "
    "ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu".split()
)
_LOCALE = re.compile(r"^([a-z]{2})(?:[-_][A-Za-z0-9]{2,4}){0,2}$")


def _locale(name: str) -> bool:
    m = _LOCALE.match(name)
    return m is not None and m.group(1) in _LANGUAGES


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
    # Snapshot tests' recorded outputs (Jest, Vitest, cupaloy, insta).
    "__snapshots__/",
    ".snapshots/",
    "*.snap",
    "mock_*.go",
    "*_mock.go",
    "*_mocks.go",
    "fake*.go",
    # Helpers for a package's tests kept outside `_test.go` (a common Go convention).
    "*_test_util.go",
    "*_test_utils.go",
    "*_test_helper.go",
    "*_test_helpers.go",
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
    # A quick start or demo stands a product up for a first look, not for production.
    "quickstart/",
    "quickstarts/",
    "quick-start/",
    "quickstart*.yml",
    "quickstart*.yaml",
    "demo/",
    "demos/",
    # Development seed data: the sample rows a framework loads into a local database on
    # request (Phoenix/Ecto `mix run priv/repo/seeds.exs`, Rails `db:seed`, Laravel
    # `db:seed`), not code the service runs.
    "**/priv/repo/seeds.exs",
    "**/priv/repo/seeds/",
    "**/db/seeds.rb",
    "**/db/seeds/",
    "**/database/seeders/",
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


# A copy of another project's file says so in its first lines: "Downloaded from
# https://...", "Copied from <url>", "Vendored from <url>".
_COPIED_FROM = re.compile(
    r"^[ \t]*(?:#|//|--|/?\*)[ \t]*(?:downloaded|fetched|copied|vendored|retrieved)"
    r"[ \t]+(?:verbatim[ \t]+)?from[ \t]+(?:https?://|github\.com/)",
    re.I | re.M,
)


def copied_head(text: str) -> bool:
    """A header saying the file is a download of another project's file: only a data or
    config file (a manifest), where the whole file is the copy."""
    head = "\n".join(_head(text).split("\n", _HEAD_LINES)[:_HEAD_LINES])
    return "from" in head and _COPIED_FROM.search(head) is not None


_DATA_SUFFIXES = (".yaml", ".yml", ".json")


def classify(path: str, text: str | None, settings: Settings) -> str:
    """The provenance of a file at `path` (relative to the scanned root) with `text`
    (None for a binary file)."""
    for cls, patterns in settings.overrides:
        if match_any(patterns, path):
            return cls
    if match_any(VENDORED_PATHS, path) or (
        text is not None
        and (_minified(path, text) or (path.endswith(_DATA_SUFFIXES) and copied_head(text)))
    ):
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
    if lock_file(path) or catalogue(path):
        return DATA
    return PRODUCTION


def lock_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name in LOCK_FILES or (name.startswith("pylock.") and name.endswith(".toml"))


def catalogue(path: str) -> bool:
    """A translation catalogue: by its format, or a data file in a translations folder
    (`locales/`, `i18n/`, `_locales/`), or named by a locale in a language folder
    (`lang/en.json`, `messages/pt-BR/errors.yaml`). Plain string tests: this runs for
    every file."""
    lower = path.lower()
    if lower.endswith(CATALOGUE_SUFFIXES):
        return True
    *folders, name = lower.split("/")
    if name.startswith("messages_") and name.endswith(".properties"):
        return True
    if name == "strings.xml" and len(folders) >= 2:
        return folders[-2] == "res" and folders[-1].startswith("values")
    if not lower.endswith(_CATALOGUE_SUFFIXES):
        return False
    *folders, name = path.split("/")
    lowered = [f.lower() for f in folders]
    if _CATALOGUE_DIRS.intersection(lowered):
        return True
    for i, folder in enumerate(lowered):
        if folder in _LANGUAGE_DIRS:
            below = [*folders[i + 1 :], name.rsplit(".", 1)[0]]
            if any(_locale(part) for part in below):
                return True
    return False


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


# --- Evidence from other files ---------------------------------------------------------

# Patterns start with their literal (the line's start is checked apart: a `^` under
# re.M is tried at every position).
_GO_PACKAGE = re.compile(r"package[ \t]+(\w+)")
_GO_IMPORT = re.compile(r"import[ \t]*(?:\(([^)]*)\)|(?:[\w.]+[ \t]+)?\"([^\"\n]+)\")")
_GO_QUOTED = re.compile(r"\"([^\"\n]+)\"")
_GO_MODULE = re.compile(r"^module[ \t]+\"?([^\"\s]+)", re.M)
_CHART_NAME = re.compile(r"^name:[ \t]*[\"']?([\w.-]+)", re.M)
# `helm template` writes `# Source: <chart>/templates/<file>` above each document.
# (The pattern starts with its literal, and the line's start is checked apart: a `^`
# under re.M is tried at every position.)
_RENDERED = re.compile(r"# Source: ([\w.-]+)/(?:templates|charts)/")
_COMPOSE_INCLUDE = re.compile(r"^include:[ \t]*\n((?:[ \t]+\S.*\n|[ \t]*\n)*)", re.M)
_INCLUDE_ITEM = re.compile(r"^[ \t]+-[ \t]+(?:path:[ \t]*)?[\"']?([^\"'\s#]+)", re.M)
_EXTENDS_FILE = re.compile(r"^[ \t]+extends:[ \t]*\n[ \t]+file:[ \t]*[\"']?([^\"'\s#]+)", re.M)
_COMPOSE_BUILD = re.compile(r"^[ \t]+build:", re.M)
_COMPOSE_RUN = re.compile(r"\bdocker(?:-compose|[ \t]+compose)(?=[ \t]|$)([^\n]*)", re.M)
# A deployment keeps its services running; a test topology is brought up and torn down.
_KEEPS_RUNNING = re.compile(r"^[ \t]+restart:[ \t]*[\"']?(?:always|unless-stopped)\b", re.M)
# What a workflow is for, by its file name.
_TEST_WORKFLOW = ("*test*", "*e2e*", "*integration*", "*acceptance*")
_DEPLOY_WORKFLOW = ("*deploy*", "*release*", "*publish*", "*prod*", "cd.*", "*-cd.*", "*_cd.*")
_COMPOSE_FILE_ARG = re.compile(r"(?:-f|--file)[ \t=]+[\"']?([^\"'\s;|&]+)")
DEFAULT_COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
# Go's convention names a package of test helpers after what it tests plus `test`
# (httptest, iotest, fstest), or `test` plus what it provides (testenv, testcerts);
# these English words are no such name.
_BROWSER_TEST_RUNNERS = ("cypress", "playwright")
_CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer")
_KEY_FILE_SUFFIXES = (*_CERTIFICATE_SUFFIXES, ".key")
# How a key file is named after its certificate: `cert.pem` / `key.pem`,
# `server_cert.pem` / `server_key.pem`, `server.crt` / `server.key`.
_KEY_FOR_CERTIFICATE = (("cert", "key"), ("crt", "key"), ("certificate", "key"))
_NOT_TEST_NAMES = frozenset(
    {"attest", "contest", "latest", "protest", "detest", "greatest", "testament", "testimony"}
)


@dataclass(frozen=True)
class Evidence:
    """What a production file says about its own provenance or other files' (paths
    relative to the report root), read where the file is read and judged by
    project_classes once every file is read."""

    go_package: str | None = None  # a Go file's package name
    go_imports: tuple[str, ...] = ()
    go_module: str | None = None  # go.mod's module path
    chart: str | None = None  # Chart.yaml's chart name
    rendered_from: tuple[str, ...] = ()  # charts a `helm template` output was made from
    compose: bool = False  # a compose file
    compose_refs: tuple[str, ...] = ()  # files it includes or extends
    compose_builds: bool = False  # a service is built from the checkout (`build:`)
    keeps_running: bool = False  # a service restarts always (a deployment's habit)
    runs_compose: tuple[str, ...] = ()  # compose files a CI test workflow runs
    deploys_compose: tuple[str, ...] = ()  # compose files a deployment workflow runs
    browser_tests: str | None = None  # the folder a browser-test runner's config tests
    local_certificate: bool = False  # certificates for local or reserved names only
    # (public key id, names only local or reserved names) of each certificate
    certified_keys: tuple[tuple[str, bool], ...] = ()
    private_keys: tuple[str, ...] = ()  # public key ids of a key file's private keys

    def __bool__(self) -> bool:
        return self != _NONE


_NONE = Evidence()


def evidence(path: str, text: str, kinds: frozenset[str]) -> Evidence | None:
    """The statements of a file `project_classes` needs, or None."""
    name = posixpath.basename(path)
    folder = posixpath.dirname(path)
    if path.endswith(".go"):
        return _go_evidence(text)
    if name == "go.mod":
        m = _GO_MODULE.search(text)
        return Evidence(go_module=m.group(1)) if m else None
    runner = _browser_test_runner(name)
    if runner is not None:
        return Evidence(browser_tests=posixpath.join(folder, runner))
    if name.endswith(_KEY_FILE_SUFFIXES) and "-----BEGIN " in text:
        from ztlint.checks.secrets import private_key

        if "PRIVATE KEY-----" in text:
            keys = tuple(private_key.private_key_ids(text))
            return Evidence(private_keys=keys) if keys else None
        if name.endswith(_CERTIFICATE_SUFFIXES) and "BEGIN CERTIFICATE" in text:
            return (
                Evidence(
                    local_certificate=private_key.for_local_names(text),
                    certified_keys=tuple(private_key.certified_keys(text)),
                )
                or None
            )
    if name == "Chart.yaml":
        m = _CHART_NAME.search(text)
        return Evidence(chart=m.group(1)) if m else None
    found = _NONE
    if "# Source: " in text:
        charts = tuple(
            sorted(
                {
                    m.group(1)
                    for m in _RENDERED.finditer(text)
                    if m.start() == 0 or text[m.start() - 1] == "\n"
                }
            )
        )
        found = Evidence(rendered_from=charts)
    if kinds_of.COMPOSE in kinds:
        refs = [m for block in _COMPOSE_INCLUDE.findall(text) for m in _INCLUDE_ITEM.findall(block)]
        refs += _EXTENDS_FILE.findall(text)
        found = Evidence(
            rendered_from=found.rendered_from,
            compose=True,
            compose_refs=tuple(sorted({_join(folder, r) for r in refs} - {""})),
            compose_builds=_COMPOSE_BUILD.search(text) is not None,
            keeps_running=_KEEPS_RUNNING.search(text) is not None,
        )
    if kinds_of.WORKFLOW in kinds and "compose" in text:
        composes = tuple(sorted(set(_composes_run(text))))
        lower = name.lower()
        if any(fnmatch.fnmatchcase(lower, p) for p in _DEPLOY_WORKFLOW):
            found = Evidence(deploys_compose=composes)
        elif any(fnmatch.fnmatchcase(lower, p) for p in _TEST_WORKFLOW):
            found = Evidence(runs_compose=composes)
    return found or None


def _browser_test_runner(name: str) -> str | None:
    """The folder an end-to-end browser-test runner keeps its tests in by its own
    convention, if `name` is that runner's config file: Cypress (`cypress.config.*`,
    the older `cypress.json`) and Playwright (`playwright.config.*`)."""
    for runner in _BROWSER_TEST_RUNNERS:
        if name == f"{runner}.json" or name.startswith(f"{runner}.config."):
            return runner
    return None


def _join(folder: str, ref: str) -> str:
    if "$" in ref or "://" in ref or ref.startswith("/"):
        return ""
    joined = posixpath.normpath(posixpath.join(folder, ref))
    return "" if joined.startswith("..") else joined


def _composes_run(text: str) -> Iterator[str]:
    """Compose files a workflow's commands run (`-f FILE`, else the default file names
    in the checkout's root)."""
    for m in _COMPOSE_RUN.finditer(text):
        files = _COMPOSE_FILE_ARG.findall(m.group(1))
        if files:
            yield from (j for f in files if (j := _join("", f)))
        else:
            yield from DEFAULT_COMPOSE_FILES


def _go_evidence(text: str) -> Evidence | None:
    header = text[: HEAD_BYTES * 4]
    package = next((m for m in _GO_PACKAGE.finditer(header) if _line_start(header, m)), None)
    if package is None:
        return None
    imports: set[str] = set()
    for m in _GO_IMPORT.finditer(header, package.end()):
        if _line_start(header, m):
            imports.update(_GO_QUOTED.findall(m.group(1)) if m.group(1) is not None else ())
            imports.update((m.group(2),) if m.group(2) is not None else ())
    return Evidence(go_package=package.group(1), go_imports=tuple(sorted(imports)))


def _line_start(text: str, m: re.Match[str]) -> bool:
    return m.start() == 0 or text[m.start() - 1] == "\n"


def project_classes(
    found: Mapping[str, Evidence], origins: Mapping[str, str], kept: Iterable[str] = ()
) -> dict[str, str]:
    """New classes for production files, from what other files say (`found`, by path;
    `origins`: every scanned file's class; `kept`: files the config marks production,
    which stay so):

    - a rendered Helm chart (`helm template` output) none of whose charts is one of the
      repository's own (a Chart.yaml in the scan) is another project's release: vendored;
    - a compose file that a CI workflow named for tests runs (`*test*`, `*e2e*`,
      `*integration*`, `*acceptance*`) and no deployment workflow does, that builds a service
      from the checkout (`build:`) and restarts none `always` or `unless-stopped`, is a
      test topology (a deployment pulls released images and keeps them running), and so
      is a compose file that only test topologies include or extend;
    - the folder a browser-test runner's config beside it names by the runner's
      convention (`cypress/` beside `cypress.config.ts` or `cypress.json`,
      `playwright/` beside `playwright.config.ts`) holds end-to-end tests;
    - a key file named after a certificate beside it (`key.pem` by `cert.pem`,
      `server.key` by `server.crt`) that is certified only for local or reserved names
      (`localhost`, `test`, `*.example.com`) is a test server's key: test code; so is
      a key file, wherever it sits, whose public key the scan's certificates certify
      and certify only for such names (paired by the key itself: an RSA modulus, an
      elliptic-curve point);
    - a Go package named like a test helper package (`<name>test` as httptest, or
      `test<name>` as testenv) that other packages' tests import and no production
      code imports, or any package whose own production files import an assertion
      framework (testify, ginkgo, gomega, gotest.tools), every package in its folder
      tree with the other files in that tree, and a command (`package main`) that
      imports one, are test code.
    """
    keep = set(kept)
    out: dict[str, str] = {}

    def mark(path: str, cls: str) -> None:
        if origins.get(path) == PRODUCTION and path not in keep and path not in out:
            out[path] = cls

    charts = {e.chart for e in found.values() if e.chart}
    for path, e in found.items():
        if e.rendered_from and not charts.intersection(e.rendered_from):
            mark(path, VENDORED)
    for path in _test_composes(found, origins):
        mark(path, TEST)
    for path in _test_server_keys(found, origins):
        mark(path, TEST)
    harness, helpers = _go_harness(found, origins)
    for path in harness:
        mark(path, TEST)
    # The other files of a helper package's tree (keys, configs, compose files its
    # tests start) are its fixtures; a browser-test runner's folder is its tests.
    roots = tuple(sorted({h + "/" for h in helpers} | _browser_test_trees(found)))
    if roots:
        for path in origins:
            if path.startswith(roots):
                mark(path, TEST)
    return out


def _test_server_keys(found: Mapping[str, Evidence], origins: Mapping[str, str]) -> set[str]:
    out: set[str] = set()
    certified: dict[str, list[bool]] = {}
    for e in found.values():
        for key, local in e.certified_keys:
            certified.setdefault(key, []).append(local)
    for path, e in found.items():
        if e.private_keys and all(
            key in certified and all(certified[key]) for key in e.private_keys
        ):
            out.add(path)
    for path, e in found.items():
        if not e.local_certificate:
            continue
        folder, name = posixpath.split(path)
        for cert, key in _KEY_FOR_CERTIFICATE:
            for m in re.finditer(rf"(?<![a-z]){cert}(?![a-z])", name):
                candidate = posixpath.join(folder, name[: m.start()] + key + name[m.end() :])
                if candidate != path and candidate in origins:
                    out.add(candidate)
    # A key some certificate names a public host for serves that host.
    serving = {key for key, local in certified.items() if not all(local)}
    return {p for p in out if p not in found or serving.isdisjoint(found[p].private_keys)}


def _browser_test_trees(found: Mapping[str, Evidence]) -> set[str]:
    return {e.browser_tests + "/" for e in found.values() if e.browser_tests}


def _test_composes(found: Mapping[str, Evidence], origins: Mapping[str, str]) -> set[str]:
    run = {p for e in found.values() for p in e.runs_compose}
    run -= {p for e in found.values() for p in e.deploys_compose}
    tests = {
        p for p in run if p in found and found[p].compose_builds and not found[p].keeps_running
    }
    users: dict[str, set[str]] = {}
    for path, e in found.items():
        for ref in e.compose_refs:
            users.setdefault(ref, set()).add(path)
    changed = True
    while changed:
        changed = False
        for ref, by in users.items():
            if (
                ref not in tests
                and ref in found
                and found[ref].compose
                and by & tests
                and by <= tests | _non_production(by, origins)
            ):
                tests.add(ref)
                changed = True
    return tests


def _non_production(paths: Iterable[str], origins: Mapping[str, str]) -> set[str]:
    return {p for p in paths if origins.get(p, PRODUCTION) != PRODUCTION}


def _go_harness(
    found: Mapping[str, Evidence], origins: Mapping[str, str]
) -> tuple[set[str], set[str]]:
    """The production Go files of test helper packages (see project_classes), and the
    folders of those packages."""
    modules = sorted(
        ((posixpath.dirname(p), e.go_module) for p, e in found.items() if e.go_module),
        key=lambda m: -len(m[1]),
    )
    if not modules:
        return set(), set()
    files: dict[str, list[str]] = {}  # package folder -> its production files
    names: dict[str, str] = {}
    tests: list[str] = []  # Go files of test code
    driven: set[str] = set()  # folders whose production files import a test framework
    for path, e in found.items():
        if e.go_package is None:
            continue
        if origins.get(path) != PRODUCTION or path.endswith("_test.go"):
            tests.append(path)
            continue
        folder = posixpath.dirname(path)
        files.setdefault(folder, []).append(path)
        if names.get(folder, "main") == "main":  # a `main` generator beside a library
            names[folder] = e.go_package
        if any(_test_framework(i) for i in e.go_imports):
            driven.add(folder)

    def folder_of(imported: str) -> str | None:
        for root, module in modules:
            if imported == module or imported.startswith(module + "/"):
                return posixpath.normpath(posixpath.join(root, imported[len(module) + 1 :]))
        return None

    importers: dict[str, set[str]] = {}  # package folder -> folders of its importers
    imports: dict[str, set[str]] = {}
    tested: dict[str, set[str]] = {}  # package folder -> folders of test files importing it
    for folder, paths in files.items():
        for path in paths:
            for imported in found[path].go_imports:
                target = folder_of(imported)
                if target is not None and target in files and target != folder:
                    importers.setdefault(target, set()).add(folder)
                    imports.setdefault(folder, set()).add(target)
    for path in tests:
        for imported in found[path].go_imports:
            target = folder_of(imported)
            if target is not None and target in files:
                tested.setdefault(target, set()).add(posixpath.dirname(path))
    # A helper package serves the tests of other packages: test code elsewhere imports it.
    helpers = {
        f
        for f, n in names.items()
        if (n.endswith("test") or n.startswith("test"))
        and n != "test"
        and n not in _NOT_TEST_NAMES
        and any(t != f and not t.startswith(f + "/") for t in tested.get(f, ()))
    }

    def trees_importers(trees: set[str]) -> set[str]:
        return {i for t in trees for i in importers.get(t, ())}

    # The largest set of helper packages whose trees no production code imports: an
    # importer is harmless inside a helper's tree, or when it is a command importing
    # from one (a test tool).
    while True:
        trees = _trees(helpers, files)
        tools = {f for f in trees_importers(trees) if names.get(f) == "main"}
        dropped = {
            h
            for h in helpers
            if any(
                i not in trees and i not in tools
                for t in _trees({h}, trees)
                for i in importers.get(t, ())
            )
        }
        if not dropped:
            break
        helpers -= dropped
    # A package whose own code asserts with a test framework is test code whatever its
    # name or its importers (an end-to-end suite beside the fixtures it starts, driven by
    # a developer tool): production code does not link an assertion library.
    helpers |= {f for f in driven if names.get(f) != "main"}
    harness = _trees(helpers, files)
    harness |= {f for f in trees_importers(harness) if names.get(f) == "main"}
    return {p for f in harness for p in files[f]}, helpers


# Assertion frameworks: a package whose production files import one is test-support
# code (`testing` alone is not: production code asks `testing.Testing()`).
TEST_FRAMEWORKS = (
    "github.com/stretchr/testify",
    "github.com/onsi/ginkgo",
    "github.com/onsi/gomega",
    "gotest.tools",
)


def _test_framework(imported: str) -> bool:
    return any(imported == f or imported.startswith(f + "/") for f in TEST_FRAMEWORKS)


def _trees(roots: set[str], folders: Iterable[str]) -> set[str]:
    return {f for f in folders if any(f == r or f.startswith(r + "/") for r in roots)}
