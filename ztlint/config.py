"""A frozen Config from `.ztlint.yaml`, `[tool.ztlint]` in pyproject.toml or --config,
validated strictly: an unknown key or a bad value is a ConfigError naming the key."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ztlint.model import Severity

CONFIG_NAMES = (".ztlint.yaml", ".ztlint.yml")
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
DEFAULT_TEST_PATHS = (
    "*_test.go",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "tests/",
    "test/",
    "testdata/",
    "__tests__/",
    "*.spec.*",
    "*.test.*",
    "fuzz/",
    # SwiftPM's Tests/ and Xcode test targets (`AppTests/`, `AppUITests/`)
    "Tests/",
    "*Tests/",
    "*Tests.swift",
    "*Test.swift",
)
TEST_POLICIES = ("ignore", "report", "fail")
DEFAULT_SEMGREP_TIMEOUT = 600.0
DEFAULT_FILE_TIMEOUT = 60.0  # seconds one file may take; 0: no limit


class ConfigError(Exception):
    """Bad configuration: the CLI prints it and exits 2."""


def seconds(where: str, value: Any) -> float:
    """A number of seconds, 0 or more (0: no limit)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where}: expected a number of seconds (0: no limit), got {value!r}")
    return float(value)


@dataclass(frozen=True)
class ConfigException:
    """A reviewed exception: findings of `rule` under `path` (and on `entity`) are
    suppressed with `reason`, shown in SARIF as an external suppression."""

    rule: str  # id or name, resolved against the rules by the engine
    reason: str
    path: str = "**"
    entity: str | None = None
    # Extra qualifier a rule may understand (a capability, a network): matched against
    # the finding's message words when set.
    value: str | None = None


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    fail_on: Severity = Severity.LOW
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    file_timeout: float = DEFAULT_FILE_TIMEOUT
    tests: str = "ignore"
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    rule_options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    exceptions: tuple[ConfigException, ...] = ()
    # semgrep rule files and folders as written, each with the folder it is relative
    # to (`builtin` names ztlint's own); the binary; the time semgrep may take (s).
    semgrep_configs: tuple[tuple[str, str], ...] = ()
    semgrep_bin: str | None = None
    semgrep_timeout: float = DEFAULT_SEMGREP_TIMEOUT
    # Whether files a budget left unchecked (timed out, too large to parse) may pass.
    # Set only from the command line: a config inside the scanned tree must not be
    # able to let a pull request hide a finding behind a timeout.
    allow_unchecked: bool = False
    # Where the config came from ("" for defaults) and the directory its globs are
    # relative to.
    source: str = ""
    base_dir: str = field(default="", compare=False)

    def options_for(self, rule_keys: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, opts in self.rule_options:
            if key in rule_keys:
                out.update(dict(opts))
        return out


_TOP_KEYS = {
    "select",
    "ignore",
    "severity",
    "fail-on",
    "exclude",
    "max-file-size",
    "file-timeout",
    "tests",
    "test-paths",
    "extend-test-paths",
    "rules",
    "exceptions",
    "semgrep",
}
_SEMGREP_KEYS = {"configs", "bin", "timeout"}
_EXCEPTION_KEYS = {"rule", "path", "entity", "value", "reason"}


def _str_list(where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1 << 20}
_SIZE_UNITS |= {"mb": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}


def parse_size(where: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a size such as 2097152 or '2MiB'")
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        num = text.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = text[len(num) :]
        try:
            n = float(num)
        except ValueError:
            n = -1
        if n > 0 and unit in _SIZE_UNITS:
            return int(n * _SIZE_UNITS[unit])
    raise ConfigError(f"{where}: expected a size such as 2097152 or '2MiB', got {value!r}")


def _known_keys(where: str, data: Mapping[Any, Any], keys: set[str]) -> None:
    unknown = sorted(str(k) for k in data if k not in keys)
    if unknown:
        known = ", ".join(sorted(keys))
        raise ConfigError(f"{where}: unknown key '{unknown[0]}' (known keys: {known})")


def from_mapping(data: Any, source: str, base_dir: str) -> Config:
    """Validate a parsed config mapping. `source` names the file in messages."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: the configuration must be a mapping of keys")
    _known_keys(source, data, _TOP_KEYS)
    cfg = Config(source=source, base_dir=base_dir)
    if "select" in data:
        cfg = replace(cfg, select=_str_list(f"{source}: select", data["select"]))
    if "ignore" in data:
        cfg = replace(cfg, ignore=_str_list(f"{source}: ignore", data["ignore"]))
    if "severity" in data:
        sev = data["severity"]
        if not isinstance(sev, Mapping):
            raise ConfigError(f"{source}: severity: expected a mapping of rule to severity")
        pairs = []
        for rule, level in sev.items():
            try:
                pairs.append((str(rule), Severity.parse(str(level))))
            except ValueError as exc:
                raise ConfigError(f"{source}: severity.{rule}: {exc}") from None
        cfg = replace(cfg, severity=tuple(pairs))
    if "fail-on" in data:
        try:
            cfg = replace(cfg, fail_on=Severity.parse(str(data["fail-on"])))
        except ValueError as exc:
            raise ConfigError(f"{source}: fail-on: {exc}") from None
    if "exclude" in data:
        cfg = replace(cfg, exclude=_str_list(f"{source}: exclude", data["exclude"]))
    if "max-file-size" in data:
        cfg = replace(
            cfg, max_file_size=parse_size(f"{source}: max-file-size", data["max-file-size"])
        )
    if "file-timeout" in data:
        cfg = replace(cfg, file_timeout=seconds(f"{source}: file-timeout", data["file-timeout"]))
    if "tests" in data:
        if data["tests"] not in TEST_POLICIES:
            raise ConfigError(
                f"{source}: tests: expected one of {', '.join(TEST_POLICIES)}, got {data['tests']!r}"
            )
        cfg = replace(cfg, tests=data["tests"])
    if "test-paths" in data:
        cfg = replace(cfg, test_paths=_str_list(f"{source}: test-paths", data["test-paths"]))
    if "extend-test-paths" in data:
        extra = _str_list(f"{source}: extend-test-paths", data["extend-test-paths"])
        cfg = replace(cfg, test_paths=cfg.test_paths + extra)
    if "rules" in data:
        rules = data["rules"]
        if not isinstance(rules, Mapping):
            raise ConfigError(f"{source}: rules: expected a mapping of rule to options")
        opts = []
        for rule, values in rules.items():
            if not isinstance(values, Mapping):
                raise ConfigError(f"{source}: rules.{rule}: expected a mapping of options")
            opts.append((str(rule), tuple((str(k), v) for k, v in values.items())))
        cfg = replace(cfg, rule_options=tuple(opts))
    if "exceptions" in data:
        cfg = replace(cfg, exceptions=_exceptions(source, data["exceptions"]))
    if "semgrep" in data:
        cfg = _semgrep(cfg, source, base_dir, data["semgrep"])
    return cfg


def _semgrep(cfg: Config, source: str, base_dir: str, value: Any) -> Config:
    where = f"{source}: semgrep"
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected a mapping with configs, bin and timeout")
    _known_keys(where, value, _SEMGREP_KEYS)
    if "configs" in value:
        # Rule files are relative to the config file; `builtin` names ztlint's own.
        configs = _str_list(f"{where}.configs", value["configs"])
        cfg = replace(cfg, semgrep_configs=tuple((c, base_dir) for c in configs))
    if "bin" in value:
        if not isinstance(value["bin"], str) or not value["bin"]:
            raise ConfigError(f"{where}.bin: expected a path")
        binary = os.path.expanduser(value["bin"])
        if os.sep in binary and not os.path.isabs(binary):
            binary = os.path.join(base_dir, binary)
        cfg = replace(cfg, semgrep_bin=binary)
    if "timeout" in value:
        t = value["timeout"]
        if isinstance(t, bool) or not isinstance(t, int | float) or t <= 0:
            raise ConfigError(f"{where}.timeout: expected a number of seconds, got {t!r}")
        cfg = replace(cfg, semgrep_timeout=float(t))
    return cfg


def _exceptions(source: str, value: Any) -> tuple[ConfigException, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{source}: exceptions: expected a list")
    out = []
    for i, item in enumerate(value):
        where = f"{source}: exceptions[{i}]"
        if not isinstance(item, Mapping):
            raise ConfigError(f"{where}: expected a mapping with rule, path and reason")
        unknown = sorted(str(k) for k in item if k not in _EXCEPTION_KEYS)
        if unknown:
            raise ConfigError(f"{where}: unknown key '{unknown[0]}'")
        for key in ("rule", "reason"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise ConfigError(f"{where}: '{key}' is required and must be a non-empty string")
        for key in ("path", "entity", "value"):
            if key in item and not isinstance(item[key], str):
                raise ConfigError(f"{where}: '{key}' must be a string")
        out.append(
            ConfigException(
                rule=item["rule"].strip(),
                reason=item["reason"].strip(),
                path=item.get("path", "**"),
                entity=item.get("entity"),
                value=item.get("value"),
            )
        )
    return tuple(out)


def _load_yaml(path: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        with open(path, encoding="utf-8") as fh:
            return YAML(typ="safe").load(fh)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    except YAMLError as exc:
        raise ConfigError(f"{path}: is not valid YAML: {exc}") from None


def load_file(path: str) -> Config:
    base = os.path.dirname(os.path.abspath(path))
    if path.endswith(".toml"):
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot be read: {exc}") from None
        tool = data.get("tool", {}).get("ztlint")
        if tool is None:
            raise ConfigError(f"{path}: has no [tool.ztlint] table")
        return from_mapping(tool, f"{path} [tool.ztlint]", base)
    return from_mapping(_load_yaml(path), path, base)


def find_config(start: str) -> str | None:
    """The nearest .ztlint.yaml, or pyproject.toml with [tool.ztlint], from `start`
    upwards, stopping at the top of the git work tree that holds `start`."""
    current = os.path.abspath(start)
    if not os.path.isdir(current):
        current = os.path.dirname(current)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(current, name)
            if os.path.isfile(candidate):
                return candidate
        pyproject = os.path.join(current, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_tool_table(pyproject):
            return pyproject
        if os.path.exists(os.path.join(current, ".git")):
            return None
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _has_tool_table(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return "ztlint" in tomllib.load(fh).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False
