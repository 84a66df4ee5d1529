"""SARIF output: valid against the official 2.1.0 schema, every field GitHub code
scanning reads, and a golden file for a small tree."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES, ROOT
from ztlint.cli import main
from ztlint.config import Config
from ztlint.engine import run
from ztlint.fingerprint import primary_fingerprints
from ztlint.model import Confidence, Finding, Related, Severity, Span
from ztlint.registry import load_rules
from ztlint.report import Report
from ztlint.reporters import sarif

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def schema(sarif_schema: dict[str, Any]) -> dict[str, Any]:
    return sarif_schema


def _sarif(args: list[str], cwd: Path) -> tuple[int, dict[str, Any]]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["scan", "--format", "sarif", *args])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_demo_sarif_is_valid_and_complete(schema: dict[str, Any]) -> None:
    code, log = _sarif(["fixtures/demo"], ROOT)
    assert code == 1
    jsonschema.validate(log, schema)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert (
        driver["name"] == "ztlint"
        and driver["version"]
        and driver["informationUri"].startswith("https://")
    )
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(ids) and len(ids) == len(load_rules())
    for rule in driver["rules"]:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"].startswith("# ")
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}-{rule['name']}.md")
        assert (ROOT / "docs" / "rules" / f"{rule['id']}-{rule['name']}.md").exists()
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        props = rule["properties"]
        assert "security" in props["tags"]
        assert any(t.startswith("external/cwe/cwe-") for t in props["tags"])
        assert isinstance(props["security-severity"], str)
        assert props["precision"] in ("very-high", "high", "medium", "low")
    assert run_["automationDetails"]["id"] == "ztlint/"
    assert run_["columnKind"] == "unicodeCodePoints"
    base = run_["originalUriBaseIds"]["%SRCROOT%"]
    assert "uri" not in base and base["description"]["text"]
    (invocation,) = run_["invocations"]
    assert invocation["executionSuccessful"] is True
    results = run_["results"]
    assert results
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note")
        assert "\n" not in r["message"]["text"]
        (loc,) = r["locations"]
        phys = loc["physicalLocation"]
        assert phys["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        uri = phys["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "://" not in uri and uri.startswith("fixtures/demo/")
        region = phys["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= region.keys()
        assert r["partialFingerprints"]["ztlintFingerprint/v1"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert [s["kind"] for r in suppressed for s in r["suppressions"]] == ["external"]
    text = json.dumps(log)
    assert str(ROOT) not in text, "no absolute paths in SARIF"


def test_security_severity_bands() -> None:
    bands = {
        Severity.CRITICAL: (9.0, 10.0),
        Severity.HIGH: (7.0, 8.9),
        Severity.MEDIUM: (4.0, 6.9),
        Severity.LOW: (0.1, 3.9),
    }
    for severity, (lo, hi) in bands.items():
        value = float(sarif.SECURITY_SEVERITY[severity])
        assert lo <= value <= hi and (severity != Severity.CRITICAL or value > 9.0)


def test_golden(schema: dict[str, Any]) -> None:
    _, log = _sarif(["."], GOLDEN / "tree")
    jsonschema.validate(log, schema)
    # Rule documentation has its own tests; keep the golden file about the results.
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["version"]
    driver["version"] = driver["semanticVersion"] = "<version>"
    for rule in driver["rules"]:
        rule["fullDescription"]["text"] = "<docs>"
        rule["help"] = {"text": "<docs>", "markdown": "<docs>"}
    rendered = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    golden = GOLDEN / "tree.sarif"
    if os.environ.get("ZTLINT_UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8"), (
        "set ZTLINT_UPDATE_GOLDEN=1 to refresh after a deliberate change"
    )


def test_columns_count_code_points() -> None:
    rel = "ZT101/positive_go_non_ascii.go"
    _, log = _sarif([rel], FIXTURES)
    (result,) = log["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    line = (FIXTURES / rel).read_text(encoding="utf-8").splitlines()[region["startLine"] - 1]
    expected = line.index("InsecureSkipVerify") + 1
    assert region["startColumn"] == expected
    assert len(line[: expected - 1].encode("utf-8")) + 1 != expected, (
        "the fixture must have multi-byte text before the finding"
    )
    assert region["endColumn"] == line.index("true") + len("true") + 1


def test_category_and_omitted_suppressions() -> None:
    _, log = _sarif(
        ["--category", "zero-trust", "--sarif-suppressed", "omit", "."], GOLDEN / "tree"
    )
    run_ = log["runs"][0]
    assert run_["automationDetails"]["id"] == "ztlint/zero-trust/"
    assert not any(r.get("suppressions") for r in run_["results"])
    _, kept = _sarif(["."], GOLDEN / "tree")
    (sup,) = [r for r in kept["runs"][0]["results"] if r.get("suppressions")]
    assert sup["suppressions"] == [
        {"kind": "inSource", "justification": "loopback health probe only"}
    ]


def _finding(**kw: Any) -> Finding:
    base: dict[str, Any] = dict(
        rule_id="ZT301",
        rule_name="docker-socket-mount",
        path="deploy/compose.yml",
        span=Span(4, 7, 4, 20),
        message="service 'a' mounts the socket",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        snippet="    - /var/run/docker.sock:/var/run/docker.sock",
    )
    base.update(kw)
    return Finding(**base)


def _report(*findings: Finding) -> Report:
    return Report(
        findings=findings,
        notifications=(),
        rules=tuple(r.meta for r in load_rules()),
        files_scanned=1,
    )


def test_related_locations_are_linked_from_the_message(schema: dict[str, Any]) -> None:
    f = _finding(
        related=(Related("seccomp/permissive.json", Span(2, 3, 2, 30), "profile [permissive]"),)
    )
    log = sarif.build(_report(f))
    jsonschema.validate(log, schema)
    (r,) = log["runs"][0]["results"]
    assert r["relatedLocations"][0]["id"] == 1
    assert r["relatedLocations"][0]["message"]["text"] == "profile [permissive]"
    assert "[profile \\[permissive\\]](1)" in r["message"]["text"]


def test_lower_severity_lowers_the_level() -> None:
    log = sarif.build(_report(_finding(severity=Severity.MEDIUM)))
    (r,) = log["runs"][0]["results"]
    rule = log["runs"][0]["tool"]["driver"]["rules"][r["ruleIndex"]]
    assert rule["defaultConfiguration"]["level"] == "error" and r["level"] == "warning"


def test_fingerprint_survives_lines_shifting(tmp_path: Path) -> None:
    src = (GOLDEN / "tree" / "relay.go").read_text(encoding="utf-8")
    (tmp_path / "relay.go").write_text(src, encoding="utf-8")
    before = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    (tmp_path / "relay.go").write_text("// a new header comment\n\n" + src, encoding="utf-8")
    after = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    fp_before = sarif.build(before)["runs"][0]["results"]
    fp_after = sarif.build(after)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in fp_after] != [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in fp_before
    ]
    assert [r["partialFingerprints"] for r in fp_after] == [
        r["partialFingerprints"] for r in fp_before
    ]


def test_mechanical_fix_is_emitted(schema: dict[str, Any]) -> None:
    _, log = _sarif(["ZT101/positive_quiche_client.rs"], FIXTURES)
    jsonschema.validate(log, schema)
    results = log["runs"][0]["results"]
    assert len(results) == 3
    for r in results:
        (fix,) = r["fixes"]
        (change,) = fix["artifactChanges"]
        (rep,) = change["replacements"]
        assert rep["insertedContent"]["text"] == "true"
        region = rep["deletedRegion"]
        line = (
            (FIXTURES / "ZT101/positive_quiche_client.rs")
            .read_text()
            .splitlines()[region["startLine"] - 1]
        )
        assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == "false"


def test_fingerprint_under_ztlints_own_key() -> None:
    """upload-sarif computes primaryLocationLineHash itself and warns when a SARIF file
    carries a different one: ztlint's fingerprint has its own key, the value the JSON
    report and baselines carry."""
    report = run(["."], Config(), jobs=1, cwd=str(GOLDEN / "tree"))
    results = sarif.build(report)["runs"][0]["results"]
    assert results
    for r in results:
        assert set(r["partialFingerprints"]) == {"ztlintFingerprint/v1"}
        assert "primaryLocationLineHash" not in json.dumps(r)
    prints = [r["partialFingerprints"]["ztlintFingerprint/v1"] for r in results]
    assert prints == primary_fingerprints(report.findings)


def test_baseline_from_before_the_key_change_still_matches(tmp_path: Path) -> None:
    """The fingerprints the SARIF golden file carried under primaryLocationLineHash
    (before the key changed), written as a baseline, still hide their findings."""
    for name in ("relay.go", "compose.yaml"):
        (tmp_path / name).write_bytes((GOLDEN / "tree" / name).read_bytes())
    old = tmp_path / "old-baseline.json"
    old.write_text(
        '{\n"version": 1,\n"salt": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",\n'
        '"columns": ["rule", "path", "fingerprint", "secret"],\n"entries": [\n'
        '["ZT101", "relay.go", "a323cf214a99cd4d:1", ""],\n'
        '["ZT301", "compose.yaml", "246f18b55c90cc67:1", ""]\n]\n}\n'
    )
    with contextlib.chdir(tmp_path):
        before = CliRunner().invoke(main, ["scan", "--format", "json", "relay.go", "compose.yaml"])
        after = CliRunner().invoke(
            main,
            [
                "scan",
                "--format",
                "json",
                "--baseline",
                "old-baseline.json",
                "relay.go",
                "compose.yaml",
            ],
        )
    assert before.exit_code == 1, before.output
    assert after.exit_code == 0, after.output
    assert not [f for f in json.loads(after.stdout)["findings"] if not f["suppression"]]
