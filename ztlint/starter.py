"""What `ztlint init` writes and prints: a commented starter configuration and the
pre-commit and GitHub workflow snippets. Every key below is validated by the tests
(tests/test_cli_workflow.py) so the starter never drifts from the config schema."""

from __future__ import annotations

from ztlint import __version__
from ztlint.release import ACTION_SHA

CONFIG = """\
# ztlint configuration. Every key is optional; see `ztlint rules` and
# `ztlint explain RULE`. Unknown keys stop the run with a message.

# select: [ZT1, ZT2, docker-socket-mount]   # only these rules (ids, names, families)
ignore: []                                  # rules to skip
# severity: {docker-socket-mount: critical}  # per-rule severity overrides
fail-on: low                                # lowest severity that fails the run
exclude: []                                 # path globs to skip, e.g. ["vendor/"]
# max-file-size: 2MiB
# file-timeout: 60                          # seconds per file; 0: no limit
tests: ignore                               # ignore | report (as notes) | fail
# extend-test-paths: ["e2e/"]

# Reviewed exceptions: each needs a reason, and shows as a suppression in SARIF.
exceptions: []
#  - rule: docker-socket-mount
#    path: deploy/docker-compose.yml
#    entity: socket-proxy
#    reason: filtering proxy; only GET /containers is exposed
"""

PRE_COMMIT = f"""\
repos:
  - repo: https://github.com/ztlint/ztlint
    rev: v{__version__}
    hooks:
      - id: ztlint
"""

# Every `uses:` pinned by commit with its version in a comment, no credentials left in
# the checkout, and `actions: read` for upload-sarif in private repositories: the
# workflow passes zizmor (tests/test_zizmor.py).
CHECKOUT = "actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0"

WORKFLOW = f"""\
name: ztlint
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
  actions: read            # upload-sarif reads the run (private repositories)
  security-events: write   # upload SARIF to code scanning
jobs:
  ztlint:
    name: ztlint
    runs-on: ubuntu-latest
    steps:
      - uses: {CHECKOUT}
        with:
          fetch-depth: 0     # lets `args: --diff origin/main` see the base revision
          persist-credentials: false
      - uses: ztlint/ztlint@{ACTION_SHA} # v{__version__}
"""
