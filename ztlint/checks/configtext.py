"""Which text files are configuration or scripts, for the detectors that read settings
line by line (ssh options, pg_hba.conf, redis.conf, HCL listeners, daemon flags).

Prose and reports (Markdown, plain text, HTML, SARIF, logs) quote those settings to
explain them; a setting counts where a program reads it: a file of a configuration or
script kind, a configuration file by its suffix (`.conf`, `.hcl`, `.tf`, a systemd
unit, a template of one), or an OpenSSH client configuration by its name.
"""

from __future__ import annotations

import posixpath
import re

from ztlint import classify
from ztlint.rule import FileContext

CONFIG_KINDS = frozenset(
    {
        "bash",
        classify.DOCKERFILE,
        classify.WORKFLOW,
        classify.COMPOSE,
        classify.KUBERNETES,
        classify.YAML,
        classify.JSON,
        classify.TOML,
        classify.MAKEFILE,
        classify.INI,
        classify.DOTENV,
    }
)
CONFIG_SUFFIXES = frozenset(
    {
        ".tf",
        ".tfvars",
        ".hcl",
        ".nomad",
        ".service",
        ".socket",
        ".conf",
        ".cfg",
        ".env",
        ".j2",
        ".jinja",
        ".jinja2",
        ".tpl",
        ".tmpl",
        ".gotmpl",
    }
)


# A comment line in the configuration and script formats these detectors read.
COMMENT_LINE = re.compile(r"^\s*(?:#|//|;)")


def reads_settings(ctx: FileContext) -> bool:
    """Configuration text, not code (shell is read: its lines are command lines)."""
    return not (ctx.parser in classify.LANGUAGES and ctx.parser != "bash") and is_config(ctx)


def is_config(ctx: FileContext) -> bool:
    if ctx.kinds & CONFIG_KINDS:
        return True
    base = posixpath.basename(ctx.path).lower()
    if posixpath.splitext(base)[1] in CONFIG_SUFFIXES:
        return True
    return ssh_config_name(ctx.path)


def ssh_config_name(path: str) -> bool:
    """An OpenSSH client or server configuration by its name: `ssh_config`,
    `~/.ssh/config`, a file in `ssh_config.d/` or `.ssh/`."""
    base = posixpath.basename(path).lower()
    folder = posixpath.basename(posixpath.dirname(path)).lower()
    return (
        base.endswith("ssh_config")
        or base.startswith("ssh_config")
        or folder in (".ssh", "ssh_config.d")
        or (folder == "ssh" and base == "config")
    )
