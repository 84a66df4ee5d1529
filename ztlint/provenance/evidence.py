"""Provenance from what other files say: `evidence` reads each file's statements where
the file is read, and `project_classes` judges them once every file is read (a rendered
Helm chart whose chart the repository does not hold, a compose topology CI runs, Go
packages kept for tests only, certificates and keys for local names, the files a test
topology mounts).

Over 400 lines: one reading and one judgement per kind of statement, which
`project_classes` needs all at once."""

from __future__ import annotations

import bisect
import fnmatch
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ztlint import classify as kinds_of
from ztlint.provenance.classes import (
    EXAMPLE,
    GENERATED,
    HEAD_BYTES,
    PRODUCTION,
    TEST,
    VENDORED,
)

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
# Bind mounts of files from the checkout: `- ./certs/server.key:/etc/...` (short
# syntax) and `source: ./certs` (long syntax).
_COMPOSE_MOUNT = re.compile(
    r"^[ \t]+(?:-[ \t]+|source:[ \t]*)[\"']?(\.{1,2}/[^:\"'\s#]+)(?=:|[\"']?[ \t]*(?:#|$))", re.M
)
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
    # The Go project's copyright header (`Copyright 2009 The Go Authors`): a copy of the
    # standard library's or golang.org/x's code, unless the module is the Go project's.
    go_authors: bool = False
    chart: str | None = None  # Chart.yaml's chart name
    rendered_from: tuple[str, ...] = ()  # charts a `helm template` output was made from
    compose: bool = False  # a compose file
    compose_refs: tuple[str, ...] = ()  # files it includes or extends
    compose_builds: bool = False  # a service is built from the checkout (`build:`)
    compose_mounts: tuple[str, ...] = ()  # files or folders of the checkout it mounts
    keeps_running: bool = False  # a service restarts always (a deployment's habit)
    runs_compose: tuple[str, ...] = ()  # compose files a CI test workflow runs
    deploys_compose: tuple[str, ...] = ()  # compose files a deployment workflow runs
    browser_tests: str | None = None  # the folder a browser-test runner's config tests
    test_project: str | None = None  # the folder of a compose project named as a test stack
    test_crate: str | None = None  # the folder of a Rust crate that says it is test tooling
    # The folder of a Rust crate that depends on a command-line parser (clap, argh, ...).
    command_crate: str | None = None
    local_certificate: bool = False  # certificates for local or reserved names only
    # (public key id, names only local or reserved names) of each certificate
    certified_keys: tuple[tuple[str, bool], ...] = ()
    private_keys: tuple[str, ...] = ()  # public key ids of a key file's private keys
    key_file: bool = False  # holds a PEM private key (encrypted or not, parsed or not)
    # The folder a TypeScript project compiles into (tsconfig's `outDir`): what tsc
    # writes there is generated from the sources beside it.
    compiled_into: str | None = None
    # A page named `example` below the root: the documentation of the folder's sandbox.
    example_page: bool = False
    # Files a Rust source compiles in (`include_str!("../resources/key.pem")`), each
    # with whether the include sits in its tests (after `#[cfg(test)]`).
    includes: tuple[tuple[str, bool], ...] = ()

    def __bool__(self) -> bool:
        return self != _NONE


_NONE = Evidence()


