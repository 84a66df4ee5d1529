"""What the report says about the configuration: which config files applied, and a
notification when a config inside the scanned tree leaves the scan blind (every rule
off, every file excluded or marked as test code), so that no repository silences the
linter without a trace."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ztlint.config import Config
from ztlint.globs import match_any
from ztlint.model import NoticeLevel, Notification
from ztlint.notices import CONFIG_BLIND
from ztlint.rule import Rule

# Paths of the kinds ztlint reads, at several depths: a pattern that matches all of
# them takes every file a scan would check (`*`, `**`, `**/*`, `*/`, ...). A list of
# narrower patterns that together cover a repository is a choice the config line and,
# under --diff, config-weakens-scan show.
_PROBES = (
    "main.go",
    "Dockerfile",
    "x",
    "src/app/server.py",
    "cmd/relay/main.rs",
    "deploy/k8s/deployment.yaml",
    ".github/workflows/ci.yml",
    "docker-compose.yml",
    "web/src/index.ts",
)

BLIND = CONFIG_BLIND


def config_path(config: Config) -> str:
    """The config file's path, without the `[tool.ztlint]` section."""
    return config.source.split(" [", 1)[0]


def shown(config: Config, root: str) -> tuple[str, ...]:
    """The config file as reports name it: relative to the scanned root (no absolute
    paths in reports), with its section for a pyproject.toml."""
    if not config.source:
        return ()
    path, _, section = config.source.partition(" [")
    rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    return (rel + (f" [{section}" if section else ""),)


def covers_everything(patterns: Sequence[str]) -> bool:
    return bool(patterns) and all(match_any(tuple(patterns), p) for p in _PROBES)


def blind_spots(config: Config, enabled: Sequence[Rule], root: str) -> list[Notification]:
    """Warnings for an untrusted config that leaves nothing to check."""
    if config.trusted or not config.source:
        return []
    where = shown(config, root)[0].split(" [", 1)[0]
    out = []

    def warn(message: str) -> None:
        out.append(Notification(BLIND, message, NoticeLevel.WARNING, where))

    if not any(r.meta.family != "ZT9" and not r.meta.component for r in enabled):
        warn("no security rule runs: select and ignore turn them all off")
    if covers_everything(config.exclude):
        wide = [p for p in config.exclude if covers_everything((p,))]
        warn(f"exclude {_patterns(wide)}skips every file")
    if config.tests != "fail" and covers_everything(config.test_paths):
        wide = [p for p in config.test_paths if covers_everything((p,))]
        warn(
            f"test paths {_patterns(wide)}mark every file as test code, whose findings "
            + ("are not reported" if config.tests == "ignore" else "do not fail the run")
        )
    hidden = [p for name, globs in config.provenance if name != "production" for p in globs]
    if covers_everything(hidden):
        wide = [p for p in hidden if covers_everything((p,))]
        warn(f"provenance {_patterns(wide)}marks every file as non-production")
    return out


def _patterns(patterns: Sequence[str]) -> str:
    return f"({', '.join(repr(p) for p in patterns)}) " if patterns else ""
