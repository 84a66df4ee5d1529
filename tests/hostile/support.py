"""What the hostile-repository tests share: ztlint in a fresh process, as CI, a shell
or pre-commit starts it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_ztlint(
    cwd: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    isolated: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`python -m ztlint ARGS` in `cwd` (with `-I` when `isolated`: nothing in `cwd` is
    importable), text output captured, never raising on a non-zero exit."""
    return subprocess.run(
        [sys.executable, *(["-I"] if isolated else []), "-m", "ztlint", *args],
        cwd=cwd,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