def evidence(path: str, text: str, kinds: frozenset[str]) -> Evidence | None:
    """The statements of a file `project_classes` needs, or None."""
    name = posixpath.basename(path)
    folder = posixpath.dirname(path)
    if path.endswith(".go"):
        return _go_evidence(text, folder)
    if path.endswith(".rs"):
        includes = _rust_includes(folder, text)
        return Evidence(includes=includes) if includes else None
    if name == "go.mod":
        m = _GO_MODULE.search(text)
        return Evidence(go_module=m.group(1)) if m else None
    runner = _browser_test_runner(name)
    if runner is not None:
        # The runner's folder beside its config, or the config's own folder when it is
        # named for the runner (`playwright/playwright.config.ts`: a test project).
        own = posixpath.basename(folder) == runner
        return Evidence(browser_tests=folder if own else posixpath.join(folder, runner))
    if name.endswith(_KEY_FILE_SUFFIXES) and "-----BEGIN " in text:
        from ztlint.checks.secrets.private_key_committed import keys as private_key

        if "PRIVATE KEY-----" in text:
            keys = tuple(private_key.private_key_ids(text))
            return Evidence(private_keys=keys, key_file=True)
        if name.endswith(_CERTIFICATE_SUFFIXES) and "BEGIN CERTIFICATE" in text:
            return (
                Evidence(
                    local_certificate=private_key.for_local_names(text),
                    certified_keys=tuple(private_key.certified_keys(text)),
                )
                or None
            )
    if name.lower() in _EXAMPLE_PAGES and folder:
        return Evidence(example_page=True)
    if name.startswith("tsconfig") and name.endswith(".json"):
        out = _ts_out_dir(folder, text)
        return Evidence(compiled_into=out) if out else None
    if name == "Chart.yaml":
        m = _CHART_NAME.search(text)
        return Evidence(chart=m.group(1)) if m else None
    if name == "Cargo.toml":
        return (
            Evidence(
                test_crate=folder if _test_crate(text) else None,
                command_crate=folder if _command_crate(text) else None,
            )
            or None
        )
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
            compose_mounts=tuple(
                sorted(
                    {
                        j
                        for m in _COMPOSE_MOUNT.findall(text)
                        for j in (_join(folder, m), _join("", m))
                        if j and j != "."
                    }
                )
            ),
            keeps_running=_KEEPS_RUNNING.search(text) is not None,
            test_project=folder if folder and test_compose_project(text) else None,
        )
    if kinds_of.WORKFLOW in kinds and "compose" in text:
        composes = tuple(sorted(set(_composes_run(text))))
        lower = name.lower()
        if any(fnmatch.fnmatchcase(lower, p) for p in _DEPLOY_WORKFLOW):
            found = Evidence(deploys_compose=composes)
        elif any(fnmatch.fnmatchcase(lower, p) for p in _TEST_WORKFLOW):
            found = Evidence(runs_compose=composes)
    return found or None


_EXAMPLE_PAGES = frozenset({"example.rst", "example.md", "example.adoc", "example.mdx"})
# tsconfig is JSON with comments: its compiler options are read by their keys.
_TS_OUT_DIR = re.compile(r"\"outDir\"[ \t]*:[ \t]*\"([^\"\n]{1,200})\"")
_TS_NO_EMIT = re.compile(r"\"noEmit\"[ \t]*:[ \t]*true")
_TS_SOURCES = (".ts", ".tsx", ".mts", ".cts")
_TS_DECLARATIONS = (".d.ts", ".d.mts", ".d.cts")


def _ts_source(path: str) -> bool:
    return path.endswith(_TS_SOURCES) and not path.endswith(_TS_DECLARATIONS)


# What tsc writes: scripts, declarations and their source maps.
_COMPILED_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".d.ts", ".d.mts", ".d.cts", ".map")


def _ts_out_dir(folder: str, text: str) -> str | None:
    """The folder (relative to the report root) a tsconfig compiles into, when it
    emits into a folder of its own below its project: not the project's folder itself,
    nor one outside it."""
    m = _TS_OUT_DIR.search(text)
    if m is None or _TS_NO_EMIT.search(text):
        return None
    out = posixpath.normpath(posixpath.join(folder, m.group(1).strip()))
    if out in (".", folder) or out.startswith("../") or out == ".." or out.startswith("/"):
        return None
    if folder and not out.startswith(folder + "/"):
        return None
    return out


def _browser_test_runner(name: str) -> str | None:
    """The folder an end-to-end browser-test runner keeps its tests in by its own
    convention, if `name` is that runner's config file: Cypress (`cypress.config.*`,
    the older `cypress.json`) and Playwright (`playwright.config.*`)."""
    for runner in _BROWSER_TEST_RUNNERS:
        if name == f"{runner}.json" or name.startswith(f"{runner}.config."):
            return runner
    return None


