"""A user's or an input's error is one line on stderr and exit code 2, never a traceback
(issue #26 item 1); and the conventions of item 9: Ctrl-C is 130, colour follows the
environment, --fail-on takes any case, -o is checked before the scan and says what it
wrote."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ztlint import terminal
from ztlint.cli import main

BAD_GO = 'package x\n\nimport "crypto/tls"\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n'
BAD_GLOB = "[z-a]"


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "bad.go").write_text(BAD_GO)
    with contextlib.chdir(tmp_path):
        yield tmp_path


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(args))


def one_line_error(result: Result, *parts: str) -> str:
    """The run stopped with exit 2 and one `ztlint: error:` line naming `parts`."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("ztlint: error: "), lines
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


# --- item 1: bad globs ----------------------------------------------------------------


def test_bad_exclude_glob_on_the_command_line(repo: Path) -> None:
    line = one_line_error(invoke("scan", "--exclude", BAD_GLOB, "."), "--exclude", BAD_GLOB)
    assert "reversed" in line


@pytest.mark.parametrize(
    ("config", "key"),
    [
        (f'exclude: ["{BAD_GLOB}"]\n', "exclude"),
        (f'exceptions:\n  - rule: ZT101\n    path: "{BAD_GLOB}"\n    reason: r\n', "exceptions[0]"),
        (f'extend-test-paths: ["{BAD_GLOB}"]\n', "test-paths"),
    ],
)
def test_bad_glob_in_the_config(repo: Path, config: str, key: str) -> None:
    (repo / ".ztlint.yaml").write_text(config)
    for command in ("scan", "baseline"):
        one_line_error(invoke(command, "."), ".ztlint.yaml", key, BAD_GLOB)


