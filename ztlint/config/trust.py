"""What a configuration inside the scanned tree may not do: name a program, a path
outside the tree, or a longer time limit. It is data; each refusal says so."""

from __future__ import annotations

import os
from typing import Any

from ztlint.config.values import ConfigError

# Said whenever an untrusted config names a program or a path outside the tree.
UNTRUSTED_NOTE = (
    "a configuration inside the scanned tree is data only: programs and paths outside "
    "the tree come only from the command line, the environment or a --config file "
    "outside the scanned tree"
)
SEMGREP_BUILTIN = "builtin"


def _refused(source: str, key: str, why: str) -> ConfigError:
    """The one refusal of a key an untrusted config may not set."""
    return ConfigError(f"{source}: {key}: {why}; refused ({UNTRUSTED_NOTE})")


def _no_longer(source: str, key: str, value: float, default: float, flag: str | None) -> None:
    """A time limit an untrusted config may shorten but not lengthen: a repository must
    not buy the time to hang the scan."""
    if 0 < value <= default:
        return
    given = "no limit (0)" if value == 0 else f"{value:g} s"
    where = f"{flag} or " if flag else ""
    raise ConfigError(
        f"{source}: {key}: {given} is longer than the {default:g} s a configuration inside "
        f"the scanned tree may set; a longer limit comes from {where}a --config file "
        "outside the scanned tree"
    )


def inside(path: str, root: str) -> bool:
    """Whether `path` is `root` or below it (both resolved); as ztlint.gitrun.inside,
    which imports this module (its errors are ConfigErrors), so not imported from it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _in_tree_rules(source: str, entry: str, base_dir: str, tree: str) -> None:
    """An untrusted `semgrep.configs` entry: `builtin`, or a rule file or folder whose
    real path, and that of every link below it, lies inside the tree."""
    key = "semgrep.configs"
    if entry == SEMGREP_BUILTIN:
        return
    if entry.startswith("~") or os.path.isabs(entry):
        raise _refused(source, key, f"'{entry}' is a path outside the scanned tree")
    if "\x00" in entry:
        raise ConfigError(f"{source}: {key}: {entry!r} is not a path")
    real = os.path.realpath(os.path.join(os.path.realpath(base_dir), entry))
    if not inside(real, tree):
        raise _refused(source, key, f"'{entry}' leads outside the scanned tree")
    if not os.path.isdir(real):
        return
    for folder, dirs, files in os.walk(real):
        for name in sorted(dirs + files):
            path = os.path.join(folder, name)
            if os.path.islink(path) and not inside(os.path.realpath(path), tree):
                rel = os.path.relpath(path, real)
                raise _refused(source, key, f"'{entry}' holds {rel}, a link out of the tree")


def configured_dirs(source: str, base_dir: str, value: Any, tree: str | None) -> tuple[str, ...]:
    """The `rules-dirs` key: folders relative to the config file. From a configuration
    inside the scanned tree (`tree` set), each must lie inside the tree."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{source}: rules-dirs: expected a list of folders")
    out = []
    for entry in value:
        if "\x00" in entry:
            raise ConfigError(f"{source}: rules-dirs: {entry!r} is not a path")
        full = os.path.join(base_dir, os.path.expanduser(entry) if tree is None else entry)
        if tree is not None:
            real = os.path.realpath(full)
            if entry.startswith("~") or os.path.isabs(entry) or not inside(real, tree):
                raise ConfigError(
                    f"{source}: rules-dirs: '{entry}' leads outside the scanned tree; a "
                    "configuration inside the scanned tree is data only: use --rules "
                    "or a --config file outside the tree"
                )
        out.append(full)
    return tuple(out)
