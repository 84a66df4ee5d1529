"""The GitHub Action: action.yml validates against GitHub's schema, and its scan step
runs with the environment the action gives it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT

ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text())
STEPS = {s["name"]: s for s in ACTION["runs"]["steps"]}
BAD_GO = 'package x\n\nimport "crypto/tls"\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n'
SUPPRESSED_GO = BAD_GO.replace("true}", "true} // ztlint: ignore[ZT101] loopback probe only")


def test_action_yml_matches_githubs_schema() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-actions",
            str(ROOT / "action.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_action_shape() -> None:
    assert ACTION["runs"]["using"] == "composite"
    setup = next(
        s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("actions/setup-python@")
    )
    assert "cache" not in setup.get("with", {})  # the cache stays off
    install = STEPS["Install ztlint from the action's own checkout"]["run"]
    assert '"$GITHUB_ACTION_PATH"' in install  # a pinned action ref pins ztlint
    upload = next(s for s in ACTION["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["if"] == "steps.scan.outputs.upload == 'true'"
    assert "category" not in upload["with"]  # ztlint writes it into the SARIF
    # No licence key, no token input.
    assert not any(re.search(r"licen[cs]e|token|key", name) for name in ACTION["inputs"])


def run_scan_step(
    repo: Path, tmp: Path, inputs: dict[str, str], extra_env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run the Scan step's own `run` with the env its `env:` block builds from inputs."""
    step = STEPS["Scan"]
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs
    env: dict[str, str] = {}
    for key, expr in step["env"].items():
        if expr == "${{ steps.install.outputs.python }}":
            continue  # the install step's output: this test's Python, set below
        m = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", expr)
        assert m, expr
        env[key] = values[m.group(1)]
    output, summary, runner_temp = tmp / "output", tmp / "summary", tmp / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    env |= {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "ZTLINT_PY": sys.executable,
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_REPOSITORY": "acme/relay",
        "GITHUB_EVENT_NAME": "push",
        "HOME": str(tmp),
        "RUNNER_TEMP": str(runner_temp),
    } | extra_env
    proc = subprocess.run(
        ["bash", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    outputs = (
        dict(line.split("=", 1) for line in output.read_text().splitlines())
        if output.exists()
        else {}
    )
    return proc, outputs


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    work = tmp_path / "repo"
    work.mkdir()
    (work / "dial.go").write_text(BAD_GO)
    (work / "probe.go").write_text(SUPPRESSED_GO)
    return work


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_push_uploads_sarif_without_suppressed_results(
    repo: Path, tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    proc, out = run_scan_step(repo, tmp_path, {}, {})
    assert proc.returncode == 0, proc.stderr
    assert out == {
        "sarif-file": "ztlint.sarif",
        "findings": "1",
        "exit-code": "1",
        "upload": "true",
        "artifact": "false",
    }
    doc: dict[str, Any] = json.loads((repo / "ztlint.sarif").read_text())
    jsonschema.validate(doc, sarif_schema)
    results = doc["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["ZT101"]  # the suppressed one is left out
    assert doc["runs"][0]["automationDetails"]["id"] == "ztlint/"
    assert "::error" not in proc.stdout  # code scanning shows them; no duplicate annotations
    assert "1 finding(s) at or above `low`" in (tmp_path / "summary").read_text()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_fork_pull_request_falls_back_to_annotations_and_artifact(
    repo: Path, tmp_path: Path
) -> None:
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps({"pull_request": {"head": {"repo": {"full_name": "mallory/relay"}}}})
    )
    proc, out = run_scan_step(
        repo,
        tmp_path,
        {"category": "zt-pr"},
        {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)},
    )
    assert out["upload"] == "false" and out["artifact"] == "true"
    assert "::error file=dial.go,line=5" in proc.stdout
    assert "::warning title=ztlint::SARIF not uploaded" in proc.stdout and "forks" in proc.stdout
    run = json.loads((repo / "ztlint.sarif").read_text())["runs"][0]
    assert run["automationDetails"]["id"] == "ztlint/zt-pr/"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_inputs_paths_args_fail_on_and_upload_off(repo: Path, tmp_path: Path) -> None:
    (repo / "sub").mkdir()
    (repo / "sub" / "ok.go").write_text("package x\n")
    proc, out = run_scan_step(
        repo, tmp_path, {"paths": "sub", "upload": "false", "sarif-file": "reports/z.sarif"}, {}
    )
    assert out["exit-code"] == "0" and out["upload"] == "false" and out["artifact"] == "false"
    assert (repo / "reports" / "z.sarif").is_file()
    proc, out = run_scan_step(repo, tmp_path, {"fail-on": "critical", "args": "--ignore ZT101"}, {})
    assert out["exit-code"] == "0" and out["findings"] == "0"
    proc, out = run_scan_step(repo, tmp_path, {"args": "--no-such-flag"}, {})
    assert proc.returncode == 2 and "::error title=ztlint::" in proc.stdout


def test_dependabot_and_same_repo_pull_requests(tmp_path: Path) -> None:
    from ztlint.action import upload_blocked

    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"head": {"repo": {"full_name": "acme/relay"}}}}))
    base = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "acme/relay",
    }
    assert upload_blocked(base) is None
    assert "Dependabot" in (upload_blocked(base | {"GITHUB_ACTOR": "dependabot[bot]"}) or "")
    assert upload_blocked({"GITHUB_EVENT_NAME": "push"}) is None


