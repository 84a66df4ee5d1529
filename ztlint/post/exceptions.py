"""Config exceptions (`exceptions:` in .ztlint.yaml): the findings they cover are marked
suppressed; one that matched nothing it could have matched is a note (ZT907)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from ztlint.config import Config
from ztlint.globs import compile_glob
from ztlint.model import Finding, NoticeLevel, Notification, Suppression, SuppressionKind
from ztlint.notices import UNUSED_EXCEPTION
from ztlint.notices import note as _note


def _exception_matches(exc_path: str, rel_to_config: str | None) -> bool:
    if exc_path in ("**", "*", ""):
        return True
    return rel_to_config is not None and compile_glob(exc_path).match(rel_to_config)


def _value_matches(wanted: str, finding: Finding) -> bool:
    """An exception's `value` names the finding's qualifier (a capability, a network);
    for findings without one, a word of the message."""
    if finding.value is not None:
        return finding.value.upper() == wanted.upper()
    return wanted.upper() in finding.message.upper()


def apply(
    findings: list[Finding],
    config: Config,
    root: str,
    known: dict[str, str],
    scope: Sequence[str] | None = None,
    ran: frozenset[str] | None = None,
) -> tuple[list[Finding], list[Notification]]:
    """Mark the findings config exceptions cover; an exception that matched nothing is
    a notification (ZT907) only when it could have matched: its rule ran (`ran`, the
    enabled rule ids; not one --select or --ignore left out) and, in a scan of named
    files, its path covers one of them (`scope`)."""
    if not config.exceptions:
        return findings, []
    base = config.base_dir or root

    def to_config(path: str) -> str | None:
        rel = os.path.relpath(os.path.join(root, path), base).replace(os.sep, "/")
        return None if rel.startswith("../") else rel

    used = [False] * len(config.exceptions)
    out = []
    for f in findings:
        rel_ok = to_config(f.path)
        for i, exc in enumerate(config.exceptions):
            rule_id = known.get(exc.rule) or known.get(exc.rule.upper())
            if rule_id != f.rule_id or not _exception_matches(exc.path, rel_ok):
                continue
            if exc.entity is not None and (
                f.entity is None or not compile_glob(exc.entity).fullmatch(f.entity)
            ):
                continue
            if exc.value is not None and not _value_matches(exc.value, f):
                continue
            used[i] = True
            if f.suppression is None:
                f = replace(
                    f, suppression=Suppression(SuppressionKind.EXTERNAL, exc.reason, config.source)
                )
        out.append(f)
    # Reports carry no absolute paths: name the config file relative to the root.
    source = config.source.split(" [", 1)[0]
    where = os.path.relpath(source, root).replace(os.sep, "/") if source else None
    notes = [
        _note(
            UNUSED_EXCEPTION,
            f"config exception for {exc.rule} (path {exc.path}) matches no finding",
            where,
            level=NoticeLevel.NOTE,
        )
        for i, exc in enumerate(config.exceptions)
        if not used[i]
        and (ran is None or (known.get(exc.rule) or known.get(exc.rule.upper())) in ran)
        and (scope is None or any(_exception_matches(exc.path, to_config(p)) for p in scope))
    ]
    return out, notes