# A crate that says it is test tooling: its package name or description is made of
# such words (`server_testkit`, "load testing for LDAP", "OAuth2 Client Tester",
# `foo-bench`, `fuzz`).
_PACKAGE_TABLE = re.compile(r"^\[package\][ \t]*\r?$", re.M)
_NEXT_TABLE = re.compile(r"^\[", re.M)
_PACKAGE_FIELD = re.compile(r"^(?:name|description)[ \t]*=[ \t]*\"([^\"\n]{1,200})\"", re.M)
_TEST_CRATE_WORDS = frozenset(
    {"test", "tests", "tester", "testers", "testing", "testkit", "testutil", "testutils",
     "bench", "benches", "benchmark", "benchmarks", "benchmarking", "fuzz", "fuzzer",
     "fuzzing", "mock", "mocks"}
)  # fmt: skip


def _test_crate(text: str) -> bool:
    """A Cargo.toml whose `[package]` name or description calls the crate test,
    benchmark or fuzzing tooling (a workspace root has no `[package]` of its own)."""
    from ztlint.semantics.vocabulary import words

    start = _PACKAGE_TABLE.search(text)
    if start is None:
        return False
    end = _NEXT_TABLE.search(text, start.end())
    table = text[start.end() : end.start() if end is not None else len(text)]
    said = {w for m in _PACKAGE_FIELD.finditer(table) for w in words(m.group(1))}
    return not _TEST_CRATE_WORDS.isdisjoint(said)


# Rust's command-line argument parsers, as a crate's dependency: `clap = "4"`,
# `clap.workspace = true`, `[dependencies.clap]`.
_CLI_PARSER = re.compile(
    r"^(?:\[(?:target\.[^\]\n]*\.)?dependencies\.)?(clap|structopt|argh|bpaf|gumdrop|pico-args|lexopt)"
    r"(?:[ \t]*[.=]|\][ \t]*\r?$)",
    re.M,
)
_TABLE = re.compile(r"^\[([^\]\n]+)\]", re.M)


def _command_crate(text: str) -> bool:
    """A Cargo.toml with a `[package]` whose (build) dependencies, not its
    dev-dependencies, include a command-line argument parser: the crate builds a
    command."""
    if _PACKAGE_TABLE.search(text) is None:
        return False
    for m in _CLI_PARSER.finditer(text):
        if m.group(0).startswith("["):
            if "dev-dependencies" not in m.group(0):
                return True
            continue
        tables = [t.group(1) for t in _TABLE.finditer(text, 0, m.start())]
        table = tables[-1].strip() if tables else ""
        if table == "dependencies" or (
            table.startswith("target.") and table.endswith(".dependencies")
        ):
            return True
    return False


# A compose file whose project name says it is a test stack (`name: app-testbed`,
# `name: e2e`): the top-level `name:` of the Compose specification, beside `services:`.
_COMPOSE_PROJECT = re.compile(r"name:[ \t]*[\"']?([\w.-]{1,100})")
_COMPOSE_SERVICES = re.compile(r"(?:^|\n)services:[ \t]*(?:#[^\n]*)?\r?\n")
_TEST_PROJECT_WORDS = frozenset(
    {"test", "tests", "testbed", "testing", "e2e", "integration", "testenv", "ci"}
)


# A compose project named as an example of running the product (`name: acme-security-example`).
_EXAMPLE_PROJECT_WORDS = frozenset({"example", "examples", "demo", "sample", "quickstart"})


def test_compose_project(text: str) -> bool:
    return not _TEST_PROJECT_WORDS.isdisjoint(_compose_project_words(text))


# A server started in its development mode, which keeps its data in memory, starts
# unsealed or with a root token of the compose file's choosing, and prints that it must
# not run in production: Vault's and OpenBao's `-dev` (or the dev root token that turns
# it on in their images), Consul's and Nomad's `agent -dev`, Keycloak's `start-dev`.
_DEV_MODE_SERVER = re.compile(
    r"\b(?:VAULT|BAO)_DEV_ROOT_TOKEN_ID\b|\b(?:server|agent)[ \t\"',]+-dev\b|\bstart-dev\b"
)


def dev_mode_stack(text: str) -> bool:
    """A compose file one of whose services runs a server in its development mode: the
    stack is a developer's or a test run's, whatever the file is called."""
    head = text[:HEAD_BYTES]
    return _COMPOSE_SERVICES.search(head) is not None and _DEV_MODE_SERVER.search(text) is not None


def example_compose_project(text: str) -> bool:
    return not _EXAMPLE_PROJECT_WORDS.isdisjoint(_compose_project_words(text))