def _readme_block(marker: str) -> str:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    return next(b for b in blocks if marker in b)


def test_readme_workflow_and_starter_validate(tmp_path: Path) -> None:
    from ztlint import starter

    for name, text in (("readme.yml", _readme_block("jobs:")), ("starter.yml", starter.WORKFLOW)):
        path = tmp_path / name
        path.write_text(text)
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "check_jsonschema",
                "--builtin-schema",
                "vendor.github-workflows",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, name + proc.stdout
        workflow = YAML(typ="safe").load(text)
        assert workflow["permissions"]["security-events"] == "write"
        assert workflow["jobs"]["ztlint"]["steps"][0]["with"]["fetch-depth"] == 0


def test_readme_pre_commit_config_validates(tmp_path: Path) -> None:
    from pre_commit.clientlib import load_config

    from ztlint import starter

    for text in (_readme_block("hooks:"), starter.PRE_COMMIT):
        path = tmp_path / ".pre-commit-config.yaml"
        path.write_text(text)
        config = load_config(str(path))
        assert config["repos"][0]["hooks"][0]["id"] == "ztlint"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_paths_with_spaces_one_per_line_and_unbalanced_quote(repo: Path, tmp_path: Path) -> None:
    spaced = repo / "my service"
    spaced.mkdir()
    (spaced / "dial.go").write_text(BAD_GO)
    (repo / "dial.go").unlink()
    proc, out = run_scan_step(repo, tmp_path, {"paths": "my service\nprobe.go\n"}, {})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert out["findings"] == "1" and out["exit-code"] == "1"
    run = json.loads((repo / "ztlint.sarif").read_text())["runs"][0]
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    ]
    assert uris == ["my%20service/dial.go"]
    # An unbalanced quote in `args`: one error line and exit 2, no traceback.
    proc, out = run_scan_step(repo, tmp_path, {"args": "--exclude 'vendor/"}, {})
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr
    errors = [line for line in proc.stdout.splitlines() if line.startswith("::error")]
    assert errors == ["::error title=ztlint::bad inputs: args: No closing quotation"]


def test_input_paths() -> None:
    from ztlint.action import input_paths

    assert input_paths(".") == ["."]
    assert input_paths("") == ["."]
    assert input_paths("src  deploy") == ["src", "deploy"]
    assert input_paths("docs/my folder\n src \n\n") == ["docs/my folder", "src"]
