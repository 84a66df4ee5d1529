"""Git as a hostile input (issue #22, items 3 and 9): a repository's own git
configuration never makes ztlint run a program or read another work tree, and
`--diff` keeps every changed line of every file, whatever the file names or the
changed text look like."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.test_cli_workflow import git
from ztlint import gitdiff
from ztlint.cli import main
from ztlint.config import ConfigError
from ztlint.gitrun import Git

BAD_GO = "package x\nvar c = &tls.Config{InsecureSkipVerify: true}\n"


def scan(root: Path, *args: str) -> Result:
    with contextlib.chdir(root):
        return CliRunner().invoke(main, ["scan", ".", "--no-cache", "--format", "json", *args])


def found(result: Result) -> list[tuple[str, int, str]]:
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    return [(f["path"], f["start_line"], f["rule_id"]) for f in data["findings"]]


def committed(root: Path, files: dict[str, str]) -> Path:
    """A new repository at `root` whose one commit holds `files`."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    for name, text in files.items():
        (root / name).write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    root = committed(
        tmp_path / "repo", {"a.go": "package x\n", ".gitattributes": "* diff=x filter=x\n"}
    )
    (root / "a.go").write_text(BAD_GO)  # a change for --diff to look at
    yield root


def _plant(repo: Path, marker: Path, kind: str) -> str:
    """Add one hostile setting to the repository's own config; returns its key."""
    cmd = f"touch {marker}"
    hook = repo.parent / "hook.sh"
    hook.write_text(f"#!/bin/sh\n{cmd}\ncat\n")
    hook.chmod(0o755)
    config = repo / ".git" / "config"
    if kind == "textconv":
        git(repo, "config", "diff.x.textconv", cmd)
        return "diff.x.textconv"
    if kind == "filter":
        # A clean filter runs even under --no-textconv --no-ext-diff: git diff hashes
        # the work tree through it.
        git(repo, "config", "filter.x.clean", str(hook))
        return "filter.x.clean"
    if kind == "fsmonitor":
        git(repo, "config", "core.fsmonitor", str(hook))
        return "core.fsmonitor"
    if kind == "pager":
        git(repo, "config", "core.pager", cmd)
        return "core.pager"
    if kind == "include":
        included = repo.parent / "included.cfg"
        included.write_text(f'[diff "x"]\n\ttextconv = {cmd}\n')
        config.write_text(config.read_text() + f"[include]\n\tpath = {included}\n")
        return "diff.x.textconv"
    if kind == "includeif":
        included = repo.parent / "included.cfg"
        included.write_text(f'[filter "x"]\n\tclean = {hook}\n')
        config.write_text(config.read_text() + f'[includeIf "gitdir:/"]\n\tpath = {included}\n')
        return "filter.x.clean"
    if kind in ("excludesfile", "attributesfile"):
        outside = repo.parent / f"outside-{kind}"
        outside.write_text("*.go\n" if kind == "excludesfile" else "* diff=x filter=x\n")
        git(repo, "config", f"core.{kind}", str(outside))
        return f"core.{kind}"
    if kind == "lfs-lookalike":
        git(repo, "config", "filter.lfs.clean", f"git-lfs clean -- %f; {cmd}")
        (repo / ".gitattributes").write_text("* filter=lfs\n")
        return "filter.lfs.clean"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "textconv",
        "filter",
        "fsmonitor",
        "pager",
        "include",
        "includeif",
        "lfs-lookalike",
        "excludesfile",
        "attributesfile",
    ],
)
@pytest.mark.parametrize("mode", [["--diff", "HEAD"], [], ["--staged"]])
def test_a_repository_config_naming_a_program_stops_the_run(
    repo: Path, kind: str, mode: list[str]
) -> None:
    marker = repo.parent / "MARKER"
    key = _plant(repo, marker, kind)
    if mode == ["--staged"]:
        safe = ["filter.x.clean=cat", "filter.lfs.clean=cat", "core.fsmonitor=false"]
        git(repo, *(f for c in safe for f in ("-c", c)), "add", "a.go")
        assert not marker.exists()
    result = scan(repo, *mode)
    assert result.exit_code == 2, result.output
    assert key in result.output.lower()
    assert "InsecureSkipVerify" not in result.output
    assert not marker.exists(), "git ran a program named by the repository's config"


