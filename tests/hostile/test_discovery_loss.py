"""No silent loss (issue #22, item 11): a folder or file the scan cannot read is a
notification naming it, never a silent drop and never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli_workflow import git
from ztlint.config import Config
from ztlint.discovery import SKIPPED
from ztlint.engine import run

BAD_GO = "package x\nvar c = &tls.Config{InsecureSkipVerify: true}\n"
# Run as root without the capabilities that let root read anything (DAC override):
# then a folder with mode 000 is unreadable, as it is for any other user.
NO_DAC = ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]


def _lock(folder: Path) -> Path:
    """Make `folder` unreadable to a process without DAC override; skip the test
    where that cannot be arranged."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is not installed: cannot drop the DAC capabilities")
    folder.chmod(0)
    probe = subprocess.run([*NO_DAC, "ls", str(folder)], capture_output=True, check=False)
    if probe.returncode == 0:
        folder.chmod(0o755)
        pytest.skip("this platform still reads a mode-000 folder without DAC capabilities")
    return folder


@pytest.fixture
def unlock(tmp_path: Path) -> object:
    yield None
    for path in tmp_path.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    for path in [tmp_path, *tmp_path.iterdir()]:
        if path.is_dir():
            path.chmod(0o755)


def _scan_unprivileged(root: Path, *args: str) -> tuple[int, dict[str, object]]:
    proc = subprocess.run(
        [
            *NO_DAC,
            sys.executable,
            "-m",
            "ztlint",
            "scan",
            ".",
            "--no-cache",
            "--format",
            "json",
            *args,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def _skipped(report: dict[str, object]) -> dict[str, str]:
    notes = report["notifications"]
    assert isinstance(notes, list)
    return {n["path"]: n["message"] for n in notes if n["code"] == SKIPPED}


def test_an_unreadable_folder_outside_git_is_reported(tmp_path: Path, unlock: object) -> None:
    root = tmp_path / "root"
    (root / "locked").mkdir(parents=True)
    (root / "ok.go").write_text("package x\n")
    (root / "locked" / "hidden.go").write_text(BAD_GO)
    _lock(root / "locked")
    code, report = _scan_unprivileged(root)
    assert code == 0 and report["findings"] == []
    assert "Permission denied" in _skipped(report)["locked"]
    assert _scan_unprivileged(root, "--strict")[0] == 1


def test_a_tracked_file_under_an_unreadable_folder_is_reported(
    tmp_path: Path, unlock: object
) -> None:
    root = tmp_path / "root"
    (root / "locked").mkdir(parents=True)
    (root / "ok.go").write_text("package x\n")
    (root / "locked" / "tracked.go").write_text(BAD_GO)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    (root / "locked" / "untracked.go").write_text(BAD_GO)
    _lock(root / "locked")
    code, report = _scan_unprivileged(root)
    skipped = _skipped(report)
    assert code == 0 and report["findings"] == []
    assert "Permission denied" in skipped["locked/tracked.go"]
    # The untracked files git could not list: the folder itself is named.
    assert "Permission denied" in skipped["locked"]
    assert _scan_unprivileged(root, "--strict")[0] == 1


def _deep_tree(base: Path, total: int) -> list[str]:
    """Folders of 200-character names below `base`, `total` characters deep, with a
    Go file at the bottom; created through directory descriptors, as no single path
    that long can be passed to the kernel."""
    names = []
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        while sum(len(n) + 1 for n in names) < total:
            name = chr(ord("a") + len(names) % 26) * 200
            os.mkdir(name, dir_fd=fd)
            new = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = new
            names.append(name)
        leaf = os.open("deep.go", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(leaf, BAD_GO.encode())
        os.close(leaf)
    finally:
        os.close(fd)
    return names


@pytest.mark.parametrize("in_git", [False, True])
def test_a_path_over_the_length_limit_is_reported(tmp_path: Path, in_git: bool) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.go").write_text("package x\n")
    names = _deep_tree(root, 4200)
    if in_git:
        git(root, "init", "-q")
    report = run(["."], Config(), jobs=1, cwd=str(root))
    assert report.findings == ()
    lost = [n for n in report.notifications if n.code == SKIPPED]
    assert lost, "the deep tree vanished without a notification"
    assert all(n.path and n.path.startswith(names[0]) for n in lost)
    assert any("too long" in n.message for n in lost) or in_git
    assert report.exit_code(strict=True) == 1


def test_a_file_that_vanishes_after_listing_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ztlint.discovery as discovery

    root = tmp_path / "root"
    root.mkdir()
    (root / "gone.go").write_text(BAD_GO)
    real = discovery._walk

    def walk_then_delete(top: str, unread: list[tuple[str, OSError]]) -> list[str]:
        listed = real(top, unread)
        (root / "gone.go").unlink()
        return listed

    monkeypatch.setattr(discovery, "_walk", walk_then_delete)
    report = run(["."], Config(), jobs=1, cwd=str(root))
    assert [(n.path, n.code) for n in report.notifications] == [("gone.go", SKIPPED)]
    assert "disappeared" in report.notifications[0].message
