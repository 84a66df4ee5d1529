"""The wheel carries the rule folders, and an installed (non-editable) build finds
them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_installed_wheel_finds_its_rules(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("ztlint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ztlint/_rules/ZT101-tls-verification-disabled/rule.yaml" in names
    assert "ztlint/_rules/ZT101-tls-verification-disabled/go.scm" in names
    assert "ztlint/schemas/report-v1.json" in names
    assert "ztlint/schemas/config.schema.json" in names
    # `--semgrep builtin` reads the taint rules from the installed package.
    assert "ztlint/_rules/semgrep/timing-unsafe-comparison.yaml" in names
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import ztlint.registry as r, sys; d = r.rules_dir(); rules = r.load_rules();"
        "print(d); print(len(rules)); sys.exit(0 if rules else 1)"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    where, count = proc.stdout.split()
    assert Path(where) == target / "ztlint" / "_rules"
    assert int(count) >= 4
