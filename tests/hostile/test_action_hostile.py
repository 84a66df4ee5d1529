"""The GitHub Action on a fork's pull request whose checkout is hostile.

There is no runner offline, so a small one here plays its part: every `run:` step of
action.yml (the `uses:` steps are left out) runs with bash the way the runner runs it,
in the checkout, with `${{ }}` expressions filled from the inputs and earlier steps'
outputs, fresh GITHUB_OUTPUT/GITHUB_ENV/GITHUB_STEP_SUMMARY files, and
GITHUB_ACTION_PATH set to this repository, so the install step really builds and installs
ztlint into a new venv. The checkout plants Python modules (venv/, pip/, ztlint/,
json.py, shlex.py ...) that leave a marker file when imported, and files whose names are
workflow commands. The step logs are read with the runner's rules: after leading
whitespace, a line starting with `::` is a command, `##[` anywhere is one, and nothing
is acted on from `::stop-commands::TOKEN` until `::TOKEN::`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT

ACTION: dict[str, Any] = YAML(typ="safe").load((ROOT / "action.yml").read_text())
BAD_GO = 'package x\n\nimport "crypto/tls"\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n'
FORGED_NAME = "evil\n::error ::forged.go"
LEGACY_NAME = "##[error]legacy.go"  # the runner's older command form, acted on anywhere
STOP_DIR = "::stop-commands::abc"
# Modules a checkout on sys.path would shadow when the Action's Python starts, creates
# its venv, runs pip or imports ztlint.
PLANTED_MODULES = (
    "venv/__init__.py",
    "venv/__main__.py",
    "pip/__init__.py",
    "pip/__main__.py",
    "ztlint/__init__.py",
    "ztlint/__main__.py",
    "ztlint/action.py",
    "click/__init__.py",
    "ruamel/__init__.py",
    "json.py",
    "shlex.py",
    "secrets.py",
    "traceback.py",
    "runpy.py",
    "ensurepip/__init__.py",
    "sitecustomize.py",
    "usercustomize.py",
)
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # how .NET's ReadLine splits the runner's input


# --- a small runner -----------------------------------------------------------------


@dataclass
class StepRun:
    name: str
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str


@dataclass
class Runner:
    """Runs action.yml's `run:` steps as GitHub's runner would for a composite action."""

    workspace: Path
    temp: Path
    env: dict[str, str]
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    added_env: dict[str, str] = field(default_factory=dict)

    def value(self, expr: str) -> str:
        if m := re.fullmatch(r"inputs\.([\w-]+)", expr):
            spec = ACTION["inputs"][m.group(1)]
            return self.inputs.get(m.group(1), str(spec.get("default", "")))
        if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
            return self.outputs.get(m.group(1), {}).get(m.group(2), "")
        raise AssertionError(f"an expression this runner does not know: {expr}")

    def condition(self, expr: str) -> bool:
        m = re.fullmatch(r"(\S+)\s*(==|!=)\s*'([^']*)'", expr.strip())
        assert m, f"a condition this runner does not know: {expr}"
        equal = self.value(m.group(1)).lower() == m.group(3).lower()
        return equal if m.group(2) == "==" else not equal

    def substitute(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group(1)), text)

    def run_step(self, step: dict[str, Any], index: int) -> StepRun | None:
        if "uses" in step or ("if" in step and not self.condition(step["if"])):
            return None
        assert step["shell"] == "bash"
        files = {
            name: self.temp / f"step{index}-{name.lower()}"
            for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY")
        }
        for path in files.values():
            path.write_text("")
        script = self.temp / f"step{index}.sh"
        script.write_text(self.substitute(step["run"]))
        env = (
            self.env
            | self.added_env
            | {k: self.substitute(str(v)) for k, v in step.get("env", {}).items()}
            | {k: str(v) for k, v in files.items()}
        )
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        outputs = parse_file_commands(files["GITHUB_OUTPUT"].read_text())
        if "id" in step:
            self.outputs[step["id"]] = outputs
        self.added_env |= parse_file_commands(files["GITHUB_ENV"].read_text())
        return StepRun(
            step["name"],
            proc.returncode,
            proc.stdout,
            proc.stderr,
            outputs,
            files["GITHUB_STEP_SUMMARY"].read_text(),
        )

    def run(self, only: tuple[str, ...] = ()) -> list[StepRun]:
        """The steps in order (or only the named ones); a failed step ends the job."""
        done = []
        for index, step in enumerate(ACTION["runs"]["steps"]):
            if only and step.get("name") not in only:
                continue
            result = self.run_step(step, index)
            if result is not None:
                done.append(result)
                if result.returncode != 0:
                    break
        return done


def parse_file_commands(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: `name=value` lines and `name<<EOF` blocks."""
    values: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def acted_on(log: str) -> list[str]:
    """The lines of `log` the runner would act on as workflow commands, in order:
    `::stop-commands::TOKEN` and the `::TOKEN::` that resumes are listed too."""
    acted: list[str] = []
    stopped: str | None = None
    for raw in LINE_BREAK.split(log):
        line = raw.lstrip()
        if stopped is not None:
            if line.rstrip() == f"::{stopped}::":
                acted.append(line.rstrip())
                stopped = None
            continue
        if line.startswith("::") or "##[" in line:
            acted.append(line)
        if line.startswith("::stop-commands::"):
            stopped = line[len("::stop-commands::") :].rstrip()
    return acted


