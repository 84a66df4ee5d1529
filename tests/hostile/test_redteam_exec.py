"""Red-team attacks on the hardened ztlint (issue #22): each test plants what the
author of a fork's pull request controls (file names, links, FIFOs, `.git` contents)
and asserts the safe outcome: no marker written by a planted program, nothing outside
the tree read or shown, no finding lost without a trace."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tests.hostile.support import run_ztlint
from tests.test_cli_workflow import git

BAD_PY = "import ssl\nctx = ssl._create_unverified_context()\n"


def ztlint(
    cwd: Path, *args: str, timeout: float = 60, path: str = "/usr/bin:/bin"
) -> subprocess.CompletedProcess[str]:
    """ztlint as pre-commit or a shell runs it: a new isolated process in `cwd`."""
    env = {**os.environ, "PATH": path, "CI": "1"}
    return run_ztlint(cwd, *args, env=env, timeout=timeout, isolated=True)


def committed(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


# --- pre-commit: the hook's entry is `ztlint scan` and the staged file names follow it,
# with no `--`. A file named like an option must never act as one.


@pytest.mark.parametrize("command", ["scan", "baseline"])
def test_file_names_that_look_like_options_run_nothing(tmp_path: Path, command: str) -> None:
    marker = tmp_path / "marker"
    root = committed(
        tmp_path / "repo",
        {
            "app.py": BAD_PY,
            "scan": f"#!/bin/sh\ntouch {marker}\n",
            "--semgrep=builtin": "x\n",
            "--semgrep-bin=sh": "x\n",
        },
    )
    # What pre-commit runs: entry, then the staged names in git's order.
    names = sorted(p.name for p in root.iterdir() if p.name != ".git")
    result = ztlint(root, command, *names)
    assert not marker.exists()
    assert result.returncode == 2
    assert "both an option and a file" in result.stderr


@pytest.mark.parametrize(
    "name", ["--ignore=ALL", "--select=ZT999", "--exclude=*", "--fail-on=critical", "--"]
)
def test_file_names_that_look_like_options_hide_no_finding(tmp_path: Path, name: str) -> None:
    root = committed(tmp_path / "repo", {"app.py": BAD_PY, name: "x\n"})
    result = ztlint(root, "scan", name, "app.py")
    assert result.returncode == 2, result.stdout
    # The user's own options, and such a file named as ./NAME, still work.
    after = ztlint(root, "scan", "--no-cache", f"./{name}", "app.py")
    assert after.returncode == 1 and "ZT101" in after.stdout


# --- a `.git` that is a FIFO: opening it to read `gitdir:` would block forever.


def test_a_fifo_dot_git_does_not_hang_the_scan(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(BAD_PY)
    os.mkfifo(root / ".git")
    result = ztlint(root, "scan", "--no-cache", ".", timeout=30)
    assert result.returncode == 2
    assert "not a valid .git file" in result.stderr


# --- paths the user names (the Action's `paths` input) through a folder the pull
# request turned into a link out of the checkout.


@pytest.mark.parametrize("named", ["deploy/app", "deploy/app/x.py", "deploy/app/"])
def test_a_named_path_behind_a_folder_link_out_is_not_read(tmp_path: Path, named: str) -> None:
    outside = tmp_path / "runner-home" / "app"
    outside.mkdir(parents=True)
    (outside / "x.py").write_text(BAD_PY.replace("()", "()  # OUTSIDE-CANARY-LINE"))
    root = tmp_path / "checkout"
    root.mkdir()
    (root / "deploy").symlink_to(outside.parent)
    result = ztlint(root, "scan", "--no-cache", named)
    assert "OUTSIDE-CANARY-LINE" not in result.stdout + result.stderr
    assert "ZT101" not in result.stdout
    assert "symbolic link to a folder outside" in result.stdout
    # A link to a folder inside the checkout is still read through.
    (root / "deploy").unlink()
    (root / "real" / "app").mkdir(parents=True)
    (root / "real" / "app" / "x.py").write_text(BAD_PY)
    (root / "deploy").symlink_to("real")
    assert "ZT101" in ztlint(root, "scan", "--no-cache", named).stdout


# --- a partial clone (an unpacked tarball's .git) missing a blob: git fetches it
# lazily while diffing or reading the index, through a transport the repository's own
# config describes.


def _partial_clone(root: Path, marker: Path) -> None:
    committed(root, {"a.py": "import ssl\n"})
    blob = git(root, "rev-parse", "HEAD:a.py").strip()
    (root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    for key, value in [
        ("core.repositoryformatversion", "1"),
        ("extensions.partialClone", "origin"),
        ("remote.origin.promisor", "true"),
        ("remote.origin.url", str(root)),
        ("remote.origin.uploadpack", f"touch {marker}; git-upload-pack"),
    ]:
        git(root, "config", key, value)
    (root / "a.py").write_text(BAD_PY)


@pytest.mark.parametrize("mode", [["--diff", "HEAD"], ["--staged"]])
def test_a_lazy_fetch_runs_no_upload_pack_of_the_repositorys_choosing(
    tmp_path: Path, mode: list[str]
) -> None:
    marker = tmp_path / "marker"
    root = tmp_path / "repo"
    _partial_clone(root, marker)
    result = ztlint(root, "scan", "--no-cache", *mode, ".")
    assert not marker.exists()
    assert result.returncode == 2
    assert "remote.origin.uploadpack" in result.stderr


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("remote.origin.receivepack", "touch /nonexistent/m"),
        ("credential.helper", "!touch /nonexistent/m"),
        ("credential.https://example.com.helper", "!touch /nonexistent/m"),
        ("core.askPass", "/bin/true"),
        ("protocol.ext.allow", "always"),
        ("http.cookieFile", "/root/.bashrc"),
    ],
)
def test_transport_programs_in_the_repository_config_are_refused(
    tmp_path: Path, key: str, value: str
) -> None:
    root = committed(tmp_path / "repo", {"a.py": BAD_PY})
    git(root, "config", key, value)
    result = ztlint(root, "scan", "--no-cache", ".")
    assert result.returncode == 2
    assert key.split(".")[0] in result.stderr and "does not run git" in result.stderr


# --- the baseline under --diff: it lives in the pull request's tree, so a pull request
# could regenerate it to record its own new findings.


def _baselined_pr(tmp_path: Path, old_finding: bool) -> Path:
    root = committed(
        tmp_path / "repo", {"old.py": BAD_PY if old_finding else "x = 1\n", "app.py": "x = 1\n"}
    )
    assert ztlint(root, "baseline", ".").returncode == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "baseline")
    git(root, "checkout", "-qb", "pr")
    (root / "app.py").write_text(BAD_PY)
    assert ztlint(root, "baseline", ".").returncode == 0  # the pull request re-records it
    git(root, "add", "-A")
    git(root, "commit", "-qm", "pr")
    return root


def test_a_pull_request_cannot_baseline_its_own_findings(tmp_path: Path) -> None:
    root = _baselined_pr(tmp_path, old_finding=False)
    result = ztlint(
        root, "scan", "--no-cache", ".", "--diff", "main", "--baseline", ".ztlint-baseline.json"
    )
    assert result.returncode == 1
    assert "app.py:2:7  ZT101" in result.stdout
    assert "1 baseline entry added since main not applied" in result.stdout


def test_entries_the_base_revision_held_still_apply(tmp_path: Path) -> None:
    root = _baselined_pr(tmp_path, old_finding=True)
    (root / "old.py").write_text("# touched\n" + BAD_PY)  # its finding's line moves
    result = ztlint(
        root, "scan", "--no-cache", ".", "--diff", "main", "--baseline", ".ztlint-baseline.json"
    )
    assert "old.py" not in result.stdout.split("config:")[0]
    assert "app.py:2:7  ZT101" in result.stdout
    # A baseline outside the repository is the user's: every entry applies.
    outside = tmp_path / "mine.json"
    outside.write_bytes((root / ".ztlint-baseline.json").read_bytes())
    mine = ztlint(root, "scan", "--no-cache", ".", "--diff", "main", "--baseline", str(outside))
    assert mine.returncode == 0, mine.stdout


def test_a_baselined_line_copied_into_a_new_file_is_reported_under_diff(
    tmp_path: Path,
) -> None:
    """The baseline untouched: under --diff the old file's finding (on an unchanged
    line) was dropped first, so its entry looked moved and hid the copy."""
    root = committed(tmp_path / "repo", {"old.py": BAD_PY})
    assert ztlint(root, "baseline", ".").returncode == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "baseline")
    (root / "copy.py").write_text(BAD_PY)
    args = ["scan", "--no-cache", ".", "--baseline", ".ztlint-baseline.json"]
    result = ztlint(root, *args, "--diff", "HEAD")
    assert result.returncode == 1
    assert "copy.py:2:7  ZT101" in result.stdout
    assert "stale" not in result.stdout  # the old entry matched its own finding


# --- config-weakens-scan when the pull request deletes the config (or moves it where
# the lookup no longer finds it): no config applies now, so nothing was compared.


@pytest.mark.parametrize("how", ["delete", "move"])
def test_deleting_a_strict_config_is_config_weakens_scan(tmp_path: Path, how: str) -> None:
    root = committed(
        tmp_path / "repo", {"app.py": "x = 1\n", ".ztlint.yaml": "tests: fail\nignore: []\n"}
    )
    git(root, "checkout", "-qb", "pr")
    if how == "delete":
        git(root, "rm", "-q", ".ztlint.yaml")
    else:
        (root / "docs").mkdir()
        git(root, "mv", ".ztlint.yaml", "docs/.ztlint.yaml")
    (root / "tests").mkdir()
    (root / "tests" / "test_x.py").write_text(BAD_PY)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "pr")
    result = ztlint(root, "scan", "--no-cache", ".", "--diff", "main")
    assert result.returncode == 1, result.stdout
    assert ".ztlint.yaml:1:1  ZT911" in result.stdout
    assert "removed, so tests: ignore loosens" in result.stdout
    # Deleting a config that weakened nothing is no finding.
    quiet = committed(tmp_path / "quiet", {"app.py": "x = 1\n", ".ztlint.yaml": "ignore: []\n"})
    git(quiet, "rm", "-q", ".ztlint.yaml")
    assert ztlint(quiet, "scan", "--no-cache", ".", "--diff", "HEAD").returncode == 0


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("rules:\n  docker-socket-mount:\n    extra-sockets: [/opt/rt/api.sock]\n", "rules: {}\n"),
        ("rules:\n  ZT301:\n    extra-sockets: [/opt/rt/api.sock, /b]\n", "ignore: []\n"),
        ("rules:\n  ZT607:\n    topology: true\n", "rules:\n  ZT607:\n    topology: false\n"),
    ],
)
def test_dropping_a_rule_option_is_config_weakens_scan(
    tmp_path: Path, before: str, after: str
) -> None:
    compose = "services:\n  web:\n    image: nginx\n"
    root = committed(tmp_path / "repo", {".ztlint.yaml": before, "compose.yaml": compose})
    (root / ".ztlint.yaml").write_text(after)
    (root / "compose.yaml").write_text(compose + "    volumes:\n      - /opt/rt/api.sock:/s\n")
    result = ztlint(root, "scan", "--no-cache", ".", "--diff", "HEAD")
    assert result.returncode == 1
    assert "ZT911" in result.stdout and "no longer has" in result.stdout
    # Adding to an option widens the scan: no finding.
    (root / ".ztlint.yaml").write_text(before.replace("api.sock", "api.sock, /more"))
    assert "ZT911" not in ztlint(root, "scan", "--no-cache", ".", "--diff", "HEAD").stdout


# --- semgrep that checks nothing: an in-tree config's short semgrep.timeout, or a file
# that stalls or crashes semgrep, hid every deep finding with exit 0.


def _fake_semgrep(tmp_path: Path, body: str) -> str:
    """A PATH whose `semgrep` (outside the scanned tree) runs `body`."""
    folder = tmp_path / "bin"
    folder.mkdir()
    exe = folder / "semgrep"
    exe.write_text(f"#!/bin/sh\n{body}\n")
    exe.chmod(0o755)
    return f"{folder}:/usr/bin:/bin"


@pytest.mark.parametrize("body", ["sleep 5", "echo crashed >&2; exit 139"])
def test_semgrep_that_checked_nothing_fails_the_run(tmp_path: Path, body: str) -> None:
    path = _fake_semgrep(tmp_path, body)
    root = committed(tmp_path / "repo", {"a.py": "x = 1\n", ".ztlint.yaml": "ignore: []\n"})
    (root / ".ztlint.yaml").write_text("semgrep:\n  timeout: 0.5\n")
    args = ["scan", "--no-cache", "--semgrep", "builtin"]
    result = ztlint(root, *args, ".", path=path)
    assert result.returncode == 1, result.stdout
    assert "ZT909" in result.stdout and "--allow-unchecked" in result.stdout
    assert ztlint(root, *args, "--allow-unchecked", ".", path=path).returncode == 0
    diff = ztlint(root, *args, "--diff", "HEAD", ".", path=path)
    assert "semgrep.timeout lowered" in diff.stdout


# --- --diff and an index the repository forged (an unpacked tarball): bits and stat
# data that make `git diff` take a changed work-tree file for its index blob.


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_index_bits_do_not_hide_a_change_under_diff(tmp_path: Path, flag: str) -> None:
    root = committed(tmp_path / "repo", {"app.py": "x = 1\n"})
    (root / "app.py").write_text(BAD_PY)
    git(root, "update-index", flag, "app.py")
    assert git(root, "diff", "HEAD") == ""  # git itself sees no change
    result = ztlint(root, "scan", "--no-cache", ".", "--diff", "HEAD")
    assert result.returncode == 1 and "app.py:2:7  ZT101" in result.stdout


def test_minimal_stat_checks_do_not_hide_a_change_under_diff(tmp_path: Path) -> None:
    evil = (BAD_PY + "#\n").encode()
    clean = b"y = 2\n".ljust(len(evil) - 1, b" ") + b"\n"  # the same size
    made = tmp_path / "made"
    made.mkdir()
    git(made, "init", "-q", "-b", "main")
    (made / "app.py").write_bytes(clean)
    os.utime(made / "app.py", (1577836800, 1577836800))
    git(made, "add", "-A")
    git(made, "commit", "-qm", "clean")
    (made / "app.py").write_bytes(evil)
    os.utime(made / "app.py", (1577836800, 1577836800))  # size and mtime as indexed
    git(made, "config", "core.checkStat", "minimal")
    git(made, "config", "core.trustctime", "false")
    root = tmp_path / "unpacked"
    shutil.copytree(made, root, symlinks=True)  # as a tarball unpacks: new inodes
    assert git(root, "diff", "HEAD") == ""  # git itself sees no change
    result = ztlint(root, "scan", "--no-cache", ".", "--diff", "HEAD")
    assert result.returncode == 1 and "app.py:2:7  ZT101" in result.stdout


def _forged_index(root: Path, blob: str, names: list[bytes]) -> None:
    """An index git itself would never write (version 2, zero stat data)."""
    body = b""
    for name in names:
        entry = struct.pack(">10I", 0, 0, 0, 0, 0, 0, 0o100644, 0, 0, 0)
        entry += bytes.fromhex(blob) + struct.pack(">H", len(name)) + name
        body += entry + b"\0" * (8 - len(entry) % 8)
    data = b"DIRC" + struct.pack(">II", 2, len(names)) + body
    (root / ".git" / "index").write_bytes(data + hashlib.sha1(data).digest())


def test_a_forged_index_with_a_file_and_folder_of_one_name_is_no_traceback(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    blob = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=root,
        input=BAD_PY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    _forged_index(root, blob, [b"a", b"a/b.py"])
    assert "a/b.py" in git(root, "ls-files")
    result = ztlint(root, "scan", "--no-cache", "--staged")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "the index holds a file and a folder" in result.stderr


# --- the files ztlint never scans (its report, its baseline) are those exact files, not
# every file of that name: a private key named keys/.ztlint-baseline.json hid itself.


def _pem() -> str:
    # A DER SEQUENCE's header, as a key's body starts (ZT201 passes over filler).
    body = base64.encodebytes(b"\x30\x82\x03\x00" + bytes(range(256)) * 3).decode()
    return f"-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    ("name", "output"),
    [
        ("keys/.ztlint-baseline.json", None),
        ("x/ztlint.sarif", "ztlint.sarif"),  # the Action's default sarif-file
        ("x/report[1].txt", "report[1].txt"),
    ],
)
def test_a_file_named_like_the_report_or_baseline_is_scanned(
    tmp_path: Path, name: str, output: str | None
) -> None:
    root = committed(tmp_path / "repo", {name: _pem()})
    args = ["-o", output] if output else []
    for _ in range(2):  # the second run finds its own earlier report in the tree
        result = ztlint(root, "scan", "--no-cache", "--format", "json", ".", *args)
        report = (root / output).read_text() if output else result.stdout
        assert [f["path"] for f in json.loads(report)["findings"]] == [name]


def test_a_credential_inside_the_baseline_file_is_found(tmp_path: Path) -> None:
    root = committed(tmp_path / "repo", {"app.py": BAD_PY})
    assert ztlint(root, "baseline", ".").returncode == 0
    doc = json.loads((root / ".ztlint-baseline.json").read_text())
    doc["db_password"] = "Zq8#kLm2vPx9wRt4"  # load() ignores keys it does not know
    (root / ".ztlint-baseline.json").write_text(json.dumps(doc, indent=1))
    for args in ([], ["--baseline", ".ztlint-baseline.json"]):
        result = ztlint(root, "scan", "--no-cache", "--format", "json", ".", *args)
        found = [(f["path"], f["rule_id"]) for f in json.loads(result.stdout)["findings"]]
        assert (".ztlint-baseline.json", "ZT204") in found
        assert "Zq8#kLm2vPx9wRt4" not in result.stdout
    # A real baseline raises nothing.
    assert ztlint(root, "baseline", ".").returncode == 0
    clean = ztlint(root, "scan", "--no-cache", ".", "--baseline", ".ztlint-baseline.json")
    assert clean.returncode == 0, clean.stdout


def test_an_indexed_file_below_a_folder_link_out_is_not_read(tmp_path: Path) -> None:
    """An unpacked tarball: the index lists conf/x.py, the work tree's conf is a link."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.py").write_text(BAD_PY.replace("()\n", "()  # OUTSIDE-CANARY-LINE\n"))
    root = committed(tmp_path / "repo", {"conf/x.py": BAD_PY, "app.py": "x = 1\n"})
    shutil.rmtree(root / "conf")
    (root / "conf").symlink_to(outside)
    assert "conf/x.py" in git(root, "ls-files")
    result = ztlint(root, "scan", "--no-cache", ".")
    assert "OUTSIDE-CANARY-LINE" not in result.stdout + result.stderr
    assert "ZT101" not in result.stdout
    assert "conf/x.py  ZT904" in result.stdout


