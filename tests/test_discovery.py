"""Which files a scan reads: git-aware, .gitignore-aware outside git, excludes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ztlint.discovery import discover
from ztlint.globs import compile_glob, match_any


def _files(
    root: Path, targets: list[str] | None = None, exclude: tuple[str, ...] = ()
) -> list[str]:
    return [f.rel for f in discover(targets or ["."], exclude, str(root)).files]


def _tree(root: Path) -> None:
    for rel in [
        "a.go",
        "build/out.go",
        "keep/x.log",
        "keep/important.log",
        "src/b.rs",
        "src/gen/c.rs",
        "docs/d.md",
    ]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    (root / ".gitignore").write_text("build/\n*.log\n!important.log\n/docs\n")
    (root / "src" / ".gitignore").write_text("gen/\n")


def test_walk_honours_gitignore_outside_git(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _files(tmp_path) == [
        ".gitignore",
        "a.go",
        "keep/important.log",
        "src/.gitignore",
        "src/b.rs",
    ]


def test_git_work_tree_lists_tracked_and_untracked_not_ignored(tmp_path: Path) -> None:
    _tree(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "build").mkdir(exist_ok=True)
    (tmp_path / "build" / "tracked.go").write_text("x\n")
    subprocess.run(["git", "add", "-f", "build/tracked.go", "a.go"], cwd=tmp_path, check=True)
    files = _files(tmp_path)
    assert files == [
        ".gitignore",
        "a.go",
        "build/tracked.go",
        "keep/important.log",
        "src/.gitignore",
        "src/b.rs",
    ]
    # A repository config naming an fsmonitor hook is refused before git runs:
    # tests/hostile/test_git_hostile.py.


def test_subdirectory_of_a_git_tree_and_explicit_files(tmp_path: Path) -> None:
    _tree(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    assert _files(tmp_path, ["src"]) == ["src/.gitignore", "src/b.rs"]
    # An explicit file is scanned even when ignored; excludes still apply.
    assert _files(tmp_path, ["build/out.go"]) == ["build/out.go"]
    assert _files(tmp_path, ["build/out.go"], exclude=("build/",)) == []


def test_excludes_and_sorting(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _files(tmp_path, exclude=("src/", "*.log", ".gitignore")) == ["a.go"]


def test_missing_target_is_a_notification(tmp_path: Path) -> None:
    found = discover(["nope"], (), str(tmp_path))
    assert not found.files and found.notifications[0].path == "nope"


def test_globs() -> None:
    assert compile_glob("tests/").match("pkg/tests/a.py")
    assert not compile_glob("tests/").match("pkg/tests.py")
    assert compile_glob("*_test.go").match("a/b/x_test.go")
    assert compile_glob("deploy/*.yml").match("deploy/a.yml")
    assert not compile_glob("deploy/*.yml").match("x/deploy/a.yml")
    assert compile_glob("**/k8s/**").match("a/b/k8s/c/d.yaml")
    assert compile_glob("*.spec.*").match("web/app.spec.ts")
    assert match_any(("fuzz/", "conftest.py"), "x/conftest.py")
