"""Python rule packages: installed distributions that name an `api.Plugin` in the
`ztlint.plugins` entry-point group (bandit's model).

Only installed code runs, never a file of the scanned tree: distributions are looked
for only in absolute `sys.path` entries other than the working folder (`python -m
ztlint` puts the working folder first on `sys.path`, where a repository's
`x.dist-info/entry_points.txt` would otherwise register a plugin; a `.pth` file is read
only in site folders, by Python at start-up), and a plugin whose top-level module the
working folder's entry would supply is refused before it is imported. A plugin that fails to import, names no Plugin, was written for another API
version or breaks the id rules is an error (exit 2) naming it, never a traceback.

Each plugin has its own id prefix (two to eight capital letters, not `ZT`); every rule
id is that prefix and three digits. Plugin names and versions join the result cache's
key (Rule.digest).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ztlint.config import ConfigError
from ztlint.rule import Detector, Rule

GROUP = "ztlint.plugins"
_PREFIX = re.compile(r"^(?!ZT$)[A-Z]{2,8}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")


class PluginError(ConfigError):
    """A plugin that cannot be used: exit 2 with the message."""


@dataclass(frozen=True)
class Found:
    """One entry point of an installed distribution."""

    name: str  # the entry point's name
    value: str  # module:attribute
    dist: str
    version: str


def search_path() -> list[str]:
    """The `sys.path` entries distributions may come from: absolute ones other than the
    working folder (which `python -m` and `python -c` put first on the path: a scanned
    repository is often the working folder)."""
    cwd = os.path.realpath(os.getcwd())
    return [e for e in sys.path if e and os.path.isabs(e) and os.path.realpath(e) != cwd]


def installed() -> tuple[Found, ...]:
    """The `ztlint.plugins` entry points of the installed distributions (the first
    distribution of a name on the path, as Python imports it). The `.dist-info` folders
    are listed by hand and only one whose entry_points.txt names the group is read
    through importlib.metadata: walking every distribution that way costs a scan a
    third of a second."""
    seen: set[str] = set()
    out: list[Found] = []
    for folder in _with_group(search_path()):
        from importlib import metadata

        dist = metadata.PathDistribution(folder)
        try:
            name = dist.metadata["Name"] or folder.name
            key = re.sub(r"[-_.]+", "-", name).lower()
            if key in seen:
                continue
            seen.add(key)
            points = [ep for ep in dist.entry_points if ep.group == GROUP]
            version = dist.version or "?"
        except Exception as exc:  # metadata that does not read
            raise PluginError(
                f"{folder}: the distribution's metadata is unreadable: {exc}"
            ) from None
        out.extend(Found(ep.name, ep.value, name, version) for ep in points)
    return tuple(sorted(out, key=lambda f: (f.dist, f.name)))


def _with_group(entries: Sequence[str]) -> Iterator[Path]:
    """The `.dist-info` and `.egg-info` folders on these path entries whose
    entry_points.txt has a `[ztlint.plugins]` section, in path order."""
    header = f"[{GROUP}]"
    for entry in entries:
        try:
            with os.scandir(entry) as listing:
                names = sorted(
                    e.name for e in listing if e.name.endswith((".dist-info", ".egg-info"))
                )
        except OSError:
            continue
        for name in names:
            folder = Path(entry, name)
            try:
                with open(folder / "entry_points.txt", encoding="utf-8") as fh:
                    text = fh.read(1 << 20)
            except (OSError, UnicodeDecodeError):
                continue
            if any(line.strip() == header for line in text.splitlines()):
                yield folder


def load() -> tuple[Rule, ...]:
    """Every installed plugin's rules, checked (see the module docstring)."""
    found = installed()
    rules: list[Rule] = []
    prefixes: dict[str, str] = {}
    for f in found:
        plugin = _load_one(f)
        label = f"plugin {f.dist} {f.version}"
        if plugin.prefix in prefixes:
            raise PluginError(
                f"{label}: prefix {plugin.prefix} is also {prefixes[plugin.prefix]}'s"
            )
        prefixes[plugin.prefix] = label
        rules.extend(_checked(r, plugin.prefix, label, f) for r in plugin.rules)
    return tuple(rules)


