"""What a file is, by name and content: the kinds decide which detectors see it, the
format decides how it is parsed. Content sniffing is cheap text matching; detectors
confirm the structure on the parsed tree (a `services:` key that is not a compose
file yields no compose findings)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

# Kinds. A file has every kind that applies; "text" is every text file.
TEXT = "text"
BINARY = "binary"
YAML = "yaml"
JSON = "json"
TOML = "toml"
COMPOSE = "compose"
KUBERNETES = "kubernetes"
ENVOY = "envoy"
SECCOMP = "seccomp"
GVISOR = "gvisor"
DOCKER_DAEMON = "docker-daemon"
KUBECONFIG = "kubeconfig"
DOCKERFILE = "dockerfile"
WORKFLOW = "workflow"
GITIGNORE = "gitignore"
DOTENV = "dotenv"
CURLRC = "curlrc"
INI = "ini"
XML = "xml"  # Android resources and manifests; read by ztlint.parsers.xmldoc on demand
PLIST = "plist"  # Apple property lists, XML or binary
MAKEFILE = "makefile"
# Files a tool writes credentials to: npm's and netrc's settings, git's credential store.
CREDENTIAL_FILE = "credential-file"

LANGUAGES = ("go", "rust", "swift", "python", "typescript", "tsx", "javascript", "bash", "lua")
DATA_FORMATS = (YAML, JSON, TOML)

_EXTENSIONS = {
    ".go": "go",
    ".rs": "rust",
    ".swift": "swift",
    ".py": "python",
    ".pyi": "python",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".sh": "bash",
    ".bash": "bash",
    ".lua": "lua",
    ".yaml": YAML,
    ".yml": YAML,
    ".json": JSON,
    ".toml": TOML,
}
_SHEBANGS = (
    (re.compile(r"\b(?:ba|z|k|da|a)?sh\b"), "bash"),
    (re.compile(r"\bpython[0-9.]*\b"), "python"),
    (re.compile(r"\b(?:node|deno|bun)\b"), "javascript"),
    (re.compile(r"\blua(?:jit)?[0-9.]*\b"), "lua"),
)

_COMPOSE_TOP = re.compile(r"^services:[ \t]*(?:#.*)?$", re.M)
_COMPOSE_KEYS = re.compile(
    r"^[ \t]+(?:image|build|volumes|command|entrypoint|cap_add|privileged|network_mode"
    r"|environment|ports|security_opt|depends_on|networks|extends|container_name|restart):",
    re.M,
)
_K8S_API = re.compile(r"^[ \t]*(?:- )?apiVersion:[ \t]*\S", re.M)
# `kind:` at the start of a line (after indentation or a list dash); the pattern starts
# with its literal so that the regex engine skips to each occurrence, and the line's
# start is checked apart (a `^` under re.M tries every position: 0.1 s on istio).
_K8S_KIND = re.compile(r"kind:[ \t]*[\"']?([A-Z]\w*)")
_K8S_KIND_LEAD = re.compile(r"[ \t]*(?:- )?")
_KUBECONFIG = re.compile(r"^kind:[ \t]*[\"']?Config[\"']?[ \t]*$", re.M)
_ENVOY_YAML = re.compile(r"^(?:static_resources|dynamic_resources):", re.M)
_ENVOY_ADMIN = re.compile(r"^admin:", re.M)
_ENVOY_TYPE = "type.googleapis.com/envoy."


# Templated files: the suffix a template adds to its target's name, and the template
# language it usually means (Jinja's `{%` in a Go-named file makes it Jinja).
TEMPLATE_SUFFIXES = {
    ".tmpl": "go",
    ".tpl": "go",
    ".gotmpl": "go",
    ".j2": "jinja",
    ".jinja": "jinja",
    ".jinja2": "jinja",
}
HELM = "helm"  # a chart's template: Go templates with the chart's values


@dataclass(frozen=True)
class FileClass:
    kinds: frozenset[str]
    # How the file is parsed: "yaml", "json", "toml", a tree-sitter language, or None.
    parser: str | None
    # A templated YAML file: "helm" (a chart's template), "go" or "jinja"; None else.
    template: str | None = None


def classify_name(path: str) -> tuple[set[str], str | None]:
    """Kinds and parser decided by the path alone."""
    base = posixpath.basename(path)
    lower = base.lower()
    kinds: set[str] = set()
    parser: str | None = None
    ext = posixpath.splitext(lower)[1]
    if ext in _EXTENSIONS:
        parser = _EXTENSIONS[ext]
        if parser in DATA_FORMATS:
            kinds.add(parser)
    if (
        lower in ("dockerfile", "containerfile")
        or lower.endswith(".dockerfile")
        or lower.startswith("dockerfile.")
    ):
        kinds.add(DOCKERFILE)
    if ext == ".xml":
        kinds.add(XML)
    elif ext == ".plist":
        kinds.add(PLIST)
    if lower in ("makefile", "gnumakefile") or ext == ".mk":
        kinds.add(MAKEFILE)
    if lower in (".npmrc", "npmrc", ".netrc", "_netrc", ".git-credentials"):
        kinds.add(CREDENTIAL_FILE)
    if lower == ".gitignore":
        kinds.add(GITIGNORE)
    if lower in (".curlrc", "_curlrc", "curlrc", ".wgetrc", "wgetrc"):
        kinds.add(CURLRC)
    if ext in (".ini", ".cfg", ".conf", ".cnf", ".properties") or lower in (
        ".pgpass",
        ".netrc",
        ".npmrc",
        ".pypirc",
    ):
        kinds.add(INI)
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        kinds.add(DOTENV)
    if parser == YAML and "/.github/workflows/" in "/" + path:
        kinds.add(WORKFLOW)
    if lower == "daemon.json":
        kinds.add(DOCKER_DAEMON)
    if parser == TOML and lower.startswith("runsc"):
        kinds.add(GVISOR)
    if lower.startswith("kubeconfig") or path == ".kube/config" or path.endswith("/.kube/config"):
        kinds.add(KUBECONFIG)
        if parser is None:
            parser = YAML
            kinds.add(YAML)
    return kinds, parser


_JSON_API = re.compile(r'"apiVersion"\s*:\s*"')


def _k8s_kinds(text: str) -> Iterator[str]:
    """The values of the `kind:` keys that start a line (as `^[ \t]*(?:- )?kind:`)."""
    for m in _K8S_KIND.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        if _K8S_KIND_LEAD.fullmatch(text, start, m.start()):
            yield m.group(1)


def classify(path: str, text: str | None, chart: bool = False) -> FileClass:
    """Classify a file; `text` is None for binary files. `chart`: the file lies below
    a Helm chart's templates/ folder (ztlint.helm.chart_of)."""
    if text is not None:
        templated = _templated(path, text, chart)
        if templated is not None:
            return templated
    kinds, parser = classify_name(path)
    if text is None:
        kinds.add(BINARY)
        return FileClass(frozenset(kinds), None)
    kinds.add(TEXT)
    if parser is None and text.startswith("#!"):
        first = text.split("\n", 1)[0]
        for pattern, language in _SHEBANGS:
            if pattern.search(first):
                parser = language
                break
    if parser == YAML:
        # Each line-anchored pattern is tried only when its literal occurs (a plain
        # substring search is many times faster than a multiline regex scan).
        if "services:" in text and _COMPOSE_TOP.search(text) and _COMPOSE_KEYS.search(text):
            kinds.add(COMPOSE)
        # A kubeconfig (`kind: Config`) has apiVersion and kind but is no API object.
        if (
            "apiVersion:" in text
            and _K8S_API.search(text)
            and any(kind != "Config" for kind in _k8s_kinds(text))
        ):
            kinds.add(KUBERNETES)
        if "clusters:" in text and _KUBECONFIG.search(text):
            kinds.add(KUBECONFIG)
        if (
            ("_resources:" in text and _ENVOY_YAML.search(text))
            or _ENVOY_TYPE in text
            or ("socket_address" in text and _ENVOY_ADMIN.search(text))
        ):
            kinds.add(ENVOY)
    elif parser == JSON:
        if '"defaultAction"' in text and '"syscalls"' in text:
            kinds.add(SECCOMP)
        elif '"default_action"' in text and '"filter"' in text:
            kinds.add(SECCOMP)  # Firecracker's seccompiler filters
        if '"static_resources"' in text or '"dynamic_resources"' in text or _ENVOY_TYPE in text:
            kinds.add(ENVOY)
        # An API object sets both to strings; a JSON Schema of one (kubectl's OpenAPI
        # dump) declares them as properties, objects.
        if '"apiVersion"' in text and '"kind"' in text and _JSON_API.search(text):
            kinds.add(KUBERNETES)
        if '"runtimes"' in text or '"default-runtime"' in text:
            kinds.add(DOCKER_DAEMON)
    elif parser == TOML and "[runsc_config]" in text:
        kinds.add(GVISOR)
    if parser in LANGUAGES:
        kinds.add(parser)
    return FileClass(frozenset(kinds), parser)


