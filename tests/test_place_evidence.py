"""Provenance from what other files say (ztlint.provenance.evidence and
project_classes): copies of other projects' manifests, compose topologies CI tests
with, Go packages kept for tests, and committed key folders a compose file mounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from ztlint import classify
from ztlint import provenance as prov
from ztlint.config import Config
from ztlint.engine import run


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _found(root: Path, config: Config | None = None, *targets: str) -> list[tuple[str, str]]:
    report = run(list(targets) or ["."], config or Config(), jobs=1, cwd=str(root))
    return sorted((f.path, f.rule_id) for f in report.findings)


# --- copies of other projects' releases -------------------------------------------------

_GO_COPY = (
    "// Copyright 2009 The Go Authors. All rights reserved.\n"
    "// Use of this source code is governed by a BSD-style\n\n"
    'package tls\n\nimport "crypto/md5"\n\n'
    "func prf30(secret []byte) []byte {\n\th := md5.New()\n\th.Write(secret)\n"
    "\treturn h.Sum(nil)\n}\n\n"
    "func verify(token, expected string) bool { return token == expected }\n"
)


@pytest.mark.parametrize(
    ("module", "copied"),
    [
        ("github.com/acme/scanner", True),  # a fork of crypto/tls: the Go project's code
        ("golang.org/x/crypto", False),  # the Go project's own module
    ],
)
def test_a_copy_of_the_go_projects_code_is_vendored(
    tmp_path: Path, module: str, copied: bool
) -> None:
    _write(tmp_path, {"go.mod": f"module {module}\n", "forks/tlscopy/prf.go": _GO_COPY})
    found = [p for p, _ in _found(tmp_path)]
    assert ("forks/tlscopy/prf.go" not in found) is copied


_MANIFEST = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: lb-system\n"


def _rendered(chart: str) -> str:
    return f"---\n# Source: {chart}/templates/node.yaml\n{_MANIFEST}"


def test_rendered_chart_of_another_project_is_vendored() -> None:
    found = {
        "ci/cni.yaml": prov.Evidence(rendered_from=("cni",)),
        "deploy/install.yaml": prov.Evidence(rendered_from=("ours",)),
        "charts/ours/Chart.yaml": prov.Evidence(chart="ours"),
    }
    origins = dict.fromkeys(found, prov.PRODUCTION)
    assert prov.project_classes(found, origins) == {"ci/cni.yaml": prov.VENDORED}
    # A class the config sets by path stays.
    assert prov.project_classes(found, origins, ["ci/cni.yaml"]) == {}
    assert prov.evidence("ci/cni.yaml", _rendered("cni"), frozenset()) == prov.Evidence(
        rendered_from=("cni",)
    )


# --- a folder documented as an example -------------------------------------------------

_ADMIN = (
    "admin:\n  address:\n    socket_address: {address: 0.0.0.0, port_value: 9901}\n"
    "static_resources: {}\n"
)


def test_a_folder_whose_page_is_named_example_is_an_example(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "rate-limit/example.rst": "Rate limiting\n=============\n\nStart the sandbox.\n",
            "rate-limit/envoy.yaml": _ADMIN,
            "rate-limit/backend/envoy.yaml": _ADMIN,
            "gateway/envoy.yaml": _ADMIN,
            # At the root, the page documents the repository, not a sandbox of it.
            "example.md": "# Using the gateway\n",
        },
    )
    found = [p for p, _ in _found(tmp_path)]
    assert "gateway/envoy.yaml" in found
    assert "rate-limit/envoy.yaml" not in found
    assert "rate-limit/backend/envoy.yaml" not in found
    assert ("rate-limit/envoy.yaml", "ZT402") in _found(tmp_path, Config(tests="report"))


# --- files only tests compile in --------------------------------------------------------

_LIB = (
    "pub fn parse(text: &str) -> usize {{ text.len() }}\n\n"
    "{prod}"
    "#[cfg(test)]\nmod tests {{\n    #[test]\n    fn parses() {{\n"
    '        let key = include_str!("../resources/import/ed25519_key");\n'
    "        assert!(super::parse(key) > 0);\n    }}\n}}\n"
)


@pytest.mark.parametrize(
    ("prod", "fixture"),
    [
        ("", True),
        # Compiled into the library too: it ships, whatever the tests do with it.
        ('pub const DEFAULT: &str = include_str!("../resources/import/ed25519_key");\n\n', False),
    ],
)
def test_a_file_only_tests_include_is_a_fixture(tmp_path: Path, prod: str, fixture: bool) -> None:
    key = (
        Path(__file__).resolve().parent.parent / "fixtures/ZT201/positive_server.key"
    ).read_text()
    _write(
        tmp_path,
        {
            "crates/sshkeys/src/import.rs": _LIB.format(prod=prod),
            "crates/sshkeys/resources/import/ed25519_key": key,
        },
    )
    found = [p for p, _ in _found(tmp_path)]
    assert ("crates/sshkeys/resources/import/ed25519_key" not in found) is fixture


_MOCK = 'pub static KEY: &[u8] = include_bytes!("root-key.pem");\n'


@pytest.mark.parametrize(
    ("cfg", "fixture"),
    [
        ("#[cfg(test)]", True),
        ('#[cfg(any(test, feature = "testing"))]', True),
        ('#[cfg(all(test, target_os = "linux"))]', True),
        # A feature anyone may build with: the module can ship.
        ('#[cfg(any(test, feature = "tls"))]', False),
        ("#[cfg(not(test))]", False),
    ],
)
def test_a_module_only_test_builds_compile_is_test_code(
    tmp_path: Path, cfg: str, fixture: bool
) -> None:
    key = (
        Path(__file__).resolve().parent.parent / "fixtures/ZT201/positive_server.key"
    ).read_text()
    _write(
        tmp_path,
        {
            "src/certs.rs": f"pub mod control;\n{cfg}\npub mod mock;\n",
            "src/certs/mock.rs": _MOCK,
            "src/certs/root-key.pem": key,
            # Made by the same script to sign the test chain; no code reads it.
            "src/certs/intermediate-key.pem": key,
        },
    )
    found = [p for p, _ in _found(tmp_path)]
    assert ("src/certs/root-key.pem" not in found) is fixture
    assert ("src/certs/intermediate-key.pem" not in found) is fixture


_GO_EMBED_TEST = (
    'package report\n\nimport (\n\t_ "embed"\n\t"testing"\n)\n\n'
    "//go:embed {pattern}\nvar expected []byte\n\n"
    "func TestAnalyze(t *testing.T) {{ _ = expected }}\n"
)


@pytest.mark.parametrize(
    ("test_file", "pattern", "fixture"),
    [
        ("report_test.go", "golden_report.json", True),
        ("report_test.go", "golden_*.json", True),
        # The package itself embeds it: shipped, whatever its tests do.
        ("report.go", "golden_report.json", False),
    ],
)
def test_a_file_only_go_tests_embed_is_a_fixture(
    tmp_path: Path, test_file: str, pattern: str, fixture: bool
) -> None:
    _write(
        tmp_path,
        {
            f"internal/report/{test_file}": _GO_EMBED_TEST.format(pattern=pattern),
            "internal/report/golden_report.json": '{"api_token": "a8f3k2L9x0Qz7Wv1b5Nc3Dp6"}\n',
            "internal/report/render.go": "package report\n",
        },
    )
    found = [p for p, _ in _found(tmp_path)]
    assert ("internal/report/golden_report.json" not in found) is fixture


def test_an_indented_embed_directive_in_a_var_block_counts(tmp_path: Path) -> None:
    """gofmt indents `//go:embed` inside `var ( ... )`: the directive still names the
    file the test compiles in."""
    _write(
        tmp_path,
        {
            "internal/report/report_test.go": 'package report\n\nimport (\n\t_ "embed"\n'
            '\t"testing"\n)\n\nvar (\n\t//go:embed golden_report.json\n\texpected []byte\n)\n\n'
            "func TestAnalyze(t *testing.T) { _ = expected }\n",
            "internal/report/golden_report.json": '{"api_token": "a8f3k2L9x0Qz7Wv1b5Nc3Dp6"}\n',
            "internal/report/render.go": "package report\n",
        },
    )
    assert "internal/report/golden_report.json" not in [p for p, _ in _found(tmp_path)]


# --- the values chart-testing installs a chart with --------------------------------------

_CI_VALUES = "server:\n  url: http://minio.storage:9000\n"


def test_values_in_a_charts_ci_folder_are_test_code(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "charts/relay/Chart.yaml": "apiVersion: v2\nname: relay\nversion: 1.0.0\n",
            "charts/relay/ci/object-store.yaml": _CI_VALUES,
            # No chart beside it: a `ci/` folder of something else.
            "deploy/ci/object-store.yaml": _CI_VALUES,
        },
    )
    found = [p for p, _ in _found(tmp_path)]
    assert "charts/relay/ci/object-store.yaml" not in found
    assert "deploy/ci/object-store.yaml" in found


# --- what a TypeScript project compiles ------------------------------------------------

_VERIFY = (
    "export function check(req, expected) {\n"
    "  const apiKey = req.headers.authorization;\n"
    "  return apiKey === expected.apiKey;\n}\n"
)


@pytest.mark.parametrize(
    ("tsconfig", "compiled"),
    [
        (
            '{\n  // tsc writes the package here\n  "compilerOptions": {"outDir": "out"}\n}\n',
            True,
        ),
        ('{"compilerOptions": {"outDir": "./out/", "declaration": true}}\n', True),
        # Type checking only: nothing is written, what is in out/ is its own.
        ('{"compilerOptions": {"outDir": "out", "noEmit": true}}\n', False),
        # Into the project's own folder, or out of it: no folder of tsc's own.
        ('{"compilerOptions": {"outDir": "."}}\n', False),
        ('{"compilerOptions": {"outDir": "../elsewhere"}}\n', False),
        # A folder of TypeScript sources is no output of tsc, whatever the tsconfig says.
        ('{"compilerOptions": {"outDir": "source"}}\n', False),
    ],
)
def test_what_tsc_writes_into_its_out_dir_is_generated(
    tmp_path: Path, tsconfig: str, compiled: bool
) -> None:
    _write(
        tmp_path,
        {
            "pkg/tsconfig.json": tsconfig,
            "pkg/source/verify.ts": _VERIFY,
            "pkg/out/verify.js": _VERIFY,
            "pkg/elsewhere/verify.js": _VERIFY,
        },
    )
    found = [p for p, _ in _found(tmp_path)]
    assert "pkg/source/verify.ts" in found  # the source is checked
    assert ("pkg/out/verify.js" not in found) is compiled
    assert "pkg/elsewhere/verify.js" in found


# --- compose topologies CI tests with ---------------------------------------------------

_TOPOLOGY = {
    ".github/workflows/integration-tests.yml": (
        "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: docker compose up -d --build\n"
    ),
    "docker-compose.yml": (
        "include:\n  - ops/compose/switch.yml\n"
        "services:\n  edge-app:\n    build:\n      context: .\n    privileged: true\n"
    ),
    "ops/compose/switch.yml": (
        "services:\n  switch:\n    image: alpine:3.20\n    cap_add:\n      - NET_ADMIN\n"
    ),
}


def test_compose_topology_of_a_test_workflow_is_test_code(tmp_path: Path) -> None:
    _write(tmp_path, _TOPOLOGY)
    assert _found(tmp_path) == []
    shown = _found(tmp_path, Config(tests="report"))
    assert ("docker-compose.yml", "ZT302") in shown
    assert ("ops/compose/switch.yml", "ZT304") in shown


@pytest.mark.parametrize(
    "change",
    [
        # a deployment keeps its services running
        {"docker-compose.yml": _TOPOLOGY["docker-compose.yml"] + "    restart: unless-stopped\n"},
        # a deployment workflow runs it too
        {
            ".github/workflows/deploy.yml": (
                "on: push\njobs:\n  up:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: docker compose -f docker-compose.yml up -d\n"
            )
        },
        # released images only, nothing built from the checkout
        {"docker-compose.yml": _TOPOLOGY["docker-compose.yml"].replace("build:", "labels:")},
        # no workflow runs it: a comment naming the file is no command
        {
            ".github/workflows/integration-tests.yml": (
                "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      # the images docker-compose.yml uses\n      - run: make images\n"
            )
        },
    ],
)
def test_a_deployment_compose_is_still_reported(tmp_path: Path, change: dict[str, str]) -> None:
    _write(tmp_path, {**_TOPOLOGY, **change})
    found = _found(tmp_path)
    assert ("docker-compose.yml", "ZT302") in found
    assert ("ops/compose/switch.yml", "ZT304") in found


def test_named_files_keep_their_own_provenance(tmp_path: Path) -> None:
    """A scan of named files (pre-commit) does not see who includes a file."""
    _write(tmp_path, _TOPOLOGY)
    found = _found(tmp_path, None, "docker-compose.yml")
    assert ("docker-compose.yml", "ZT302") in found


def test_workflow_evidence() -> None:
    kinds = frozenset({classify.WORKFLOW})
    text = (
        "jobs:\n  t:\n    steps:\n      - run: docker-compose -f ci/a.yml -f ci/b.yml up\n"
        "      - run: docker compose up\n"
    )
    assert prov.evidence(".github/workflows/e2e.yml", text, kinds) == prov.Evidence(
        runs_compose=("ci/a.yml", "ci/b.yml", *prov.DEFAULT_COMPOSE_FILES)
    )
    release = prov.evidence(".github/workflows/release.yml", text, kinds)
    assert release is not None and release.deploys_compose and not release.runs_compose
    assert prov.evidence(".github/workflows/lint.yml", text, kinds) is None


# --- Go packages kept for tests ---------------------------------------------------------

_INSECURE = (
    'import "crypto/tls"\n\n'
    "func Config() *tls.Config {\n\treturn &tls.Config{InsecureSkipVerify: true}\n}\n"
)


def _go_tree(helper: str = "widgettest") -> dict[str, str]:
    return {
        "go.mod": "module example.com/m\n\ngo 1.22\n",
        f"internal/{helper}/{helper}.go": f"package {helper}\n\nfunc Dial() {{}}\n",
        f"internal/{helper}/sim/sim.go": "package sim\n\n" + _INSECURE,
        "pkg/widget/widget.go": "package widget\n\nfunc Run() {}\n",
        "pkg/widget/widget_test.go": (
            'package widget\n\nimport (\n\t"testing"\n\n'
            f'\t"example.com/m/internal/{helper}"\n)\n\n'
            f"func TestRun(t *testing.T) {{ {helper}.Dial() }}\n"
        ),
        "cmd/simtool/main.go": (
            f'package main\n\nimport "example.com/m/internal/{helper}/sim"\n\n'
            "func main() { sim.Config() }\n"
        ),
        "cmd/simtool/tls.go": "package main\n\n" + _INSECURE,
    }


@pytest.mark.parametrize("name", ["widgettest", "testwidget"])
def test_go_test_helper_package_tree_is_test_code(tmp_path: Path, name: str) -> None:
    _write(tmp_path, _go_tree(name))
    assert _found(tmp_path) == []
    shown = _found(tmp_path, Config(tests="report"))
    assert ("cmd/simtool/tls.go", "ZT101") in shown
    assert (f"internal/{name}/sim/sim.go", "ZT101") in shown


def test_go_helper_that_production_imports_stays_production(tmp_path: Path) -> None:
    files = _go_tree()
    files["pkg/widget/widget.go"] = (
        'package widget\n\nimport "example.com/m/internal/widgettest/sim"\n\n'
        "func Run() { sim.Config() }\n"
    )
    _write(tmp_path, files)
    found = _found(tmp_path)
    assert ("internal/widgettest/sim/sim.go", "ZT101") in found
    assert ("cmd/simtool/tls.go", "ZT101") in found


@pytest.mark.parametrize("name", ["attest", "test"])
def test_go_words_that_end_in_test_are_no_helper_names(tmp_path: Path, name: str) -> None:
    _write(tmp_path, _go_tree(name))
    assert ("cmd/simtool/tls.go", "ZT101") in _found(tmp_path)


def test_go_package_only_its_own_tests_import_is_production(tmp_path: Path) -> None:
    """A `<name>test` package no other package's tests use is no test helper (a
    product called speedtest, say)."""
    files = _go_tree()
    del files["pkg/widget/widget_test.go"]
    files["internal/widgettest/widgettest_test.go"] = (
        'package widgettest\n\nimport "testing"\n\nfunc TestDial(t *testing.T) { Dial() }\n'
    )
    _write(tmp_path, files)
    assert ("cmd/simtool/tls.go", "ZT101") in _found(tmp_path)


# --- committed key folders a compose file mounts (ZT702) --------------------------------

_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    ("extra", "reported"),
    [
        # keys committed with the script that makes them: a PKI committed on purpose
        ({"server.key": _KEY, "gen.sh": "openssl genrsa -out server.key 2048\n"}, False),
        # a committed key alone: still a folder the next `git add .` grows in
        ({"server.key": _KEY}, True),
        # the script alone: the keys it makes are not ignored
        ({"gen.sh": "openssl genrsa -out server.key 2048\n"}, True),
    ],
)
def test_mounted_key_folder(tmp_path: Path, extra: dict[str, str], reported: bool) -> None:
    """Stacks combined with `-f` resolve `./shared/pki` against the first file's folder
    (the parent here)."""
    files = {
        ".gitignore": "*.log\n",
        "stacks/basic/compose.yml": (
            "services:\n  app:\n    image: alpine:3.20\n    volumes:\n      - './shared/pki:/pki'\n"
        ),
        "stacks/shared/pki/ca.crt": "certificate\n",
        **{f"stacks/shared/pki/{name}": text for name, text in extra.items()},
    }
    _write(tmp_path, files)
    report = run(["."], Config(select=("ZT702",)), jobs=1, cwd=str(tmp_path))
    assert bool(report.findings) is reported


# --- files written by tools, and a browser-test runner's folder ------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("web/yarn.lock", prov.DATA),
        ("Cargo.lock", prov.DATA),
        ("go.sum", prov.DATA),
        ("app/poetry.lock", prov.DATA),
        ("src/__snapshots__/login.test.js.snap", prov.TEST),
        ("api/.snapshots/TestCreate.json", prov.TEST),
        ("pkg/render.snap", prov.TEST),
        ("web/yarn.lock.orig", prov.PRODUCTION),
        # translation modules: scripts in a locale folder right below a translations folder
        ("app/src/locales/de/translation/errors.ts", prov.DATA),
        ("src/i18n/pt-BR/index.js", prov.DATA),
        ("src/i18n/utils.ts", prov.PRODUCTION),
        ("src/locales/loader.ts", prov.PRODUCTION),
    ],
)
def test_lockfiles_and_snapshots(path: str, expected: str) -> None:
    assert prov.classify(path, "", prov.Settings()) == expected


_CYPRESS_TOKEN = (
    "export function connect(ticket) {\n  return new WebSocket('/events?ticket=' + ticket)\n}\n"
)


@pytest.mark.parametrize(
    ("config", "folder", "test"),
    [
        ("cypress.json", "cypress", True),
        ("cypress.config.ts", "cypress", True),
        ("web/playwright.config.js", "web/playwright", True),
        ("cypress.config.ts", "web/cypress", False),  # not the runner's folder
        ("e2e/playwright/playwright.config.ts", "e2e/playwright", True),  # its own folder
        (None, "cypress", False),  # a folder's name alone is no evidence
    ],
)
def test_browser_test_runner_folder_is_test_code(
    tmp_path: Path, config: str | None, folder: str, test: bool
) -> None:
    files = {f"{folder}/support/commands.js": _CYPRESS_TOKEN}
    if config is not None:
        files[config] = "{}\n" if config.endswith(".json") else "export default {}\n"
    _write(tmp_path, files)
    found = _found(tmp_path)
    shown = _found(tmp_path, Config(tests="report"))
    assert (f"{folder}/support/commands.js", "ZT517") in shown
    assert (found == []) is test


# --- a key named after a certificate for local names only ------------------------------

_BUNDLE = (Path(__file__).resolve().parent.parent / "fixtures" / "ZT201").joinpath(
    "positive_local_bundle.pem"
)


def _split_bundle() -> tuple[str, str]:
    text = _BUNDLE.read_text()
    cut = text.index("-----BEGIN CERTIFICATE-----")
    key = text[text.index("-----BEGIN PRIVATE KEY-----") : cut]
    return key, text[cut:]


@pytest.mark.parametrize(
    ("key", "cert", "test"),
    [
        ("keys/server_key.pem", "keys/server_cert.pem", True),
        ("keys/key.pem", "keys/cert.pem", True),
        ("tls/server.key", "tls/server.crt", True),
        # The same name with a key's suffix (an encrypted key shows no public key).
        ("ca/root.key", "ca/root.pem", True),
        # Paired by the public key itself, whatever the files are called.
        ("keys/server_key.pem", "keys/other_cert.pem", True),
        ("private/001.key.pem", "certs/001-server.cert.pem", True),
        ("keys/server_key.pem", None, False),
    ],
)
def test_key_of_a_certificate_for_local_names_is_test_code(
    tmp_path: Path, key: str, cert: str | None, test: bool
) -> None:
    key_text, cert_text = _split_bundle()
    files = {key: key_text}
    if cert is not None:
        files[cert] = cert_text
    _write(tmp_path, files)
    assert ((key, "ZT201") not in _found(tmp_path)) is test
    evidence = prov.evidence("a/cert.pem", cert_text, frozenset())
    assert evidence is not None and evidence.local_certificate
    assert [local for _, local in evidence.certified_keys] == [True]


def test_a_key_certified_for_a_public_name_too_is_not_test_code(tmp_path: Path) -> None:
    """One certificate of the key names only local names, another a public host: the
    key serves that host."""
    key_text, cert_text = _split_bundle()
    _write(tmp_path, {"keys/server_key.pem": key_text, "keys/server_cert.pem": cert_text})
    local_key = prov.evidence("keys/server_key.pem", key_text, frozenset())
    assert local_key is not None and local_key.private_keys
    public = prov.Evidence(certified_keys=((local_key.private_keys[0], False),))
    found = {
        "keys/server_key.pem": local_key,
        "keys/server_cert.pem": prov.evidence("keys/server_cert.pem", cert_text, frozenset()),
        "web/public.crt": public,
    }
    origins = dict.fromkeys(found, prov.PRODUCTION)
    assert "keys/server_key.pem" not in prov.project_classes(found, origins)  # type: ignore[arg-type]
    del found["web/public.crt"]
    assert prov.project_classes(found, origins) == {"keys/server_key.pem": prov.TEST}  # type: ignore[arg-type]


# --- a folder of many keys: a corpus of test vectors -----------------------------------

_ENCRYPTED = (
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiQ4rZ2Xp1aBAICCAAw\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n"
)


@pytest.mark.parametrize(("count", "test"), [(10, True), (9, False)])
def test_a_folder_of_many_keys_is_a_test_corpus(count: int, test: bool) -> None:
    """Ten private key files in one folder are a library's test vectors; a deployment's
    few keys (nine here, in a folder of their own) stay production."""
    key_text, _ = _split_bundle()
    key = prov.evidence("vectors/k.key", key_text, frozenset())
    assert key is not None and key.private_keys and key.key_file
    # An encrypted key (no public key to read) is a key file all the same.
    locked = prov.evidence("vectors/locked.pem", _ENCRYPTED, frozenset())
    assert locked is not None and locked.key_file and not locked.private_keys
    found = {f"crypto/vectors/rsa_{i}.key": key for i in range(count - 1)}
    found["crypto/vectors/locked.pem"] = locked
    found["deploy/tls/server.key"] = key
    origins = dict.fromkeys(found, prov.PRODUCTION)
    classes = prov.project_classes(found, origins)  # type: ignore[arg-type]
    assert ("crypto/vectors/rsa_0.key" in classes) is test
    assert "deploy/tls/server.key" not in classes


@pytest.mark.parametrize(("count", "test"), [(10, True), (9, False)])
def test_a_key_corpus_takes_its_other_key_material_with_it(count: int, test: bool) -> None:
    """The same vectors in DER, encrypted, or in a subfolder of the corpus folder are
    test data too; key material beside the folder is not, and ten keys at the scan's
    root make no corpus of the whole tree."""
    key_text, _ = _split_bundle()
    key = prov.evidence("vectors/k.key", key_text, frozenset())
    assert key is not None
    found = {f"lib/data_files/rsa_{i}.pem": key for i in range(count)}
    found.update({f"root_{i}.pem": key for i in range(10)})
    origins = dict.fromkeys(found, prov.PRODUCTION)
    others = (
        "lib/data_files/server.key.der",
        "lib/data_files/server2.key.enc",
        "lib/data_files/parse_input/bitstring.pem",
        "lib/keys/deploy.key.der",
        "deploy/server.key",
    )
    origins.update(dict.fromkeys(others, prov.PRODUCTION))
    classes = prov.project_classes(found, origins)  # type: ignore[arg-type]
    for path in others[:3]:
        assert (classes.get(path) == prov.TEST) is test, path
    assert "lib/keys/deploy.key.der" not in classes
    assert "deploy/server.key" not in classes


# --- a compose project named as a test stack ------------------------------------------


@pytest.mark.parametrize(
    ("compose", "test"),
    [
        ("bed/compose.yml", True),  # the test bed's folder: its scripts are test code
        ("compose.yml", False),  # at the root: the repository is no test bed
    ],
)
def test_test_compose_project_folder_is_test_code(tmp_path: Path, compose: str, test: bool) -> None:
    script = "#!/bin/sh\nssh -o StrictHostKeyChecking=no root@node-1 true\n"
    files = {
        compose: "name: proxy-testbed\nservices:\n  node:\n    image: busybox\n",
        "bed/run-ssh": script,
    }
    _write(tmp_path, files)
    found = _found(tmp_path)
    assert (found == []) is test
