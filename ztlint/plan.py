"""Rules x config -> the frozen Plan of a scan: which rules run (select, ignore), the
config's rule names, options and globs checked (a mistake is a ConfigError, exit 2),
and everything a worker needs to scan a file. Pure: reads no file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ztlint import provenance as provenance_mod
from ztlint.cache import Cache
from ztlint.config import Config, ConfigError
from ztlint.globs import InvalidGlob, check_globs
from ztlint.model import Severity
from ztlint.rule import Rule


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs to scan a file. Picklable, and holds no cache: what
    is built from it as files are met belongs to ztlint.scan.dispatch.Dispatch."""

    rules: tuple[Rule, ...]
    max_file_size: int
    options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    # Seconds one file may take (0: no limit); see scan_file.
    file_timeout: float = 0.0
    severity: tuple[tuple[str, Severity], ...] = ()
    cache: Cache | None = None
    # How each file's provenance is decided (ztlint.provenance), the scanned folders
    # (prefixes of report paths, '' for the report root) it is judged relative to, and
    # whether test/example/docs files get every rule (else the secret rules only;
    # vendored and generated files get none): see ztlint.policy.check_mode.
    provenance: provenance_mod.Settings = field(default_factory=provenance_mod.Settings)
    roots: tuple[str, ...] = ("",)
    check_nonproduction: bool = True
    # Report paths other files' evidence made production code although their own path
    # says test (ztlint.provenance.project_classes): scanned again as production.
    promoted: frozenset[str] = frozenset()
    # Whether files are searched with a trigger index (a scan of many files), or
    # trigger by trigger (a few files: the pre-commit hook), unless large.
    indexed: bool = field(default=True, compare=False)

    def describe(self) -> tuple[Any, ...]:
        """What a file's result depends on besides the file: the cache's run key."""
        return (
            tuple(r.id for r in self.rules),
            self.max_file_size,
            self.options,
            tuple((rid, s.name) for rid, s in self.severity),
            self.provenance,
            self.roots,
            self.check_nonproduction,
            tuple(sorted(self.promoted)),
            # User rule folders' contents and plugins' versions (none for built-ins).
            tuple((r.id, r.digest) for r in self.rules if r.digest),
        )

    def options_for(self, rule_id: str) -> dict[str, Any]:
        for rid, opts in self.options:
            if rid == rule_id:
                return dict(opts)
        return {}


def resolver(rules: Sequence[Rule]) -> dict[str, str]:
    known: dict[str, str] = {}
    for r in rules:
        known[r.id] = r.id
        known[r.name] = r.id
    return known


def matches(selector: str, rule: Rule) -> bool:
    s = selector.strip()
    if s.upper() == "ALL":
        return True
    if s == rule.name or s.upper() == rule.id:
        return True
    if not rule.id.startswith("ZT") and re.fullmatch(r"[A-Z]{2,8}\d{3}", rule.id):
        # A user rule: its prefix (ACME) or the prefix and a digit or two is a family.
        prefix = rule.id[:-3]
        return bool(re.fullmatch(rf"{prefix}\d{{0,2}}", s.upper())) and rule.id.startswith(
            s.upper()
        )
    return bool(re.fullmatch(r"ZT\d{1,2}", s.upper())) and rule.id.startswith(s.upper())


def select_rules(rules: Sequence[Rule], config: Config) -> tuple[Rule, ...]:
    from ztlint import configlines

    for key, selectors in (("select", config.select), ("ignore", config.ignore)):
        for i, selector in enumerate(selectors):
            if not any(matches(selector, r) for r in rules):
                # Blame where the value came from: a flag, or the config file's line.
                where = configlines.where(config, f"{key}[{i}]", selector)
                near = configlines.nearest(selector, [r.name for r in rules])
                raise ConfigError(f"{where}: unknown rule or family '{selector}'{near}")
    chosen = [r for r in rules if not config.select or any(matches(s, r) for s in config.select)]
    return tuple(r for r in chosen if not any(matches(s, r) for s in config.ignore))