def _compose_project_words(text: str) -> list[str]:
    """The words of a compose file's project `name:` (none when it is no compose file)."""
    head = text[:HEAD_BYTES]
    if _COMPOSE_SERVICES.search(head) is None:
        return []  # `services:` at the top level: a compose file (a workflow's is nested)
    m = next((m for m in _COMPOSE_PROJECT.finditer(head) if _line_start(head, m)), None)
    if m is None:
        return []
    from ztlint.semantics.vocabulary import words

    return words(m.group(1))


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


_RUST_INCLUDE = re.compile(r"include_(?:str|bytes)!\(\s*\"([^\"\n\\]{1,300})\"\s*\)")
_CFG_TEST = "#[cfg(test)]"


def _rust_includes(folder: str, text: str) -> tuple[tuple[str, bool], ...]:
    """The files a Rust source includes, relative to the report root, and whether each
    include sits in the file's tests: after its `#[cfg(test)]` (Rust keeps a file's unit
    tests in a module at its end)."""
    if "include_" not in text:
        return ()
    tests_from = text.find(_CFG_TEST)
    out = set()
    for m in _RUST_INCLUDE.finditer(text):
        target = _join(folder, m.group(1))
        if target and not target.startswith("../"):
            out.add((target, 0 <= tests_from < m.start()))
    return tuple(sorted(out))


class _Paths:
    """The scanned paths, sorted and by folder, so that an include's files are found
    in time proportional to what matches (a hostile tree of many includes and many
    files costs no quadratic scan)."""

    def __init__(self, origins: Mapping[str, str]) -> None:
        self.origins = origins
        self.sorted = sorted(origins)
        self.by_folder: dict[str, list[str]] = {}
        for path in self.sorted:
            self.by_folder.setdefault(posixpath.dirname(path), []).append(path)

    def expand(self, target: str) -> Iterator[str]:
        """The files an include names: itself, or those a Go embed pattern (`*.json`)
        or folder (`testdata`) matches in the scan."""
        if not any(c in target for c in "*?["):
            yield target
            if target not in self.origins:  # a folder (`//go:embed testdata`): its files
                prefix = target.rstrip("/") + "/"
                at = bisect.bisect_left(self.sorted, prefix)
                while at < len(self.sorted) and self.sorted[at].startswith(prefix):
                    yield self.sorted[at]
                    at += 1
            return
        for path in self.by_folder.get(posixpath.dirname(target), ()):
            if fnmatch.fnmatchcase(path, target):
                yield path


_PKI_SUFFIXES = (".pem", ".key", ".crt", ".cer", ".der", ".p12", ".pfx", ".csr")


def _pki_file(path: str) -> bool:
    return path.lower().endswith(_PKI_SUFFIXES)


# `//go:embed expected_output.json testdata/*.pem`: files the package compiles in (the
# directive indented in a `var ( ... )` block as gofmt leaves it, too).
_GO_EMBED = re.compile(r"^[ \t]*//go:embed[ \t]+([^\n]{1,500})$", re.M)


def _go_embeds(folder: str, text: str) -> tuple[tuple[str, bool], ...]:
    if "//go:embed" not in text:
        return ()
    out = set()
    for m in _GO_EMBED.finditer(text):
        for pattern in re.findall(r'"([^"]+)"|`([^`]+)`|(\S+)', m.group(1)):
            name = next(p for p in pattern if p)
            target = _join(folder, name.removeprefix("all:"))
            if target and not target.startswith("../"):
                out.add((target, False))
    return tuple(sorted(out))


def _go_evidence(text: str, folder: str = "") -> Evidence | None:
    header = text[: HEAD_BYTES * 4]
    package = next((m for m in _GO_PACKAGE.finditer(header) if _line_start(header, m)), None)
    if package is None:
        return None
    imports: set[str] = set()
    for m in _GO_IMPORT.finditer(header, package.end()):
        if _line_start(header, m):
            imports.update(_GO_QUOTED.findall(m.group(1)) if m.group(1) is not None else ())
            imports.update((m.group(2),) if m.group(2) is not None else ())
    return Evidence(
        go_package=package.group(1),
        go_imports=tuple(sorted(imports)),
        go_authors=_GO_AUTHORS.match(header) is not None,
        includes=_go_embeds(folder, text),
    )


