"""The rules of a run: ztlint's own, then the user's rule folders (ztlint.userrules),
then installed plugins (ztlint.plugins); ids and names unique across all of them.

With no rule folder named and no plugin installed this is ztlint's own rule set, as
it was (the identity of every report rests on it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ztlint.config import Config, ConfigError
from ztlint.rule import Rule

if TYPE_CHECKING:
    from ztlint.userrules import RulesDir

BUILT_IN = "built-in"


def load(config: Config, extra_dirs: Sequence[str] = ()) -> tuple[Rule, ...]:
    """Built-in rules, the folders of `config.rules_dirs` and `extra_dirs`, and the
    installed plugins' rules, sorted by id. Raises ConfigError (exit 2) on a folder or
    plugin that cannot be used or an id or name defined twice."""
    from ztlint.registry import load_rules

    return combine(load_rules(), user_rules(config, extra_dirs))


def user_rules(config: Config, extra_dirs: Sequence[str] = ()) -> tuple[Rule, ...]:
    from ztlint import plugins, userrules

    dirs = [_dir(p, tree) for p, tree in config.rules_dirs] + [_dir(p, "") for p in extra_dirs]
    return userrules.load_dirs(dirs) + plugins.load()


def _dir(path: str, tree: str) -> RulesDir:
    from ztlint.userrules import RulesDir

    return RulesDir(given=path, path=os.path.abspath(path), tree=tree)


def combine(builtin: Sequence[Rule], added: Sequence[Rule]) -> tuple[Rule, ...]:
    if not added:
        return tuple(builtin)
    seen: dict[str, Rule] = {}
    for rule in (*builtin, *added):
        for key in (rule.id, rule.name):
            if key in seen:
                raise ConfigError(
                    f"rule {key} is defined twice: by {origin(seen[key])} and by {origin(rule)}"
                )
            seen[key] = rule
    return tuple(sorted((*builtin, *added), key=lambda r: r.id))


def origin(rule: Rule) -> str:
    return rule.origin or BUILT_IN
