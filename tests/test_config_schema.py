"""The configuration's JSON Schema and the loader's messages: the schema accepts every
documented configuration, agrees with the loader on keys, is ready for SchemaStore,
and the loader blames the right place (a flag, a file and line) for a bad value."""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from tests.conftest import FIXTURES, ROOT
from ztlint import config as config_mod
from ztlint import configschema
from ztlint.cli import main
from ztlint.config import ConfigError, load_file
from ztlint.provenance import CLASSES
from ztlint.starter import CONFIG as STARTER

SCHEMA_PATH = ROOT / "ztlint" / "schemas" / "config.schema.json"


def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def _yaml(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def _documented() -> list[tuple[str, Any]]:
    """Every configuration the documentation and fixtures show."""
    out: list[tuple[str, Any]] = [("ztlint init", _yaml(STARTER))]
    top = configschema.keys()
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for n, block in enumerate(re.findall(r"```ya?ml\n(.*?)```", text, re.S)):
            try:
                data = _yaml(block)
            except Exception:  # a multi-document manifest or a fragment: not a config
                continue
            if isinstance(data, dict) and data and set(map(str, data)) <= top:
                out.append((f"{page.relative_to(ROOT)} block {n}", data))
    # The semgrep mapping the README gives inline.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    inline = re.search(r"`(semgrep: \{configs:.*?\})`", readme, re.S)
    assert inline, "the README's inline semgrep example moved"
    out.append(("README semgrep", _yaml(inline.group(1))))
    for path in sorted(FIXTURES.rglob(".ztlint.y*ml")):
        out.append((str(path.relative_to(ROOT)), _yaml(path.read_text(encoding="utf-8"))))
    for path in sorted(FIXTURES.rglob("pyproject.toml")):
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("ztlint")
        if table is not None:
            out.append((str(path.relative_to(ROOT)), table))
    return out


DOCUMENTED = _documented()


def test_schema_is_ready_for_schemastore() -> None:
    schema = _schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"].startswith("https://") and schema["$id"].endswith(".json")
    assert schema["title"] and schema["description"]

    def described(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                assert prop.get("description"), f"{where}.{name} has no description"
            for key, value in node.items():
                described(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                described(value, f"{where}[{i}]")

    described(schema, "$")


def test_schema_ships_in_the_package() -> None:
    assert configschema.schema() == _schema()


def test_documented_configs_are_found() -> None:
    names = [name for name, _ in DOCUMENTED]
    assert "ztlint init" in names and "README semgrep" in names
    assert any(n.startswith("README.md") for n in names)
    assert any("ZT911" in n and n.endswith(".md block 0") for n in names)
    assert any(n.endswith("pyproject.toml") for n in names)


@pytest.mark.parametrize(("name", "data"), DOCUMENTED, ids=[n for n, _ in DOCUMENTED])
def test_schema_accepts_documented_config(name: str, data: Any) -> None:
    jsonschema.validate(data, _schema(), cls=jsonschema.Draft7Validator)
    configschema.check(data)
    # And the loader reads it (trusted: the semgrep example names a binary).
    config_mod.from_mapping(data, name, str(ROOT))


def test_schema_and_loader_agree_on_keys() -> None:
    assert configschema.keys() == config_mod._TOP_KEYS
    assert configschema.keys(("semgrep",)) == config_mod._SEMGREP_KEYS
    assert configschema.keys(("exceptions", "[]")) == config_mod._EXCEPTION_KEYS
    assert configschema.keys(("provenance",)) == set(CLASSES)
    exc_schema = _schema()["properties"]["exceptions"]["items"]
    assert set(exc_schema["required"]) == {"rule", "reason"}


@pytest.mark.parametrize(
    ("data", "where", "needle"),
    [
        ({"selct": ["ZT1"]}, "", "unknown key 'selct' (did you mean 'select'?)"),
        ({"frobnicate": 1}, "", "unknown key 'frobnicate' (known keys: allow-unchecked"),
        ({"select": 3}, "select", "expected a string or a list of strings, got an integer (3)"),
        ({"exclude": [1]}, "exclude[0]", "expected a string, got an integer (1)"),
        ({"fail-on": 3}, "fail-on", "expected a string, got an integer (3)"),
        ({"severity": ["x"]}, "severity", "expected a mapping, got a list"),
        ({"severity": {"ZT101": True}}, "severity.ZT101", "expected a string"),
        ({"file-timeout": "soon"}, "file-timeout", "expected a number, got a string ('soon')"),
        ({"tests": 1}, "tests", "expected one of ignore, report, fail"),
        ({"allow-unchecked": "yes"}, "allow-unchecked", "expected true or false"),
        (
            {"provenance": {"vendor": ["x"]}},
            "provenance",
            "unknown class 'vendor' (did you mean 'vendored'?)",
        ),
        ({"rules": {"ZT101": 3}}, "rules.ZT101", "expected a mapping, got an integer"),
        ({"exceptions": {"rule": "x"}}, "exceptions", "expected a list of mappings"),
        (
            {"exceptions": [{"rule": "ZT101", "reson": "x"}]},
            "exceptions[0]",
            "unknown key 'reson' (did you mean 'reason'?)",
        ),
        ({"semgrep": {"bins": "x"}}, "semgrep", "did you mean 'bin'?"),
        ({"semgrep": {"timeout": "1"}}, "semgrep.timeout", "expected a number"),
    ],
)
def test_hand_check_names_key_path_and_expected_type(data: Any, where: str, needle: str) -> None:
    with pytest.raises(configschema.SchemaError) as caught:
        configschema.check(data)
    assert caught.value.path == where
    assert needle in caught.value.message
    # jsonschema, reading the same schema, rejects it too: the two agree.
    assert not jsonschema.Draft7Validator(_schema()).is_valid(data)


def test_loader_uses_the_schema_messages(tmp_path: Path) -> None:
    path = tmp_path / ".ztlint.yaml"
    path.write_text("fail-on: high\nexceptions:\n  - rule: ZT101\n    reson: lab only\n")
    with pytest.raises(ConfigError) as caught:
        load_file(str(path))
    assert str(caught.value) == (
        f"{path}:4: exceptions[0]: unknown key 'reson' (did you mean 'reason'?)"
    )


def test_hand_check_is_light_on_the_pre_commit_path() -> None:
    """The check must not pull in jsonschema (its import costs more than the budget)."""
    import subprocess
    import sys

    code = (
        "import sys; from ztlint import configschema; configschema.check({'select': ['ZT1']});"
        "print('jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- where messages point (issue 26, defects 2 and 3) ------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    with contextlib.chdir(tmp_path):
        (tmp_path / "a.go").write_text("package x\n")
        yield tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_select_from_command_line_blames_the_flag(repo: Path) -> None:
    (repo / ".ztlint.yaml").write_text("ignore: [ZT901]\n")
    assert _error(invoke("scan", "--select", "ZT999")) == (
        "ztlint: error: --select: unknown rule or family 'ZT999'"
    )
    assert _error(invoke("scan", "--select", "docker-socket-mont")) == (
        "ztlint: error: --select: unknown rule or family 'docker-socket-mont' "
        "(did you mean 'docker-socket-mount'?)"
    )
    assert _error(invoke("scan", "--ignore", "ZT1,ZT998")) == (
        "ztlint: error: --ignore: unknown rule or family 'ZT998'"
    )


def test_select_from_config_blames_the_file_and_line(repo: Path) -> None:
    (repo / ".ztlint.yaml").write_text("fail-on: high\nselect:\n  - ZT1\n  - ZT999\n")
    message = _error(invoke("scan", "."))
    assert message.endswith(".ztlint.yaml:4: unknown rule or family 'ZT999'")
    (repo / ".ztlint.yaml").write_text("severity:\n  ZT101: high\n  ZT000: low\n")
    assert _error(invoke("scan", ".")).endswith(".ztlint.yaml:3: severity: unknown rule 'ZT000'")


def test_select_from_pyproject_blames_its_line(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ztlint]\nfail-on = "high"\nignore = ["ZT999"]\n'
    )
    message = _error(invoke("scan", "."))
    assert message.endswith("pyproject.toml:6 [tool.ztlint]: unknown rule or family 'ZT999'")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        # Not TOML at all.
        (
            '[tool.ztlint]\nselect = ["ZT1"\nfail-on = "high"\n',
            "pyproject.toml:3:1: is not valid TOML",
        ),
        # TOML, but not a valid ztlint table.
        (
            '[tool.ztlint]\nselect = ["ZT1"]\nignor = ["ZT2"]\n',
            "pyproject.toml:3 [tool.ztlint]: unknown key 'ignor' (did you mean 'ignore'?)",
        ),
        (
            "[tool.ztlint]\nfail-on = 3\n",
            "pyproject.toml:2 [tool.ztlint]: fail-on: expected a string",
        ),
        (
            '[tool.ztlint]\n\n[[tool.ztlint.exceptions]]\nrule = "ZT101"\n',
            "pyproject.toml:3 [tool.ztlint]: exceptions[0]: 'reason' is required",
        ),
        ('[tool]\nztlint = "strict"\n', "[tool.ztlint]: the configuration must be a mapping"),
    ],
)
def test_broken_pyproject_table_stops_with_file_line_reason(
    repo: Path, text: str, needle: str
) -> None:
    (repo / "pyproject.toml").write_text(text)
    assert needle in _error(invoke("scan", "."))


def test_pyproject_without_ztlint_table_is_fine(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert invoke("scan", ".").exit_code == 0
    # Broken, but another tool's file: not ztlint's to judge.
    (repo / "pyproject.toml").write_text('[project]\nname = "x\n')
    result = invoke("scan", ".")
    assert result.exit_code == 0, result.output
    assert "config: none" in result.stdout


def test_broken_yaml_is_one_line_with_place(repo: Path) -> None:
    (repo / ".ztlint.yaml").write_text("select: [ZT1]\n ignore: [\n")
    assert re.search(r"\.ztlint\.yaml:2:\d+: is not valid YAML: \S", _error(invoke("scan", ".")))


@pytest.mark.parametrize("value", ["1e999", "1e308GiB", "nan", "inf"])
def test_an_infinite_size_is_a_config_error(value: str) -> None:
    """`--max-file-size 1e999` (found by test_command_line_sweep) once ended in an
    OverflowError traceback."""
    with pytest.raises(ConfigError, match="expected a size"):
        config_mod.parse_size("--max-file-size", value)
