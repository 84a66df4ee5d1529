"""A frozen Config from `.ztlint.yaml`, `[tool.ztlint]` in pyproject.toml or --config,
validated strictly: an unknown key or a bad value is a ConfigError naming the key.

Trust: a config inside the scanned tree (found by the lookup, or a --config file there)
is written by whoever wrote the repository, so it is read as data only. It may select,
ignore, tune and except rules, but never name a program or a path outside the tree
(`semgrep.bin`, a `semgrep.configs` entry that leaves the tree): those come only from
the command line, the environment or a --config file outside the scanned tree. The
lookup never climbs above the scanned tree and never follows a link out of it.

This module holds the Config and its validation (`from_mapping`, `load_file`);
`values` reads single values (and defines ConfigError), `trust` holds the refusals of
an in-tree config, `files` finds and parses config files. Names with a leading
underscore are private to the package; the public ones are importable from here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ztlint.config.files import CONFIG_NAMES as CONFIG_NAMES
from ztlint.config.files import MAX_CONFIG_SIZE as MAX_CONFIG_SIZE
from ztlint.config.files import _read
from ztlint.config.files import config_tree as config_tree
from ztlint.config.files import find_config as find_config
from ztlint.config.files import parse_toml as parse_toml
from ztlint.config.files import parse_yaml as parse_yaml
from ztlint.config.files import scan_tree as scan_tree
from ztlint.config.trust import _in_tree_rules, _no_longer, _refused, configured_dirs
from ztlint.config.values import MIN_CONFIDENCE_CHOICES as MIN_CONFIDENCE_CHOICES
from ztlint.config.values import ConfigError as ConfigError
from ztlint.config.values import _flag, _known_keys, _str_list, seconds
from ztlint.config.values import parse_min_confidence as parse_min_confidence
from ztlint.config.values import parse_size as parse_size
from ztlint.model import Confidence, Severity
from ztlint.provenance import CLASSES, DEFAULT_TEST_TAGS

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
    # Findings below this confidence are counted, not shown (`pedantic` is LOW).
    min_confidence: Confidence = Confidence.HIGH
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    # Go build tags that mean a test build (fnmatch patterns), and provenance classes
    # set by path (`provenance: {production: [...], vendored: [...]}`), in CLASSES order.
    test_tags: tuple[str, ...] = DEFAULT_TEST_TAGS
    provenance: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rule_options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    exceptions: tuple[ConfigException, ...] = ()
    # semgrep rule files and folders as written, each with the folder it is relative
    # to (`builtin` names ztlint's own); the binary; the time semgrep may take (s).
    semgrep_configs: tuple[tuple[str, str], ...] = ()
    semgrep_bin: str | None = None
    semgrep_timeout: float = DEFAULT_SEMGREP_TIMEOUT
    # Rule folders of the user's own (ztlint.userrules): each with the scanned tree it
    # must stay inside ("" when named from the command line or a trusted config).
    rules_dirs: tuple[tuple[str, str], ...] = ()
    # Whether files a budget left unchecked (timed out, too large to parse) may pass.
    # Set only from the command line: a config inside the scanned tree must not be
    # able to let a pull request hide a finding behind a timeout.
    allow_unchecked: bool = False
    # Where the config came from ("" for defaults) and the directory its globs are
    # relative to.
    source: str = ""
    base_dir: str = field(default="", compare=False)
    # False for a file inside the scanned tree, read as data only; `tree` is then the
    # real path of that tree (the scanned root, or the git work tree holding it).
    trusted: bool = field(default=True, compare=False)
    tree: str = field(default="", compare=False)
    # For messages (ztlint.configlines.where): the config file's text, whose lines are
    # found only when a message needs one, and the command-line flag of values set
    # there (`select`, `ignore=ZT999`).
    text: str = field(default="", compare=False, repr=False)
    origins: tuple[tuple[str, str], ...] = field(default=(), compare=False)

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
    "min-confidence",
    "test-paths",
    "extend-test-paths",
    "test-tags",
    "provenance",
    "include-nonproduction",
    "fail-on-nonproduction",
    "rules",
    "exceptions",
    "semgrep",
    "allow-unchecked",
    "rules-dirs",
}
_SEMGREP_KEYS = {"configs", "bin", "timeout"}
_EXCEPTION_KEYS = {"rule", "path", "entity", "value", "reason"}


def from_mapping(data: Any, source: str, base_dir: str, tree: str | None = None) -> Config:
    """Validate a parsed config mapping. `source` names the file in messages. With
    `tree` (the real path of the scanned tree holding the file) it is untrusted: a key
    that names a program or a path outside the tree is a ConfigError."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: the configuration must be a mapping of keys")
    _schema_check(source, data)
    _known_keys(source, data, _TOP_KEYS)
    cfg = Config(source=source, base_dir=base_dir, trusted=tree is None, tree=tree or "")
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
        limit = seconds(f"{source}: file-timeout", data["file-timeout"])
        if tree is not None:
            _no_longer(source, "file-timeout", limit, DEFAULT_FILE_TIMEOUT, "--file-timeout")
        cfg = replace(cfg, file_timeout=limit)
    if "tests" in data:
        if data["tests"] not in TEST_POLICIES:
            raise ConfigError(
                f"{source}: tests: expected one of {', '.join(TEST_POLICIES)}, got {data['tests']!r}"
            )
        cfg = replace(cfg, tests=data["tests"])
    if "min-confidence" in data:
        try:
            level = parse_min_confidence(str(data["min-confidence"]))
        except ValueError as exc:
            raise ConfigError(f"{source}: min-confidence: {exc}") from None
        cfg = replace(cfg, min_confidence=level)
    if "test-paths" in data:
        cfg = replace(cfg, test_paths=_str_list(f"{source}: test-paths", data["test-paths"]))
    if "extend-test-paths" in data:
        extra = _str_list(f"{source}: extend-test-paths", data["extend-test-paths"])
        cfg = replace(cfg, test_paths=cfg.test_paths + extra)
    cfg = _provenance_keys(cfg, source, data)
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
        cfg = _semgrep(cfg, source, base_dir, data["semgrep"], tree)
    if "allow-unchecked" in data:
        allow = data["allow-unchecked"]
        if not isinstance(allow, bool):
            raise ConfigError(f"{source}: allow-unchecked: expected true or false, got {allow!r}")
        if allow and tree is not None:
            # A repository that could set this would hide a finding behind a timeout.
            raise ConfigError(
                f"{source}: allow-unchecked: a configuration inside the scanned tree may not "
                "let unchecked files pass; use --allow-unchecked or a --config file outside "
                "the scanned tree"
            )
        cfg = replace(cfg, allow_unchecked=allow)
    if "rules-dirs" in data:
        dirs = configured_dirs(source, base_dir, data["rules-dirs"], tree)
        cfg = replace(cfg, rules_dirs=tuple((d, tree or "") for d in dirs))
    return cfg