def _load_one(f: Found) -> Any:
    from ztlint import api

    label = f"plugin {f.dist} {f.version} (entry point {f.name} = {f.value})"
    module, _, attr = f.value.partition(":")
    _not_from_working_folder(label, module.strip().split(".")[0])
    try:
        obj = _entry(module.strip(), attr.strip())
        if callable(obj) and not isinstance(obj, api.Plugin):
            obj = obj()
    except Exception as exc:
        raise PluginError(f"{label}: failed to load: {type(exc).__name__}: {exc}") from None
    if not isinstance(obj, api.Plugin):
        raise PluginError(f"{label}: names {type(obj).__name__}, not a ztlint.api.Plugin")
    if obj.api_version != api.API_VERSION:
        raise PluginError(
            f"{label}: written for ztlint API version {obj.api_version}; this ztlint has "
            f"version {api.API_VERSION}"
        )
    if not isinstance(obj.prefix, str) or not _PREFIX.match(obj.prefix):
        raise PluginError(f"{label}: prefix {obj.prefix!r} must be 2 to 8 capital letters, not ZT")
    return obj


def _not_from_working_folder(label: str, top: str) -> None:
    """Refuse a plugin module that the working folder's path entry would supply (a
    repository's `acme_rules.py` shadowing the installed `acme_rules`)."""
    import importlib.util

    if top in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError) as exc:
        raise PluginError(f"{label}: cannot be found: {exc}") from None
    if spec is None:
        raise PluginError(f"{label}: module {top} is not installed")
    if spec.submodule_search_locations:
        place = os.path.dirname(os.path.abspath(next(iter(spec.submodule_search_locations))))
    elif spec.origin and os.path.isabs(spec.origin):
        place = os.path.dirname(spec.origin)
    else:
        return  # built in or frozen
    if os.path.realpath(place) == os.path.realpath(os.getcwd()):
        raise PluginError(
            f"{label}: module {top} would be imported from the working folder "
            f"({place}), not from the installed distribution; run ztlint from another "
            "folder (a scanned repository never adds code)"
        )


def _entry(module: str, attr: str) -> Any:
    import importlib

    obj: Any = importlib.import_module(module)
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


def _checked(rule: Any, prefix: str, label: str, f: Found) -> Rule:
    from ztlint.model import Confidence, RuleMeta, Severity

    if not isinstance(rule, Rule) or not isinstance(rule.meta, RuleMeta):
        raise PluginError(f"{label}: {rule!r} is not a ztlint.api.Rule")
    meta = rule.meta
    if not re.fullmatch(rf"{prefix}[0-9]{{3}}", meta.id):
        raise PluginError(f"{label}: rule id {meta.id!r} must be {prefix} and three digits")
    if not _NAME.match(meta.name):
        raise PluginError(f"{label}: {meta.id}: name {meta.name!r} must be kebab-case")
    if not isinstance(meta.severity, Severity) or not isinstance(meta.confidence, Confidence):
        raise PluginError(f"{label}: {meta.id}: severity and confidence must be api enums")
    if rule.project is not None:
        raise PluginError(f"{label}: {meta.id}: project checks are not part of the API yet")
    for det in rule.detectors:
        if not isinstance(det, Detector) or not callable(det.run) or not det.kinds:
            raise PluginError(f"{label}: {meta.id}: a detector needs kinds and a function")
    covers = rule.covers or tuple(sorted({k for d in rule.detectors for k in d.kinds}))
    return replace(
        rule,
        covers=covers,
        origin=f"plugin {f.dist} {f.version}",
        digest=f"plugin:{f.dist}=={f.version}",
    )