# The first line of the Go project's own files.
_GO_AUTHORS = re.compile(r"// Copyright (?:\(c\) )?\d{4} The Go Authors\.")


def _go_project_copies(found: Mapping[str, Evidence]) -> set[str]:
    """Go files under the Go project's copyright in a module that is not the Go project's
    (a fork of crypto/tls, a copied golang.org/x package): another project's code,
    maintained there. Their module is the nearest go.mod above them; none in the scan
    counts as not the Go project's."""
    modules = {
        posixpath.dirname(p): e.go_module for p, e in found.items() if e.go_module is not None
    }
    out = set()
    for path, e in found.items():
        if not e.go_authors:
            continue
        folder, module = posixpath.dirname(path), None
        while True:
            if folder in modules:
                module = modules[folder]
                break
            if not folder:
                break
            folder = posixpath.dirname(folder)
        if module is None or not module.startswith(("golang.org/", "std", "cmd")):
            out.add(path)
    return out


def _line_start(text: str, m: re.Match[str]) -> bool:
    return m.start() == 0 or text[m.start() - 1] == "\n"


def project_classes(
    found: Mapping[str, Evidence],
    origins: Mapping[str, str],
    kept: Iterable[str] = (),
    test_modules: Iterable[str] = (),
) -> dict[str, str]:
    """New classes for production files, from what other files say (`found`, by path;
    `origins`: every scanned file's class; `kept`: files the config marks production,
    which stay so; `test_modules`: the files and folders (ending in `/`) that Rust test
    module declarations make test code, `ztlint.scan.rusttest`):

    - a script or declaration in the folder a tsconfig beside its sources compiles
      into (`"outDir": "build"`, unless `"noEmit": true`) is tsc's output: generated;
    - a file that sources compile in only from their tests (Rust `include_str!` or
      `include_bytes!` after `#[cfg(test)]`, or in a test file or test module; Go
      `//go:embed` in a `_test.go` file) is a fixture: test code; so are the other key and certificate files of a folder whose
      keys only tests compile in and none of whose files production code does;
    - the files of a folder (below the repository's root) whose own page is named
      `example` (`example.rst`, `example.md`: the documentation of a sandbox) are
      that example;
    - a values file in the `ci/` folder of a chart (beside its Chart.yaml) is what
      chart-testing installs the chart with in CI: test code;
    - a rendered Helm chart (`helm template` output) none of whose charts is one of the
      repository's own (a Chart.yaml in the scan) is another project's release: vendored;
    - a Go file under the Go project's copyright (`// Copyright 2009 The Go Authors.`) in
      a module that is not the Go project's (`golang.org/...`) is a copy of its code (a
      fork of crypto/tls): vendored;
    - a compose file that a CI workflow named for tests runs (`*test*`, `*e2e*`,
      `*integration*`, `*acceptance*`) and no deployment workflow does, that builds a service
      from the checkout (`build:`) and restarts none `always` or `unless-stopped`, is a
      test topology (a deployment pulls released images and keeps them running), and so
      is a compose file that only test topologies include or extend;
    - a file of the checkout that a test compose file mounts into a container (a bind
      mount, `./keycloak/server.key.pem:/opt/...`) and that sits in that compose
      file's folder tree is a fixture of the test services: test code;
    - the folder of a Rust crate whose Cargo.toml `[package]` name or description calls
      it test, benchmark or fuzzing tooling (`server_testkit`, "load testing ...") is
      test code, all of it; so is the folder (not the repository's root) of a compose
      file whose project `name:` says it is a test stack (`name: proxy-testbed`): the
      scripts and images of that test bed;
    - the folder a browser-test runner's config beside it names by the runner's
      convention (`cypress/` beside `cypress.config.ts` or `cypress.json`,
      `playwright/` beside `playwright.config.ts`), or the config's own folder named for
      the runner (`playwright/playwright.config.ts`), holds end-to-end tests;
    - a key file named after a certificate beside it (`key.pem` by `cert.pem`,
      `server.key` by `server.crt`) that is certified only for local or reserved names
      (`localhost`, `test`, `*.example.com`) is a test server's key: test code; so is
      a key file, wherever it sits, whose public key the scan's certificates certify
      and certify only for such names (paired by the key itself: an RSA modulus, an
      elliptic-curve point);
    - the key files of a folder that holds ten or more of them are a corpus of test
      vectors (a TLS library's `data_files/`): test code;
    - a Go package named like a test helper package (`<name>test` as httptest, or
      `test<name>` as testenv) that other packages' tests import and no production
      code imports, or any package whose own production files import an assertion
      framework (testify, ginkgo, gomega, gotest.tools), every package in its folder
      tree with the other files in that tree, and a command (`package main`) that
      imports one, are test code;
    - the other files of a `spec/` or `specs/` folder that holds a spec-style suite
      (two or more `*_spec.lua`, `*_spec.rb`, `*_spec.moon`) are that suite's code.
    """
    keep = set(kept)
    out: dict[str, str] = {}

    def mark(path: str, cls: str) -> None:
        if origins.get(path) == PRODUCTION and path not in keep and path not in out:
            out[path] = cls

    charts = {e.chart for e in found.values() if e.chart}
    # A file only tests compile in (`include_str!` in a `#[cfg(test)]` module, or in a
    # test file): a fixture of those tests.
    exact = {d for d in test_modules if not d.endswith("/")}
    folders = tuple(sorted(d for d in test_modules if d.endswith("/")))
    in_test_module = (
        {p for p in origins if p in exact or (folders and p.startswith(folders))}
        if exact or folders
        else set()
    )
    test_refs: set[str] = set()
    code_refs: set[str] = set()
    # Each target once, with whether tests and whether code include it (a hostile tree
    # of many includes of one folder expands that folder once per kind).
    included: dict[str, set[bool]] = {}
    for path, e in found.items():
        for target, in_tests in e.includes:
            tested = in_tests or origins.get(path) == TEST or path in in_test_module
            included.setdefault(target, set()).add(tested)
    if included:
        paths = _Paths(origins)
        for target, kinds in included.items():
            for each in paths.expand(target):
                for tested in kinds:
                    (test_refs if tested else code_refs).add(each)
    for path in sorted(test_refs - code_refs):
        mark(path, TEST)
    # The other key and certificate files of a folder whose keys only tests compile in,
    # and none of whose files production code does: the same test PKI (the keys a
    # script made with them to sign the test chain).
    fixture_folders = {posixpath.dirname(p) for p in test_refs - code_refs if _pki_file(p)}
    fixture_folders -= {posixpath.dirname(p) for p in code_refs}
    if fixture_folders:
        for path in origins:
            if posixpath.dirname(path) in fixture_folders and _pki_file(path):
                mark(path, TEST)
    # A folder whose own page is named `example` (`tls/example.rst` beside the sandbox's
    # compose file and configs): the folder is that example, all of it.
    sandboxes = tuple(
        sorted(posixpath.dirname(p) + "/" for p, e in found.items() if e.example_page)
    )
    if sandboxes:
        for path in origins:
            if path.startswith(sandboxes):
                mark(path, EXAMPLE)
    # chart-testing installs a chart once per values file in the chart's `ci/` folder:
    # the values of CI runs, whatever they are called.
    chart_ci = tuple(
        sorted(
            posixpath.join(posixpath.dirname(p), "ci") + "/" for p, e in found.items() if e.chart
        )
    )
    if chart_ci:
        for path in origins:
            if path.startswith(chart_ci) and path.endswith((".yaml", ".yml")):
                mark(path, TEST)
    compiled = tuple(
        sorted(
            out
            for out in {e.compiled_into + "/" for e in found.values() if e.compiled_into}
            # tsc writes no TypeScript source: a folder that holds some is a source
            # folder a tsconfig names as its output by mistake (or to hide it).
            if not any(p.startswith(out) and _ts_source(p) for p in origins)
        )
    )
    if compiled:
        for path in origins:
            if path.startswith(compiled) and path.endswith(_COMPILED_SUFFIXES):
                mark(path, GENERATED)
    for path, e in found.items():
        if e.rendered_from and not charts.intersection(e.rendered_from):
            mark(path, VENDORED)
    for path in _go_project_copies(found):
        mark(path, VENDORED)
    test_composes = _test_composes(found, origins)
    for path in test_composes:
        mark(path, TEST)
    for path in _test_mounts(found, origins, test_composes):
        mark(path, TEST)
    for path in _test_server_keys(found, origins):
        mark(path, TEST)
    for path in _key_corpus(found, origins):
        mark(path, TEST)
    harness, helpers = _go_harness(found, origins)
    for path in harness:
        mark(path, TEST)
    for path in _imported_integrations(found, origins):
        if path not in keep:
            out[path] = PRODUCTION
    # The other files of a helper package's tree (keys, configs, compose files its
    # tests start) are its fixtures; a browser-test runner's folder is its tests.
    roots = tuple(
        sorted(
            {h + "/" for h in helpers}
            | _browser_test_trees(found)
            | _spec_suites(origins)
            | {e.test_crate + "/" for e in found.values() if e.test_crate}
            | {e.test_project + "/" for e in found.values() if e.test_project}
        )
    )
    if roots:
        for path in origins:
            if path.startswith(roots):
                mark(path, TEST)
    return out


