"""Rule folders of the user's own and installed plugins, end to end through the CLI:
text, JSON and SARIF (schema-valid), suppressions and config exceptions, `ztlint
rules` with origins, `ztlint new-rule`, and the checks a folder must pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.userrule_support import (
    RULE_YAML,
    SERVICES,
    install_example,
    invoke,
    on_path,
    rule_folder,
    scan_json,
)
from ztlint import userrules
from ztlint.config import Config
from ztlint.rulesources import load

FLASK = 'from flask import Flask\napp = Flask(__name__)\napp.run(host="0.0.0.0", debug=True)\n'


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "services.yaml").write_text(SERVICES)
    (repo / "settings.py").write_text("DEBUG = True\nOTHER = True\n")
    (repo / "server.py").write_text(FLASK)
    rule_folder(tmp_path / "rules")
    return repo


@pytest.fixture
def plugin(tmp_path: Path) -> Any:
    with on_path(install_example(tmp_path / "site")):
        yield


def _found(report: dict[str, Any]) -> set[tuple[str, str, int]]:
    return {
        (f["rule_id"], f["path"], f["start_line"])
        for f in report["findings"]
        if f["suppression"] is None
    }


def test_rule_folder_and_plugin_in_text_json_and_sarif(
    tree: Path, plugin: None, sarif_schema: dict[str, Any]
) -> None:
    rules = str(tree.parent / "rules")
    report = scan_json(tree, "--rules", rules)
    assert _found(report) == {
        ("ACME001", "services.yaml", 4),
        ("ACME001", "settings.py", 1),
        ("EX001", "server.py", 3),
    }
    by_rule = {f["rule_id"]: f for f in report["findings"]}
    assert by_rule["ACME001"]["entity"] in ("api", None)
    assert by_rule["EX001"]["severity"] == "high"

    text = invoke(tree, "scan", "--no-cache", "--rules", rules, "--color", "never")
    assert text.exit_code == 1
    assert (
        "services.yaml:4:5  ACME001 [medium] service 'api' turns debug on in production"
        in text.stdout
    )
    assert "EX001 [high] Flask app.run(debug=True)" in text.stdout
    assert "docs: https://example.com/acme/debug" in text.stdout  # its own reference, not ours

    result = invoke(tree, "scan", "--no-cache", "--rules", rules, "--format", "sarif")
    log = json.loads(result.stdout)
    jsonschema.validate(log, sarif_schema)
    ids = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {"ACME001", "EX001"} <= ids
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"ACME001", "EX001"}


def test_suppressions_and_exceptions_apply_to_user_rules(tree: Path, plugin: None) -> None:
    rules = str(tree.parent / "rules")
    (tree / "settings.py").write_text("DEBUG = True  # ztlint: ignore[ACME001] local settings\n")
    (tree / "server.py").write_text(
        FLASK.replace(
            "debug=True)", "debug=True)  # ztlint: ignore[flask-debug-enabled] dev server"
        )
    )
    report = scan_json(tree, "--rules", rules)
    assert _found(report) == {("ACME001", "services.yaml", 4)}
    assert {f["rule_id"] for f in report["findings"] if f["suppression"]} == {"ACME001", "EX001"}

    (tree / ".ztlint.yaml").write_text(
        "exceptions:\n  - {rule: debug-flag-on, path: services.yaml, reason: reviewed}\n"
    )
    report = scan_json(tree, "--rules", rules)
    assert _found(report) == set()
    assert not [n for n in report["notifications"] if n["code"] in ("ZT902", "ZT907")]


def test_select_and_ignore_take_a_prefix_as_family(tree: Path, plugin: None) -> None:
    rules = str(tree.parent / "rules")
    assert {f[0] for f in _found(scan_json(tree, "--rules", rules, "--select", "EX"))} == {"EX001"}
    assert {f[0] for f in _found(scan_json(tree, "--rules", rules, "--ignore", "ACME0"))} == {
        "EX001"
    }


def test_rules_dirs_config_key(tree: Path) -> None:
    (tree / ".ztlint.yaml").write_text("rules-dirs: [acme]\n")
    rule_folder(tree / "acme")
    assert ("ACME001", "services.yaml", 4) in _found(scan_json(tree))


def test_rules_lists_origins(tree: Path, plugin: None) -> None:
    rules = str(tree.parent / "rules")
    text = invoke(tree, "rules", "--rules", rules).stdout
    lines = {line.split()[0]: line for line in text.splitlines()}
    assert "  built-in  " in lines["ZT101"]
    assert lines["ACME001"].split()[-3:] == [
        str(tree.parent / "rules" / "ACME001-debug-flag-on"),
        "python,",
        "yaml",
    ]
    assert lines["EX001"].split("  high  ")[1].split() == [
        "plugin",
        "ztlint-example-plugin",
        "0.1.0",
        "python",
    ]
    rows = {
        r["id"]: r
        for r in json.loads(invoke(tree, "rules", "--format", "json", "--rules", rules).stdout)
    }
    assert rows["ZT101"]["origin"] == "built-in"
    assert rows["EX001"]["origin"] == "plugin ztlint-example-plugin 0.1.0"
    assert rows["ACME001"]["origin"].endswith("ACME001-debug-flag-on")
    explained = invoke(tree, "explain", "EX001")
    assert explained.exit_code == 0 and "Why is this bad?" in explained.stdout


def test_plugin_version_and_folder_content_join_the_cache_key(tree: Path, plugin: None) -> None:
    from ztlint.plan import Plan

    rules = load(Config(rules_dirs=((str(tree.parent / "rules"), ""),)))
    plan = Plan(rules=rules, max_file_size=1)
    described = repr(plan.describe())
    assert "plugin:ztlint-example-plugin==0.1.0" in described
    assert "ACME001', 'folder:" in described


@pytest.mark.parametrize(
    ("kind", "ext"),
    [("python", ".py"), ("go", ".go"), ("yaml", ".yaml"), ("json", ".json"), ("compose", ".yml")],
)
def test_new_rule_scaffold_finds_its_positive_fixture(tmp_path: Path, kind: str, ext: str) -> None:
    made = invoke(tmp_path, "new-rule", "ACME042", "my-check", "--kind", kind, "--dir", "mine")
    assert made.exit_code == 0, made.output
    folder = tmp_path / "mine" / "ACME042-my-check"
    assert (folder / "rule.yaml").is_file() and "## Why is this bad?" in (
        folder / "docs.md"
    ).read_text()
    fixtures = tmp_path / "fixtures" / "ACME042"
    report = scan_json(fixtures, "--rules", str(tmp_path / "mine"))
    assert [
        (f["rule_id"], Path(f["path"]).name.startswith(("positive", "docker")))
        for f in report["findings"]
    ] == [("ACME042", True)]
    assert all("negative" not in f["path"] for f in report["findings"])
    again = invoke(tmp_path, "new-rule", "ACME042", "my-check", "--kind", kind, "--dir", "mine")
    assert again.exit_code == 2 and "exists" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ZT999", "x-y", "--kind", "go"], "ZT ids are ztlint's own"),
        (["ACME1", "x-y", "--kind", "go"], "three digits"),
        (["ACME001", "Bad", "--kind", "go"], "kebab-case"),
        (["ACME001", "x-y", "--kind", "cobol"], "unknown kind"),
    ],
)
def test_new_rule_refuses_bad_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    result = invoke(tmp_path, "new-rule", *args)
    assert result.exit_code == 2 and message in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("id: ACME001", "id: ZT001"), "prefix of your own"),
        (("name: debug-flag-on", "name: tls-verification-disabled"), "folder must be named"),
        (
            (
                "  - query: python.scm",
                "  - python: secret_entropy\n    kinds: [text]\n  - query: python.scm",
            ),
            "Python detector",
        ),
        (
            ("    triggers: [debug]", "    triggers: [debug]\n    gate: compose_services"),
            "Python gate",
        ),
        (("detectors:", "project: compose_socket\ndetectors:"), "Python check"),
        (("    equals: true", "    matches: '(a+)+$'"), "repeats a quantifier"),
        (("    triggers: [debug]", "    triggers: [{text: debug, confirm: x}]"), "confirm regex"),
        (("  - query: python.scm", "  - query: ../../outside.scm"), "name of a .scm file"),
    ],
)
def test_rule_folder_refusals(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    base = rule_folder(tmp_path / "rules", RULE_YAML.replace(*change))
    (tmp_path / "a.py").write_text("DEBUG = True\n")
    result = invoke(tmp_path, "scan", "--no-cache", "--rules", str(base), "a.py")
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_names_and_ids_never_collide(tmp_path: Path) -> None:
    base = rule_folder(tmp_path / "one")
    other = rule_folder(tmp_path / "two")
    result = invoke(tmp_path, "rules", "--rules", str(base), "--rules", str(other))
    assert result.exit_code == 2 and "defined twice" in result.output
    clash = rule_folder(
        tmp_path / "three",
        RULE_YAML.replace("id: ACME001", "id: ACME002").replace(
            "name: debug-flag-on", "name: docker-socket-mount"
        ),
    )
    (clash / "ACME001-debug-flag-on").rename(clash / "ACME002-docker-socket-mount")
    result = invoke(tmp_path, "rules", "--rules", str(clash))
    assert result.exit_code == 2 and "docker-socket-mount is defined twice" in result.output


@pytest.mark.parametrize(
    ("pattern", "safe"),
    [
        ("^foo.*bar$", True),
        (r"(\d{1,3}\.){3}\d{1,3}", True),
        ("^(?:on|true|yes)$", True),
        ("(a+)+$", False),
        ("(x|xy)*z", False),
        (r"(a)\1", False),
        (".*.*.*x", False),
    ],
)
def test_unsafe_regex(pattern: str, safe: bool) -> None:
    assert (userrules.unsafe_regex(pattern) is None) is safe


def _fake_plugin(site: Path, body: str) -> None:
    """A distribution `fake-rules` whose entry point names `fake_rules:PLUGIN`."""
    site.mkdir(parents=True)
    (site / "fake_rules.py").write_text(body)
    dist = site / "fake_rules-2.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-rules\nVersion: 2.0\n")
    (dist / "entry_points.txt").write_text("[ztlint.plugins]\nfake = fake_rules:PLUGIN\n")


_META = (
    "from ztlint import api\n"
    "META = api.RuleMeta(id='{id}', name='fake-rule', title='t', severity=api.Severity.LOW,"
    " confidence=api.Confidence.HIGH, cwe=1, message='m', fix='f', docs='')\n"
    "def run(ctx):\n    return []\n"
    "DET = api.Detector(name='fake-rule/python', kinds=frozenset({{'python'}}), triggers=('x',), run=run)\n"
)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_META.format(id="ZT001") + "PLUGIN = api.Plugin(prefix='ZT', rules=())\n", "not ZT"),
        (
            _META.format(id="FK001")
            + "PLUGIN = api.Plugin(prefix='FAKE', rules=(api.Rule(META, (DET,)),))\n",
            "must be FAKE and three digits",
        ),
        (
            _META.format(id="FK001")
            + "PLUGIN = api.Plugin(prefix='FK', rules=(), api_version=99)\n",
            "API version 99",
        ),
        ("PLUGIN = 42\n", "not a ztlint.api.Plugin"),
        ("import nonexistent_module_xyz\n", "ModuleNotFoundError"),
    ],
)
def test_plugin_refusals(tmp_path: Path, body: str, message: str) -> None:
    _fake_plugin(tmp_path / "site", body)
    try:
        with on_path(tmp_path / "site"):
            result = invoke(tmp_path, "rules")
    finally:
        import sys

        sys.modules.pop("fake_rules", None)
    assert result.exit_code == 2, result.output
    assert "plugin fake-rules 2.0" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_a_working_fake_plugin_is_listed(tmp_path: Path) -> None:
    _fake_plugin(
        tmp_path / "site",
        _META.format(id="FK001")
        + "PLUGIN = lambda: api.Plugin(prefix='FK', rules=(api.Rule(META, (DET,)),))\n",
    )
    try:
        with on_path(tmp_path / "site"):
            result = invoke(tmp_path, "rules")
    finally:
        import sys

        sys.modules.pop("fake_rules", None)
    assert result.exit_code == 0, result.output
    assert "FK001  fake-rule" in result.stdout and "plugin fake-rules 2.0" in result.stdout