def _schema_check(source: str, data: Any) -> None:
    """Keys and types against the shipped JSON Schema (ztlint.configschema)."""
    from ztlint import configschema

    try:
        configschema.check(data)
    except configschema.SchemaError as exc:
        key = f"{exc.path}: " if exc.path else ""
        raise ConfigError(f"{source}: {key}{exc.message}") from None


def _provenance_keys(cfg: Config, source: str, data: Mapping[str, Any]) -> Config:
    """`test-tags`, `provenance` (class to globs), and the switches for findings
    outside production code: `include-nonproduction` (as `tests: report`) and
    `fail-on-nonproduction` (as `tests: fail`). Like test-paths, an in-tree config may
    set them; config-weakens-scan reports one that hides more files."""
    if "test-tags" in data:
        cfg = replace(cfg, test_tags=_str_list(f"{source}: test-tags", data["test-tags"]))
    if "provenance" in data:
        classes = data["provenance"]
        if not isinstance(classes, Mapping):
            raise ConfigError(f"{source}: provenance: expected a mapping of class to paths")
        for name in classes:
            if name not in CLASSES:
                raise ConfigError(
                    f"{source}: provenance: unknown class {name!r} (classes: {', '.join(CLASSES)})"
                )
        cfg = replace(
            cfg,
            provenance=tuple(
                (name, _str_list(f"{source}: provenance.{name}", classes[name]))
                for name in CLASSES
                if name in classes
            ),
        )
    if "include-nonproduction" in data and _flag(
        f"{source}: include-nonproduction", data["include-nonproduction"]
    ):
        cfg = replace(cfg, tests="report" if cfg.tests == "ignore" else cfg.tests)
    if "fail-on-nonproduction" in data and _flag(
        f"{source}: fail-on-nonproduction", data["fail-on-nonproduction"]
    ):
        cfg = replace(cfg, tests="fail")
    return cfg


def _semgrep(
    cfg: Config, source: str, base_dir: str, value: Any, tree: str | None = None
) -> Config:
    where = f"{source}: semgrep"
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected a mapping with configs, bin and timeout")
    _known_keys(where, value, _SEMGREP_KEYS)
    if "configs" in value:
        # Rule files are relative to the config file; `builtin` names ztlint's own.
        configs = _str_list(f"{where}.configs", value["configs"])
        if tree is not None:
            for entry in configs:
                _in_tree_rules(source, entry, base_dir, tree)
        cfg = replace(cfg, semgrep_configs=tuple((c, base_dir) for c in configs))
    if "bin" in value:
        if tree is not None:
            raise _refused(source, "semgrep.bin", "names a program to run")
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
        if tree is not None:
            _no_longer(source, "semgrep.timeout", t, DEFAULT_SEMGREP_TIMEOUT, None)
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


def load_file(path: str, tree: str | None = None) -> Config:
    """The configuration in `path`. With `tree`, the real path of the scanned tree the
    file lies in, it is untrusted: read as data only (see the module's docstring)."""
    from ztlint import configlines

    base = os.path.dirname(os.path.abspath(path))
    data = _read(path, tree is not None)
    if path.endswith(".toml"):
        tool = parse_toml(path, data)
        if tool is None:
            raise ConfigError(f"{path}: has no [tool.ztlint] table")
        source = f"{path} [tool.ztlint]"
    else:
        tool = parse_yaml(path, data)
        source = path
    text = data.decode("utf-8")
    try:
        config = from_mapping(tool, source, base, tree)
    except ConfigError as exc:
        lines = configlines.lines(source, text)
        raise ConfigError(configlines.locate(str(exc), source, lines)) from None
    return replace(config, text=text)
