"""The text report's shape: the verdict comes last and counts what was not shown,
notifications are grouped by kind, and the output modes (--output-format, --statistics,
-q, -v), the help and docs lines, --exit-zero and `explain`."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT
from ztlint import docs, explain
from ztlint.cli import main
from ztlint.model import Notification
from ztlint.notices import NOT_PARSED
from ztlint.registry import load_rules
from ztlint.report import Report
from ztlint.reporters import text as text_reporter

BAD_GO = 'package x\n\nimport "crypto/tls"\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n'
BAD_PY = 'import requests\n\nrequests.get("https://x", verify=False)\n'
DOCS = "https://github.com/ztlint/ztlint/blob/main/docs/rules/ZT101-tls-verification-disabled.md"


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    with contextlib.chdir(tmp_path):
        (tmp_path / "bad.go").write_text(BAD_GO)
        (tmp_path / "client.py").write_text(BAD_PY)
        yield tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["scan", "--no-cache", "--color", "never", *args])


def test_full_shows_help_fix_and_docs_and_ends_with_the_verdict(repo: Path) -> None:
    out = invoke().stdout.splitlines()
    at = out.index(
        "bad.go:5:21  ZT101 [critical] tls.Config sets InsecureSkipVerify: true, so any server certificate is accepted"
    )
    assert out[at + 3] == "    = help: Verify the peer"
    assert out[at + 4] == f"    = docs: {DOCS}"
    at = out.index(
        "client.py:3:27  ZT101 [critical] get(verify=False) turns off TLS certificate verification"
    )
    assert out[at + 4].startswith("    = fix available (--fix): Verify certificates")
    assert out[-2].startswith("config: ")
    assert out[-1] == "2 findings (2 critical) in 2 files scanned; 1 fixable with --fix"


def test_the_docs_link_is_the_one_sarif_carries(repo: Path) -> None:
    sarif = json.loads(invoke("--format", "sarif").stdout)
    (rule,) = [r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "ZT101"]
    assert rule["helpUri"] == DOCS
    meta = next(r.meta for r in load_rules() if r.id == "ZT101")
    assert docs.help_uri(meta) == DOCS
    assert docs.help_line(meta) == "Verify the peer"


def test_concise_grouped_statistics_quiet(repo: Path) -> None:
    out = invoke("--output-format", "concise").stdout.splitlines()
    assert out[:2] == [
        "bad.go:5:21: ZT101 [critical] tls.Config sets InsecureSkipVerify: true, so any server certificate is accepted",
        "client.py:3:27: ZT101 [critical] get(verify=False) turns off TLS certificate verification (fix available)",
    ]
    assert out[-1].startswith("2 findings")
    out = invoke("--output-format", "grouped").stdout.splitlines()
    assert out[0] == "ZT101 tls-verification-disabled (2 findings)"
    assert out[1].startswith("  bad.go:5:21  [critical] tls.Config")
    assert out[3:5] == ["  = help: Verify the peer", f"  = docs: {DOCS}"]
    out = invoke("--statistics").stdout.splitlines()
    assert out[0] == "2  ZT101  tls-verification-disabled  critical  1 fixable"
    assert out[-1].startswith("2 findings")
    result = invoke("-q")
    assert result.stdout == "2 findings (2 critical) in 2 files scanned; 1 fixable with --fix\n"
    assert result.exit_code == 1


def test_exit_zero(repo: Path) -> None:
    assert invoke("--exit-zero").exit_code == 0
    assert invoke("--exit-zero", "--select", "ZT999").exit_code == 2


def test_verdict_counts_what_was_hidden(repo: Path) -> None:
    (repo / "vendor").mkdir()
    (repo / "vendor" / "modules.txt").write_text("# example.com/x v1.0.0\n")
    (repo / "vendor" / "lib.go").write_text(BAD_GO)
    (repo / "client_test.go").write_text(BAD_GO)
    (repo / "ignored.go").write_text(
        BAD_GO.replace("true}", "true} // ztlint: ignore[ZT101] lab only")
    )
    result = CliRunner().invoke(main, ["baseline", "--no-cache", "-o", "b.json", "bad.go"])
    assert result.exit_code == 0, result.output
    last = invoke("--baseline", "b.json").stdout.splitlines()[-1]
    assert "; 1 suppressed" in last
    assert "; 1 baselined" in last
    assert "vendored/generated code checked for secrets only" in last
    last = invoke("--baseline", "b.json", "--include-nonproduction").stdout.splitlines()[-1]
    assert "; 1 of them in test/example/docs code (not failing)" in last
    doc = json.loads(invoke("--baseline", "b.json", "--format", "json").stdout)
    assert doc["summary"]["baselined"] == 1


def _report(notes: list[Notification]) -> Report:
    return Report(findings=(), notifications=tuple(notes), rules=(), files_scanned=9)


def test_notifications_are_grouped_by_kind_within_ten_lines() -> None:
    notes = [
        Notification(NOT_PARSED, "partly parsed: go syntax", path=f"pkg/f{i:02d}.go", line=i + 1)
        for i in range(55)
    ]
    notes.append(Notification("ZT904", "file is larger than 2 MiB", path="big.json"))
    text = text_reporter.render(_report(notes))
    lines = text.splitlines()
    assert lines[-1] == "0 findings in 9 files scanned"
    block = lines[lines.index("56 notifications:") : lines.index("config: none (0 of 0 rules)")]
    assert len(block) <= text_reporter.NOTIFICATION_LINES
    assert block[1] == (
        "  55 files not parsed or partly parsed (ZT903 file-not-parsed): pkg/f00.go:1, "
        "pkg/f01.go:2, pkg/f02.go:3 and 52 more; each: partly parsed: go syntax "
        "(-v or --format json lists every one)"
    )
    assert block[2] == "  big.json  ZT904 file-skipped: file is larger than 2 MiB"
    verbose = text_reporter.render(_report(notes), verbose=True).splitlines()
    assert len([line for line in verbose if "ZT903" in line]) == 55
    # Many kinds: still at most ten lines, the rest counted.
    many = [Notification(f"ZT9{i:02d}", "x", path=f"f{i}") for i in range(20, 40)]
    block = text_reporter.render(_report(many)).splitlines()[:-2]
    assert len(block) == text_reporter.NOTIFICATION_LINES
    assert block[-1].startswith("  12 more notifications (ZT928, ")


def test_rich_is_not_imported_on_the_scan_path(repo: Path) -> None:
    code = (
        "import sys\nfrom ztlint.cli import main\n"
        "try:\n    main(['scan', '--no-cache', '.'])\nexcept SystemExit:\n    pass\n"
        "assert 'rich' not in sys.modules, 'rich imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_explain_prints_markdown_off_a_terminal_with_examples() -> None:
    result = CliRunner().invoke(main, ["explain", "token-in-browser-storage"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("# ") and "## Example\n```ts" in out
    # Its "Use instead" has no code: the negative fixture stands in, annotations removed.
    assert "## Examples from the tests\nNot flagged (`fixtures/ZT516/negative_" in out
    assert "ztlint-expect" not in out


def test_explain_renders_with_rich_on_a_terminal() -> None:
    meta = next(r for r in load_rules() if r.id == "ZT101")
    markdown = explain.page(meta.meta, meta.covers)
    rendered = explain.render(markdown, terminal=True, width=80)
    assert "```" not in rendered and "## " not in rendered
    assert "Why is this bad?" in rendered and "\033[" in rendered
    assert explain.render(markdown, terminal=False) == markdown


def test_explain_without_rich_prints_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rich.console", None)
    assert explain.render("# t\n", terminal=True) == "# t\n"


def test_readme_documents_the_new_options() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for option in ("--fix", "--fix-diff", "--output-format", "--statistics", "--exit-zero", "-q"):
        assert f"`{option}" in readme, option
    # --min-confidence is documented right beside --fail-on.
    rows = [line for line in readme.splitlines() if line.startswith("| `--")]
    names = [row.split("`")[1].split()[0] for row in rows]
    assert names[names.index("--fail-on") + 1] == "--min-confidence"


def test_full_text_shows_related_locations(tmp_path: Path) -> None:
    """A finding's related locations (the other credentials one compose file takes from
    the environment) are listed under it, a few of them, the rest counted."""
    services = "".join(
        f"  svc{i}:\n    image: ghcr.io/example/svc:1\n    environment:\n"
        f"      - DB_PASSWORD_{i}=${{DB_PASSWORD_{i}}}\n"
        for i in range(8)
    )
    (tmp_path / "docker-compose.yml").write_text("services:\n" + services)
    with contextlib.chdir(tmp_path):
        result = invoke(".")
    also = [line for line in result.output.splitlines() if line.startswith("    = also: ")]
    assert (
        also[0]
        == "    = also: docker-compose.yml:9: service 'svc1' takes DB_PASSWORD_1 from the environment"
    )
    assert len(also) == text_reporter.RELATED_LINES + 1
    assert also[-1] == "    = also: 2 more"