_TEMPLATE_TARGETS = frozenset({COMPOSE, KUBERNETES, ENVOY})


def _templated(path: str, text: str, chart: bool) -> FileClass | None:
    """A chart's template, or a YAML template outside charts (`*.yml.tmpl`, `*.j2`):
    classified by its target's name and its content, read through ztlint.helm. None
    when the file is neither (it is classified as any other file)."""
    folder, base = posixpath.split(path)
    lower = base.lower()
    stem, ext = posixpath.splitext(lower)
    if chart:
        if lower.startswith("_"):
            return FileClass(frozenset({TEXT}), None)  # a template library, no document
        if ext not in (".yaml", ".yml", ".tpl"):
            return None
        found = classify(posixpath.join(folder, stem + ".yaml"), text)
        return FileClass(found.kinds, YAML, HELM)
    dialect = TEMPLATE_SUFFIXES.get(ext)
    if dialect is None:
        return None
    if "{%" in text:
        dialect = "jinja"
    target = posixpath.join(folder, stem)
    inner = posixpath.splitext(stem)[1]
    if inner not in ("", ".yaml", ".yml", ".json"):
        return None
    # The target's name says YAML or JSON (read as YAML, of which JSON is a part); the
    # content says compose, Kubernetes or Envoy.
    found = classify(target if inner else target + ".yaml", text)
    if not found.kinds & _TEMPLATE_TARGETS:
        return None
    return FileClass(found.kinds, YAML, dialect)
