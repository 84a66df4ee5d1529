"""Comparing two configurations: every way the new one weakens the scan (a rule turned
off, an option dropped, a severity lowered, test paths or provenance globs widened),
as a `Weakening` at the key that does it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ztlint.config import (
    TEST_POLICIES,
    Config,
)
from ztlint.model import Severity
from ztlint.provenance import PRODUCTION

_SHOWN = 5  # rules named in one "turns off" message


Key = tuple[str | int, ...]


@dataclass(frozen=True)
class Weakening:
    key: Key  # where in the config: ("ignore", 0), ("tests",), ("severity", "ZT101")
    message: str


def _enabled(rules: Sequence[Any], config: Config, *, before: bool = False) -> dict[str, Any]:
    """The rules `config` runs; a selector no rule matches (a rule renamed since the
    revision) is left out rather than failing the comparison. A select that names no
    existing rule is taken as all of them before and none after: the comparison errs
    towards reporting."""
    from ztlint.plan import matches

    def known(selectors: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s for s in selectors if any(matches(s, r) for r in rules))

    select, ignore = known(config.select), known(config.ignore)
    if config.select and not select:
        return {r.id: r for r in rules} if before else {}
    chosen = [r for r in rules if not select or any(matches(s, r) for s in select)]
    return {r.id: r for r in chosen if not any(matches(s, r) for s in ignore)}


def _severities(rules: Sequence[Any], config: Config) -> dict[str, tuple[Severity, str]]:
    """Each rule's effective severity, and the key of the override that set it."""
    keys = {k: r.id for r in rules for k in (r.id, r.name)}
    out = {r.id: (r.meta.severity, "") for r in rules}
    for key, level in config.severity:
        rule_id = keys.get(key) or keys.get(key.upper())
        if rule_id is not None:
            out[rule_id] = (level, key)
    return out


def _rules_off(old: Config, new: Config, rules: Sequence[Any]) -> Iterator[Weakening]:
    from ztlint.plan import matches

    before = _enabled(rules, old, before=True)
    after = _enabled(rules, new)
    by_key: dict[Key, list[str]] = {}
    for rule_id in sorted(set(before) - set(after)):
        rule = before[rule_id]
        index = next((i for i, s in enumerate(new.ignore) if matches(s, rule)), None)
        key: Key = ("ignore", index) if index is not None else ("select",)
        by_key.setdefault(key, []).append(f"{rule.id} {rule.name}")
    for key, names in sorted(by_key.items(), key=lambda kv: str(kv[0])):
        what = "ignore" if key[0] == "ignore" else "select"
        shown = ", ".join(names[:_SHOWN]) + (
            f", and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
        )
        plural = "s" if len(names) != 1 else ""
        yield Weakening(key, f"{what} turns off {len(names)} rule{plural} that ran before: {shown}")


def _options_dropped(old: Config, new: Config, rules: Sequence[Any]) -> Iterator[Weakening]:
    """Rule options that widen a rule (extra sockets, zones, a bool that adds reports)
    losing what the old config gave them."""
    for rule in rules:
        keys = (rule.id, rule.meta.name)
        before, after = old.options_for(keys), new.options_for(keys)
        for opt in rule.meta.options:
            was, now = before.get(opt.name, opt.default), after.get(opt.name, opt.default)
            if isinstance(was, list):
                kept = now if isinstance(now, list) else []
                lost = [str(v) for v in was if v not in kept]
            else:
                lost = [str(was)] if was is True and now is not True else []
            if lost:
                yield Weakening(
                    ("rules", rule.meta.name, opt.name),
                    f"rules.{rule.meta.name}.{opt.name} no longer has {', '.join(lost)}",
                )


def _added(old: Sequence[str], new: Sequence[str]) -> list[str]:
    return [p for p in dict.fromkeys(new) if p not in old]


def _where(raw: Mapping[str, Any], keys: Sequence[str], value: str) -> Key:
    """The position of `value` in the first of the list-valued `keys` that holds it."""
    for key in keys:
        items = raw.get(key)
        if isinstance(items, list) and value in items:
            return (key, items.index(value))
        if items == value:
            return (key,)
    return (keys[0],)


def _seconds(value: float) -> float:
    return value if value > 0 else float("inf")  # 0: no limit


