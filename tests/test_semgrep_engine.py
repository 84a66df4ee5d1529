"""semgrep as an optional deep engine (`--semgrep CONFIG`), folded into one report.

The end-to-end tests run real semgrep: CI installs it in its own virtualenv and sets
ZTLINT_SEMGREP_BIN; elsewhere `semgrep` on PATH is used, or they are skipped. The tests
of parsing, refusals and failures use a stand-in executable and run everywhere."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ztlint import engine
from ztlint.config import Config, ConfigError, load_file
from ztlint.post import baseline
from ztlint.report import Report
from ztlint.reporters import github, sarif, text
from ztlint.reporters import json as json_reporter

SEMGREP = os.environ.get("ZTLINT_SEMGREP_BIN") or shutil.which("semgrep")
needs_semgrep = pytest.mark.skipif(SEMGREP is None, reason="semgrep is not installed")
REPORT_SCHEMA = Path(engine.__file__).parent / "schemas" / "report-v1.json"
SECRET = "hunter2-Zq8vW4pL0sT6"

USER_RULES = """\
rules:
  - id: no-eval-of-input
    languages: [python]
    severity: WARNING
    message: eval() runs $X as code. Parse the input instead.
    pattern: eval($X)
    metadata:
      cwe: "CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code"
      confidence: HIGH
      references:
        - https://docs.python.org/3/library/ast.html#ast.literal_eval
"""

VIEWS = f"""\
from flask import request

API_KEY = load_key()


def check():
    supplied = request.headers.get("X-Api-Key")
    token = supplied.strip()
    if token == API_KEY:
        return True
    return eval(request.args["q"])


def webhook(expected_signature):
    return request.headers["X-Hub-Signature-256"] == expected_signature


def configure():
    return eval("{SECRET}")
"""

NATIVE_GO = """\
package client

import "crypto/tls"