# --- the hostile checkout --------------------------------------------------------------


def plant_modules(checkout: Path, markers: Path) -> None:
    for index, rel in enumerate(PLANTED_MODULES):
        path = checkout / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"open({str(markers / f'module-{index}')!r}, 'w').write('ran')\n")


def hostile_checkout(base: Path, markers: Path) -> Path:
    checkout = base / "checkout"
    checkout.mkdir()
    plant_modules(checkout, markers)
    (checkout / "dial.go").write_text(BAD_GO)
    (checkout / STOP_DIR).mkdir()
    (checkout / STOP_DIR / "dial.go").write_text(BAD_GO)
    (checkout / FORGED_NAME).write_text(BAD_GO)
    (checkout / LEGACY_NAME).write_text(BAD_GO)
    return checkout


def job_env(base: Path, checkout: Path, temp: Path) -> dict[str, str]:
    """The runner's environment for a fork's pull request; `python` is the one
    setup-python would put on PATH (here the interpreter under this test's venv)."""
    bin_dir = base / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    event = base / "event.json"
    event.write_text(
        json.dumps({"pull_request": {"head": {"repo": {"full_name": "mallory/relay"}}}})
    )
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "RUNNER_", "ZTLINT_", "PYTHON", "VIRTUAL_ENV"))
    }
    return inherited | {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(checkout),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_REPOSITORY": "acme/relay",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "RUNNER_TEMP": str(temp),
    }


@dataclass(frozen=True)
class Job:
    runner: Runner
    steps: dict[str, StepRun]
    markers: Path
    checkout: Path


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Job]:
    """One run of the whole action on the hostile checkout (the install takes a while)."""
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    base = tmp_path_factory.mktemp("action")
    markers, temp = base / "markers", base / "runner-temp"
    markers.mkdir()
    temp.mkdir()
    checkout = hostile_checkout(base, markers)
    runner = Runner(checkout, temp, job_env(base, checkout, temp))
    steps = {s.name: s for s in runner.run()}
    install = steps["Install ztlint from the action's own checkout"]
    offline = ("Could not find a version", "No matching distribution", "Network is unreachable")
    if install.returncode != 0 and any(reason in install.stderr for reason in offline):
        pytest.skip(f"cannot install ztlint's dependencies here: {install.stderr[-500:]}")
    yield Job(runner, steps, markers, checkout)


def step(job: Job, name: str) -> StepRun:
    """A step of the job's run; a clear failure when the job stopped before it."""
    assert name in job.steps, [(s.name, s.returncode, s.stderr[-2000:]) for s in job.steps.values()]
    return job.steps[name]


def markers_left(job: Job) -> list[str]:
    """What ran: the planted modules that were imported, and any other marker."""
    names = sorted(os.listdir(job.markers))
    return [PLANTED_MODULES[int(n.split("-")[1])] if n.startswith("module-") else n for n in names]


# --- the tests -------------------------------------------------------------------------


def test_run_steps_take_values_only_through_env() -> None:
    """No `${{ }}` inside a script (a value there would be pasted into bash), and every
    Python the Action starts runs isolated from outside the checkout."""
    for spec in ACTION["runs"]["steps"]:
        if "run" not in spec:
            continue
        script: str = spec["run"]
        assert "${{" not in script, spec["name"]
        calls = [line for line in script.splitlines() if re.search(r"python|ZTLINT_PY\"", line)]
        pythons = [c for c in calls if not c.lstrip().startswith(("if ", "ZTLINT_PY=", "echo"))]
        for call in pythons:
            assert re.search(r"(python|\"\$ZTLINT_PY\") -I -m ", call), call
            before = script[: script.index(call)]
            assert 'cd "$RUNNER_TEMP"' in before, call


def test_install_and_scan_run_nothing_from_the_checkout(job: Job) -> None:
    assert markers_left(job) == []
    install = step(job, "Install ztlint from the action's own checkout")
    assert install.returncode == 0, install.stderr
    # The venv's Python is passed on as a step output: nothing goes to $GITHUB_ENV.
    assert job.runner.outputs["install"]["python"].startswith(str(job.runner.temp))
    assert job.runner.added_env == {}
    scan = step(job, "Scan")
    assert scan.returncode == 0, scan.stdout + scan.stderr


