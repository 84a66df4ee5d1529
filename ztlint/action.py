"""The GitHub Action's one script: `python -m ztlint.action`.

action.yml passes its inputs as environment variables:

  ZTLINT_PATHS     paths to scan, separated by whitespace (default ".")
  ZTLINT_ARGS      extra `ztlint scan` arguments, split like a shell would
  ZTLINT_FAIL_ON   lowest severity that fails the step ("" = the configuration's)
  ZTLINT_SARIF     where to write the SARIF file (default "ztlint.sarif")
  ZTLINT_CATEGORY  SARIF automationDetails category (default none: id "ztlint/")
  ZTLINT_UPLOAD    "true" to upload to code scanning (default), "false" not to

It scans once, writes the SARIF file (suppressed results left out: GitHub ignores SARIF
suppressions and would raise them as alerts), prints the readable report, and tells the
later steps through $GITHUB_OUTPUT whether to upload, where the file is and the exit
code. When the token cannot upload (a pull request from a fork, or from Dependabot), it
prints annotations instead, keeps the SARIF as an artifact and says so. It always exits
0 itself when the scan ran, so that the upload happens before the step fails.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from typing import Any

from ztlint.config import ConfigError

FALSE = ("false", "0", "no", "off")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


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


def main() -> int:
    from ztlint import cli
    from ztlint.reporters import github, sarif, text

    paths = _env("ZTLINT_PATHS", ".").split()
    sarif_path = _env("ZTLINT_SARIF", "ztlint.sarif")
    args = [*paths, *shlex.split(_env("ZTLINT_ARGS"))]
    if _env("ZTLINT_FAIL_ON"):
        args += ["--fail-on", _env("ZTLINT_FAIL_ON")]
    try:
        params: dict[str, Any] = cli.scan.make_context("scan", args).params
    except Exception as exc:  # click usage errors
        print(f"::error title=ztlint::bad inputs: {github.escape_data(str(exc))}")
        return 2
    params["category"] = _env("ZTLINT_CATEGORY") or params["category"]
    try:
        config = cli.build_config(params, never_scan=(sarif_path,))
        report = cli.scan_report(params, config)
    except ConfigError as exc:
        print(f"::error title=ztlint::{github.escape_data(str(exc))}")
        return 2

    os.makedirs(os.path.dirname(os.path.abspath(sarif_path)), exist_ok=True)
    with open(sarif_path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(sarif.render(report, category=params["category"], omit_suppressed=True))
    print(text.render(report), end="")

    want_upload = _env("ZTLINT_UPLOAD", "true").lower() not in FALSE
    blocked = upload_blocked(dict(os.environ)) if want_upload else None
    if blocked or not want_upload:
        print(github.render(report), end="")
    if blocked:
        print(
            f"::warning title=ztlint::SARIF not uploaded to code scanning: {blocked}. "
            "The findings are shown as annotations and the SARIF file is kept as the "
            "workflow artifact 'ztlint-sarif'."
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