# --- writes the user aims inside the checkout (`-o reports/x`) through a folder the
# pull request made a link out of it.


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "--no-cache", ".", "-o", "reports/victim"],
        ["baseline", ".", "-o", "reports/victim"],
        ["scan", "--no-cache", ".", "--baseline", "reports/victim", "--update-baseline"],
    ],
)
def test_no_write_through_a_planted_folder_link(tmp_path: Path, args: list[str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = committed(tmp_path / "repo", {"a.py": "x = 1\n"})
    (root / "reports").symlink_to(outside)
    victim = outside / "victim"
    # A baseline the user could have made, so that --update-baseline gets to write.
    victim.write_text(json.dumps({"version": 1, "salt": "00", "entries": []}))
    before = victim.read_bytes()
    result = ztlint(root, *args)
    assert result.returncode == 2
    assert "is a symbolic link" in result.stderr
    assert victim.read_bytes() == before
    assert sorted(p.name for p in outside.iterdir()) == ["victim"]


# --- held: ways into the repository's git config that no other test plants.


def _config_route(root: Path, outside: Path, marker: Path, route: str) -> None:
    evil = f'[filter "x"]\n\tclean = touch {marker}; cat\n'
    config = root / ".git" / "config"
    if route == "includeif-hasconfig":
        (outside / "inc").write_text(evil)
        git(root, "config", "remote.origin.url", "https://example.com/x")
        text = (
            f'[includeIf "hasconfig:remote.*.url:https://example.com/**"]\n\tpath = {outside}/inc\n'
        )
        config.write_text(config.read_text() + text)
    elif route == "worktree-config":
        git(root, "config", "core.repositoryformatversion", "1")
        git(root, "config", "extensions.worktreeConfig", "true")
        (root / ".git" / "config.worktree").write_text(evil)
    elif route == "config-link":
        (outside / "config").write_text(config.read_text() + evil)
        config.unlink()
        config.symlink_to(outside / "config")


@pytest.mark.parametrize("route", ["includeif-hasconfig", "worktree-config", "config-link"])
@pytest.mark.parametrize("mode", [["--diff", "HEAD"], ["--staged"], []])
def test_held_config_routes_run_no_filter(tmp_path: Path, route: str, mode: list[str]) -> None:
    marker = tmp_path / "marker"
    outside = tmp_path / "outside"
    outside.mkdir()
    root = committed(tmp_path / "repo", {"a.py": "x = 1\n", ".gitattributes": "* filter=x\n"})
    (root / "a.py").write_text(BAD_PY)
    git(root, "add", "a.py")
    _config_route(root, outside, marker, route)
    result = ztlint(root, "scan", "--no-cache", *mode, ".")
    assert not marker.exists()
    assert result.returncode == 2 and "filter.x.clean" in result.stderr


def test_held_semgrep_gets_file_names_after_a_separator(tmp_path: Path) -> None:
    """A file named like a semgrep option reaches semgrep as a target only."""
    seen = tmp_path / "argv"
    path = _fake_semgrep(tmp_path, f'printf "%s\\n" "$@" > {seen}; echo \'{{"results": []}}\'')
    root = committed(tmp_path / "repo", {"--config=x.yaml": "x\n", "a.py": "x = 1\n"})
    result = ztlint(root, "scan", "--no-cache", "--semgrep", "builtin", "--", ".", path=path)
    assert result.returncode == 0, result.stdout + result.stderr
    argv = seen.read_text().splitlines()
    assert argv.index("--") < argv.index("--config=x.yaml")


@pytest.mark.parametrize("named", ["deploy/app", "deploy"])
def test_no_config_is_looked_up_behind_a_link_out(tmp_path: Path, named: str) -> None:
    outside = tmp_path / "outside" / "app"
    outside.mkdir(parents=True)
    (outside / ".ztlint.yaml").write_text("ignore: [ALL]\n")
    root = committed(tmp_path / "repo", {"a.py": BAD_PY})
    (root / "deploy").symlink_to(outside.parent if named == "deploy/app" else outside)
    result = ztlint(root, "scan", "--no-cache", named, ".")
    assert result.returncode == 1
    assert "a.py:2:7  ZT101" in result.stdout
    assert "config: none" in result.stdout
