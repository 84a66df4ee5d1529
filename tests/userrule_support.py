"""What the user-rule and plugin tests share: a rule folder of the user's own, the
example plugin installed into a temporary folder, and the CLI run in a folder."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from ztlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ztlint-example-plugin"

RULE_YAML = """\
id: ACME001
name: debug-flag-on
title: Debug mode is on in a production service
severity: medium
confidence: high
cwe: 489
message: debug mode is on
fix: Turn debug off in production configs.
references: ["https://example.com/acme/debug"]
detectors:
  - match: "**.debug"
    equals: true
    where:
      - {sibling: env, equals: production}
    kinds: [yaml]
    triggers: [debug]
    message: "service '{entity}' turns debug on in production"
  - query: python.scm
    language: python
    triggers: [DEBUG]
"""

QUERY = """\
((assignment left: (identifier) @name right: (true)) @finding
 (#eq? @name "DEBUG")
 (#set! message "DEBUG = True"))
"""

DOCS = "".join(
    f"## {h}\n\ntext\n\n"
    for h in ("What it does", "Why is this bad?", "Example", "Use instead", "References")
)

SERVICES = """\
services:
  - name: api
    env: production
    debug: true
  - name: dev
    env: staging
    debug: true
"""


def rule_folder(base: Path, rule_yaml: str = RULE_YAML, query: str = QUERY) -> Path:
    """`base/ACME001-debug-flag-on/`; returns base (the folder of rule folders)."""
    folder = base / "ACME001-debug-flag-on"
    folder.mkdir(parents=True)
    (folder / "rule.yaml").write_text(rule_yaml)
    (folder / "docs.md").write_text(DOCS)
    (folder / "python.scm").write_text(query)
    return base


def install_example(site: Path) -> Path:
    """The example plugin as pip would install it, without a build or the network: its
    package copied into `site` beside a `.dist-info` with the METADATA and the entry
    points of its pyproject.toml. `site` then goes on sys.path (or PYTHONPATH)."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    site.mkdir(parents=True, exist_ok=True)
    for package in (EXAMPLE / "src").iterdir():
        if package.is_dir() and not package.name.startswith((".", "_")):
            shutil.copytree(
                package, site / package.name, ignore=shutil.ignore_patterns("__pycache__")
            )
    dist = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    lines = []
    for group, points in project["entry-points"].items():
        lines.append(f"[{group}]")
        lines.extend(f"{name} = {value}" for name, value in points.items())
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return site


@contextlib.contextmanager
def on_path(site: Path) -> Iterator[None]:
    """`site` importable for the duration; its modules forgotten after."""
    before = set(sys.modules)
    sys.path.insert(0, str(site))
    try:
        yield
    finally:
        sys.path.remove(str(site))
        for name in set(sys.modules) - before:
            if name.startswith("ztlint_example_plugin"):
                del sys.modules[name]


def invoke(cwd: Path, *args: str) -> Result:
    with contextlib.chdir(cwd):
        return CliRunner().invoke(main, list(args))


def scan_json(cwd: Path, *args: str) -> dict[str, Any]:
    result = invoke(cwd, "scan", "--no-cache", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def env_with(site: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(site), "CI": "1"}