# How many private key files one folder holds before it is a corpus of test vectors.
_CORPUS_KEYS = 10


def _key_corpus(found: Mapping[str, Evidence], origins: Mapping[str, str]) -> set[str]:
    """The key files of a folder that holds ten or more of them: a library's test
    vectors (a TLS stack's `data_files/`, a PKI suite's fixtures); a deployment keeps
    its few keys apart, never a folder of them. The other key material of that folder
    and of the folders below it (the same vectors in DER, encrypted, in a `parse_input/`
    subfolder) belongs to the corpus too; the scan's root is never a corpus folder (ten
    keys there would otherwise take every key of the tree with them)."""
    by_folder: dict[str, list[str]] = {}
    for path, e in found.items():
        if e.key_file:
            by_folder.setdefault(posixpath.dirname(path), []).append(path)
    corpus = {folder for folder, paths in by_folder.items() if len(paths) >= _CORPUS_KEYS}
    out = {p for folder in corpus for p in by_folder[folder]}
    below = tuple(sorted(folder + "/" for folder in corpus if folder))
    if below:
        out.update(p for p in origins if p.startswith(below) and _corpus_file(p))
    return out


def _corpus_file(path: str) -> bool:
    """Key material a corpus holds: PKI files, and their encrypted forms (`.key.enc`)."""
    return _pki_file(path) or path.lower().endswith(".enc")


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
        candidates = [
            posixpath.join(folder, name[: m.start()] + key + name[m.end() :])
            for cert, key in _KEY_FOR_CERTIFICATE
            for m in re.finditer(rf"(?<![a-z]){cert}(?![a-z])", name)
        ]
        stem, suffix = posixpath.splitext(name)
        if suffix in (".pem", ".crt", ".cer"):
            candidates.append(posixpath.join(folder, stem + ".key"))  # root.pem, root.key
        out.update(c for c in candidates if c != path and c in origins)
    # A key some certificate names a public host for serves that host.
    serving = {key for key, local in certified.items() if not all(local)}
    return {p for p in out if p not in found or serving.isdisjoint(found[p].private_keys)}