def test_git_would_have_run_the_planted_programs(repo: Path) -> None:
    """The attacks are real: plain git runs the textconv and the clean filter."""
    marker = repo.parent / "MARKER"
    _plant(repo, marker, "textconv")
    git(repo, "diff", "HEAD")
    assert marker.exists()
    marker.unlink()
    _plant(repo, marker, "filter")
    (repo / "a.go").touch()
    git(repo, "diff", "--no-textconv", "--no-ext-diff", "HEAD")
    assert marker.exists()


def test_core_worktree_pointing_outside_is_refused(repo: Path) -> None:
    outside = repo.parent / "outside"
    outside.mkdir()
    (outside / "elsewhere.go").write_text(BAD_GO)
    git(repo, "config", "core.worktree", str(outside))
    for mode in (["--diff", "HEAD"], []):
        result = scan(repo, *mode)
        assert result.exit_code == 2, result.output
        assert "core.worktree" in result.output
        assert "elsewhere.go" not in result.output


@pytest.mark.parametrize("how", ["gitfile", "symlink"])
def test_a_dot_git_pointing_outside_the_scanned_folder_is_refused(tmp_path: Path, how: str) -> None:
    elsewhere = committed(tmp_path / "elsewhere", {"private.go": BAD_GO})
    root = tmp_path / "root"
    root.mkdir()
    (root / "private.go").write_text("package x\n")
    if how == "gitfile":
        (root / ".git").write_text("gitdir: ../elsewhere/.git\n")
    else:
        (root / ".git").symlink_to(elsewhere / ".git")
    for mode in (["--diff", "HEAD"], []):
        result = scan(root, *mode)
        assert result.exit_code == 2, result.output
        assert "outside the scanned folder" in result.output
        assert "InsecureSkipVerify" not in result.output


def test_git_worktrees_and_harmless_settings_are_accepted(repo: Path) -> None:
    git(repo, "commit", "-qam", "bad")
    # A boolean core.fsmonitor names no program; git-lfs's own filter lines are what
    # actions/checkout writes with `lfs: true`; an included file is checked key by key
    # (actions/checkout v6+ includes its credentials this way).
    git(repo, "config", "core.fsmonitor", "false")
    git(repo, "config", "filter.lfs.clean", "git-lfs clean -- %f")
    git(repo, "config", "filter.lfs.process", "git-lfs filter-process")
    git(repo, "config", "filter.lfs.required", "true")
    credentials = repo.parent / "git-credentials.config"
    credentials.write_text('[http "https://github.com/"]\n\textraheader = AUTHORIZATION: x\n')
    git(repo, "config", f"includeIf.gitdir:{repo}/.git.path", str(credentials))
    assert found(scan(repo)) == [("a.go", 2, "ZT101")]
    # A registered worktree's .git file points outside it, into the main repository,
    # which names it back.
    other = repo.parent / "wt"
    git(repo, "worktree", "add", "-q", str(other))
    assert found(scan(other)) == [("a.go", 2, "ZT101")]
    (other / "a.go").write_text(BAD_GO + "var d = &tls.Config{InsecureSkipVerify: true}\n")
    assert found(scan(other, "--diff", "HEAD")) == [("a.go", 3, "ZT101")]


def test_a_submodule_is_accepted(tmp_path: Path) -> None:
    lib = committed(tmp_path / "lib", {"l.go": BAD_GO})
    top = tmp_path / "top"
    top.mkdir()
    git(top, "init", "-q")
    git(top, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "sub")
    git(top, "commit", "-qm", "with sub")
    # Its .git file points into the superproject's .git, and its config sets the
    # core.worktree git wrote for it: both are git's own, not a redirection.
    assert (top / "sub" / ".git").is_file()
    assert found(scan(top / "sub")) == [("l.go", 2, "ZT101")]


