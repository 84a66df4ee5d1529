"""Every ZT9xx notification code in one table, and the constructors of the notes the
stages raise. A leaf module: it imports only the model, so that any stage, reporter or
the baseline can name a code without importing the engine.

ZT901 (malformed-suppression) and ZT911 (config-weakens-scan) are rules, not notices;
their ids live with their rules (ztlint.suppress, ztlint.configdiff).
"""

from __future__ import annotations

import os

from ztlint.model import NoticeLevel, Notification

UNUSED_SUPPRESSION = "ZT902"
NOT_PARSED = "ZT903"
SKIPPED = "ZT904"
RULE_FAILED = "ZT905"
WORKER_CRASHED = "ZT906"
UNUSED_EXCEPTION = "ZT907"
STALE_BASELINE = "ZT908"
SEMGREP_FAILED = "ZT909"
TIMED_OUT = "ZT910"
OVER_BUDGET = "ZT912"
DECODED = "ZT913"
CONFIG_BLIND = "ZT914"
TEMPLATE_NOT_READ = "ZT916"
HISTORY_INCOMPLETE = "ZT920"

# Notification codes and what they mean (SARIF tool.driver.notifications).
NOTIFICATION_CODES: dict[str, tuple[str, str]] = {
    UNUSED_SUPPRESSION: ("unused-suppression", "A suppression comment matches no finding."),
    NOT_PARSED: (
        "file-not-parsed",
        "A file could not be parsed; its structured rules did not run.",
    ),
    SKIPPED: (
        "file-skipped",
        "A file was not read: too large, not a regular file, or a link out of the root.",
    ),
    RULE_FAILED: ("rule-failed", "A rule raised an error on a file; other rules still ran."),
    WORKER_CRASHED: ("worker-crashed", "A worker process died while scanning a file."),
    UNUSED_EXCEPTION: ("unused-exception", "A config exception matches no finding."),
    STALE_BASELINE: ("stale-baseline", "Baseline entries no longer match any finding."),
    SEMGREP_FAILED: (
        "semgrep-failed",
        "semgrep could not run a rule or file (or at all); the native findings are complete.",
    ),
    TIMED_OUT: (
        "file-timed-out",
        "A file took longer than --file-timeout; it was not scanned, the rest of the run "
        "was. The run fails unless --allow-unchecked.",
    ),
    OVER_BUDGET: (
        "file-over-budget",
        "A file had too many tokens to parse within the memory budget, or .gitignore "
        "files were too costly to match; it was not fully checked. The run fails unless "
        "--allow-unchecked.",
    ),
    DECODED: (
        "file-decoded",
        "A file in UTF-16 or UTF-32 without a byte-order mark: recognised and checked, "
        "or (a warning) too unlike ASCII to tell from binary data, and not checked.",
    ),
    TEMPLATE_NOT_READ: (
        "template-not-read",
        "Templated YAML (a Helm chart's templates, a `*.yml.tmpl`) stayed unreadable after "
        "its template actions were neutralised: one note per chart, listing the lines. "
        "Never fails --strict: a template is not a broken file.",
    ),
    CONFIG_BLIND: (
        "config-disables-scan",
        "A config in the scanned tree turns off every rule, or excludes or marks as test "
        "code every file.",
    ),
    HISTORY_INCOMPLETE: (
        "history-incomplete",
        "A history scan (--history) could not read all the history it was asked for: a "
        "shallow clone (the note says how far back it went), blobs missing from a partial "
        "clone, or paths git listed that could leave the work tree.",
    ),
}
# Files a budget left unchecked (or a worker that died on them): they fail the run
# unless the user allows it, so that no repository can hide a finding behind them.
# A rule that raised on a file left it unchecked too: a hostile file can make a rule
# raise on purpose (a 5,000-digit minKernel in a seccomp profile dropped its findings).
UNCHECKED_CODES = frozenset({TIMED_OUT, OVER_BUDGET, WORKER_CRASHED, RULE_FAILED})
# Notes --strict lets pass: templates read as far as a linter can without rendering.
STRICT_PASSES = frozenset({TEMPLATE_NOT_READ})
UNCHECKED_HINT = "; the run fails unless --allow-unchecked"


def note(
    code: str,
    message: str,
    path: str | None,
    line: int | None = None,
    column: int | None = None,
    level: NoticeLevel = NoticeLevel.WARNING,
    rule_id: str | None = None,
) -> Notification:
    return Notification(
        code=code,
        message=message,
        level=level,
        path=path,
        line=line,
        column=column,
        rule_id=rule_id,
    )


def rule_failed(rule_id: str, detector: str, path: str, exc: BaseException) -> Notification:
    """The error's type and where it was raised, never its text: an exception's
    message can quote the file (a value that did not convert), and a notification
    must not carry source text (a secret) into the output."""
    return note(
        RULE_FAILED,
        f"rule {rule_id} ({detector}) failed: {type(exc).__name__}{raised_at(exc)}"
        + UNCHECKED_HINT,
        path,
        rule_id=rule_id,
    )


def raised_at(exc: BaseException) -> str:
    """' at <module>:<line>' of the innermost frame in ztlint's own code, or ""."""
    import traceback

    # This module sits at the package's top: its folder is the package.
    package = os.path.dirname(os.path.abspath(__file__))
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        filename = os.path.abspath(frame.filename)
        if filename.startswith(package + os.sep):
            rel = os.path.relpath(filename, os.path.dirname(package)).replace(os.sep, "/")
            where = f" at {rel}:{frame.lineno}"
    return where