def _test_mounts(
    found: Mapping[str, Evidence], origins: Mapping[str, str], test_composes: set[str]
) -> set[str]:
    """Files of the checkout a test topology mounts into its containers and keeps in
    its own folder tree (`services/idp/server.key` mounted by
    `services/docker-compose.yml`): the fixtures of its test services."""
    out: set[str] = set()
    folders: set[str] = set()
    for path, e in found.items():
        if not e.compose_mounts or (origins.get(path) != TEST and path not in test_composes):
            continue
        tree = posixpath.dirname(path)
        below = tree + "/" if tree else ""
        for mount in e.compose_mounts:
            if mount.startswith(below):
                (out if mount in origins else folders).add(mount)
    if folders:
        prefixes = tuple(sorted(f + "/" for f in folders))
        out.update(p for p in origins if p.startswith(prefixes))
    return out


# A spec-style suite's file (busted for Lua and MoonScript, RSpec for Ruby) below a
# folder named `spec` or `specs`.
_SPEC_SUITE_FILE = re.compile(r"^((?:[^/]+/)*?specs?)/(?:[^/]+/)*[^/]+_spec\.(?:lua|moon|rb)$")
# How many spec files make a folder a suite: one could be a stray name.
_SPEC_SUITE_FILES = 2


def _spec_suites(origins: Mapping[str, str]) -> set[str]:
    """The `spec/` folders that hold a spec-style suite: their other files (the suite's
    client, fixtures, mocks and plugins kept for the tests)
    are that suite's code. A `spec/` folder without spec files (an API specification,
    `spec/openapi.json`) is left as it is."""
    counts: dict[str, int] = {}
    for path in origins:
        if path.endswith("_spec.lua") or path.endswith("_spec.rb") or path.endswith("_spec.moon"):
            m = _SPEC_SUITE_FILE.match(path)
            if m is not None:
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return {root + "/" for root, n in counts.items() if n >= _SPEC_SUITE_FILES}


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


