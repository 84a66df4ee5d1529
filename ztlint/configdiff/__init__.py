"""config-weakens-scan (ZT911): under --diff, the configuration that applies to the scan,
when it lies inside the scanned tree, is compared with the one that applied at the
revision; every way the change weakens the scan is a finding on the line that does it.

A pull request that silences the linter is then itself a failing finding. The config it
reports on cannot hide it: the findings are made after suppressions, exceptions, test
paths and the baseline, never take the changed config's select, ignore, severity or
fail-on into account, and only the command line can turn the rule off.

git runs through ztlint.gitrun's hardened runner: `ls-tree` once for which config
files existed, then one `show --no-textconv` per file read.

This module runs the check under --diff; `compare` finds the weakenings between two
configurations, `lines` finds the line each key is written on. Names with a leading
underscore are private to the package; the public ones are importable from here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ztlint.config import (
    CONFIG_NAMES,
    MAX_CONFIG_SIZE,
    Config,
    ConfigError,
    from_mapping,
    parse_toml,
    parse_yaml,
    scan_tree,
)
from ztlint.configdiff.compare import _enabled
from ztlint.configdiff.compare import weakenings as weakenings
from ztlint.configdiff.lines import _line_of, toml_lines, yaml_lines
from ztlint.gitrun import Git, inside
from ztlint.model import Finding, Severity, Span
from ztlint.source import SourceText, mask_line

RULE_ID = "ZT911"


@dataclass(frozen=True)
class DiffScan:
    """What the command line says about a --diff scan (the trusted side)."""

    ref: str
    start: str  # the first scanned path: where the config lookup starts
    explicit: bool  # the config was given with --config
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None


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