def validate(rules: Sequence[Rule], config: Config) -> None:
    from ztlint import configlines

    known = resolver(rules)

    def where(key: str) -> str:
        return configlines.where(config, key)

    for key, _ in config.severity:
        if key not in known and key.upper() not in known:
            raise ConfigError(f"{where(f'severity.{key}')}: severity: unknown rule '{key}'")
    by_id = {r.id: r for r in rules}
    for key, opts in config.rule_options:
        rule_id = known.get(key) or known.get(key.upper())
        if rule_id is None:
            raise ConfigError(f"{where(f'rules.{key}')}: rules: unknown rule '{key}'")
        allowed = {o.name: o for o in by_id[rule_id].meta.options}
        for name, value in opts:
            if name not in allowed:
                names = ", ".join(sorted(allowed)) or "none"
                raise ConfigError(
                    f"{where(f'rules.{key}.{name}')}: rules.{key}: unknown option '{name}' "
                    f"(options: {names})"
                )
            _check_option(where(f"rules.{key}.{name}"), key, allowed[name].kind, name, value)
    for i, exc in enumerate(config.exceptions):
        if exc.rule not in known and exc.rule.upper() not in known:
            at = where(f"exceptions[{i}].rule")
            raise ConfigError(f"{at}: exceptions[{i}]: unknown rule '{exc.rule}'")


def validate_globs(config: Config) -> None:
    """A glob the user wrote that can never match is a mistake to report (exit 2)."""
    where = config.source or "configuration"
    try:
        check_globs(f"{where}: exclude", config.exclude)
        check_globs(f"{where}: test-paths", config.test_paths)
        for name, globs in config.provenance:
            check_globs(f"{where}: provenance.{name}", globs)
        for i, exc in enumerate(config.exceptions):
            check_globs(f"{where}: exceptions[{i}]", (exc.path, exc.entity or "*"))
    except InvalidGlob as bad:
        raise ConfigError(str(bad)) from None


def _check_option(where: str, rule: str, kind: str, name: str, value: Any) -> None:
    ok = {
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "str": isinstance(value, str),
        "list[str]": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[kind]
    if not ok:
        raise ConfigError(f"{where}: rules.{rule}.{name}: expected {kind}, got {value!r}")


def plan_for(config: Config, enabled: tuple[Rule, ...], known: dict[str, str]) -> Plan:
    """The frozen plan of a scan of `enabled` rules under `config` (`known` resolves the
    rule names config uses to ids; a name of a rule not enabled is left out)."""
    return Plan(
        rules=tuple(r for r in enabled if not r.meta.component),
        max_file_size=config.max_file_size,
        file_timeout=config.file_timeout,
        options=tuple(
            (
                r.id,
                tuple(
                    sorted(
                        {
                            **{o.name: o.default for o in r.meta.options},
                            **config.options_for((r.id, r.name)),
                        }.items()
                    )
                ),
            )
            for r in enabled
        ),
        severity=tuple(
            (known.get(k) or known[k.upper()], s)
            for k, s in config.severity
            if known.get(k) or known.get(k.upper())
        ),
        provenance=provenance_mod.Settings(config.test_paths, config.test_tags, config.provenance),
        check_nonproduction=config.tests != "ignore",
    )


@dataclass(frozen=True)
class Chosen:
    """The rules of a scan: every rule known (built-in, and semgrep's own), the ones
    enabled, and the ids and names config may use, resolved to ids."""

    all_rules: tuple[Rule, ...]
    enabled: tuple[Rule, ...]
    known: dict[str, str]


def choose(all_rules: tuple[Rule, ...], config: Config) -> Chosen:
    """The rules `config` enables, after checking every rule name, option and glob it
    gives (a ConfigError names the first mistake)."""
    validate(all_rules, config)
    validate_globs(config)
    enabled = select_rules(all_rules, config)
    return Chosen(all_rules, enabled, resolver(all_rules))
