"""Values stamped into the package when a release is built.

`ACTION_SHA` is the commit of the release tag: `ztlint init` prints a workflow that pins
ztlint's own action to it (`uses: ztlint/ztlint@<sha> # v<version>`), as zizmor asks of
every `uses:`. A tag's commit is known only once the tag exists, so the source holds a
40-hex placeholder and the release job writes the tagged commit into the built package
(`sed` on this line; tests/test_zizmor.py checks the shape either way).
"""

from __future__ import annotations

PLACEHOLDER_SHA = "0" * 40
ACTION_SHA = "0000000000000000000000000000000000000000"
