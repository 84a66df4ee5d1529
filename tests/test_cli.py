"""The command line: exit codes, formats, configuration errors, suppressions."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT
from ztlint.cli import main

BAD_GO = 'package x\n\nimport "crypto/tls"\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n'


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    with contextlib.chdir(tmp_path):
        yield tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_clean_tree_exits_0(repo: Path) -> None:
    (repo / "ok.go").write_text("package x\n\nvar c = &tls.Config{MinVersion: tls.VersionTLS13}\n")
    result = invoke("scan", ".")
    assert result.exit_code == 0, result.output
    assert "0 findings" in result.stdout


def test_findings_exit_1_and_fail_on(repo: Path) -> None:
    (repo / "bad.go").write_text(BAD_GO)
    assert invoke("scan").exit_code == 1
    (repo / "opt.go").unlink(missing_ok=True)
    (repo / "bad.go").write_text(
        "package x\n\nvar c = &tls.Config{InsecureSkipVerify: o.Insecure}\n"
    )
    # A gated mode (medium severity, below the default confidence): shown on request.
    assert invoke("scan", "--fail-on", "medium").exit_code == 0
    assert invoke("scan", "--min-confidence", "pedantic", "--fail-on", "high").exit_code == 0
    assert invoke("scan", "--min-confidence", "pedantic", "--fail-on", "medium").exit_code == 1


def test_text_output_shape(repo: Path) -> None:
    (repo / "bad.go").write_text(BAD_GO)
    out = invoke("scan", "--color", "never").stdout
    assert "bad.go:5:21  ZT101 [critical] tls.Config sets InsecureSkipVerify: true" in out
    assert "    | var c = &tls.Config{InsecureSkipVerify: true}" in out
    assert "    | " + " " * 20 + "^" * 24 + "\n" in out
    assert "1 finding (1 critical) in 1 file scanned" in out
    assert "\033[" not in out


def test_color_always_and_no_color(repo: Path) -> None:
    (repo / "bad.go").write_text(BAD_GO)
    assert "\033[" in invoke("scan", "--color", "always").stdout
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(main, ["scan"])
    assert "\033[" not in result.stdout


def test_json_output_matches_its_schema(repo: Path) -> None:
    (repo / "bad.go").write_text(BAD_GO)
    doc = json.loads(invoke("scan", "--format", "json").stdout)
    schema = json.loads((ROOT / "ztlint" / "schemas" / "report-v1.json").read_text())
    jsonschema.validate(doc, schema)
    assert doc["version"] == 1
    (f,) = doc["findings"]
    assert (f["path"], f["start_line"], f["rule_name"]) == (
        "bad.go",
        5,
        "tls-verification-disabled",
    )
    assert doc["summary"]["by_severity"]["critical"] == 1


def test_output_file(repo: Path) -> None:
    (repo / "bad.go").write_text(BAD_GO)
    result = invoke("scan", "--format", "sarif", "-o", "out.sarif", ".")
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads((repo / "out.sarif").read_text())["version"] == "2.1.0"


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ("bogus: 1\n", "unknown key 'bogus'"),
        ("fail-on: severe\n", "fail-on"),
        ("select: [ZT999]\n", "unknown rule or family 'ZT999'"),
        ("severity: {ZT101: extreme}\n", "severity.ZT101"),
        ("exceptions: [{rule: ZT101, path: a.go}]\n", "'reason' is required"),
        ("exceptions: [{rule: ZT101, reason: x, because: y}]\n", "unknown key 'because'"),
        ("rules: {docker-socket-mount: {sockets: []}}\n", "unknown option 'sockets'"),
        ("rules: {docker-socket-mount: {extra-sockets: 3}}\n", "expected list[str]"),
        ("max-file-size: huge\n", "max-file-size"),
        ("tests: sometimes\n", "tests"),
        ("file-timeout: -1\n", "file-timeout"),
        ("file-timeout: soon\n", "file-timeout"),
        ("[unclosed\n", "not valid YAML"),
    ],
)
def test_config_errors_exit_2(repo: Path, config: str, needle: str) -> None:
    (repo / ".ztlint.yaml").write_text(config)
    result = invoke("scan", ".")
    assert result.exit_code == 2, result.output
    assert needle in result.stderr


def test_pyproject_config(repo: Path) -> None:
    (repo / "bad.go").write_text(BAD_GO)
    (repo / "pyproject.toml").write_text('[tool.ztlint]\nignore = ["ZT1"]\n')
    assert invoke("scan", ".").exit_code == 0
    (repo / "pyproject.toml").write_text("[tool.ztlint]\nfrobnicate = true\n")
    result = invoke("scan", ".")
    assert result.exit_code == 2 and "unknown key 'frobnicate'" in result.stderr


def test_select_and_ignore_by_name_and_family(repo: Path) -> None:
    (repo / "bad.go").write_text(BAD_GO)
    assert invoke("scan", "--ignore", "tls-verification-disabled").exit_code == 0
    assert invoke("scan", "--select", "ZT3").exit_code == 0
    assert invoke("scan", "--select", "ZT1,ZT3").exit_code == 1
    assert invoke("scan", "--select", "nope").exit_code == 2


def test_suppressions(repo: Path) -> None:
    (repo / "a.go").write_text(
        BAD_GO.replace("true}", "true} // ztlint: ignore[ZT101] loopback probe")
    )
    (repo / "b.go").write_text(
        BAD_GO.replace("var c", "// ztlint: ignore[tls-verification-disabled] fixture\nvar c")
    )
    (repo / "c.go").write_text("// ztlint: ignore-file[ZT101] generated test double\n" + BAD_GO)
    result = invoke("scan", "--format", "json")
    doc = json.loads(result.stdout)
    assert result.exit_code == 0
    assert [f["suppression"]["kind"] for f in doc["findings"]] == ["inSource"] * 3
    assert doc["summary"]["suppressed"] == 3


def test_bare_suppression_is_a_result_and_unused_is_a_notification(repo: Path) -> None:
    (repo / "a.go").write_text(BAD_GO.replace("true}", "true} // ztlint: ignore[ZT101]"))
    (repo / "b.go").write_text("package x // ztlint: ignore[ZT301] nothing here to suppress\n")
    doc = json.loads(invoke("scan", "--format", "json").stdout)
    rules = sorted(f["rule_id"] for f in doc["findings"] if f["suppression"] is None)
    assert rules == ["ZT101", "ZT901"]
    assert [(n["code"], n["path"], n["line"]) for n in doc["notifications"]] == [
        ("ZT902", "b.go", 1)
    ]


def test_config_exception_by_entity(repo: Path) -> None:
    (repo / "compose.yml").write_text(
        "services:\n  proxy:\n    image: p\n    volumes: ['/var/run/docker.sock:/var/run/docker.sock']\n"
        "  app:\n    image: a\n    volumes: ['/var/run/docker.sock:/var/run/docker.sock']\n"
    )
    (repo / ".ztlint.yaml").write_text(
        "exceptions:\n  - {rule: docker-socket-mount, path: compose.yml, entity: proxy, reason: socket proxy}\n"
    )
    doc = json.loads(invoke("scan", "--format", "json").stdout)
    assert [(f["entity"], (f["suppression"] or {}).get("kind")) for f in doc["findings"]] == [
        ("proxy", "external"),
        ("app", None),
    ]


def test_strict_turns_notifications_into_failure(repo: Path) -> None:
    (repo / "broken.yaml").write_text(
        "services:\n  a:\n    image: [unclosed\n    volumes: [/var/run/docker.sock]\n"
    )
    result = invoke("scan", "--format", "json")
    doc = json.loads(result.stdout)
    assert result.exit_code == 0
    assert [n["code"] for n in doc["notifications"]] == ["ZT903"]
    assert doc["notifications"][0]["line"] is not None
    assert invoke("scan", "--strict").exit_code == 1


def test_rules_and_explain() -> None:
    out = invoke("rules").stdout
    assert "ZT101  tls-verification-disabled" in out
    rows = json.loads(invoke("rules", "--format", "json").stdout)
    assert {r["name"] for r in rows} >= {
        "tls-verification-disabled",
        "docker-socket-mount",
        "private-key-committed",
    }
    text = invoke("explain", "docker-socket-mount").stdout
    assert "## Why is this bad?" in text and "ZT301" in text
    assert invoke("explain", "ZT101").exit_code == 0
    assert invoke("explain", "no-such-rule").exit_code == 2


def test_help_and_version_everywhere() -> None:
    assert invoke("--version").stdout.startswith("ztlint, version ")
    for cmd in ([], ["scan"], ["rules"], ["explain"]):
        assert invoke(*cmd, "--help").exit_code == 0
    assert invoke("scan", "--format", "xml").exit_code == 2


def test_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ztlint", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "ztlint" in proc.stdout


def test_demo_end_to_end() -> None:
    """The README's quick start: the demo's mistakes, nothing else."""
    proc = subprocess.run(
        [sys.executable, "-m", "ztlint", "scan", "fixtures/demo", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    active = [
        (f["path"], f["start_line"], f["rule_id"])
        for f in doc["findings"]
        if f["suppression"] is None
    ]
    assert active == [
        ("fixtures/demo/certs/relay.key", 1, "ZT201"),
        ("fixtures/demo/connector/dial.go", 16, "ZT101"),
        ("fixtures/demo/deploy/docker-compose.yml", 6, "ZT702"),
        ("fixtures/demo/deploy/docker-compose.yml", 18, "ZT301"),
        ("fixtures/demo/deploy/envoy/envoy.yaml", 39, "ZT101"),
        ("fixtures/demo/deploy/k8s/node-agent.yaml", 22, "ZT301"),
        ("fixtures/demo/relay/src/client.rs", 14, "ZT101"),
    ]
    suppressed = [(f["path"], f["start_line"]) for f in doc["findings"] if f["suppression"]]
    assert suppressed == [("fixtures/demo/deploy/docker-compose.yml", 26)]
    assert doc["notifications"] == []


def test_unused_exception_is_a_relative_notification(repo: Path) -> None:
    (repo / ".ztlint.yaml").write_text(
        "exceptions:\n  - {rule: ZT301, path: nowhere.yml, reason: old service}\n"
    )
    (repo / "a.go").write_text("package a\n")
    doc = json.loads(invoke("scan", "--format", "json").stdout)
    assert [(n["code"], n["path"]) for n in doc["notifications"]] == [("ZT907", ".ztlint.yaml")]
    assert str(repo) not in invoke("scan", "--format", "sarif").stdout


def test_missing_path_is_a_usage_error(repo: Path) -> None:
    result = invoke("scan", "no/such/dir")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_capability_exception_names_service_and_capability(repo: Path) -> None:
    (repo / "compose.yml").write_text(
        "services:\n"
        "  app-connector:\n    image: c\n    cap_add: [NET_ADMIN, NET_RAW]\n"
        "  agent:\n    image: a\n    cap_add: [NET_ADMIN]\n"
    )
    (repo / ".ztlint.yaml").write_text(
        "exceptions:\n"
        "  - rule: dangerous-capability\n    entity: app-connector\n    value: NET_ADMIN\n"
        "    reason: programs nftables NAT for the tunnel\n"
    )
    doc = json.loads(invoke("scan", "--format", "json").stdout)
    got = [
        (f["entity"], f["message"].rsplit(" ", 1)[-1], (f["suppression"] or {}).get("kind"))
        for f in doc["findings"]
    ]
    assert got == [
        ("app-connector", "NET_ADMIN", "external"),
        ("app-connector", "NET_RAW", None),
        ("agent", "NET_ADMIN", None),
    ]
    log = json.loads(invoke("scan", "--format", "sarif").stdout)
    suppressed = [r for r in log["runs"][0]["results"] if r.get("suppressions")]
    assert suppressed[0]["suppressions"] == [
        {"kind": "external", "justification": "programs nftables NAT for the tunnel"}
    ]


def test_github_annotations_escape_and_summarise(repo: Path) -> None:
    lines = ["package x", "", 'import "crypto/tls"', ""]
    lines += [f"var c{i} = &tls.Config{{InsecureSkipVerify: true}}" for i in range(12)]
    (repo / "a,b:c.go").write_text("\n".join(lines) + "\n")
    out = invoke("scan", "--format", "github").stdout.splitlines()
    errors = [ln for ln in out if ln.startswith("::error ")]
    assert len(errors) == 12
    assert errors[0].startswith("::error file=a%2Cb%3Ac.go,line=5,col=")
    assert ",title=ZT101 tls-verification-disabled::tls.Config sets InsecureSkipVerify" in errors[0]
    assert out[-1].startswith("ztlint: 12 findings;") and "2 errors are not annotated" in out[-1]


def test_github_escape_data() -> None:
    from ztlint.reporters.github import escape_data, escape_property

    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"