def test_fork_pull_request_outcome(job: Job) -> None:
    scan = step(job, "Scan")
    assert scan.outputs == {
        "sarif-file": "ztlint.sarif",
        "findings": "4",
        "exit-code": "1",
        "upload": "false",
        "artifact": "true",
    }
    assert step(job, "Fail on findings").returncode == 1  # the job fails on the findings
    sarif = json.loads((job.checkout / "ztlint.sarif").read_text())
    uris = sorted(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    )
    assert len(uris) == 4 and "dial.go" in uris
    assert "SARIF not uploaded" in scan.summary


def test_only_the_actions_own_commands_reach_the_runner(job: Job) -> None:
    scan = step(job, "Scan")
    for name, run in job.steps.items():
        assert acted_on(run.stderr) == [], name
        if name != "Scan":
            assert acted_on(run.stdout) == [], name
    commands = acted_on(scan.stdout)
    stop = re.fullmatch(r"::stop-commands::([0-9a-f]{32})", commands[0])
    assert stop, commands
    token = stop.group(1)
    assert commands[1] == f"::{token}::"
    # The whole readable report, forged lines included, is inside the frame.
    framed = scan.stdout.split(f"::{token}::")[0]
    assert "ZT101" in framed and f"{STOP_DIR}/dial.go" in framed and "::error ::forged" in framed
    assert "##\\[error]legacy.go" in framed and LEGACY_NAME not in framed  # shown escaped
    *annotations, warning = commands[2:]
    assert len(annotations) == 4
    assert all(a.startswith("::error file=") for a in annotations), annotations
    assert not any("forged" in a.split("::")[2] for a in annotations)  # only in file=
    assert warning.startswith("::warning title=ztlint::SARIF not uploaded to code scanning")
    assert "mallory/relay" in warning


def test_no_legacy_command_marker_after_the_resume(job: Job) -> None:
    commands = acted_on(step(job, "Scan").stdout)
    assert not any("##[" in c for c in commands[2:]), commands


def test_each_run_has_its_own_token(job: Job) -> None:
    (again,) = job.runner.run(only=("Scan",))
    first, second = acted_on(step(job, "Scan").stdout)[0], acted_on(again.stdout)[0]
    assert first.startswith("::stop-commands::") and second.startswith("::stop-commands::")
    assert first != second
    assert markers_left(job) == []


def test_a_config_in_the_checkout_names_no_program(job: Job, tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "dial.go").write_text(BAD_GO)
    marker = job.markers / "semgrep-bin"
    evil = checkout / "evil.sh"
    evil.write_text(f"#!/bin/sh\necho ran > '{marker}'\n")
    evil.chmod(0o755)
    (checkout / ".ztlint.yaml").write_text("semgrep:\n  configs: [builtin]\n  bin: ./evil.sh\n")
    runner = Runner(
        checkout,
        job.runner.temp,
        job.runner.env | {"GITHUB_WORKSPACE": str(checkout)},
        added_env=dict(job.runner.added_env),
        outputs=dict(job.runner.outputs),
    )
    (scan,) = runner.run(only=("Scan",))
    try:
        assert not marker.exists()
        # Either the scan ran without it, or the config is refused with a clean error.
        errors = [c for c in acted_on(scan.stdout) if c.startswith("::error title=ztlint::")]
        assert scan.outputs.get("exit-code") in ("0", "1") or (scan.returncode == 2 and errors)
    finally:
        marker.unlink(missing_ok=True)


def test_a_crash_is_shown_inside_the_frame_and_reported_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from ztlint import action

    def crash(sarif_path: str) -> None:
        print("scanned text on stderr\n::error ::forged", file=sys.stderr)
        raise RuntimeError("boom\n::error ::forged too")

    monkeypatch.chdir(tmp_path)  # main() enters the workspace; the test's folder comes back
    monkeypatch.setenv("ZTLINT_WORKSPACE", str(tmp_path))
    monkeypatch.setattr(action, "_scan", crash)
    assert action.main() == 2
    out, err = capfd.readouterr()
    assert err == ""  # while the frame is open, stderr goes to the framed stdout
    commands = acted_on(out)
    token = commands[0].removeprefix("::stop-commands::")
    assert commands == [
        f"::stop-commands::{token}",
        f"::{token}::",
        "::error title=ztlint::ztlint failed; the traceback is in the log above",
    ]
    framed = out.split(f"::{token}::")[0]
    assert "Traceback" in framed and "::error ::forged too" in framed
    assert "scanned text on stderr\n::error ::forged\n" in framed
