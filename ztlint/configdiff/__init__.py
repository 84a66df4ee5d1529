"""config-weakens-scan (ZT911): under --diff, the configuration that applies to the scan,
when it lies inside the scanned tree, is compared with the one that applied at the
revision; every way the change weakens the scan is a finding on the line that does it.

A pull request that silences the linter is then itself a failing finding. The config it
reports on cannot hide it: the findings are made after suppressions, exceptions, test
paths and the baseline, never take the changed config's select, ignore, severity or
fail-on into account, and only the command line can turn the rule off.

git runs through ztlint.gitrun's hardened runner: `ls-tree` once for which config
files existed, then one `show --no-textconv` per file read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ztlint.config import (
    CONFIG_NAMES,
    MAX_CONFIG_SIZE,
    TEST_POLICIES,
    Config,
    ConfigError,
    from_mapping,
    parse_toml,
    parse_yaml,
    scan_tree,
)
from ztlint.gitrun import Git, inside
from ztlint.model import Finding, Severity, Span
from ztlint.provenance import PRODUCTION
from ztlint.source import SourceText, mask_line

RULE_ID = "ZT911"
_SHOWN = 5  # rules named in one "turns off" message

Key = tuple[str | int, ...]


@dataclass(frozen=True)
class Weakening:
    key: Key  # where in the config: ("ignore", 0), ("tests",), ("severity", "ZT101")
    message: str


@dataclass(frozen=True)
class DiffScan:
    """What the command line says about a --diff scan (the trusted side)."""

    ref: str
    start: str  # the first scanned path: where the config lookup starts
    explicit: bool  # the config was given with --config
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None


# --- comparing two configurations ------------------------------------------------------


def _enabled(rules: Sequence[Any], config: Config, *, before: bool = False) -> dict[str, Any]:
    """The rules `config` runs; a selector no rule matches (a rule renamed since the
    revision) is left out rather than failing the comparison. A select that names no
    existing rule is taken as all of them before and none after: the comparison errs
    towards reporting."""
    from ztlint.engine import _matches

    def known(selectors: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s for s in selectors if any(_matches(s, r) for r in rules))

    select, ignore = known(config.select), known(config.ignore)
    if config.select and not select:
        return {r.id: r for r in rules} if before else {}
    chosen = [r for r in rules if not select or any(_matches(s, r) for s in select)]
    return {r.id: r for r in chosen if not any(_matches(s, r) for s in ignore)}


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
    from ztlint.engine import _matches

    before = _enabled(rules, old, before=True)
    after = _enabled(rules, new)
    by_key: dict[Key, list[str]] = {}
    for rule_id in sorted(set(before) - set(after)):
        rule = before[rule_id]
        index = next((i for i, s in enumerate(new.ignore) if _matches(s, rule)), None)
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


# --- where keys are written ----------------------------------------------------------


def yaml_lines(text: str) -> dict[Key, int]:
    """The 1-based line of every mapping key and list item, by its path."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    try:
        root = YAML(typ="safe", pure=True).compose(text)  # see config.parse_yaml
    except (YAMLError, RecursionError):
        return {}
    out: dict[Key, int] = {}
    stack: list[tuple[Any, Key]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > 3:  # config keys are at most three deep
            continue
        children: list[tuple[Key, Any, Any]] = []
        if isinstance(node, MappingNode):
            children = [((*path, str(k.value)), k, v) for k, v in node.value]
        elif isinstance(node, SequenceNode):
            children = [((*path, i), v, v) for i, v in enumerate(node.value)]
        for key, marked, value in children:
            out.setdefault(key, marked.start_mark.line + 1)
            stack.append((value, key))
    return out


_TABLE = re.compile(r"^\[(\[)?\s*([A-Za-z0-9_.\"' -]+?)\s*\]")
_KEY = re.compile(r"^([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*=")


def toml_lines(text: str) -> dict[Key, int]:
    """The line of every key under [tool.ztlint], and of the items of its arrays (a
    line scanner: enough to place a finding, not a TOML parser)."""
    lines = text.split("\n")
    out: dict[Key, int] = {}
    table: Key | None = None
    tables_seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if (m := _TABLE.match(stripped)) is not None:
            name = m.group(2).replace('"', "").replace("'", "").replace(" ", "")
            table = None
            if name == "tool.ztlint" or name.startswith("tool.ztlint."):
                table = tuple(name.split(".")[2:])
                if m.group(1):  # [[tool.ztlint.exceptions]]: an array of tables
                    index = tables_seen.get(name, 0)
                    tables_seen[name] = index + 1
                    table = (*table, index)
                if table:
                    out.setdefault(table, number)
            continue
        if table is None or (k := _KEY.match(stripped)) is None:
            continue
        key = (*table, k.group(1).strip("\"'"))
        out.setdefault(key, number)
        value_at = line.index("=", line.index(k.group(1))) + 1
        for index, item_line in _array_items(lines, number - 1, value_at):
            out.setdefault((*key, index), item_line)
    return out


def _array_items(lines: list[str], row: int, col: int) -> Iterator[tuple[int, int]]:
    """(index, line) of each element of the array that starts at lines[row][col:]."""
    depth = 0
    index = 0
    expecting = False
    while row < len(lines):
        line = lines[row]
        i = col
        while i < len(line):
            c = line[i]
            if c == "#":
                break
            if depth == 0 and not c.isspace() and c != "[":
                return
            if c in "[{":
                if depth == 1 and expecting:
                    yield index, row + 1
                    expecting = False
                depth += 1
                expecting = expecting or depth == 1
            elif c in "]}":
                depth -= 1
                if depth == 0:
                    return
            elif c == ",":
                if depth == 1:
                    index += 1
                    expecting = True
            elif c in "\"'":
                if depth == 1 and expecting:
                    yield index, row + 1
                    expecting = False
                end = line.find(c, i + 1)
                while c == '"' and end > 0 and line[end - 1] == "\\":
                    end = line.find(c, end + 1)
                i = len(line) if end < 0 else end
            elif not c.isspace() and depth == 1 and expecting:
                yield index, row + 1
                expecting = False
            i += 1
        row += 1
        col = 0


def _line_of(positions: Mapping[Key, int], key: Key) -> int:
    for n in range(len(key), 0, -1):
        if key[:n] in positions:
            return positions[key[:n]]
    return 1


# --- the check under --diff ----------------------------------------------------------


def _candidates(scan: DiffScan, config: Config, path: str) -> list[str]:
    """The files the lookup would have tried, in its order (or the --config file)."""
    if scan.explicit:
        return [path]  # already _physical
    real = os.path.realpath(scan.start)
    current = real if os.path.isdir(real) else os.path.dirname(real)
    out = []
    while inside(current, config.tree):
        out += [os.path.join(current, n) for n in (*CONFIG_NAMES, "pyproject.toml")]
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return out


def _parse(path: str, data: bytes) -> tuple[Config, Mapping[str, Any]] | None:
    """A config's values as data (nothing is resolved or run), or None when the file
    is no configuration."""
    try:
        toml = path.endswith(".toml")
        raw = parse_toml(path, data) if toml else parse_yaml(path, data)
        if raw is None and not toml:
            raw = {}  # an empty YAML file
        if not isinstance(raw, Mapping):
            return None
        return from_mapping(raw, path, os.path.dirname(path)), raw
    except (ConfigError, RecursionError):
        return None


def _old_config(
    git: Git, top: str, ref: str, candidates: Sequence[str]
) -> tuple[str, bytes] | None:
    """The first candidate that was a configuration at `ref`: its path relative to the
    top of the work tree and its text."""
    rels = [os.path.relpath(c, top).replace(os.sep, "/") for c in candidates if inside(c, top)]
    if not rels:
        return None
    listed = git.run(["--literal-pathspecs", "ls-tree", "-z", ref, "--", *rels], top)
    blobs = set()
    for entry in listed.stdout.split(b"\x00"):
        meta, _, name = entry.partition(b"\t")
        if meta.split(b" ")[:2] in ([b"100644", b"blob"], [b"100755", b"blob"]):
            blobs.add(name.decode("utf-8", "surrogateescape"))
    for rel in rels:
        if rel not in blobs:
            continue
        shown = git.run(["show", "--no-textconv", f"{ref}:{rel}"], top)
        if shown.returncode != 0 or len(shown.stdout) > MAX_CONFIG_SIZE:
            continue
        if rel.endswith(".toml") and _parse(rel, shown.stdout) is None:
            continue  # a pyproject.toml without [tool.ztlint]
        return rel, shown.stdout
    return None


def _wanted(rules: Sequence[Any], scan: DiffScan) -> bool:
    """Only the command line turns config-weakens-scan off."""
    return RULE_ID in _enabled(rules, Config(select=scan.select, ignore=scan.ignore))


def _physical(path: str) -> str:
    """`path` with its folders' links resolved (git's view), the file itself kept."""
    return os.path.join(
        os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path)
    )