var Config = &tls.Config{InsecureSkipVerify: true}
"""


def _tree(root: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "rules").mkdir()
    (root / "app" / "views.py").write_text(VIEWS, encoding="utf-8")
    (root / "app" / "client.go").write_text(NATIVE_GO, encoding="utf-8")
    (root / "rules" / "user.yaml").write_text(USER_RULES, encoding="utf-8")
    return root


def _config(root: Path, *configs: str, **kw: Any) -> Config:
    return Config(semgrep_configs=tuple((c, str(root)) for c in configs), semgrep_bin=SEMGREP, **kw)


def _ztlint(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ztlint", "scan", "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
        timeout=600,
    )


def _at(report: Report, path: str, line: int) -> list[Any]:
    return [f for f in report.findings if f.path == path and f.span.start_line == line]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    if SEMGREP is None:
        pytest.skip("semgrep is not installed")
    root = _tree(tmp_path_factory.mktemp("semgrep"))
    report = engine.run(["."], _config(root, "builtin", "rules"), cwd=str(root), jobs=1)
    return root, report


@needs_semgrep
def test_user_and_builtin_rules_report_as_findings(scanned: tuple[Path, Report]) -> None:
    _, report = scanned
    # The built-in taint rule follows the token through two variables to `==`: it
    # reports as ztlint's own rule, with the rule's message, not semgrep's text.
    (taint,) = _at(report, "app/views.py", 9)
    assert (taint.rule_id, taint.rule_name) == ("ZT501", "timing-unsafe-comparison")
    assert taint.snippet == "" and taint.anchor
    # A user rule reports under its own id, with the template message (no code in it).
    (user,) = _at(report, "app/views.py", 11)
    assert user.rule_id == "no-eval-of-input" and user.message.startswith("eval() runs $X")
    assert user.span.start_col == 12
    # The native scan's findings are all still there.
    assert [f.rule_id for f in _at(report, "app/client.go", 5)] == ["ZT101"]


@needs_semgrep
def test_a_semgrep_match_on_a_native_finding_is_merged(
    scanned: tuple[Path, Report],
) -> None:
    _, report = scanned
    (merged,) = _at(report, "app/views.py", 15)
    assert merged.rule_id == "ZT501" and merged.snippet  # the native one, with its snippet


@needs_semgrep
def test_every_output_format_carries_them_without_source_text(
    scanned: tuple[Path, Report], sarif_schema: dict[str, Any]
) -> None:
    _, report = scanned
    outputs = {
        "text": text.render(report),
        "json": json_reporter.render(report),
        "sarif": sarif.render(report),
        "github": github.render(report),
    }
    for name, out in outputs.items():
        assert "no-eval-of-input" in out and "ZT501" in out, name
        assert SECRET not in out, name
        assert 'request.args["q"]' not in out, name

    doc = json.loads(outputs["json"])
    jsonschema.validate(doc, json.loads(REPORT_SCHEMA.read_text(encoding="utf-8")))
    assert {"id": "no-eval-of-input", "name": "no-eval-of-input", "severity": "medium",
            "engine": "semgrep"} in doc["rules"]  # fmt: skip

    log = json.loads(outputs["sarif"])
    jsonschema.validate(log, sarif_schema)
    tool = log["runs"][0]["tool"]
    assert "no-eval-of-input" not in {r["id"] for r in tool["driver"]["rules"]}
    (ext,) = tool["extensions"]
    assert ext["name"] == "semgrep"
    index = [r["id"] for r in ext["rules"]].index("no-eval-of-input")
    rule = ext["rules"][index]
    # The built-in open-proxy rule has no ztlint counterpart: it is listed here too.
    assert "ztlint.peer-chosen-destination-dialed" in [r["id"] for r in ext["rules"]]
    assert rule["fullDescription"]["text"] and rule["help"]["text"]
    assert rule["helpUri"] == "https://docs.python.org/3/library/ast.html#ast.literal_eval"
    assert "external/cwe/cwe-95" in rule["properties"]["tags"]
    assert rule["properties"]["precision"] == "high"
    results = log["runs"][0]["results"]
    user = next(r for r in results if r["ruleId"] == "no-eval-of-input")
    assert user["rule"] == {"id": "no-eval-of-input", "index": index, "toolComponent": {"index": 0}}
    assert "ruleIndex" not in user
    native = next(r for r in results if r["ruleId"] == "ZT501")
    assert tool["driver"]["rules"][native["ruleIndex"]]["id"] == "ZT501"


@needs_semgrep
def test_suppressions_exceptions_and_the_baseline_apply(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    views = root / "app" / "views.py"
    source = views.read_text(encoding="utf-8")
    source = source.replace(
        "    if token == API_KEY:",
        "    # ztlint: ignore[timing-unsafe-comparison] the key is a public routing id\n"
        "    if token == API_KEY:",
    )
    views.write_text(source, encoding="utf-8")
    exception = {"rule": "no-eval-of-input", "path": "app/views.py", "reason": "sandboxed"}
    (root / ".ztlint.yaml").write_text(
        "semgrep:\n"
        "  configs: [builtin, rules]\n"
        f"  bin: {json.dumps(SEMGREP)}\n"
        "exceptions:\n"
        f"  - {json.dumps(exception)}\n",
        encoding="utf-8",
    )
    config = load_file(str(root / ".ztlint.yaml"))
    report = engine.run(["."], config, cwd=str(root), jobs=1)
    by_rule = {(f.rule_id, f.span.start_line): f for f in report.findings}
    assert by_rule[("ZT501", 10)].suppression is not None  # the comment
    assert by_rule[("ZT501", 10)].suppression.kind.value == "inSource"
    evals = [f for f in report.findings if f.rule_id == "no-eval-of-input"]
    assert len(evals) == 2
    assert all(f.suppression and f.suppression.kind.value == "external" for f in evals)
    assert not any(n.code in ("ZT902", "ZT907") for n in report.notifications)

    # The baseline accepts today's semgrep findings; lines added above them later do
    # not bring them back, and a new one is reported.
    (root / ".ztlint.yaml").write_text(
        f"semgrep:\n  configs: [builtin, rules]\n  bin: {json.dumps(SEMGREP)}\n", encoding="utf-8"
    )
    config = load_file(str(root / ".ztlint.yaml"))
    today = engine.run(["."], config, cwd=str(root), jobs=1)
    accepted = baseline.create(today)
    views.write_text(
        "# a header comment\n\n" + source + "\n\ndef again():\n    return eval(x)\n",
        encoding="utf-8",
    )
    later = engine.run(["."], config, cwd=str(root), jobs=1)
    kept, _ = baseline.apply(later, accepted)
    assert [(f.rule_id, f.span.start_line) for f in kept.findings if f.active] == [
        ("no-eval-of-input", 26)
    ]


@needs_semgrep
def test_cli_runs_semgrep_and_keeps_native_findings_when_a_rule_is_broken(
    tmp_path: Path,
) -> None:
    root = _tree(tmp_path)
    (root / "rules" / "broken.yaml").write_text(
        "rules:\n  - id: broken\n    languages: [python]\n    severity: ERROR\n"
        '    message: x\n    pattern: "foo(("\n',
        encoding="utf-8",
    )
    proc = _ztlint(
        ["--semgrep", "rules", "--semgrep-bin", str(SEMGREP), "--format", "json", "."], root
    )
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    notes = [n for n in doc["notifications"] if n["code"] == "ZT909"]
    assert notes and any("broken" in (n["message"] + str(n["rule_id"])) for n in notes)
    found = {(f["rule_id"], f["path"], f["start_line"]) for f in doc["findings"]}
    assert ("ZT101", "app/client.go", 5) in found  # native
    assert ("no-eval-of-input", "app/views.py", 11) in found  # the rule that loads


# --- without semgrep: refusals, the missing binary, parsing, failures -----------------


def test_missing_semgrep_is_exit_2_with_how_to_install(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    proc = _ztlint(["--semgrep", "builtin", "."], root, PATH=os.path.dirname(sys.executable))
    assert proc.returncode == 2
    assert "semgrep is not installed" in proc.stderr and "pipx install semgrep" in proc.stderr
    proc = _ztlint(["--semgrep", "builtin", "--semgrep-bin", str(root / "nope"), "."], root)
    assert proc.returncode == 2 and "pipx install semgrep" in proc.stderr


@pytest.mark.parametrize(
    "config", ["auto", "p/python", "r/python.lang.security", "https://example.com/rules.yaml"]
)
def test_registry_and_url_configs_are_refused(tmp_path: Path, config: str) -> None:
    root = _tree(tmp_path)
    proc = _ztlint(["--semgrep", config, "--semgrep-bin", sys.executable, "."], root)
    assert proc.returncode == 2
    assert "need the network" in proc.stderr


def test_missing_rule_file_and_bad_config_keys_are_exit_2(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    proc = _ztlint(["--semgrep", "nosuch.yaml", "--semgrep-bin", sys.executable, "."], root)
    assert proc.returncode == 2 and "no such rule file or folder" in proc.stderr
    (root / ".ztlint.yaml").write_text("semgrep:\n  config: [builtin]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'config'"):
        load_file(str(root / ".ztlint.yaml"))
    (root / ".ztlint.yaml").write_text("semgrep:\n  timeout: -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="timeout"):
        load_file(str(root / ".ztlint.yaml"))


def _stand_in(tmp_path: Path, body: str) -> Path:
    """An executable that plays semgrep: it records its argv and environment and runs
    `body` (Python)."""
    script = tmp_path / "fake-semgrep"
    record = tmp_path / "call.json"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"json.dump({{'argv': sys.argv, 'env': dict(os.environ), 'cwd': os.getcwd()}}, "
        f"open({str(record)!r}, 'w'))\n" + textwrap.dedent(body),
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_semgrep_output_becomes_findings_without_network_or_source_text(
    tmp_path: Path,
) -> None:
    root = _tree(tmp_path / "repo")
    (root / "app" / "u.py").write_text('x = "ééé"; y = eval(input())\n', encoding="utf-8")
    canned = {
        "results": [
            {
                "check_id": "no-eval-of-input",
                "path": "app/u.py",
                "start": {"line": 1, "col": 19, "offset": 18},
                "end": {"line": 1, "col": 32, "offset": 31},
                "extra": {"message": "eval() runs input() as code", "lines": "y = eval(input())",
                          "severity": "WARNING", "metadata": {}},
            },
            {
                "check_id": "unknown-rule",
                "path": "app/u.py",
                "start": {"line": 1, "col": 1, "offset": 0},
                "end": {"line": 1, "col": 2, "offset": 1},
                "extra": {"message": "?", "severity": "INFO", "metadata": {}},
            },
        ],
        "errors": [
            {"type": "Syntax error", "path": "app/views.py", "message": f"at `{SECRET}`",
             "level": "warn", "code": 3},
        ],
    }  # fmt: skip
    fake = _stand_in(tmp_path, f"print({json.dumps(json.dumps(canned))}); sys.exit(1)\n")
    config = replace(_config(root, "rules"), semgrep_bin=str(fake))
    report = engine.run(["."], config, cwd=str(root), jobs=1)

    call = json.loads((tmp_path / "call.json").read_text(encoding="utf-8"))
    argv, env = call["argv"], call["env"]
    assert "--metrics=off" in argv and "--disable-version-check" in argv and "--json" in argv
    assert f"--config={root / 'rules'}" in argv
    assert argv[argv.index("--") + 1 :] == ["app/client.go", "app/u.py", "app/views.py",
                                            "rules/user.yaml"]  # fmt: skip
    assert env["SEMGREP_SEND_METRICS"] == "off" and "SEMGREP_APP_TOKEN" not in env
    assert os.path.realpath(call["cwd"]) == os.path.realpath(root)

    (f,) = [f for f in report.findings if f.rule_id == "no-eval-of-input"]
    # semgrep counts bytes; the report counts code points.
    assert (f.span.start_col, f.span.end_col) == (16, 29)
    assert f.message == "eval() runs $X as code. Parse the input instead."
    notes = {n.message for n in report.notifications if n.code == "ZT909"}
    assert any("unknown-rule" in m for m in notes)
    assert any("Syntax error" in m for m in notes)
    assert not any(SECRET in m for m in notes)

    # --ignore and --select treat semgrep rules like their own.
    for narrowed in (
        replace(config, ignore=("no-eval-of-input",)),
        replace(config, select=("ZT1",)),
    ):
        again = engine.run(["."], narrowed, cwd=str(root), jobs=1)
        assert not [f for f in again.findings if f.rule_id == "no-eval-of-input"]
        assert "no-eval-of-input" not in {m.id for m in again.rules}


def test_semgrep_env_token_is_not_passed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path / "repo")
    fake = _stand_in(tmp_path, 'print(\'{"results": [], "errors": []}\')\n')
    monkeypatch.setenv("SEMGREP_APP_TOKEN", "t0ken")
    engine.run(["."], replace(_config(root, "rules"), semgrep_bin=str(fake)), cwd=str(root))
    env = json.loads((tmp_path / "call.json").read_text(encoding="utf-8"))["env"]
    assert not any(v == "t0ken" for v in env.values())


@pytest.mark.parametrize(
    ("body", "expect"),
    [
        ("import time; time.sleep(30)\n", "did not finish within"),
        ("sys.stderr.write('Fatal: out of memory\\n'); sys.exit(2)\n", "no JSON output"),
    ],
)
def test_a_failing_semgrep_is_a_notification_and_native_findings_stay(
    tmp_path: Path, body: str, expect: str
) -> None:
    root = _tree(tmp_path / "repo")
    fake = _stand_in(tmp_path, body)
    config = replace(_config(root, "rules"), semgrep_bin=str(fake), semgrep_timeout=2.0)
    report = engine.run(["."], config, cwd=str(root), jobs=1)
    native = engine.run(["."], Config(), cwd=str(root), jobs=1)
    assert report.findings == native.findings and len(native.findings) == 2
    (note,) = [n for n in report.notifications if n.code == "ZT909"]
    assert expect in note.message
    assert report.exit_code() == 1


def test_targets_fit_one_command_line_up_to_the_system_limit() -> None:
    from ztlint.external import semgrep

    # istio's 6,611 paths (about 300 KB) go to one semgrep run.
    paths = [f"pkg/some/deeper/folder/file_{i:05d}.go" for i in range(7000)]
    assert len(semgrep._parts(paths, semgrep._argv_budget())) == 1
    parts = semgrep._parts(paths, 10_000)
    assert len(parts) > 1 and [p for part in parts for p in part] == paths
