"""The taint rules ztlint ships for semgrep (rules/semgrep/) pass their own tests.

semgrep is optional and lives in its own environment: CI installs it and sets
ZTLINT_SEMGREP_BIN; elsewhere `semgrep` on PATH is used, or the test is skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parent.parent / "rules" / "semgrep"
SEMGREP = os.environ.get("ZTLINT_SEMGREP_BIN") or shutil.which("semgrep")


@pytest.mark.skipif(SEMGREP is None, reason="semgrep is not installed")
def test_builtin_taint_rules_pass_semgrep_test() -> None:
    assert SEMGREP is not None
    proc = subprocess.run(
        [SEMGREP, "--test", "--metrics=off", "--disable-version-check", str(RULES)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SEMGREP_SEND_METRICS": "off"},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "All tests passed" in proc.stdout + proc.stderr


def test_every_builtin_rule_has_a_test_file() -> None:
    rules = sorted(RULES.glob("*.yaml"))
    assert len(rules) >= 4
    for rule in rules:
        tests = [p for p in RULES.glob(rule.stem + ".*") if p.suffix != ".yaml"]
        assert tests, f"{rule.name} has no test file"