def findings_for(
    config: Config, scan: DiffScan, root: str, cwd: str, rules: Sequence[Any]
) -> list[Finding]:
    """The config-weakens-scan findings for the config that applied to this scan."""
    from ztlint import gitdiff

    if not config.source and not scan.explicit and _wanted(rules, scan):
        return _deleted(scan, root, cwd, rules)
    if config.trusted or not config.source or not _wanted(rules, scan):
        return []
    meta = next(r.meta for r in rules if r.id == RULE_ID)
    path = _physical(config.source.split(" [", 1)[0])
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CONFIG_SIZE + 1)
    except OSError:
        return []
    parsed = _parse(path, data)
    if parsed is None:
        return []
    new, raw = parsed
    git = Git(cwd)  # the hardened runner; the repository's config was vetted by --diff
    top = gitdiff.toplevel(cwd, git)
    found = _old_config(git, top, scan.ref, _candidates(scan, config, path))
    rel_new = os.path.relpath(path, top).replace(os.sep, "/")
    if found is not None and found == (rel_new, data):
        return []  # unchanged
    old = (_parse(found[0], found[1]) if found is not None else None) or (Config(), {})
    text = data.decode("utf-8", "replace")
    positions = toml_lines(text) if path.endswith(".toml") else yaml_lines(text)
    source = SourceText(text)
    shown = os.path.relpath(path, root).replace(os.sep, "/")
    secrets: tuple[Span, ...] | None = None
    out = []
    for w in weakenings(old[0], new, rules, raw):
        line = _line_of(positions, w.key)
        if secrets is None:
            secrets = _secret_spans(path)
        snippet = mask_line(source.line(line), line, secrets)
        indent = len(snippet) - len(snippet.lstrip())
        out.append(
            Finding(
                rule_id=RULE_ID,
                rule_name=meta.name,
                path=shown,
                span=Span(line, indent + 1, line, max(len(snippet), indent + 1) + 1),
                message=f"the configuration weakens the scan: {w.message}",
                severity=meta.severity,
                confidence=meta.confidence,
                snippet=snippet[:300],
            )
        )
    return out


