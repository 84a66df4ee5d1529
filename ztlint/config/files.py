"""Finding and reading configuration files: the lookup from the scanned folder up to
the top of its tree (never above it, never through a link out of it), the size cap,
and YAML or `[tool.ztlint]` parsing."""

from __future__ import annotations

import os
import re
import tomllib
from typing import Any

from ztlint.config.trust import inside
from ztlint.config.values import ConfigError

CONFIG_NAMES = (".ztlint.yaml", ".ztlint.yml")


# A configuration is a few hundred bytes; a larger file in the tree is not read as one
# (parsing it could take the run's time).
MAX_CONFIG_SIZE = 256 * 1024


def _read(path: str, untrusted: bool) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CONFIG_SIZE + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if untrusted and len(data) > MAX_CONFIG_SIZE:
        raise ConfigError(
            f"{path}: larger than {MAX_CONFIG_SIZE} bytes; not read as a configuration"
        )
    return data


def parse_yaml(path: str, data: bytes) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        # The pure-Python parser: the C one recurses without a limit and a deeply
        # nested file (`[[[[...`) crashes the process; this one raises RecursionError.
        return YAML(typ="safe", pure=True).load(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None)
        if mark is not None and problem:
            # One line: file, line, column and reason (ruamel's own text spans lines).
            where = f"{path}:{mark.line + 1}:{mark.column + 1}"
            raise ConfigError(f"{where}: is not valid YAML: {problem}") from None
        raise ConfigError(f"{path}: is not valid YAML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a configuration") from None


def parse_toml(path: str, data: bytes) -> Any:
    """The [tool.ztlint] table of a pyproject.toml, or None."""
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib says `reason (at line L, column C)`: put the place after the file.
        found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", str(exc), re.S)
        if found:
            reason, line, column = found.groups()
            raise ConfigError(f"{path}:{line}:{column}: is not valid TOML: {reason}") from None
        raise ConfigError(f"{path}: is not valid TOML: {exc}") from None
    tool = doc.get("tool")
    return tool.get("ztlint") if isinstance(tool, dict) else None


def _owner(path: str) -> int | None:
    try:
        return os.lstat(path).st_uid
    except OSError:
        return None


def _folder(path: str) -> str:
    real = os.path.realpath(path)
    return real if os.path.isdir(real) else os.path.dirname(real)


def scan_tree(start: str) -> str:
    """The real path of the tree a scan of `start` reads: the top of the git work tree
    holding it, else `start` itself (its folder, for a file). Like git's own
    safe.directory check, the climb to a `.git` stops at a folder owned by another
    user: a `.git` planted in a shared parent such as /tmp does not count."""
    here = _folder(start)
    owner = _owner(here)
    current = here
    while True:
        git = os.path.join(current, ".git")
        if os.path.lexists(git):
            return current if _owner(git) == owner else here
        parent = os.path.dirname(current)
        if parent == current or _owner(parent) != owner:
            return here
        current = parent


def config_tree(path: str, trees: tuple[str, ...]) -> str | None:
    """The scanned tree a --config file lies in (then it is untrusted), or None when it
    lies outside them all (trusted). A file inside a tree whose real path leaves it is
    a link out of the tree: refused."""
    real = os.path.realpath(path)
    for tree in trees:
        if inside(real, tree):
            return tree
    named = (
        os.path.normpath(os.path.abspath(path)),
        os.path.join(
            os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path)
        ),
    )
    if any(inside(p, tree) for p in named for tree in trees):
        raise _link_out(path)
    return None


def _link_out(path: str) -> ConfigError:
    return ConfigError(
        f"{path}: a link to a file outside the scanned tree; not read (a configuration "
        "outside the tree is passed with --config)"
    )


def find_config(start: str, tree: str | None = None) -> str | None:
    """The nearest .ztlint.yaml, .ztlint.yml or pyproject.toml with [tool.ztlint], from
    `start` upwards, never above `tree` (default: scan_tree(start)). A candidate that
    is a link out of the tree, or not a regular file, is a ConfigError: never read,
    never silently passed over."""
    top = tree or scan_tree(start)
    current = _folder(start)
    while inside(current, top):
        for name in (*CONFIG_NAMES, "pyproject.toml"):
            candidate = os.path.join(current, name)
            if not os.path.lexists(candidate):
                continue
            if not inside(os.path.realpath(candidate), top):
                raise _link_out(candidate)
            if not os.path.isfile(candidate):
                raise ConfigError(f"{candidate}: not a regular file; not read")
            if name in CONFIG_NAMES or _has_tool_table(candidate):
                return candidate
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return None


def _has_tool_table(path: str) -> bool:
    """Whether a pyproject.toml holds ztlint's table. One that does not parse is
    another tool's business, unless it names `tool.ztlint`: then the user meant to
    configure ztlint, and the run stops with the file, line and reason rather than
    scan with the defaults."""
    try:
        data = _read(path, True)
    except ConfigError:
        return False
    try:
        return parse_toml(path, data) is not None
    except ConfigError:
        if _NAMES_ZTLINT.search(data):
            raise
        return False


# A `[tool.ztlint]` or `[[tool.ztlint.x]]` header, or a dotted `tool.ztlint.x = ` key.
_NAMES_ZTLINT = re.compile(
    rb"""(?m)^[ \t]*(?:\[\[?[ \t]*tool[ \t]*\.[ \t]*["']?ztlint\b|tool[ \t]*\.[ \t]*["']?ztlint\b)"""
)