def _go_modules(found: Mapping[str, Evidence]) -> list[tuple[str, str]]:
    """(folder, module path) of each go.mod in the scan, the longest module path first
    (a nested module wins over the one around it)."""
    return sorted(
        ((posixpath.dirname(p), e.go_module) for p, e in found.items() if e.go_module),
        key=lambda m: -len(m[1]),
    )


def _package_folder(modules: list[tuple[str, str]], imported: str) -> str | None:
    """The scanned folder of an imported Go package of one of the scan's modules."""
    for root, module in modules:
        if imported == module or imported.startswith(module + "/"):
            return posixpath.normpath(posixpath.join(root, imported[len(module) + 1 :]))
    return None


# Folder names that say a path holds tests (besides `integration/`, which also names a
# product's integrations with other services).
_TEST_FOLDER_WORDS = frozenset(
    {"test", "tests", "testdata", "testing", "testutil", "testutils", "e2e", "fixtures",
     "fixture", "mock", "mocks", "fake", "fakes", "dummy", "integration-tests",
     "integration_tests"}
)  # fmt: skip


def _imported_integrations(found: Mapping[str, Evidence], origins: Mapping[str, str]) -> set[str]:
    """Go files of a package below an `integration/` folder that the module's production
    code imports, directly or through another such package (`pkg/integration/jira`,
    imported by the server that files tickets): the product's integrations with other
    services, not integration tests. Only files the `integration/` folder alone made
    test code (no `_test.go`, no other test folder in the path)."""
    candidates = [
        p
        for p, e in found.items()
        if e.go_package is not None
        and origins.get(p) == TEST
        and not p.endswith("_test.go")
        and "integration" in p.split("/")[:-1]
        and _TEST_FOLDER_WORDS.isdisjoint(p.split("/")[:-1])
    ]
    if not candidates:
        return set()
    modules = _go_modules(found)

    def folders(path: str) -> set[str]:
        return {f for i in found[path].go_imports if (f := _package_folder(modules, i))}

    imported: set[str] = set()
    for path, e in found.items():
        if origins.get(path) == PRODUCTION and not path.endswith("_test.go") and e.go_imports:
            imported |= folders(path)
    promoted: set[str] = set()
    while True:  # an integration package a promoted one imports is the product's too
        new = {p for p in candidates if p not in promoted and posixpath.dirname(p) in imported}
        if not new:
            return promoted
        promoted |= new
        for path in new:
            imported |= folders(path)


def _go_harness(
    found: Mapping[str, Evidence], origins: Mapping[str, str]
) -> tuple[set[str], set[str]]:
    """The production Go files of test helper packages (see project_classes), and the
    folders of those packages."""
    modules = _go_modules(found)
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

    importers: dict[str, set[str]] = {}  # package folder -> folders of its importers
    imports: dict[str, set[str]] = {}
    tested: dict[str, set[str]] = {}  # package folder -> folders of test files importing it
    for folder, paths in files.items():
        for path in paths:
            for imported in found[path].go_imports:
                target = _package_folder(modules, imported)
                if target is not None and target in files and target != folder:
                    importers.setdefault(target, set()).add(folder)
                    imports.setdefault(folder, set()).add(target)
    for path in tests:
        for imported in found[path].go_imports:
            target = _package_folder(modules, imported)
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