def test_bad_glob_in_pyproject(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(f'[tool.ztlint]\nexclude = ["{BAD_GLOB}"]\n')
    one_line_error(invoke("scan", "."), "pyproject.toml", "exclude")


# --- item 1: files that cannot be written ---------------------------------------------


def test_baseline_into_a_missing_folder(repo: Path) -> None:
    one_line_error(
        invoke("baseline", "-o", "/missing/dir/b.json", "."),
        "cannot write /missing/dir/b.json",
        "does not exist",
    )


def test_output_into_a_missing_folder_fails_before_the_scan(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ztlint import engine

    def no_scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scan ran before -o was checked")

    monkeypatch.setattr(engine, "run", no_scan)
    one_line_error(invoke("scan", "-o", "missing/out.sarif", "."), "missing/out.sarif")
    (repo / "file").write_text("")
    one_line_error(invoke("scan", "-o", "file/out.sarif", "."), "is not a folder")
    one_line_error(invoke("baseline", "-o", "file/b.json", "."), "is not a folder")
    baseline = repo / "b.json"
    baseline.write_text('{"version": 1, "salt": "", "entries": []}\n')
    one_line_error(
        invoke("scan", "--baseline", "file/b.json", "--update-baseline", "."), "is not a folder"
    )


def _read_only(path: Path) -> bool:
    path.chmod(0o555)
    if os.access(path, os.W_OK):  # root writes anyway
        path.chmod(0o755)
        return False
    return True


@pytest.fixture
def read_only(repo: Path) -> Iterator[Path]:
    if not _read_only(repo):
        pytest.skip("this user can write a read-only folder")
    try:
        yield repo
    finally:
        repo.chmod(0o755)


def test_init_baseline_update_in_a_read_only_folder(read_only: Path) -> None:
    one_line_error(invoke("init"), ".ztlint.yaml", "not writable")
    one_line_error(invoke("baseline", "."), ".ztlint-baseline.json", "not writable")
    one_line_error(invoke("scan", "-o", "r.json", "."), "r.json", "not writable")


def test_update_baseline_in_a_read_only_folder(repo: Path) -> None:
    sub = repo / "keep"
    sub.mkdir()
    assert invoke("baseline", "-o", "keep/b.json", ".").exit_code == 0
    if not _read_only(sub):
        pytest.skip("this user can write a read-only folder")
    try:
        one_line_error(
            invoke("scan", "--baseline", "keep/b.json", "--update-baseline", "."),
            "keep/b.json",
            "not writable",
        )
    finally:
        sub.chmod(0o755)


@pytest.fixture
def writes_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new file is refused as a read-only folder would (runs as root too)."""

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)


def test_writes_refused_after_the_check(repo: Path, writes_refused: None) -> None:
    one_line_error(invoke("init"), "cannot write .ztlint.yaml: Permission denied")
    one_line_error(invoke("baseline", "."), "cannot write .ztlint-baseline.json")
    one_line_error(invoke("scan", "-o", "r.sarif", "--format", "sarif", "."), "r.sarif")


def test_update_baseline_refused_after_the_check(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("baseline", ".").exit_code == 0
    (repo / "new.go").write_text(BAD_GO.replace("var c", "var d"))

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    one_line_error(
        invoke("scan", "--baseline", ".ztlint-baseline.json", "--update-baseline", "."),
        "cannot write .ztlint-baseline.json: Permission denied",
    )


def test_init_onto_a_folder(repo: Path) -> None:
    (repo / ".ztlint.yaml").mkdir()
    one_line_error(invoke("init", "--force"), ".ztlint.yaml", "it is a folder")


# --- item 9 -------------------------------------------------------------------------


def test_ctrl_c_exits_130(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ztlint import engine

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "run", interrupted)
    for args in (("scan", "."), ("baseline", "."), ("scan", "--format", "sarif", ".")):
        result = invoke(*args)
        assert result.exit_code == 130, result.output
        assert result.stderr == "ztlint: interrupted\n"
        assert "Traceback" not in result.output and "Aborted" not in result.output


def test_fail_on_any_case(repo: Path) -> None:
    assert invoke("scan", "--fail-on", "HIGH", ".").exit_code == 1
    assert invoke("scan", "--fail-on", "Critical", ".").exit_code == 1
    (repo / "bad.go").write_text(BAD_GO.replace("true", "false"))
    assert invoke("scan", "--fail-on", "LOW", ".").exit_code == 0


@pytest.mark.parametrize(
    ("choice", "to_file", "tty", "env", "expected"),
    [
        ("auto", False, True, {}, True),
        ("auto", False, False, {}, False),
        ("auto", False, True, {"NO_COLOR": "1"}, False),
        ("auto", False, True, {"NO_COLOR": ""}, True),  # empty: not set
        ("auto", False, True, {"TERM": "dumb"}, False),
        ("auto", False, False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, True, {"TERM": "dumb", "FORCE_COLOR": "1"}, True),
        ("auto", False, True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ("auto", True, True, {"FORCE_COLOR": "1"}, False),  # -o FILE
        ("always", True, False, {"NO_COLOR": "1"}, True),
        ("never", False, True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_color_from_the_environment(
    choice: str, to_file: bool, tty: bool, env: dict[str, str], expected: bool
) -> None:
    assert terminal.use_color(choice, to_file, tty, env) is expected


def test_force_color_and_term_dumb_reach_the_report(repo: Path) -> None:
    forced = invoke("scan", ".", env={"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm"})  # type: ignore[dict-item]
    assert "\x1b[" in forced.stdout
    plain = invoke("scan", ".", env={"FORCE_COLOR": None, "NO_COLOR": None, "TERM": "dumb"})  # type: ignore[dict-item]
    assert "\x1b[" not in plain.stdout


def test_output_file_is_announced_on_a_terminal(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke("scan", "-o", "r.sarif", "--format", "sarif", ".")
    assert result.exit_code == 1 and result.stderr == ""  # not a terminal: quiet
    monkeypatch.setattr(terminal, "stderr_is_terminal", lambda: True)
    result = invoke("scan", "-o", "r.sarif", "--format", "sarif", ".")
    assert result.exit_code == 1
    assert result.stderr == "ztlint: wrote the sarif report to r.sarif (1 finding)\n"
    assert result.stdout == ""


# --- a sweep of the command line ------------------------------------------------------

_VALUES = st.sampled_from(
    [
        ".",
        "bad.go",
        "",
        "ZT999",
        "ZT1",
        "-1",
        "0",
        "abc",
        "4MiB",
        "1e999",
        "nan",
        BAD_GLOB,
        "**/[",
        "\\",
        "/missing/dir/x.json",
        "bad.go/x",
        "HIGH",
        "pedantic",
        "\x01",  # argv cannot hold NUL
        "é",
        "--",
    ]
)
_OPTIONS = st.sampled_from(
    [
        "--select",
        "--ignore",
        "--exclude",
        "--max-file-size",
        "--file-timeout",
        "--min-confidence",
        "--fail-on",
        "--format",
        "--baseline",
        "--diff",
        "-o",
        "-j",
        "--config",
        "--category",
        "--color",
    ]
)
_FLAGS = st.sampled_from(["--strict", "--no-cache", "--update-baseline", "--include-tests"])
_ARGV = st.lists(
    st.one_of(st.tuples(_OPTIONS, _VALUES), st.tuples(_FLAGS), st.tuples(_VALUES)), max_size=4
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(parts=_ARGV, command=st.sampled_from(["scan", "baseline"]))
def test_command_line_sweep(repo: Path, parts: list[tuple[str, ...]], command: str) -> None:
    """Whatever the arguments, the run ends with 0, 1 or 2, and never in a traceback."""
    argv = [command, *(a for part in parts for a in part)]
    if command == "baseline":
        argv = [a for a in argv if a not in ("--format", "--fail-on", "--strict")]
    result = CliRunner(env={"ZTLINT_CACHE_DIR": str(repo / ".." / "cache")}).invoke(main, argv)
    assert result.exit_code in (0, 1, 2), (argv, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        argv,
        repr(result.exception),
    )
    assert "Traceback" not in result.output, argv
    if result.exit_code == 2 and result.stderr.startswith("ztlint: error:"):
        assert len(result.stderr.splitlines()) == 1, (argv, result.stderr)
    for leftover in ("x.json", "b.json"):
        assert not (repo / "bad.go" / leftover).exists()


@pytest.mark.skipif(os.name != "posix", reason="process groups and SIGINT")
def test_ctrl_c_stops_the_workers_at_once(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group) while workers scan: exit 130 within
    moments, one line, no traceback from a worker, no batch scanned after it."""
    import signal
    import subprocess
    import sys
    import time

    for i in range(120):
        (tmp_path / f"f{i}.go").write_text(BAD_GO)
    slow = (
        # A shell that starts the test run in the background (`pytest &`) makes SIGINT
        # ignored, and children inherit that: the scan gets the default a terminal gives.
        "import signal, sys, time\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from ztlint.scan import workers\n"
        "real = workers.scan_file\n"
        "def slow(entry, *rest):\n"
        "    time.sleep(30)\n"
        "    return real(entry, *rest)\n"
        "workers.scan_file = slow\n"
        "from ztlint.cli import main\n"
        "sys.argv = ['ztlint', 'scan', '.', '-j', '2', '--no-cache']\n"
        "main()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", slow],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(3)  # the workers are asleep in their first file
        os.killpg(proc.pid, signal.SIGINT)
        started = time.monotonic()
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert err == "ztlint: interrupted\n"
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_a_file_timeout_that_is_no_number_of_seconds_is_a_usage_error(
    tmp_path: Path, value: str
) -> None:
    """`--file-timeout nan` (which click's FloatRange lets through) is exit 2, not a
    traceback from the timer."""
    (tmp_path / "a.py").write_text("x = 1\n")
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--file-timeout", value])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "expected a number of seconds" in result.output
