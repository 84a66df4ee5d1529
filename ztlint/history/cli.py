"""The command-line side of history scans: `--history [RANGE]`, `--since`, `--pushed`.

`--pushed` is for the pre-commit `pre-push` stage: pre-commit names the pushed range in
PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF; a new branch (no remote revision) is scanned
from where it leaves every remote-tracking branch.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from ztlint.config import Config, ConfigError

ALL = "\0all"  # `--history` with no range: every ref
F = Callable[..., Any]
_ZERO = "0" * 40


def history_options(func: F) -> F:
    options = [
        click.option(
            "--history",
            "history",
            is_flag=False,
            flag_value=ALL,
            default=None,
            metavar="[RANGE]",
            help="Scan git history with the secret rules instead of the working tree: every "
            "commit reachable from any ref, or RANGE (`--history=main..HEAD` for a pull "
            "request).",
        ),
        click.option(
            "--since",
            metavar="DATE",
            help="With --history: only commits since DATE (anything git log --since takes).",
        ),
        click.option(
            "--pushed",
            is_flag=True,
            help="Scan the commits being pushed (the pre-commit pre-push stage sets "
            "PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def wanted(opts: dict[str, Any]) -> bool:
    return opts.get("history") is not None or bool(opts.get("pushed"))


def _pushed_range() -> tuple[str | None, list[str]]:
    """(range, extra revision arguments) for the commits being pushed."""
    to_ref = os.environ.get("PRE_COMMIT_TO_REF", "").strip()
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF", "").strip()
    if not to_ref or to_ref == _ZERO:
        raise ConfigError("--pushed: PRE_COMMIT_TO_REF is not set (run it as a pre-push hook)")
    if from_ref and from_ref != _ZERO:
        return f"{from_ref}..{to_ref}", []
    return to_ref, ["--not", "--remotes"]  # a new branch: what no remote has


def report(opts: dict[str, Any], config: Config, cache_dir: Any) -> Any:
    """The history scan `opts` ask for, with --baseline applied."""
    from ztlint.history import scan
    from ztlint.post import baseline as baseline_mod

    for flag in ("diff_ref", "staged"):
        if opts.get(flag):
            raise ConfigError(f"--history cannot be combined with --{flag.split('_')[0]}")
    if opts.get("paths"):
        raise ConfigError("--history scans the repository's history: name no PATHS")
    revisions = None if opts.get("history") in (None, ALL) else opts["history"]
    extra: list[str] = []
    if opts.get("pushed"):
        revisions, extra = _pushed_range()
    report, _ = scan.run(
        os.getcwd(),
        config,
        revisions,
        since=opts.get("since"),
        cache_dir=cache_dir,
        extra=extra,
        jobs=opts.get("jobs"),
    )
    if opts.get("baseline_path"):
        baseline = baseline_mod.load(opts["baseline_path"])
        report, still = baseline_mod.apply(report, baseline)
        if opts.get("update_baseline"):
            from ztlint.commands.common import checked_write as _checked_write

            _checked_write(opts["baseline_path"], baseline_mod.dumps(still))
    return report


def action_range(value: str, environ: dict[str, str]) -> str:
    """The Action's `history` input as a --history value: `all` (every ref),
    `pull-request` (the pull request's own commits, from the event payload: base..head),
    or a revision range."""
    import json
    import re

    if value == "all":
        return ALL
    if value != "pull-request":
        return value
    try:
        with open(environ.get("GITHUB_EVENT_PATH", ""), encoding="utf-8") as fh:
            pull = json.load(fh)["pull_request"]
        base, head = str(pull["base"]["sha"]), str(pull["head"]["sha"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(
            "history: pull-request needs a pull_request event (use `all` or a range elsewhere)"
        ) from None
    if not all(re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", s) for s in (base, head)):
        raise ConfigError("history: the event's base and head are not commit ids")
    return f"{base}..{head}"
