"""Output files in a hostile tree: a symbolic link planted where ztlint writes (`scan -o`,
`--update-baseline`, `baseline -o`, `init`, the Action's SARIF) is replaced, never
written through, so the file it points to outside the tree is unchanged; a file that
cannot be written is one line on stderr and exit 2, never a traceback, and no temporary
file is left behind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ztlint.safeio import UnwritableError, linked_folder, write_text

BAD_GO = 'package x\n\nimport "crypto/tls"\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n'
VICTIM_TEXT = "precious: the file outside the tree a link points to\n"


def python(
    cwd: Path, *args: str, env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, *args],
        cwd=cwd,
        env=(env or dict(os.environ)) | {"CI": "true"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def ztlint(cwd: Path, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return python(cwd, "-m", "ztlint", *args, prefix=prefix)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A scanned tree with one finding, beside (not containing) the victim's folder."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "dial.go").write_text(BAD_GO)
    return repo


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "victim.txt"
    path.write_text(VICTIM_TEXT)
    return path


def plant_link(at: Path, target: Path) -> None:
    at.symlink_to(target)
    assert at.is_symlink()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".ztlint-"))


def assert_clean_error(proc: subprocess.CompletedProcess[str], path: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"ztlint: error: cannot write {path}: "), lines


# --- the function ---------------------------------------------------------------------


def test_write_text_replaces_a_link_and_leaves_its_target(tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "out.txt"
    plant_link(out, victim)
    write_text(str(out), "report\n")
    assert victim.read_text() == VICTIM_TEXT
    assert not out.is_symlink() and out.read_text() == "report\n"
    assert leftovers(tmp_path) == []


def test_write_text_gives_the_mode_open_would(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    write_text(str(out), "x")
    mask = os.umask(0o022)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_write_text_escapes_stray_surrogates(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    write_text(str(out), "name \udcff.go\n")
    assert out.read_bytes() == b"name \\udcff.go\n"


def test_write_text_errors_are_one_line_and_leave_nothing(tmp_path: Path) -> None:
    with pytest.raises(UnwritableError, match=r"^cannot write .*missing/x: No such file"):
        write_text(str(tmp_path / "missing" / "x"), "x")
    (tmp_path / "dir").mkdir()
    with pytest.raises(UnwritableError, match=r"^cannot write .*dir: Is a directory"):
        write_text(str(tmp_path / "dir"), "x")
    assert leftovers(tmp_path) == []


def test_linked_folder_finds_a_link_on_the_way(tmp_path: Path, victim: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "away").symlink_to(victim.parent, target_is_directory=True)
    top = str(tmp_path)
    assert linked_folder(str(tmp_path / "real" / "away" / "deep" / "z.sarif"), top) == str(
        tmp_path / "real" / "away"
    )
    assert linked_folder(str(tmp_path / "real" / "z.sarif"), top) is None
    assert linked_folder(str(tmp_path / "new" / "z.sarif"), top) is None
    assert linked_folder(str(tmp_path / "z.sarif"), top) is None
    assert linked_folder("/elsewhere/z.sarif", top) is None  # named outside: not our tree


# --- the command line -------------------------------------------------------------------


def test_scan_output_link_is_replaced(tree: Path, victim: Path) -> None:
    plant_link(tree / "report.txt", victim)
    proc = ztlint(tree, "scan", ".", "-o", "report.txt")
    assert proc.returncode == 1, proc.stderr
    assert victim.read_text() == VICTIM_TEXT
    out = tree / "report.txt"
    assert not out.is_symlink() and "ZT101" in out.read_text()


def test_baseline_output_link_is_replaced(tree: Path, victim: Path) -> None:
    plant_link(tree / ".ztlint-baseline.json", victim)
    proc = ztlint(tree, "baseline", ".")
    assert proc.returncode == 0, proc.stderr
    assert victim.read_text() == VICTIM_TEXT
    out = tree / ".ztlint-baseline.json"
    assert not out.is_symlink()
    assert [e[0] for e in json.loads(out.read_text())["entries"]] == ["ZT101"]


def test_baseline_link_is_neither_read_nor_written(tree: Path, tmp_path: Path) -> None:
    # A link planted at the baseline's path would make ztlint read (and, with
    # --update-baseline, rewrite) a file outside the tree: it is refused with exit 2.
    (tree / "also.go").write_text(BAD_GO)
    victim = tmp_path / "outside-baseline.json"
    assert ztlint(tree, "baseline", ".", "-o", str(victim)).returncode == 0
    before = victim.read_bytes()
    (tree / "also.go").unlink()
    plant_link(tree / "b.json", victim)
    for extra in ((), ("--update-baseline",)):
        proc = ztlint(tree, "scan", ".", "--baseline", "b.json", *extra)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert (
            proc.stderr
            == "ztlint: error: b.json: is a symbolic link; a baseline is read only from a regular file\n"
        )
        assert victim.read_bytes() == before
        assert (tree / "b.json").is_symlink()


def test_update_baseline_writes_a_new_file(tree: Path) -> None:
    (tree / "also.go").write_text(BAD_GO)
    assert ztlint(tree, "baseline", ".", "-o", "b.json").returncode == 0
    (tree / "also.go").unlink()
    proc = ztlint(tree, "scan", ".", "--baseline", "b.json", "--update-baseline")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(json.loads((tree / "b.json").read_text())["entries"]) == 1


def test_init_link_is_refused_then_replaced(tree: Path, victim: Path, tmp_path: Path) -> None:
    plant_link(tree / ".ztlint.yaml", victim)
    proc = ztlint(tree, "init")
    assert proc.returncode == 2 and "exists" in proc.stderr
    proc = ztlint(tree, "init", "--force")
    assert proc.returncode == 0, proc.stderr
    assert victim.read_text() == VICTIM_TEXT
    assert not (tree / ".ztlint.yaml").is_symlink()
    # A dangling link counts as existing too, and --force never creates its target.
    (tree / ".ztlint.yaml").unlink()
    ghost = tmp_path / "outside" / "ghost.yaml"
    plant_link(tree / ".ztlint.yaml", ghost)
    assert ztlint(tree, "init").returncode == 2
    assert ztlint(tree, "init", "--force").returncode == 0
    assert not ghost.exists() and not (tree / ".ztlint.yaml").is_symlink()


@pytest.mark.parametrize(
    "args",
    [
        ("scan", ".", "-o", "missing/report.txt"),
        ("baseline", ".", "-o", "missing/b.json"),
        ("baseline", ".", "-o", "/missing/dir/b.json"),
    ],
)
def test_missing_folder_is_a_clean_error(tree: Path, args: tuple[str, ...]) -> None:
    assert_clean_error(ztlint(tree, *args), args[-1])


def test_directory_in_the_way_is_a_clean_error(tree: Path) -> None:
    (tree / ".ztlint.yaml").mkdir()
    assert_clean_error(ztlint(tree, "init", "--force"), ".ztlint.yaml")
    assert leftovers(tree) == []


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv to drop DAC_OVERRIDE")
@pytest.mark.parametrize(
    "args",
    [
        ("scan", "..", "-o", "report.txt"),
        ("baseline", "..", "-o", "b.json"),
        ("scan", "..", "--baseline", "b.json", "--update-baseline"),
        ("init",),
    ],
)
def test_read_only_folder_is_a_clean_error(tree: Path, args: tuple[str, ...]) -> None:
    ro = tree / "ro"
    ro.mkdir()
    if "--update-baseline" in args:
        assert ztlint(ro, "baseline", "..", "-o", "b.json").returncode == 0
    ro.chmod(0o555)
    drop = ("setpriv", "--inh-caps=-all", "--bounding-set=-all")
    probe = subprocess.run([*drop, "touch", str(ro / "probe")], capture_output=True, check=False)
    if probe.returncode == 0:
        pytest.skip("cannot drop the capability to write a read-only folder here")
    try:
        proc = ztlint(ro, *args, prefix=drop)
        name = "b.json" if "--update-baseline" in args else args[-1]
        assert_clean_error(proc, ".ztlint.yaml" if args == ("init",) else name)
        assert leftovers(ro) == []
    finally:
        ro.chmod(0o755)


# --- the Action's SARIF file ----------------------------------------------------------


def run_action(tree: Path, tmp_path: Path, sarif_file: str) -> subprocess.CompletedProcess[str]:
    """ztlint.action as action.yml starts it: isolated, from outside the checkout."""
    start = tmp_path / "runner-temp"
    start.mkdir(exist_ok=True)
    env = dict(os.environ) | {
        "ZTLINT_WORKSPACE": str(tree),
        "ZTLINT_SARIF": sarif_file,
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
    }
    return python(start, "-I", "-m", "ztlint.action", env=env)


def test_action_sarif_link_is_replaced(tree: Path, victim: Path, tmp_path: Path) -> None:
    plant_link(tree / "ztlint.sarif", victim)
    proc = run_action(tree, tmp_path, "ztlint.sarif")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert victim.read_text() == VICTIM_TEXT
    sarif = tree / "ztlint.sarif"
    assert not sarif.is_symlink()
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] == "ZT101"


def test_action_sarif_folder_link_is_refused(tree: Path, victim: Path, tmp_path: Path) -> None:
    (tree / "reports").symlink_to(victim.parent, target_is_directory=True)
    before = sorted(os.listdir(victim.parent))
    proc = run_action(tree, tmp_path, "reports/ztlint.sarif")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    errors = [line for line in proc.stdout.splitlines() if line.startswith("::error")]
    assert errors == [
        "::error title=ztlint::cannot write reports/ztlint.sarif: "
        f"{tree / 'reports'} is a symbolic link"
    ]
    assert sorted(os.listdir(victim.parent)) == before
    assert victim.read_text() == VICTIM_TEXT


def test_action_unwritable_sarif_is_an_error_annotation(tree: Path, tmp_path: Path) -> None:
    (tree / "ztlint.sarif").mkdir()
    proc = run_action(tree, tmp_path, "ztlint.sarif")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "::error title=ztlint::cannot write ztlint.sarif: Is a directory" in proc.stdout
    assert leftovers(tree) == []
