"""`ztlint scan - --stdin-filename PATH`: the content comes from standard input and is
classified, configured and reported as PATH; the file on disk is never read."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ztlint.cli import main

BAD_GO = b'package x\n\nimport "crypto/tls"\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n'
CLEAN_GO = b"package x\n"


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / ".git").mkdir()  # the top of a work tree, for the config lookup
    (tmp_path / "svc").mkdir()
    with contextlib.chdir(tmp_path):
        yield tmp_path


def invoke(*args: str, stdin: bytes = b"") -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


def _paths(result: Result) -> list[tuple[str, int, str]]:
    doc = json.loads(result.stdout)
    return [(f["path"], f["start_line"], f["rule_id"]) for f in doc["findings"]]


def test_stdin_is_scanned_as_the_named_path(repo: Path) -> None:
    (repo / "svc" / "main.go").write_bytes(CLEAN_GO)
    result = invoke(
        "scan", "-", "--stdin-filename", "svc/main.go", "--format", "json", stdin=BAD_GO
    )
    assert result.exit_code == 1, result.output
    assert _paths(result) == [("svc/main.go", 5, "ZT101")]
    # The file on disk was neither read (it is clean) nor written.
    assert (repo / "svc" / "main.go").read_bytes() == CLEAN_GO
    # And the clean buffer of a bad file on disk is clean.
    (repo / "svc" / "main.go").write_bytes(BAD_GO)
    assert invoke("scan", "-", "--stdin-filename", "svc/main.go", stdin=CLEAN_GO).exit_code == 0


def test_stdin_report_matches_a_scan_of_the_file(repo: Path) -> None:
    (repo / "svc" / "main.go").write_bytes(BAD_GO)
    on_disk = invoke("scan", "svc/main.go", "--no-cache", "--color", "never")
    piped = invoke("scan", "-", "--stdin-filename", "svc/main.go", "--color", "never", stdin=BAD_GO)
    assert piped.exit_code == on_disk.exit_code == 1
    assert piped.stdout == on_disk.stdout
    with contextlib.chdir(repo / "svc"):
        here = invoke("scan", "-", "--stdin-filename", "main.go", "--format", "json", stdin=BAD_GO)
    assert _paths(here) == [("main.go", 5, "ZT101")]


def test_file_need_not_exist_and_is_never_opened(repo: Path) -> None:
    # A name nothing can be read from: a FIFO (opening it would block), and a path
    # whose folders do not exist yet (an unsaved new file).
    os.mkfifo(repo / "svc" / "pipe.go")
    result = invoke(
        "scan", "-", "--stdin-filename", "svc/pipe.go", "--format", "json", stdin=BAD_GO
    )
    assert _paths(result) == [("svc/pipe.go", 5, "ZT101")]
    result = invoke("scan", "--stdin-filename", "new/pkg/x.go", "--format", "json", stdin=BAD_GO)
    assert _paths(result) == [("new/pkg/x.go", 5, "ZT101")]
    assert not (repo / "new").exists()


def test_config_of_the_files_project_applies(repo: Path) -> None:
    (repo / ".ztlint.yaml").write_text(
        "exceptions:\n  - rule: ZT101\n    path: svc/probe.go\n    reason: loopback probe\n"
    )
    probe = invoke("scan", "-", "--stdin-filename", "svc/probe.go", stdin=BAD_GO)
    assert probe.exit_code == 0, probe.output
    assert "1 suppressed" in probe.stdout and "config: .ztlint.yaml" in probe.stdout
    assert invoke("scan", "-", "--stdin-filename", "svc/main.go", stdin=BAD_GO).exit_code == 1
    # Placed by its path: test code is not reported by default.
    assert invoke("scan", "-", "--stdin-filename", "svc/main_test.go", stdin=BAD_GO).exit_code == 0


def test_config_in_the_tree_stays_data(repo: Path) -> None:
    (repo / ".ztlint.yaml").write_text("semgrep: {bin: /bin/sh}\n")
    result = invoke("scan", "-", "--stdin-filename", "svc/main.go", stdin=BAD_GO)
    assert result.exit_code == 2
    assert "semgrep.bin: names a program to run" in result.stderr


def test_oversized_input_is_a_notification(repo: Path) -> None:
    result = invoke(
        "scan",
        "-",
        "--stdin-filename",
        "svc/big.go",
        "--max-file-size",
        "1KiB",
        "--format",
        "json",
        stdin=BAD_GO * 200,
    )
    assert "Traceback" not in result.output
    notes = json.loads(result.stdout)["notifications"]
    assert [n["path"] for n in notes] == ["svc/big.go"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("scan", "-"), "needs --stdin-filename PATH"),
        (("scan", "-", "svc", "--stdin-filename", "a.go"), "give `-` as the only path"),
        (("scan", "-", "--stdin-filename", "a.go", "--staged"), "cannot be used with --staged"),
        (("scan", "-", "--stdin-filename", "svc/"), "is not a file name"),
        (("baseline", "-"), "needs `ztlint scan - --stdin-filename PATH`"),
    ],
)
def test_stdin_usage_errors_exit_2(repo: Path, args: tuple[str, ...], needle: str) -> None:
    result = invoke(*args, stdin=BAD_GO)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr and "Traceback" not in result.output
