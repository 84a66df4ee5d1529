"""The GitHub Action's one script: `python -m ztlint.action`.

action.yml passes its inputs as environment variables:

  ZTLINT_PATHS     paths to scan, one per line (a path may hold spaces); a single line
                   is split at whitespace (default ".")
  ZTLINT_ARGS      extra `ztlint scan` arguments, split like a shell would
  ZTLINT_FAIL_ON   lowest severity that fails the step ("" = the configuration's)
  ZTLINT_SARIF     where to write the SARIF file (default "ztlint.sarif")
  ZTLINT_CATEGORY  SARIF automationDetails category (default none: id "ztlint/")
  ZTLINT_UPLOAD    "true" to upload to code scanning (default), "false" not to
  ZTLINT_HISTORY   "" (default: the working tree), "pull-request" (the pull request's
                   commits), "all" (every ref) or a revision range: scan git history
  ZTLINT_WORKSPACE the checkout, where the paths are (default GITHUB_WORKSPACE, else
                   the working folder)

action.yml runs it as `python -I -m ztlint.action` from a folder outside the checkout,
with the checkout's path in ZTLINT_WORKSPACE: nothing in the checkout is on sys.path,
and the script changes into the checkout only after its imports, so that the inputs'
paths mean what they mean to the workflow.

The readable report, and anything else printed while the scan runs, goes between
`::stop-commands::TOKEN` and `::TOKEN::` with a TOKEN no one can guess, so no file name
or line in the scanned repository can act as a workflow command; the Action's own
commands (errors, annotations, the fork warning) come after that.

It scans once, writes the SARIF file (suppressed results left out: GitHub ignores SARIF
suppressions and would raise them as alerts), prints the readable report, and tells the
later steps through $GITHUB_OUTPUT whether to upload, where the file is and the exit
code. When the token cannot upload (a pull request from a fork, or from Dependabot), it
prints annotations instead, keeps the SARIF as an artifact and says so. It always exits
0 itself when the scan ran, so that the upload happens before the step fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shlex
import sys
import traceback
from collections.abc import Iterator
from typing import Any

# Everything the scan needs is imported before the script enters the checkout (with -I
# the working folder is not on sys.path anyway).
import ztlint.engine  # noqa: F401  (the scan command imports it on first use)
from ztlint.commands import scan as scan_command
from ztlint.commands.options import build_config
from ztlint.config import ConfigError
from ztlint.history import cli as history_cli
from ztlint.reporters import github, sarif, text
from ztlint.safeio import UnwritableError, linked_folder, write_text

FALSE = ("false", "0", "no", "off")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def workspace(environ: dict[str, str]) -> str:
    """The checkout to scan: action.yml passes it, since the script starts elsewhere."""
    return environ.get("ZTLINT_WORKSPACE") or environ.get("GITHUB_WORKSPACE") or os.getcwd()


def upload_blocked(environ: dict[str, str]) -> str | None:
    """Why this run's token cannot upload SARIF, or None."""
    event = environ.get("GITHUB_EVENT_NAME", "")
    if event not in ("pull_request", "pull_request_review", "pull_request_review_comment"):
        return None
    if environ.get("GITHUB_ACTOR", "") == "dependabot[bot]":
        return "pull requests from Dependabot get a read-only token"
    try:
        with open(environ.get("GITHUB_EVENT_PATH", ""), encoding="utf-8") as fh:
            payload = json.load(fh)
        head = payload["pull_request"]["head"]["repo"]["full_name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if head != environ.get("GITHUB_REPOSITORY", ""):
        return f"pull requests from forks ({head}) get a read-only token"
    return None


def _outputs(values: dict[str, str]) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        for key, value in values.items():
            fh.write(f"{key}={value}\n")


def _summary(text: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


def _error(message: str) -> None:
    print(f"::error title=ztlint::{github.shown_data(message)}", flush=True)


@contextlib.contextmanager
def commands_stopped() -> Iterator[None]:
    """Whatever is printed inside, on standard output or error (child processes
    included), shows in the log but is never acted on as a workflow command: the runner
    ignores commands from `::stop-commands::TOKEN` until `::TOKEN::`, and TOKEN is new
    for every run and unguessable."""
    token = secrets.token_hex(16)
    sys.stderr.flush()
    print(f"::stop-commands::{token}", flush=True)
    saved = os.dup(2)
    # One stream, so nothing written to stderr (here or by a child) lands after the resume.
    os.dup2(1, 2)
    try:
        with contextlib.redirect_stderr(sys.stdout):
            yield
    finally:
        sys.stderr.flush()
        sys.stdout.flush()
        os.dup2(saved, 2)
        os.close(saved)
        print(f"::{token}::", flush=True)


def input_paths(value: str) -> list[str]:
    """The `paths` input: one path per line when it has several lines (`paths: |`), so
    a path may hold spaces; a single line is split at whitespace, as before."""
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if len(lines) > 1:
        return lines
    return value.split() or ["."]


def _write_sarif(path: str, content: str) -> str | None:
    """Write the SARIF file; the reason it could not be written, or None. A link in the
    checkout may not redirect it: not at the file (it is replaced) and not in a folder
    on the way (refused)."""
    link = linked_folder(path, os.getcwd())
    if link:
        return f"cannot write {path}: {link} is a symbolic link"
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        write_text(path, content)
    except UnwritableError as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None


def _scan(sarif_path: str) -> tuple[Any, dict[str, Any]] | str:
    """Scan, write the SARIF file and print the readable report; the report and the
    scan's options, or why it failed."""
    try:
        extra = shlex.split(_env("ZTLINT_ARGS"))
    except ValueError as exc:  # an unbalanced quote
        return f"bad inputs: args: {exc}"
    history = _env("ZTLINT_HISTORY")
    # A history scan reads the repository's commits, not paths.
    paths = [] if history else input_paths(_env("ZTLINT_PATHS", "."))
    args = [*paths, *extra]
    if _env("ZTLINT_FAIL_ON"):
        args += ["--fail-on", _env("ZTLINT_FAIL_ON")]
    try:
        params: dict[str, Any] = scan_command.scan.make_context("scan", args).params
    except Exception as exc:  # click usage errors
        return f"bad inputs: {exc}"
    params["category"] = _env("ZTLINT_CATEGORY") or params["category"]
    try:
        if history:
            params["history"] = history_cli.action_range(history, dict(os.environ))
        config = build_config(params, never_scan=(sarif_path,))
        report = scan_command.scan_report(params, config)
    except (ConfigError, UnwritableError) as exc:
        return str(exc)
    failed = _write_sarif(
        sarif_path, sarif.render(report, category=params["category"], omit_suppressed=True)
    )
    if failed:
        return failed
    print(text.render(report), end="")
    return report, params


def main() -> int:
    root = workspace(dict(os.environ))
    try:
        os.chdir(root)
    except OSError as exc:
        _error(f"cannot enter the workspace {root}: {exc.strerror or exc}")
        return 2
    sarif_path = _env("ZTLINT_SARIF", "ztlint.sarif")
    with commands_stopped():
        try:
            scanned = _scan(sarif_path)
        except Exception:
            traceback.print_exc(file=sys.stdout)
            scanned = "ztlint failed; the traceback is in the log above"
    if isinstance(scanned, str):
        _error(scanned)
        return 2
    report, params = scanned

    want_upload = _env("ZTLINT_UPLOAD", "true").lower() not in FALSE
    blocked = upload_blocked(dict(os.environ)) if want_upload else None
    if blocked or not want_upload:
        print(github.render(report), end="")
    if blocked:
        print(
            "::warning title=ztlint::"
            + github.shown_data(
                f"SARIF not uploaded to code scanning: {blocked}. "
                "The findings are shown as annotations and the SARIF file is kept as the "
                "workflow artifact 'ztlint-sarif'."
            )
        )
    code = report.exit_code(strict=bool(params["strict"]))
    failing = len(report.failing())
    _outputs(
        {
            "sarif-file": sarif_path,
            "findings": str(sum(1 for f in report.findings if f.active)),
            "exit-code": str(code),
            "upload": "true" if want_upload and not blocked else "false",
            "artifact": "true" if blocked else "false",
        }
    )
    _summary(
        f"### ztlint\n\n{failing} finding(s) at or above `{report.fail_on.label}` in "
        f"{report.files_scanned} files.\n"
        + (
            f"\nSARIF not uploaded: {blocked}; kept as the artifact `ztlint-sarif`.\n"
            if blocked
            else ""
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
