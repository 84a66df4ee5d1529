"""`ztlint new-rule ID NAME --kind K`: a new declarative rule folder to fill in.

It writes `DIR/ID-NAME/` (rule.yaml, docs.md with the fixed headings, and for a
language a query file; for a structured kind a `match:` detector) and a positive and a
negative fixture in `FIXTURES/ID/` whose `ztlint-expect:` comments say what must be
found. The skeleton works as written: `ztlint scan FIXTURES/ID --rules DIR` finds the
positive fixture's line. Nothing is overwritten: an existing folder or fixture stops it
(exit 2) before anything is written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ztlint.registry import DOC_HEADINGS

_ID = re.compile(r"^[A-Z]{2,8}[0-9]{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")


@dataclass(frozen=True)
class Language:
    ext: str
    comment: str
    node: str  # the grammar's identifier node
    positive: str  # the offending line ({marker} is where the expectation goes)
    negative: str
    head: str = ""


_LANGUAGES = {
    "python": Language(".py", "#", "identifier", "insecure_example = 1", "secure_example = 1"),
    "go": Language(
        ".go",
        "//",
        "identifier",
        "var insecure_example = 1",
        "var secure_example = 1",
        "package example\n\n",
    ),
    "rust": Language(
        ".rs", "//", "identifier", "fn insecure_example() {}", "fn secure_example() {}"
    ),
    "javascript": Language(
        ".js", "//", "identifier", "const insecure_example = 1;", "const secure_example = 1;"
    ),
    "typescript": Language(
        ".ts", "//", "identifier", "const insecure_example = 1;", "const secure_example = 1;"
    ),
    "tsx": Language(
        ".tsx", "//", "identifier", "const insecure_example = 1;", "const secure_example = 1;"
    ),
    "swift": Language(
        ".swift",
        "//",
        "simple_identifier",
        "let insecure_example = 1",
        "let secure_example = 1",
    ),
    "bash": Language(
        ".sh", "#", "variable_name", "insecure_example=1", "secure_example=1", "#!/bin/sh\n"
    ),
    "lua": Language(
        ".lua", "--", "identifier", "local insecure_example = 1", "local secure_example = 1"
    ),
}

# Structured kinds: the fixture's file name makes it that kind.
_STRUCTURED = {
    "yaml": "example.yaml",
    "kubernetes": "example.yaml",
    "compose": "docker-compose.yml",
    "json": "example.json",
    "toml": "example.toml",
}


# What makes a YAML fixture the kind, and the indent of the key under it.
_YAML_BODIES = {
    "compose": ("services:\n  svc:\n    image: example\n", "    "),
    "kubernetes": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: svc\ndata:\n", "  "),
}


class ScaffoldError(Exception):
    pass


def kinds() -> tuple[str, ...]:
    return (*_LANGUAGES, *_STRUCTURED)


def scaffold(rule_id: str, name: str, kind: str, rules_dir: Path, fixtures_dir: Path) -> list[Path]:
    """Write the rule folder and its fixtures; the paths written. Raises ScaffoldError
    before writing anything when a target exists or an argument is wrong."""
    if not _ID.match(rule_id):
        raise ScaffoldError(f"{rule_id}: an id is 2 to 8 capital letters and three digits")
    if rule_id.startswith("ZT") and rules_dir.resolve() != _own_rules():
        raise ScaffoldError(f"{rule_id}: ZT ids are ztlint's own; choose a prefix of yours")
    if not _NAME.match(name):
        raise ScaffoldError(f"{name}: a name is kebab-case, such as debug-mode-on")
    if kind not in kinds():
        raise ScaffoldError(f"{kind}: unknown kind (known: {', '.join(kinds())})")
    folder = rules_dir / f"{rule_id}-{name}"
    files = _files(rule_id, name, kind)
    targets = [(folder / rel, text) for rel, text in files["rule"]] + [
        (fixtures_dir / rule_id / rel, text) for rel, text in files["fixtures"]
    ]
    for path, _ in targets:
        if os.path.lexists(path):
            raise ScaffoldError(f"{path} exists; nothing was written")
    if os.path.lexists(folder):
        raise ScaffoldError(f"{folder} exists; nothing was written")
    for base in (rules_dir, fixtures_dir):
        # A link (here or above, up to the working folder) could lead the files anywhere:
        # `fixtures -> /elsewhere` in a repository one runs this in.
        linked = _linked_part(base)
        if linked is not None:
            raise ScaffoldError(f"{linked} is a link; nothing was written")
    written = []
    for path, text in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:  # never over a file or a link
            fh.write(text)
        written.append(path)
    return written


def _own_rules() -> Path:
    from ztlint.registry import rules_dir

    return rules_dir().resolve()


def _files(rule_id: str, name: str, kind: str) -> dict[str, list[tuple[str, str]]]:
    title = name.replace("-", " ").capitalize()
    docs = "".join(f"## {h}\n\nTODO: {h.lower().rstrip('?')} for {name}.\n\n" for h in DOC_HEADINGS)
    head = (
        f"id: {rule_id}\nname: {name}\ntitle: {title}\nseverity: medium\nconfidence: high\n"
        f"cwe: 16\nmessage: {title}\nfix: Say how to fix it.\nreferences: []\n"
        "detectors:\n"
    )
    if kind in _LANGUAGES:
        lang = _LANGUAGES[kind]
        detector = (
            f"  - query: {kind}.scm\n    language: {kind}\n    triggers: [insecure_example]\n"
        )
        query = (
            f"; {rule_id} {name}: what the query captures as @finding is reported.\n"
            f'(({lang.node}) @finding\n (#eq? @finding "insecure_example")\n'
            f' (#set! message "insecure_example is used"))\n'
        )
        positive = f"{lang.head}{lang.positive}  {lang.comment} ztlint-expect: {rule_id}\n"
        negative = f"{lang.head}{lang.negative}\n"
        return {
            "rule": [("rule.yaml", head + detector), ("docs.md", docs), (f"{kind}.scm", query)],
            "fixtures": [
                (f"positive_example{lang.ext}", positive),
                (f"negative_example{lang.ext}", negative),
            ],
        }
    filename = _STRUCTURED[kind]
    detector = (
        f'  - match: "**.insecure-example"\n    equals: true\n    kinds: [{kind}]\n'
        '    triggers: [insecure-example]\n    message: "{key} is turned on"\n'
    )
    stem, ext = os.path.splitext(filename)
    if ext == ".json":
        positive = '{"name": "svc", "insecure-example": true}\n'
        negative = '{"name": "svc", "insecure-example": false}\n'
        sidecar = [(f"positive_{stem}{ext}.expect", f"{rule_id}: insecure-example\n")]
    elif ext == ".toml":
        positive = f'name = "svc"\ninsecure-example = true  # ztlint-expect: {rule_id}\n'
        negative = 'name = "svc"\ninsecure-example = false\n'
        sidecar = []
    else:
        body, indent = _YAML_BODIES.get(kind, ("name: svc\n", ""))
        positive = f"{body}{indent}insecure-example: true  # ztlint-expect: {rule_id}\n"
        negative = f"{body}{indent}insecure-example: false\n"
        sidecar = []
    pos_name = filename if kind == "compose" else f"positive_{stem}{ext}"
    neg_dir = "negative/" if kind == "compose" else ""
    neg_name = filename if kind == "compose" else f"negative_{stem}{ext}"
    if kind == "compose":
        pos_name = f"positive/{filename}"
    return {
        "rule": [("rule.yaml", head + detector), ("docs.md", docs)],
        "fixtures": [(pos_name, positive), (f"{neg_dir}{neg_name}", negative), *sidecar],
    }


def _linked_part(path: Path) -> Path | None:
    """The first part of a relative `path` that is a symbolic link, if any; of an
    absolute one (chosen by its user, whose system may link /tmp or /home), only the
    folder itself."""
    if path.is_absolute():
        return path if path.is_symlink() else None
    current = Path()
    for part in path.parts:
        current = current / part
        if current.is_symlink():
            return current
    return None