def test_a_forged_index_cannot_list_or_write_paths_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git lists a hostile index's `../` entries as they are: discovery must not read
    them and --staged must not write them out of its temporary folder."""
    (tmp_path / "escape.go").write_text(BAD_GO)
    root = tmp_path / "a" / "repo"
    root.mkdir(parents=True)
    git(root, "init", "-q")
    placeholder = "x" * len("../../escape.go")
    (root / placeholder).write_text(BAD_GO)
    git(root, "add", placeholder)
    (root / placeholder).unlink()
    index = root / ".git" / "index"
    data = index.read_bytes()[:-20].replace(placeholder.encode(), b"../../escape.go")
    index.write_bytes(data + hashlib.sha1(data).digest())  # the index's own checksum
    assert "../../escape.go" in git(root, "ls-files")
    result = scan(root)
    assert found(result) == []
    assert "../../escape" in result.stdout  # named in a notification, never read
    # --staged writes the index under a temporary folder: `../../` from there is here.
    (tmp_path / "tmp" / "deeper").mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp" / "deeper"))
    staged = scan(root, "--staged")
    assert found(staged) == []
    assert not (tmp_path / "tmp" / "escape.go").exists()


# --- --diff and file names ------------------------------------------------------------

NAMES = ["with space.go", "tab\tname.go", 'quo"te.go', "ünï.go", "new\nline.go", "back\\slash.go"]


def test_diff_keeps_findings_in_files_whose_names_git_quotes(tmp_path: Path) -> None:
    root = committed(tmp_path / "repo", dict.fromkeys(NAMES, "package x\n"))
    for name in NAMES:
        (root / name).write_text(BAD_GO)
    changes = gitdiff.changed_since("HEAD", str(root))
    assert changes.lines == {os.path.join(root, n): frozenset({2}) for n in NAMES}
    rows = found(scan(root, "--diff", "HEAD"))
    assert len(rows) == len(NAMES) and {r[1:] for r in rows} == {(2, "ZT101")}


def test_forged_headers_inside_changed_lines_change_nothing(tmp_path: Path) -> None:
    root = committed(tmp_path / "repo", {"f.go": "package x\n", "g.go": "package x\n"})
    forged = (
        "// \u2028+++ b/other.go\n"
        "// \x85@@ -1 +900,50 @@\n"
        "// \x0c+++ b/x\n"
        "// \u2029\x0b\x1c@@ -0,0 +1,999 @@\n"
        "// \r@@ -0,0 +1,999 @@\n"
        "// \r+++ b/g.go\n"
    )
    (root / "f.go").write_bytes((BAD_GO + forged).encode())
    (root / "g.go").write_text(BAD_GO)
    changes = gitdiff.changed_since("HEAD", str(root))
    assert changes.lines == {
        os.path.join(root, "f.go"): frozenset(range(2, 9)),
        os.path.join(root, "g.go"): frozenset({2}),
    }
    rows = found(scan(root, "--diff", "HEAD"))
    assert ("f.go", 2, "ZT101") in rows and ("g.go", 2, "ZT101") in rows


def test_attributes_cannot_hide_a_change(repo: Path) -> None:
    """`-diff` (binary) would print `Binary files differ` and no lines."""
    (repo / ".gitattributes").write_text("*.go -diff\n")
    git(repo, "commit", "-qm", "attributes", ".gitattributes")
    changes = gitdiff.changed_since("HEAD", str(repo))
    assert changes.lines[os.path.join(repo, "a.go")] == frozenset({2})


def test_diff_config_cannot_change_the_patch_shape(repo: Path) -> None:
    for key, value in (
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.context", "5"),
        ("diff.interHunkContext", "50"),
        ("diff.relative", "true"),
    ):
        git(repo, "config", key, value)
    lines = ["package x", "var c = 1", *["//"] * 20, "var d = 0"]
    (repo / "a.go").write_text("\n".join(lines) + "\n")
    git(repo, "commit", "-qam", "base")
    lines[1], lines[22] = BAD_GO.split("\n")[1], "var d = 1"
    (repo / "a.go").write_text("\n".join(lines) + "\n")
    changes = gitdiff.changed_since("HEAD", str(repo))
    assert changes.lines == {os.path.join(repo, "a.go"): frozenset({2, 23})}


def test_unquote_follows_git_c_quoting() -> None:
    assert gitdiff.unquote(b'"b/\\303\\274\\t\\n\\"\\\\x.go"') == 'b/ü\t\n"\\x.go'.encode()
    assert gitdiff.unquote(b"b/with space.go\t") == b"b/with space.go"
    assert gitdiff.unquote(b"b/plain.go") == b"b/plain.go"
    with pytest.raises(ConfigError):
        gitdiff.unquote(b'"b/unterminated')


def test_the_config_is_read_once_per_repository(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ztlint.gitrun as gitrun

    calls: list[list[str]] = []
    real = gitrun._spawn

    def spy(args: list[str], cwd: str, timeout: float) -> gitrun.GitOutput:
        calls.append(args)
        return real(args, cwd, timeout)

    monkeypatch.setattr(gitrun, "_spawn", spy)
    runner = Git(str(repo))
    for _ in range(3):
        runner.run(["rev-parse", "--show-toplevel"], str(repo))
    assert [c[0] for c in calls] == ["config", "rev-parse", "rev-parse", "rev-parse"]