def weakenings(
    old: Config, new: Config, rules: Sequence[Any], raw: Mapping[str, Any]
) -> list[Weakening]:
    """The ways `new` checks less than `old`; `raw` is new's parsed mapping, used to
    place each on the line of the list item that does it."""
    out = list(_rules_off(old, new, rules))
    gone = _added([c for c, _ in new.semgrep_configs], [c for c, _ in old.semgrep_configs])
    out += [Weakening(("semgrep", "configs"), f"semgrep rules '{c}' no longer run") for c in gone]
    out += [
        Weakening(_where(raw, ("exclude",), p), f"exclude adds '{p}': files it matches are skipped")
        for p in _added(old.exclude, new.exclude)
    ]
    out += [
        Weakening(
            _where(raw, ("test-paths", "extend-test-paths"), p),
            f"test paths add '{p}': findings in files it matches are no longer reported as "
            "production findings",
        )
        for p in _added(old.test_paths, new.test_paths)
    ]
    out += _provenance(old, new, raw)
    if TEST_POLICIES.index(new.tests) < TEST_POLICIES.index(old.tests):
        out.append(
            Weakening(("tests",), f"tests: {new.tests} loosens the test-code policy ({old.tests})")
        )
    for i, exc in enumerate(new.exceptions):
        if exc not in old.exceptions:
            where = f" (path {exc.path})" if exc.path not in ("**", "*", "") else ""
            out.append(Weakening(("exceptions", i), f"adds an exception for {exc.rule}{where}"))
    if new.min_confidence > old.min_confidence:
        out.append(
            Weakening(
                ("min-confidence",),
                f"min-confidence raised from {old.min_confidence.label} to "
                f"{new.min_confidence.label}: findings below it are no longer shown",
            )
        )
    if new.fail_on > old.fail_on:
        out.append(
            Weakening(
                ("fail-on",),
                f"fail-on raised from {old.fail_on.label} to {new.fail_on.label}",
            )
        )
    before, after = _severities(rules, old), _severities(rules, new)
    for rule_id in sorted(after):
        level, key = after[rule_id]
        if level < before[rule_id][0]:
            out.append(
                Weakening(
                    ("severity", key),
                    f"lowers the severity of {rule_id} from {before[rule_id][0].label} "
                    f"to {level.label}",
                )
            )
    out += list(_options_dropped(old, new, rules))
    if new.max_file_size < old.max_file_size:
        out.append(
            Weakening(
                ("max-file-size",),
                f"max-file-size lowered from {old.max_file_size} to {new.max_file_size} "
                "bytes: larger files are skipped",
            )
        )
    if new.semgrep_timeout < old.semgrep_timeout:
        out.append(
            Weakening(
                ("semgrep", "timeout"),
                f"semgrep.timeout lowered from {old.semgrep_timeout:g} to "
                f"{new.semgrep_timeout:g} s",
            )
        )
    if _seconds(new.file_timeout) < _seconds(old.file_timeout):
        out.append(
            Weakening(
                ("file-timeout",),
                f"file-timeout lowered from {old.file_timeout:g} to {new.file_timeout:g} s",
            )
        )
    return out


def _provenance(old: Config, new: Config, raw: Mapping[str, Any]) -> list[Weakening]:
    """Provenance overrides that mark more files non-production (a glob added to a
    non-production class, or taken from `production`), and test tags added."""
    before, after = dict(old.provenance), dict(new.provenance)
    given = raw.get("provenance")
    classes: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    out = []
    for name, globs in after.items():
        if name == PRODUCTION:
            continue
        for p in _added(before.get(name, ()), globs):
            items = classes.get(name)
            key: Key = (
                ("provenance", name, items.index(p))
                if isinstance(items, list)
                else ("provenance", name)
            )
            out.append(
                Weakening(
                    key,
                    f"provenance marks '{p}' {name}: findings in files it matches are no "
                    "longer reported as production findings",
                )
            )
    for p in _added(after.get(PRODUCTION, ()), before.get(PRODUCTION, ())):
        out.append(
            Weakening(
                ("provenance",),
                f"provenance no longer marks '{p}' production",
            )
        )
    out += [
        Weakening(
            _where(raw, ("test-tags",), t),
            f"test tags add '{t}': Go files behind it are no longer production code",
        )
        for t in _added(old.test_tags, new.test_tags)
    ]
    return out
