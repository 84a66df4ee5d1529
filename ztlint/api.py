"""The author API: everything a rule plugin imports, and the only module it needs.

A plugin is an installed distribution that names a `Plugin` in the `ztlint.plugins`
entry-point group (bandit's model; see README "Your own rules"):

    # pyproject.toml
    [project.entry-points."ztlint.plugins"]
    acme = "acme_rules:PLUGIN"

    # acme_rules/__init__.py
    from ztlint import api

    def _detect(ctx: api.FileContext) -> Iterator[api.Hit]: ...

    PLUGIN = api.Plugin(prefix="ACME", rules=(api.Rule(meta=api.RuleMeta(...),
        detectors=(api.Detector(name="acme-thing/python", kinds=frozenset({"python"}),
                                triggers=("thing",), run=_detect),)),))

The entry point may also name a function of no arguments that returns the Plugin.
Every rule id is the plugin's prefix plus three digits (`ACME001`); the prefix is two
to eight capital letters and never `ZT`. A detector is a pure function from a
FileContext to Hits, picklable (a module-level function), and runs only on files of its
`kinds` that hold one of its `triggers`. `Semantics` (`semantics(ctx)`) answers what a
name resolves to, the constant a value folds to, where a value comes from.

`API_VERSION` changes only when this surface changes incompatibly; a plugin built for
another version is refused with a clear error rather than run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ztlint.model import Confidence, Fix, Related, RuleMeta, RuleOption, Severity, Span
from ztlint.parsers.data import ParseFailure
from ztlint.rule import Detector, FileContext, Hit, ProjectCheck, Rule
from ztlint.semantics import Semantics
from ztlint.semantics import of as semantics

if TYPE_CHECKING:
    from tree_sitter import Node

API_VERSION = 1

__all__ = [
    "API_VERSION",
    "Confidence",
    "Detector",
    "FileContext",
    "Fix",
    "Hit",
    "ParseFailure",
    "Plugin",
    "ProjectCheck",
    "Related",
    "Rule",
    "RuleMeta",
    "RuleOption",
    "Semantics",
    "Severity",
    "Span",
    "semantics",
    "span_of",
]


@dataclass(frozen=True)
class Plugin:
    """What a `ztlint.plugins` entry point names: the id prefix every one of its rules
    carries, the rules, and the API version it was written for."""

    prefix: str
    rules: tuple[Rule, ...]
    api_version: int = API_VERSION


def span_of(ctx: FileContext, node: Node) -> Span:
    """The span of a tree-sitter node of `ctx.tree()`, as a Hit takes it (1-based lines,
    columns in characters)."""
    from ztlint.parsers import code

    return code.node_span(ctx.source, node)
