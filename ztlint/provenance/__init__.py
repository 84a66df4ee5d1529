"""Where a file comes from, decided once per file: `production`, `test`, `example`,
`docs`, `generated` or `vendored`.

The evidence is the file's path relative to the scanned root (never the folders above
it: a scan of `fixtures/demo` judges its files by their paths inside it), its name, and
its head: Go's `Code generated ... DO NOT EDIT.` line and other generator markers, Go
build constraints that hold only with a test tag, minified code (very long lines), and
the format of a mobile UI automation flow (Maestro's `appId:` document, then its steps).
A config's `provenance:` globs decide first. The policy each class gets is in
ztlint.policy.

Some files are known only by what other files say about them; `evidence` reads those
statements from each file and `project_classes` judges them once every file is read:
a rendered Helm chart whose chart the repository does not hold (a copy of another
project's release), a compose topology that CI runs and that builds the repository's
own services from source, and Go packages kept for tests only.

This module decides by path and head; `classes` names the classes, `goconstraints`
evaluates Go build constraints, `evidence` holds the cross-file judgement. Their public
names are importable from here.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ztlint.globs import match_any
from ztlint.provenance.classes import CLASSES as CLASSES
from ztlint.provenance.classes import DATA as DATA
from ztlint.provenance.classes import DEFAULT_TEST_TAGS as DEFAULT_TEST_TAGS
from ztlint.provenance.classes import DOCS as DOCS
from ztlint.provenance.classes import EXAMPLE as EXAMPLE
from ztlint.provenance.classes import GENERATED as GENERATED
from ztlint.provenance.classes import HEAD_BYTES as HEAD_BYTES
from ztlint.provenance.classes import NOT_CHECKED as NOT_CHECKED
from ztlint.provenance.classes import NOT_SHOWN as NOT_SHOWN
from ztlint.provenance.classes import PRODUCTION as PRODUCTION
from ztlint.provenance.classes import TEST as TEST
from ztlint.provenance.classes import VENDORED as VENDORED
from ztlint.provenance.evidence import DEFAULT_COMPOSE_FILES as DEFAULT_COMPOSE_FILES
from ztlint.provenance.evidence import Evidence as Evidence
from ztlint.provenance.evidence import dev_mode_stack as dev_mode_stack
from ztlint.provenance.evidence import evidence as evidence
from ztlint.provenance.evidence import example_compose_project as example_compose_project
from ztlint.provenance.evidence import project_classes as project_classes
from ztlint.provenance.evidence import test_compose_project as test_compose_project
from ztlint.provenance.goconstraints import PACKAGE_CLAUSE
from ztlint.provenance.goconstraints import go_constraint as go_constraint
from ztlint.provenance.goconstraints import go_test_only as go_test_only
from ztlint.provenance.goconstraints import is_test_tag as is_test_tag
from ztlint.provenance.goconstraints import test_only as test_only

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
    # jQuery pasted into a project's static files, unminified, and Bootstrap's copied
    # distribution (`bootstrap/js/`, `bootstrap/css/`).
    "jquery.js",
    "jquery-*.js",
    "**/bootstrap/js/",
    "**/bootstrap/css/",
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
    # GraphQL Code Generator's and similar tools' output (`query.generated.ts`).
    "*.generated.ts",
    "*.generated.tsx",
    "*.generated.js",
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
_CATALOGUE_MODULES = (".ts", ".js", ".mjs", ".cjs")
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
    # Cucumber's suites: feature files, their step definitions and support hooks.
    "cucumber/",
    "**/features/step_definitions/",
    "**/features/support/",
    # Rails' test environment (`config/environments/test.rb`).
    "**/config/environments/test.rb",
    "integration/",
    "e2e/",
    "e2e-tests/",
    "end-to-end/",
    "end_to_end/",
    "component-tests/",
    "acceptance/",
    "testutil/",
    "testutils/",
    "*_integration_tests/",
    "*-integration-tests/",
    "integration-tests/",
    "integration_tests/",
    "integtest/",
    "integtests/",
    # Any folder named for a kind of test (`smoke-tests/`, `stress_testing/`,
    # `app-compatibility-test/`).
    "*_tests/",
    "*-tests/",
    "*-test/",
    "*_test/",
    # ... or with the word inside a hyphenated name: a folder of a test run's inputs
    # (`age-test-key/`, `e2e-test-data/`).
    "*-test-*/",
    "*_testing/",
    "*-testing/",
    # Perl's test convention, which Test::Nginx (OpenResty, nginx modules, Lua gateways)
    # follows: test scripts `*.t` in a top-level `t/`, their certificates and helpers
    # beside them.
    "t/",
    "*.t",
    # Benchmark harnesses: load generators and stand-in services, never deployed.
    "benchmark/",
    "benchmarks/",
    "Benchmark/",
    "Benchmarks/",  # a Swift package's benchmark targets
    "loadtest/",
    "loadtests/",
    "perf/",
    "perftest/",
    "perf-test/",
    "perf-tests/",
    "load-test/",
    "load_test/",
    "*-loadtest/",
    "*_loadtest/",
    "*-loadtests/",
    "*-load-test/",
    "*-load-tests/",
    "stress/",
    "stresstest/",
    "stresstests/",
    # A package of test helpers (Django projects' `utilities/testing/`, Go's
    # `internal/testing/`), and a Python module named for the test run
    # (`configuration_testing.py`, the settings a test suite loads).
    "testing/",
    "*_testing.py",
    # A Python module named for the tests themselves (unittest's `test.py`, Django's
    # per-app `tests.py`).
    "test.py",
    "tests.py",
    # ... and its siblings named with the same word first (`tests_vectors.py`,
    # `tests-cookbook.py`: a second module of test cases beside `tests.py`).
    "tests_*.py",
    "tests-*.py",
    "test-*.py",
    "test-*/",
    "test_*/",
    # `tst/`: the test tree's short name (Brazil and Gradle layouts keep `src/` and `tst/`).
    "tst/",
    # Certificates and keys for the tests, one word (`testcerts/`, `testkeys/`).
    "testcerts/",
    "testkeys/",
    "**/config/test.exs",
    "test_data/",
    "testdata/",
    # Go ignores folders whose name starts with `_`: `_testdata/` is test input too.
    "_testdata/",
    # Spec-style test suites (busted for Lua, RSpec, Jasmine): `*_spec.lua`,
    # `*_spec.rb`, with their helpers and support files.
    "*_spec.*",
    # Bats, the Bash Automated Testing System: every `.bats` file is a suite.
    "*.bats",
    "spec/helpers/",
    "spec/support/",
    "test-data/",
    "*-test-data.*",
    "*_test_data.*",
    # A test's own configuration beside it (`client_test.yaml` that `client_test.go`
    # loads).
    "*_test.yaml",
    "*_test.yml",
    "*_test.json",
    "*_test.toml",
    "test_resources/",
    "fixtures/",
    "fixture/",
    "stub/",
    "stubs/",
    "mock/",
    "mocks/",
    # A Go package of stand-ins named for what it mocks (`kmsmock/`, `storemocks/`):
    # imported by the tests, never by the program.
    "*mock/",
    "*mocks/",
    "__mocks__/",
    # Swift packages and Xcode targets name folders in CapWords (`Mocks/`,
    # `NetworkingMocks/`), as SwiftPM's `Tests/`.
    "Mock/",
    "Mocks/",
    "*Mocks/",
    # Xcode's development assets for SwiftUI previews (`Preview Content/`, the
    # DEVELOPMENT_ASSET_PATHS default) and preview data kept in `+Previews` extensions.
    "Preview Content/",
    "*+Previews.swift",
    "*+Preview.swift",
    # Mirage (miragejs, ember-cli-mirage): the mock API server a front end's tests and
    # local development run against, with its handlers, factories and fixtures.
    "mirage/",
    # Snapshot tests' recorded outputs (Jest, Vitest, cupaloy, insta).
    "__snapshots__/",
    ".snapshots/",
    "*.snap",
    "mock_*.go",
    "*_mock.go",
    "*_mocks.go",
    "fake*.go",
    # Stand-ins for the real thing, kept for tests and load runs: a dummy probe's recorded
    # reports, fake clients (`dummy/`, `fake/`, `fakes/`).
    "dummy/",
    "fake/",
    "fakes/",
    # Helpers for a package's tests kept outside `_test.go` (a common Go convention).
    "*_test_util.go",
    "*_test_utils.go",
    "*_test_helper.go",
    "*_test_helpers.go",
    "mock.ts",
    "mocks.ts",
    # C and C++ unit tests by GoogleTest's and Bazel's naming (`plugin_test.cc`, a
    # `cc_test` target's source; `parser_unittest.cpp`).
    "*_test.c",
    "*_test.cc",
    "*_test.cpp",
    "*_unittest.cc",
    "*_unittest.cpp",
    # Mocha's and node-tap's default naming, a hyphen before the word (`index-test.ts`,
    # `session-test.js`): a suite or the shared cases the suites import.
    "*-test.js",
    "*-test.ts",
    "*-test.mjs",
    "*-test.cjs",
    "*-test.jsx",
    "*-test.tsx",
    # Test runners' own configuration (their documented file names): the web server,
    # accounts and settings of a test run.
    "playwright.config.*",
    "cypress.config.*",
    "cypress.json",
    "jest.config.*",
    "vitest.config.*",
    "karma.conf.*",
    "wdio.conf.*",
    "mock.go",
    "mocks.go",
    "test-*.pem",
    "docker-compose.*test*.yml",
    "docker-compose.*test*.yaml",
    "docker-compose-*test*.yml",
    "docker-compose-*test*.yaml",
    "compose.*test*.yml",
    "compose.*test*.yaml",
    # End-to-end and integration stacks named so (`docker-compose.e2e.yaml`,
    # `docker-compose.e2e-upgrade.yaml`, `compose-integration.yml`).
    "docker-compose.*e2e*.yml",
    "docker-compose.*e2e*.yaml",
    "docker-compose-*e2e*.yml",
    "docker-compose-*e2e*.yaml",
    "compose.*e2e*.yml",
    "compose.*e2e*.yaml",
    "docker-compose.*integration*.yml",
    "docker-compose.*integration*.yaml",
    # Stacks and settings named for CI runs (`docker-compose.ci.yml`,
    # `docker-compose.ci.postgres.yml`, `ci.env`) and end-to-end test scripts.
    "docker-compose.ci.yml",
    "docker-compose.ci.yaml",
    "docker-compose.ci.*.yml",
    "docker-compose.ci.*.yaml",
    "compose.ci.yml",
    "compose.ci.yaml",
    "ci.env",
    ".env.ci",
    "*e2e*.sh",
    "docker-compose-*integration*.yml",
    "docker-compose-*integration*.yaml",
    # A compose file kept with the CI configuration starts the services a CI run tests
    # against (a deployment's compose files are not kept there).
    "**/ci/**/docker-compose*.yml",
    "**/ci/**/docker-compose*.yaml",
    "**/ci/**/compose*.yml",
    "**/ci/**/compose*.yaml",
    "**/.ci/**/docker-compose*.yml",
    "**/.ci/**/docker-compose*.yaml",
    "**/.ci/**/compose*.yml",
    "**/.ci/**/compose*.yaml",
)
# Scripts and configs kept with the CI configuration and named for tests start and
# prepare what a CI run tests against (`ci/start-test-services.sh`, `.ci/run-e2e.sh`,
# `ci/test_suites.json`); release and publishing scripts kept there are not named so
# and stay production. Matched only below a `ci/` or `.ci/` folder (a cheap test first:
# classify runs for every file).
CI_TEST_PATHS = (
    "**/ci/**/test[-_.]*",
    "**/ci/**/*[-_]test[-_.]*",
    "**/ci/**/tests[-_.]*",
    "**/ci/**/*[-_]tests[-_.]*",
    "**/ci/**/*e2e*",
    "**/.ci/**/test[-_.]*",
    "**/.ci/**/*[-_]test[-_.]*",
    "**/.ci/**/tests[-_.]*",
    "**/.ci/**/*[-_]tests[-_.]*",
    "**/.ci/**/*e2e*",
    # Helm's chart-testing (`ct lint`, `ct install`) installs a chart once per values
    # file in the chart's `ci/` folder (`ci/*-values.yaml`).
    "**/ci/*-values.yaml",
    "**/ci/*-values.yml",
)


def ci_test_material(path: str) -> bool:
    """A file kept with the CI configuration and named for tests (CI_TEST_PATHS)."""
    folders = "/" + path
    return ("/ci/" in folders or "/.ci/" in folders) and match_any(CI_TEST_PATHS, path)


EXAMPLE_PATHS = (
    "examples/",
    "example/",
    "samples/",
    "sample/",
    # The same in CapWords (Swift, Xcode) and joined (`sampleapps/`), and an Xcode app
    # target made to show a library (`UIExampleApp/`).
    "Examples/",
    "Example/",
    "Samples/",
    "sampleapps/",
    "SampleApps/",
    "sample_apps/",
    "*ExampleApp/",
    "*SampleApp/",
    # Storybook stories (Component Story Format): a UI component shown with sample data.
    "*.stories.*",
    "*.story.*",
    "stories.ts",
    "stories.tsx",
    "stories.js",
    "stories.jsx",
    # A quick start or demo stands a product up for a first look, not for production.
    "quickstart/",
    "quickstarts/",
    "quick-start/",
    "quickstart*.yml",
    "quickstart*.yaml",
    "quick_start/",
    "quick_start*.yml",
    "quick_start*.yaml",
    "quick-start*.yml",
    "quick-start*.yaml",
    "demo/",
    "demos/",
    # Code samples a project's documentation quotes (`snippets/login/check.py`
    # between `[START ...]` and `[END ...]` markers).
    "snippets/",
    # The same folders named with a qualifier (`demo-app/`, `device-demo-app/`,
    # `react-example/`, `sample-config/`).
    "demo-*/",
    "*-demo/",
    "*-demo-*/",
    "*-demos/",
    "example-*/",
    "*-example/",
    "*-examples/",
    "sample-*/",
    "*-sample/",
    "*-samples/",
    # and joined with an underscore (`example_config/`, `sample_apps/`).
    "example_*/",
    "*_example/",
    "*_examples/",
    "sample_*/",
    "*_samples/",
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
    # A script named for being an example of using the product's API. (`*_example.json`
    # is not one: `positive_example.yaml` is what `ztlint new-rule` names a fixture.)
    "example_*.*",
    "sample_*.*",
    # A cookbook: recipes showing the API, each with sample keys and passwords.
    "cookbook/",
    "cookbooks/",
    # A manifest or configuration named for being one (`sample.yaml` that a plugin's
    # README links as "a full sample", `example-config.yml`, `values-example.yaml`).
    "sample.yaml",
    "sample.yml",
    "sample.json",
    "example.yaml",
    "example.yml",
    "example.json",
    "sample-*.yaml",
    "sample-*.yml",
    "example-*.yaml",
    "example-*.yml",
    "*-sample.yaml",
    "*-sample.yml",
    "*-example.yaml",
    "*-example.yml",
    # A developer's environment, not a deployment: a dev container (the Development
    # Containers spec's `.devcontainer/`) and compose files named for development.
    ".devcontainer/",
    # An editor's launch configurations (`.vscode/launch.json` starting the program
    # against a local database, IntelliJ's run configurations): the developer's debug
    # runs. (Shared workspace settings may hold a team's real connections: not these.)
    "**/.vscode/launch.json",
    "**/.idea/runConfigurations/",
    # Folders of developer environments by name (one stack per folder under
    # `dev-environments/`, databases under `_dev/` a `dev-dbs` script starts).
    # Kubernetes projects' developer tooling (`hack/local-up-cluster.sh`, the manifests
    # `make k3d-up` applies to a throwaway cluster): not what the project ships.
    "hack/",
    "hacks/",
    "dev-environment/",
    "dev-environments/",
    "dev-env/",
    "devenv/",
    "_dev/",
    ".dev/",
    "docker-compose.dev.yml",
    "docker-compose.dev.yaml",
    # the same with a variant after the word (`docker-compose.dev-cache.yml`,
    # `docker-compose-devel-mounts.yml`, `compose.dev.postgres.yaml`)
    "docker-compose[.-]dev[.-]*.y*ml",
    "docker-compose-dev.y*ml",
    "docker-compose[.-]devel.y*ml",
    "docker-compose[.-]devel[.-]*.y*ml",
    "docker-compose[.-]development[.-]*.y*ml",
    "compose[.-]dev[.-]*.y*ml",
    # compose files kept in a folder named for development (`dev/compose.yaml`,
    # `tools/dev/docker-compose.web.yml`): the stacks a developer starts
    "**/dev/docker-compose*.y*ml",
    "**/dev/compose*.y*ml",
    "docker-compose.development.yml",
    "docker-compose.development.yaml",
    "docker-compose.local.yml",
    "docker-compose.local.yaml",
    "compose.dev.yml",
    "compose.dev.yaml",
    "compose.local.yml",
    "compose.local.yaml",
)
# MDX is Markdown with components: the pages of documentation sites (Docusaurus,
# Nextra, Astro).
DOCS_PATHS = (
    "*.md",
    "*.mdx",
    "*.markdown",
    "*.rst",
    "*.adoc",
    # A plain-text readme (`README`, `README.txt`: a tool's usage with a sample session),
    # and notes (a developer's, or a chart's `NOTES.txt` printed after an install).
    "README",
    "README.txt",
    "readme.txt",
    "NOTES.txt",
    "notes.txt",
    # Templates of those pages (helm-docs' `README.md.gotmpl`, `*.md.tmpl`, `*.md.j2`).
    "*.md.gotmpl",
    "*.md.tmpl",
    "*.md.tpl",
    "*.md.j2",
    "*.rst.tmpl",
    "*.rst.j2",
    "docs/",
    "doc/",
    "site/",
    # Design proposals and the sample files they point to (`design/cli/poc/base/...`).
    "design/",
    "designs/",
    "proposals/",
    # The configuration of a documentation site's generator (its search widget's public
    # key, its links): Docusaurus, MkDocs, VitePress.
    "docusaurus.config.*",
    "mkdocs.yml",
    "mkdocs.yaml",
    ".vitepress/",
)

# Generator markers in a file's first lines: Go's convention
# (https://go.dev/s/generatedcode), `@generated` (Facebook, Rust, many tools), and the
# "auto-generated ... do not edit" banners of other generators. Go's line is matched
# without its closing period too (`...; DO NOT EDIT`), as linters that skip generated Go
# code do: generators in the wild drop it.
_GO_GENERATED = re.compile(r"^// Code generated .* DO NOT EDIT\.?[ \t]*$", re.M)
_GENERATED_MARK = re.compile(
    r"@generated\b|\bauto-?generated\b.*\b(?:do not|don't) (?:edit|modify|make (?:direct |manual )?changes)\b"
    r"|\b(?:do not|don't) (?:edit|modify)\b.*\b(?:auto-?generated|file generated)\b"
    # OpenAPI Generator's and Swagger Codegen's banner (`Generated by:
    # https://github.com/openapitools/openapi-generator.git`).
    r"|\bgenerated by:?\s+(?:https?://)?(?:github\.com/)?(?:openapitools/openapi-generator|swagger-api/swagger-codegen)\b"
    # GNU build machinery: Autoconf's `configure`, Automake's `Makefile.in`.
    r"|\bgenerated (?:automatically )?by (?:GNU Autoconf|automake)\b",
    re.I,
)
_HEAD_LINES = 12
# A minified or bundled script: a line this long within its head.
LONG_LINE = 1000
_MINIFIABLE = (".js", ".mjs", ".cjs", ".css")


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

# A configuration whose first comment lines say it is not for production: `# FOR
# DEVELOPMENT ONLY`, `# Local development only`, `# Do not use in production`, `# Not
# intended for production use`. (Each starts with its literal's words after the comment
# mark; the line's start is checked apart.)
_DEVELOPMENT_ONLY = re.compile(
    r"#[ \t]*(?:(?:this[ \t]+(?:file|stack|setup|config(?:uration)?)[ \t]+is[ \t]+)?"
    r"(?:intended[ \t]+)?(?:only[ \t]+)?for[ \t]+)?(?:local[ \t]+)?development"
    r"(?:[ \t]+(?:use|purposes|and[ \t]+testing))?[ \t]+only\b"
    r"|#[ \t]*(?:do[ \t]+not|don't|never)[ \t]+use[ \t]+(?:this[ \t]+(?:\w+[ \t]+){0,2})?"
    r"(?:in|for)[ \t]+(?:an?[ \t]+)?production\b"
    r"|#[ \t]*(?:this[ \t]+(?:file|stack|setup|config(?:uration)?)[ \t]+is[ \t]+)?not[ \t]+"
    r"(?:intended[ \t]+|meant[ \t]+|suitable[ \t]+)?for[ \t]+production\b",
    re.I,
)


# A configuration whose head says it serves a kind of test run: `# Start the server
# locally for the purposes of integration tests`, `# For end-to-end testing only`.
_TESTS_ONLY = re.compile(
    r"#.*?\b(?:for[ \t]+(?:the[ \t]+purposes?[ \t]+of[ \t]+|running[ \t]+)?(?:the[ \t]+|our[ \t]+)?"
    r"(?:integration|e2e|end-to-end|acceptance|system|smoke)[ \t]+test(?:s|ing)?\b"
    r"|(?:test(?:s|ing)?)[ \t]+(?:purposes[ \t]+)?only\b)",
    re.I,
)
# A comment that points elsewhere (`see docker-compose.e2e.yml for integration tests`)
# says nothing of its own file.
_POINTS_ELSEWHERE = re.compile(r"(?i)\bsee\b|\S\.(?:ya?ml|json|sh|md)\b")


_HEAD_METADATA = re.compile(r"""version:[ \t]*["']?[\d.]+["']?[ \t]*$""")


def _head_comments(text: str) -> Iterator[str]:
    """The comment lines at a YAML file's head, before its first key."""
    for line in text.split("\n", _HEAD_LINES)[:_HEAD_LINES]:
        stripped = line.strip()
        if not stripped or stripped == "---":
            continue
        if _HEAD_METADATA.match(stripped):
            continue  # compose's `version: "3"`: a note on the format, not a setting
        if not stripped.startswith("#"):
            return  # the head's comments end at the first key
        yield stripped


# A configuration whose head calls it an example: `# Example configuration for the
# controller`, `# Sample values`, `# This is an example`.
_DECLARED_EXAMPLE = re.compile(
    r"#[ \t]*(?:an?[ \t]+)?(?:example|sample)[ \t]+(?:configuration|config|values|settings"
    r"|manifest|file|setup|deployment)s?\b"
    r"|#[ \t]*this[ \t]+(?:file[ \t]+|config(?:uration)?[ \t]+)?is[ \t]+(?:just[ \t]+)?an?[ \t]+"
    r"(?:example|sample)\b",
    re.I,
)


def declared_development(text: str) -> bool:
    """A YAML configuration whose comment lines at its head (before its first key) say
    it is for development only, or not for production, or an example: a developer
    environment, an example of its kind, whatever its name."""
    return any(
        _DEVELOPMENT_ONLY.match(line) or _DECLARED_EXAMPLE.match(line)
        for line in _head_comments(text)
    )


def declared_tests(text: str) -> bool:
    """A YAML configuration whose head comments say it serves integration, end-to-end or
    other test runs, or tests only: a test topology, whatever its name."""
    return any(
        _TESTS_ONLY.match(line) and not _POINTS_ELSEWHERE.search(line)
        for line in _head_comments(text)
    )


def _go_ignored_folder(path: str) -> bool:
    """A Go file below a folder whose name starts with `_`: the go tool leaves it out of
    `./...` (a demo or scratch program kept beside the module, never built into it);
    `_testdata/` is test input, matched before. (Folders starting with `.` are left out
    too, but `.github/` holds CI programs whose findings are the repository's own.)"""
    return any(part.startswith("_") for part in path.split("/")[:-1])


def classify(path: str, text: str | None, settings: Settings) -> str:
    """The provenance of a file at `path` (relative to the scanned root) with `text`
    (None for a binary file)."""
    for cls, patterns in settings.overrides:
        if match_any(patterns, path):
            return cls
    if match_any(VENDORED_PATHS, path) or (
        text is not None
        and (
            _minified(path, text)
            or _bundled(path, text)
            or (path.endswith(_DATA_SUFFIXES) and copied_head(text))
        )
    ):
        return VENDORED
    if match_any(GENERATED_PATHS, path) or (text is not None and generated_head(text)):
        return GENERATED
    if (
        match_any(settings.test_paths, path)
        or match_any(TEST_PATHS, path)
        or ci_test_material(path)
        or (text is not None and path.endswith(".go") and go_test_only(text, settings.test_tags))
        or (text is not None and path.endswith(_DATA_SUFFIXES) and local_cluster(text))
        or (text is not None and ui_flow(path, text))
        or (
            text is not None
            and path.endswith(_YAML_SUFFIXES)
            and (test_compose_project(text) or declared_tests(text) or dev_mode_stack(text))
        )
    ):
        return TEST
    if (
        match_any(EXAMPLE_PATHS, path)
        or (path.endswith(".go") and _go_ignored_folder(path))
        or (
            text is not None
            and path.endswith(_YAML_SUFFIXES)
            and (declared_development(text) or example_compose_project(text))
        )
    ):
        return EXAMPLE
    if match_any(DOCS_PATHS, path) or (
        text is not None and (specification_text(path, text) or sphinx_config(path, text))
    ):
        return DOCS
    if lock_file(path) or catalogue(path):
        return DATA
    return PRODUCTION


# Sphinx's build configuration (`conf.py`): the settings of a documentation site, whose
# URLs are links for readers (intersphinx targets, a theme's navigation).
# Set, set by key, or added to (`html_theme_options["nav"] = ...`, `extensions.append(...)`,
# in a site's conf.py that imports the shared settings of its sister site).
_SPHINX_SETTINGS = re.compile(
    r"^(?:html_theme|html_theme_options|html_static_path|intersphinx_mapping|master_doc|"
    r"root_doc|source_suffix|templates_path|exclude_patterns|pygments_style|extensions)"
    r"(?:\[[^\]\n]{0,80}\])?\s*(?:=|\.(?:append|extend|update)\()",
    re.M,
)


def sphinx_config(path: str, text: str) -> bool:
    if posixpath.basename(path) != "conf.py":
        return False
    return sum(1 for _ in zip(range(2), _SPHINX_SETTINGS.finditer(text), strict=False)) >= 2


# A standards document in the plain-text layout of the RFC Editor and xml2rfc (RFCs,
# Internet-Drafts, the OpenID specifications): the header block names the series
# (`Request for Comments: 6749`, `Internet-Draft`) and the status (`Category:`,
# `Intended status:`), or the pages end in `[Page N]` footers. Its example requests
# and ABNF (`password = *UNICODECHARNOCRLF`) are prose about a protocol.
_SPEC_SERIES = re.compile(r"^(?:Request for Comments:[ \t]*\d+|Internet-Draft)\b", re.M)
_SPEC_STATUS = re.compile(r"^(?:Category|Intended status):[ \t]*\w", re.M)
_PAGE_FOOTER = re.compile(r"\[Page \d+\][ \t]*\r?$", re.M)
_SPEC_PAGES = 3


def specification_text(path: str, text: str) -> bool:
    if not path.endswith(".txt"):
        return False
    head = _head(text)
    if _SPEC_SERIES.search(head) and _SPEC_STATUS.search(head):
        return True
    footers = _PAGE_FOOTER.finditer(text, 0, 4 * HEAD_BYTES)
    return sum(1 for _ in zip(range(_SPEC_PAGES), footers, strict=False)) >= _SPEC_PAGES


# The configuration of a throwaway cluster in containers on one machine, for
# development and CI: kind (`kind.x-k8s.io`) and k3d (`k3d.io`). Its kubelet and API
# server settings (anonymous access, AlwaysAllow) never reach a real cluster.
_LOCAL_CLUSTER = re.compile(r"^apiVersion:[ \t]*['\"]?(?:kind\.x-k8s\.io|k3d\.io)/", re.M)


def local_cluster(text: str) -> bool:
    head = _head(text)
    return "apiVersion" in head and _LOCAL_CLUSTER.search(head) is not None


# A Maestro flow (mobile UI automation): a config document naming the app under test
# (`appId:`), then `---` and the list of steps (`- launchApp`, `- tapOn: ...`). What
# it types into the app's screens is test input.
_DOCUMENT_END = re.compile(r"\n---[ \t]*\r?\n")
_UI_FLOW_STEP = re.compile(
    r"-[ \t]+(?:launchApp|tapOn|inputText|assertVisible|assertNotVisible|runFlow|"
    r"takeScreenshot|scrollUntilVisible|swipe|pressKey|clearState|openLink)\b"
)
_YAML_SUFFIXES = (".yaml", ".yml")


def ui_flow(path: str, text: str) -> bool:
    """A Maestro flow file, by its format: a first document with `appId:` at a line's
    start, then `---`, then a list of Maestro's commands."""
    if not path.endswith(_YAML_SUFFIXES):
        return False
    head = _head(text)
    at = 0 if head.startswith("appId:") else head.find("\nappId:")
    if at < 0:
        return False
    flow = _DOCUMENT_END.search(head, at)
    if flow is None:
        return False
    return any(head[m.start() - 1] == "\n" for m in _UI_FLOW_STEP.finditer(head, flow.end() - 1))


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
    *folders, name = path.split("/")
    lowered = [f.lower() for f in folders]
    if lower.endswith(_CATALOGUE_MODULES):
        # A translation module (`locales/de/translation/errors.ts`): a script kept in a
        # folder named by a locale right below a translations folder, or one named by a
        # locale in a translations folder (`i18n/de.js`, `i18n/elfinder.pt_BR.js`).
        # Also a module named by a locale deeper below one (`i18n/common/de.ts`).
        stem = name.rsplit(".", 1)[0].rsplit(".", 1)[-1]
        return any(
            folder in _CATALOGUE_DIRS
            and ((i + 1 < len(folders) and _locale(folders[i + 1])) or _locale(stem))
            for i, folder in enumerate(lowered)
        )
    if not lower.endswith(_CATALOGUE_SUFFIXES):
        return False
    if _CATALOGUE_DIRS.intersection(lowered):
        return True
    if name.rsplit(".", 1)[0].lower() in ("translation", "translations") and any(
        _locale(folder) for folder in lowered
    ):
        return True  # `templates/nl/translation.json`: a locale's folder names the catalogue
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
        package = PACKAGE_CLAUSE.search(head)
        if package is None or m.start() < package.start():
            return True
    # The head's lines as one text: a banner often breaks its sentence over two
    # comment lines (`This file was auto-generated by openapi-typescript.` /
    # ` * Do not make direct changes to the file.`).
    first = " ".join(head.split("\n", _HEAD_LINES)[:_HEAD_LINES])
    return bool(_GENERATED_MARK.search(first))


# A bundler's runtime at a script's head: webpack's (`/******/ (() => { //
# webpackBootstrap`), which @vercel/ncc writes too for a JavaScript GitHub Action.
# webpack's runtime (`webpackBootstrap`, `__webpack_require__`), the chunk files webpack 5
# writes (`(self.webpackChunkapp = self.webpackChunkapp || []).push(...)`, its default
# chunk-loading global), ncc's runtime.
_BUNDLE_HEAD = (
    "webpackBootstrap",
    "__webpack_require__",
    "webpackChunk",
    "__nccwpck_require__",
)


def _bundled(path: str, text: str) -> bool:
    """A script a bundler wrote: its dependencies' code with its own, built from sources
    the repository keeps elsewhere."""
    if not path.lower().endswith(_MINIFIABLE):
        return False
    head = _head(text)
    return any(marker in head for marker in _BUNDLE_HEAD)


def _minified(path: str, text: str) -> bool:
    """A minified script: a line of code (not a comment: a long comment makes no bundle)
    at least LONG_LINE long within its head, or a head with no line break at all."""
    if not path.lower().endswith(_MINIFIABLE):
        return False
    head = _head(text)
    # The head's last line may be cut short by the head's end: when even that part is
    # LONG_LINE long, the whole line is longer still.
    return any(
        len(line) >= LONG_LINE and not line.lstrip().startswith(("//", "/*", "*"))
        for line in head.split("\n")
    ) or (len(text) > HEAD_BYTES and "\n" not in head)