def _secret_spans(path: str) -> tuple[Span, ...]:
    """Every secret the secret rules find in the config file, whatever the config itself
    selects (it may turn them off): a snippet of it is masked like any other."""
    from ztlint import engine

    found = engine.run([path], Config(select=("ZT2",), tests="report"), jobs=1)
    return tuple(s for f in found.findings for s in f.secret_spans)


def _deleted(scan: DiffScan, root: str, cwd: str, rules: Sequence[Any]) -> list[Finding]:
    """No config applies now: the weakenings of the one that applied at the base
    revision and was deleted (or moved where the lookup no longer finds it), reported on
    its old path, line 1."""
    from ztlint import gitdiff

    git = Git(cwd)
    top = gitdiff.toplevel(cwd, git)
    tree = scan_tree(scan.start)
    found = _old_config(git, top, scan.ref, _candidates(scan, Config(tree=tree), ""))
    old = _parse(found[0], found[1]) if found is not None else None
    if found is None or old is None:
        return []
    meta = next(r.meta for r in rules if r.id == RULE_ID)
    shown = os.path.relpath(os.path.join(top, found[0]), root).replace(os.sep, "/")
    return [
        Finding(
            rule_id=RULE_ID,
            rule_name=meta.name,
            path=shown,
            span=Span(1, 1, 1, 1),
            message=f"the configuration weakens the scan: removed, so {w.message}",
            severity=meta.severity,
            confidence=meta.confidence,
            snippet="",
        )
        for w in weakenings(old[0], Config(), rules, {})
    ]


def add_findings(report: Any, config: Config, scan: DiffScan, root: str, cwd: str) -> Any:
    """The report with config-weakens-scan findings added, judged against the trusted
    fail-on (the command line's, else the default), never the config's own."""
    from ztlint.registry import load_rules

    rules = load_rules()
    found = findings_for(config, scan, root, cwd, rules)
    if not found:
        return report
    meta = next(r.meta for r in rules if r.id == RULE_ID)
    metas = report.rules
    if not any(m.id == RULE_ID for m in metas):  # the changed config ignores it
        metas = tuple(sorted((*metas, meta), key=lambda m: m.id))
    severity = dict(report.rule_severity)
    severity[RULE_ID] = meta.severity
    return replace(
        report,
        findings=tuple(sorted((*report.findings, *found), key=lambda f: f.sort_key)),
        rules=metas,
        rule_severity=tuple(sorted(severity.items())),
        rule_fail_on=(
            *((k, v) for k, v in report.rule_fail_on if k != RULE_ID),
            (RULE_ID, scan.fail_on or Severity.LOW),
        ),
    )
