"""The Action, this repository's workflows and the workflow `ztlint init` prints pass
zizmor (the linter users run on their workflows), offline: every `uses:` pinned by
commit with its version in a comment, no credentials left in a checkout, nothing
written to $GITHUB_ENV."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT
from ztlint import release, starter

ZIZMOR = shutil.which("zizmor") or str(Path(__import__("sys").executable).parent / "zizmor")
needs_zizmor = pytest.mark.skipif(not Path(ZIZMOR).exists(), reason="zizmor not installed")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*\b")


def _zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ZIZMOR, "--offline", "--no-config", "--no-progress", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


def _uses(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k == "uses" and isinstance(v, str)]
        return found + [u for v in node.values() for u in _uses(v)]
    if isinstance(node, list):
        return [u for v in node for u in _uses(v)]
    return []


def _init_workflow(tmp_path: Path) -> Path:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    path = folder / "ztlint.yml"
    path.write_text(starter.WORKFLOW)
    return path


@needs_zizmor
def test_zizmor_passes_offline(tmp_path: Path) -> None:
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows
    proc = _zizmor(ROOT / "action.yml", *workflows, _init_workflow(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout + proc.stderr


@needs_zizmor
def test_zizmor_still_catches_what_was_fixed(tmp_path: Path) -> None:
    """The test would notice a regression: the old unpinned, credential-keeping form fails."""
    old = starter.WORKFLOW.replace(starter.CHECKOUT, "actions/checkout@v4").replace(
        "          persist-credentials: false\n", ""
    )
    path = _init_workflow(tmp_path)
    path.write_text(old)
    proc = _zizmor(path)
    assert proc.returncode != 0
    assert "unpinned-uses" in proc.stdout and "artipacked" in proc.stdout


def test_every_uses_is_pinned_with_its_version() -> None:
    texts = [
        (ROOT / "action.yml").read_text(),
        starter.WORKFLOW,
        *(p.read_text() for p in (ROOT / ".github" / "workflows").glob("*.y*ml")),
    ]
    for text in texts:
        lines = [line.split("uses:", 1)[1].strip() for line in text.splitlines() if "uses:" in line]
        assert lines
        for line in lines:
            assert PINNED.match(line), line
    assert "GITHUB_ENV" not in (ROOT / "action.yml").read_text()


def test_init_workflow_pins_the_release_commit_and_reads_actions() -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", release.ACTION_SHA)
    assert re.fullmatch(r"[0-9a-f]{40}", release.PLACEHOLDER_SHA)
    workflow = YAML(typ="safe").load(starter.WORKFLOW)
    assert workflow["permissions"] == {
        "contents": "read",
        "actions": "read",
        "security-events": "write",
    }
    steps = workflow["jobs"]["ztlint"]["steps"]
    assert steps[0]["with"]["persist-credentials"] is False
    assert _uses(workflow)[-1] == f"ztlint/ztlint@{release.ACTION_SHA}"
    assert f"ztlint/ztlint@{release.ACTION_SHA} # v" in starter.WORKFLOW


def test_readme_workflow_matches_the_rules() -> None:
    text = (ROOT / "README.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.S) if "jobs:" in b)
    workflow = YAML(typ="safe").load(block)
    assert workflow["permissions"]["actions"] == "read"
    assert workflow["jobs"]["ztlint"]["steps"][0]["with"]["persist-credentials"] is False
    for uses in _uses(workflow):
        assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", uses), uses
