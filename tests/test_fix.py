"""`scan --fix` and `--fix-diff`: every fixture that carries a fix is fixed, scans clean
for that finding and still parses; a fix never writes outside the tree, through a link,
into a file changed since the scan, or into a file whose fixes overlap."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import FIXTURES
from ztlint import fixer
from ztlint.cli import main
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence, Edit, Finding, Fix, Severity, Span
from ztlint.notices import NOT_PARSED
from ztlint.parsers import code
from ztlint.source import SourceText

# Every fixture unit (file or folder under fixtures/ZTnnn/) with a finding that carries
# a fix; test_the_list_of_fixable_fixtures_is_complete keeps it honest.
FIX_FIXTURES = (
    "ZT101/positive_acme_elsewhere.py",
    "ZT101/positive_gated_match.rs",
    "ZT101/positive_node_pin_logged.ts",
    "ZT101/positive_node_gated.ts",
    "ZT101/positive_node_tls.ts",
    "ZT101/positive_python_clients.py",
    "ZT101/positive_python_falsy_verify.py",
    "ZT101/positive_python_https_computed.py",
    "ZT101/positive_python_https_verify.py",
    "ZT101/positive_python_gated.py",
    "ZT101/positive_quiche_client.rs",
    "ZT101/positive_reqwest_openssl.rs",
    "ZT101/positive_rust2024_partly_parsed.rs",
    "ZT101/positive_rust_gated_verifier.rs",
    "ZT101/positive_tsx_jsx_text_ampersand.tsx",
)
EVERYTHING = Config(min_confidence=Confidence.LOW)
GRAMMARS = {".py": "python", ".rs": "rust", ".ts": "typescript", ".js": "javascript", ".tsx": "tsx"}
BAD_PY = 'import requests\n\nrequests.get("https://x", verify=False)\n'


@pytest.fixture
def tree(tmp_path: Path) -> Iterator[Path]:
    with contextlib.chdir(tmp_path):
        yield tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["scan", "--no-cache", *args])


def _fixes(report_findings: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in report_findings if f.fix is not None and f.active]


@pytest.mark.parametrize("unit", FIX_FIXTURES)
def test_every_fixture_with_a_fix_is_fixed(unit: str, tree: Path) -> None:
    source = FIXTURES / unit
    copy = tree / source.name
    if source.is_dir():
        shutil.copytree(source, copy)
    else:
        shutil.copyfile(source, copy)
    before = run([copy.name], EVERYTHING, jobs=1, cwd=str(tree))
    fixed = _fixes(before.findings)
    assert fixed, f"{unit}: no finding carries a fix"
    result = invoke(copy.name, "--fix", "--min-confidence", "pedantic", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    after = json.loads(result.stdout)
    remaining = {(f["path"], f["start_line"], f["rule_id"]) for f in after["findings"]}
    for f in fixed:
        assert (f.path, f.span.start_line, f.rule_id) not in remaining, (
            f"{unit}:{f.span.start_line}: still reported after --fix"
        )
    # Still parses: no new file-not-parsed notification, and the edits are in place.
    parsed_before = {n.path for n in before.notifications if n.code == NOT_PARSED}
    parsed_after = {n["path"] for n in after["notifications"] if n["code"] == NOT_PARSED}
    assert parsed_after <= parsed_before, f"{unit}: does not parse after --fix"
    fixed_text = copy.read_text(encoding="utf-8")
    # And the grammar reads the fixed file without an error where it read the original.
    lang = GRAMMARS[copy.suffix]
    original = code.first_error(code.parse(lang, SourceText(source.read_text(encoding="utf-8"))))
    assert (
        original is not None or code.first_error(code.parse(lang, SourceText(fixed_text))) is None
    )
    for f in fixed:
        assert f.fix is not None
        for edit in f.fix.edits:
            assert edit.text in fixed_text.splitlines()[edit.span.start_line - 1]
    # A second --fix has nothing left to do.
    again = run([copy.name], EVERYTHING, jobs=1, cwd=str(tree))
    assert not _fixes(again.findings)


def test_the_list_of_fixable_fixtures_is_complete() -> None:
    """Every fixture whose findings carry a fix is in FIX_FIXTURES."""
    found = set()
    for rule_dir in sorted(FIXTURES.glob("ZT[0-9][0-9][0-9]")):
        units = [p.name for p in rule_dir.iterdir() if p.name.startswith("positive_")]
        report = run(
            units, Config(min_confidence=Confidence.LOW, tests="report"), jobs=1, cwd=str(rule_dir)
        )
        for f in _fixes(report.findings):
            found.add(f"{rule_dir.name}/{f.path.split('/')[0]}")
    assert found == set(FIX_FIXTURES)


def test_fix_reports_what_remains_and_counts(tree: Path) -> None:
    (tree / "client.py").write_text(BAD_PY)
    text = invoke(".", "--color", "never").stdout
    assert "fix available (--fix): Verify certificates" in text
    assert "; 1 fixable with --fix" in text.splitlines()[-1]
    result = invoke(".", "--fix", "--color", "never")
    assert result.exit_code == 0, result.output
    assert "ztlint: fixed 1 finding in 1 file" in result.stderr
    assert result.stdout.splitlines()[-1].startswith("0 findings")
    assert (tree / "client.py").read_text() == BAD_PY.replace("False", "True")


def test_fix_diff_previews_and_writes_nothing(tree: Path) -> None:
    (tree / "client.py").write_text(BAD_PY)
    result = invoke(".", "--fix-diff")
    assert result.exit_code == 1
    assert result.stdout == (
        "--- a/client.py\n+++ b/client.py\n@@ -1,3 +1,3 @@\n import requests\n \n"
        '-requests.get("https://x", verify=False)\n+requests.get("https://x", verify=True)\n'
    )
    assert (tree / "client.py").read_text() == BAD_PY
    (tree / "client.py").write_text(BAD_PY.replace("False", "True"))
    result = invoke(".", "--fix-diff")
    assert result.exit_code == 0 and result.stdout == ""


@pytest.mark.parametrize("args", [("--fix", "--diff"), ("--fix", "--diff", "client.py")])
def test_fix_with_diff_previews_as_fix_diff_does(tree: Path, args: tuple[str, ...]) -> None:
    (tree / "client.py").write_text(BAD_PY)
    result = invoke(*args)
    assert result.exit_code == 1
    assert '+requests.get("https://x", verify=True)' in result.stdout
    assert (tree / "client.py").read_text() == BAD_PY


def test_diff_without_ref_or_fix_is_a_usage_error(tree: Path) -> None:
    result = invoke(".", "--diff")
    assert result.exit_code == 2
    assert "--diff needs a git revision REF" in result.stderr


def test_fix_keeps_mode_bom_and_line_ends(tree: Path) -> None:
    data = b"\xef\xbb\xbf" + BAD_PY.replace("\n", "\r\n").encode()
    (tree / "client.py").write_bytes(data)
    os.chmod(tree / "client.py", 0o640)
    assert invoke(".", "--fix").exit_code == 0
    assert (tree / "client.py").read_bytes() == data.replace(b"False", b"True")
    assert (tree / "client.py").stat().st_mode & 0o777 == 0o640
    assert not [p for p in tree.iterdir() if p.name.startswith(".ztlint-fix-")]


def test_fix_replaces_a_hard_link_instead_of_writing_through_it(tree: Path) -> None:
    outside = tree / "outside"
    outside.mkdir()
    (outside / "shared.py").write_text(BAD_PY)
    repo = tree / "repo"
    repo.mkdir()
    os.link(outside / "shared.py", repo / "client.py")
    with contextlib.chdir(repo):
        assert invoke(".", "--fix").exit_code == 0
    assert (repo / "client.py").read_text() == BAD_PY.replace("False", "True")
    assert (outside / "shared.py").read_text() == BAD_PY


def test_fix_refuses_staged(tree: Path) -> None:
    result = invoke("--staged", "--fix")
    assert result.exit_code == 2
    assert "cannot be used with --staged" in result.stderr


# --- the fixer on its own: hostile paths and overlapping fixes ----------------------


def _finding(path: str, line: int, col: int, end: int, text: str, **kw: object) -> Finding:
    span = Span(line, col, line, end)
    return Finding(
        rule_id="ZT101",
        rule_name="tls-verification-disabled",
        path=path,
        span=span,
        message="m",
        severity=Severity.CRITICAL,
        confidence=Confidence.HIGH,
        fix=Fix("d", (Edit(path, span, text),)),
        **kw,  # type: ignore[arg-type]
    )


def test_overlapping_fixes_leave_the_file_alone(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = f(verify=False)\n")
    one = _finding("a.py", 1, 14, 19, "True")
    two = _finding("a.py", 1, 7, 19, "verify=True")
    plan = fixer.plan([one, two], str(tmp_path))
    assert plan.files == ()
    assert [(s.path, s.reason) for s in plan.skipped] == [("a.py", "fixes overlap")]
    # The same edit from two findings is applied once.
    plan = fixer.plan([one, one], str(tmp_path))
    assert plan.files[0].after == "x = f(verify=True)\n"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        ("link", "it is or lies under a symbolic link"),
        ("linked_folder", "it is or lies under a symbolic link"),
        ("dotdot", "its path leaves the scanned tree"),
        ("absolute", "its path leaves the scanned tree"),
        ("fifo", "not a regular file"),
        ("latin1", "not UTF-8 text"),
        ("out_of_range", "a fix lies outside the file's text (changed since the scan?)"),
    ],
)
def test_hostile_targets_are_never_written(tmp_path: Path, make: str, reason: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "outside.py"
    outside.write_text("x = f(verify=False)\n")
    path = "a.py"
    line = 1
    if make == "link":
        (root / "a.py").symlink_to(outside)
    elif make == "linked_folder":
        (root / "d").symlink_to(tmp_path)
        path = "d/outside.py"
    elif make == "dotdot":
        path = "../outside.py"
    elif make == "absolute":
        path = str(outside)
    elif make == "fifo":
        os.mkfifo(root / "a.py")
    elif make == "latin1":
        (root / "a.py").write_bytes("x = f(verify=False)  # caf\xe9\n".encode("latin-1"))
    elif make == "out_of_range":
        (root / "a.py").write_text("x = 1\n")
        line = 9
    plan = fixer.plan([_finding(path, line, 14, 19, "True")], str(root))
    assert plan.files == ()
    assert [s.reason for s in plan.skipped] == [reason]
    assert outside.read_text() == "x = f(verify=False)\n"


def test_a_file_changed_after_the_scan_is_not_written(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = f(verify=False)\n")
    plan = fixer.plan([_finding("a.py", 1, 14, 19, "True")], str(tmp_path))
    (tmp_path / "a.py").write_text("x = f(verify=False)  # edited\n")
    written, skipped = fixer.write(plan, str(tmp_path))
    assert written == [] and [s.reason for s in skipped] == ["it changed since the scan"]
    assert (tmp_path / "a.py").read_text() == "x = f(verify=False)  # edited\n"


def test_the_preview_masks_secrets_and_escapes_control_characters(tmp_path: Path) -> None:
    line = 'r = get(u, auth=("svc", "s3cr3t-value"), verify=False)  # \x1b[31m\n'
    (tmp_path / "a.py").write_text(line)
    start = line.index("s3cr3t")
    secret = Span(1, start + 1, 1, start + 1 + len("s3cr3t-value"))
    col = line.index("False") + 1
    fix = _finding("a.py", 1, col, col + 5, "True")
    other = _finding("a.py", 1, 1, 2, "r", secret_spans=(secret,))
    diff = fixer.unified_diff(fixer.plan([fix], str(tmp_path), everything=[other]))
    assert "s3cr3t" not in diff and "*" * len("s3cr3t-value") in diff
    assert "verify=True" in diff and "\x1b" not in diff and "\\x1b[31m" in diff


def test_fix_refuses_standard_input(tree: Path) -> None:
    result = CliRunner().invoke(
        main, ["scan", "-", "--stdin-filename", "client.py", "--fix"], input=BAD_PY
    )
    assert result.exit_code == 2
    assert "cannot be used with standard input" in result.stderr
