"""Adopting ztlint on an existing repository: baselines, --diff, --staged and init."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT
from ztlint import starter
from ztlint.cli import main
from ztlint.config import from_mapping

BAD_GO = 'package x\n\nimport "crypto/tls"\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n'


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


KEY = (ROOT / "fixtures" / "demo" / "certs" / "relay.key").read_text()


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "dial.go").write_text(BAD_GO)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "relay.key").write_text(KEY)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "init")
    with contextlib.chdir(tmp_path):
        yield tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def findings(*args: str) -> list[tuple[str, str, int]]:
    result = invoke("scan", ".", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    return [(f["rule_id"], f["path"], f["start_line"]) for f in data["findings"]]


def notes(*args: str) -> list[str]:
    return [
        n["code"]
        for n in json.loads(invoke("scan", ".", "--format", "json", *args).stdout)["notifications"]
    ]


# --- baseline -----------------------------------------------------------------------


@pytest.fixture
def baselined(repo: Path) -> Path:
    assert len(findings()) == 2
    result = invoke("baseline", ".")
    assert result.exit_code == 0 and "recorded 2 finding(s)" in result.output
    assert findings("--baseline", BASELINE) == []
    assert invoke("scan", ".", "--baseline", BASELINE).exit_code == 0
    return repo


BASELINE = ".ztlint-baseline.json"


def test_baseline_survives_lines_inserted_above(baselined: Path) -> None:
    (baselined / "dial.go").write_text("// header\n// more\n\n" + BAD_GO)
    assert findings("--baseline", BASELINE) == []
    assert "ZT908" not in notes("--baseline", BASELINE)


def test_baseline_survives_reformatting(baselined: Path) -> None:
    reformatted = (
        BAD_GO.replace("package x\n", "package x // reformatted\n")
        .replace('import "crypto/tls"', 'import (\n\t"crypto/tls"\n)')
        .replace("{InsecureSkipVerify: true}", "{ InsecureSkipVerify:  true }")
    )
    (baselined / "dial.go").write_text(reformatted)
    assert findings("--baseline", BASELINE) == []


def test_baseline_survives_git_mv(baselined: Path) -> None:
    git(baselined, "mv", "keys/relay.key", "keys/moved.key")
    git(baselined, "mv", "dial.go", "net.go")
    assert findings("--baseline", BASELINE) == []
    assert "ZT908" not in notes("--baseline", BASELINE)


def test_baseline_reports_a_new_finding_of_the_same_rule(baselined: Path) -> None:
    extra = 'var d = &tls.Config{InsecureSkipVerify: true, ServerName: "x"}\n'
    (baselined / "dial.go").write_text(BAD_GO + "\n" + extra)
    assert findings("--baseline", BASELINE) == [("ZT101", "dial.go", 7)]


def test_changed_secret_is_a_new_finding_and_no_secret_is_stored(repo: Path) -> None:
    invoke("baseline", ".")
    text = (repo / ".ztlint-baseline.json").read_text()
    body = "".join(KEY.splitlines()[1:-1])
    assert not any(body[i : i + 12] in text for i in range(0, len(body) - 12, 6))
    lines = KEY.splitlines()
    lines[1] = lines[1][:10] + ("A" if lines[1][10] != "A" else "B") + lines[1][11:]
    (repo / "keys" / "relay.key").write_text("\n".join(lines) + "\n")
    assert findings("--baseline", ".ztlint-baseline.json") == [("ZT201", "keys/relay.key", 1)]


def test_baseline_file_is_sorted_one_entry_per_line_and_stable(repo: Path) -> None:
    invoke("baseline", ".")
    first = (repo / ".ztlint-baseline.json").read_bytes()
    invoke("baseline", ".")
    assert (repo / ".ztlint-baseline.json").read_bytes() == first  # the salt is kept
    data = json.loads(first)
    assert data["entries"] == sorted(data["entries"])
    rows = [line for line in first.decode().splitlines() if line.startswith('["')]
    assert len(rows) == len(data["entries"]) == 2
    assert "time" not in first.decode() and "date" not in first.decode()


def test_stale_entries_and_update_baseline(repo: Path) -> None:
    invoke("baseline", ".")
    (repo / "dial.go").write_text("package x\n")
    result = invoke("scan", ".", "--baseline", ".ztlint-baseline.json")
    assert result.exit_code == 0
    assert "ZT908" in result.output and "1 baseline entry no longer matches" in result.output
    invoke("scan", ".", "--baseline", ".ztlint-baseline.json", "--update-baseline")
    assert len(json.loads((repo / ".ztlint-baseline.json").read_text())["entries"]) == 1
    assert "ZT908" not in notes("--baseline", ".ztlint-baseline.json")


def test_baseline_errors_exit_2(repo: Path) -> None:
    (repo / "bad.json").write_text('{"version": 99}')
    result = invoke("scan", ".", "--baseline", "bad.json")
    assert result.exit_code == 2 and "not a ztlint baseline" in result.output
    assert invoke("scan", ".", "--baseline", "missing.json").exit_code == 2
    assert invoke("scan", ".", "--update-baseline").exit_code == 2


# --- --diff -------------------------------------------------------------------------


def test_diff_reports_only_changed_lines(repo: Path) -> None:
    assert findings("--diff", "HEAD") == []
    # A new bad line in an old file, and a new untracked file.
    (repo / "dial.go").write_text(
        BAD_GO + "var d = &tls.Config{InsecureSkipVerify: true, MinVersion: 0}\n"
    )
    (repo / "new.go").write_text(BAD_GO)
    assert findings("--diff", "HEAD") == [("ZT101", "dial.go", 6), ("ZT101", "new.go", 5)]


def test_diff_deleted_lines_touch_their_neighbours(repo: Path) -> None:
    # Deleting the line right above a finding (say, the suppression comment that hid
    # it) brings the finding into the diff; deleting a line far away does not.
    lines = BAD_GO.splitlines(keepends=True)
    (repo / "dial.go").write_text("".join(lines[:3] + lines[4:]))
    assert findings("--diff", "HEAD") == [("ZT101", "dial.go", 4)]
    tail = "// a\n// b\n// c\n// d\n"
    (repo / "dial.go").write_text("".join(lines) + tail)
    git(repo, "commit", "-qam", "two")
    (repo / "dial.go").write_text("".join(lines) + tail.replace("// d\n", ""))
    assert findings("--diff", "HEAD") == []


def test_diff_deleting_trusted_ca_reports_the_unchanged_cluster_line(repo: Path) -> None:
    envoy = (ROOT / "fixtures" / "demo" / "deploy" / "envoy" / "envoy.yaml").read_text()
    (repo / "envoy.yaml").write_text(envoy)
    git(repo, "add", "envoy.yaml")
    git(repo, "commit", "-qm", "envoy")
    before = {f for f in findings() if f[1] == "envoy.yaml"}
    # Only the vault cluster's validation context goes: its transport_socket line, where
    # the finding is, does not change; the other cluster's old finding is not reported.
    lines = envoy.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "validation_context:" in line)
    depth = len(lines[at]) - len(lines[at].lstrip())
    end = next(
        (i for i in range(at + 1, len(lines)) if len(lines[i]) - len(lines[i].lstrip()) <= depth),
        len(lines),
    )
    (repo / "envoy.yaml").write_text("".join(lines[:at] + lines[end:]))
    new = [f for f in findings("--diff", "HEAD") if f[1] == "envoy.yaml"]
    assert len(new) == 1 and new[0] not in before
    assert new[0][0] == "ZT101" and new[0][2] < at + 1


ENV_COMPOSE = """services:
  api:
    image: ghcr.io/example/api:1.0
    environment:
      API_TOKEN: ${API_TOKEN}
  worker:
    image: ghcr.io/example/worker:1.0
    environment:
      QUEUE_PASSWORD: ${QUEUE_PASSWORD}
"""


def test_diff_a_change_to_a_grouped_credential_reports_the_group(repo: Path) -> None:
    # The credentials a compose file takes from the environment are one finding at the
    # first of them; a change that adds one to another service touches that finding.
    (repo / "compose.yaml").write_text(ENV_COMPOSE)
    git(repo, "add", "compose.yaml")
    git(repo, "commit", "-qm", "compose")
    assert [f for f in findings() if f[1] == "compose.yaml"] == [("ZT205", "compose.yaml", 5)]
    assert findings("--diff", "HEAD") == []
    (repo / "compose.yaml").write_text(ENV_COMPOSE + "      SIGNING_KEY: ${SIGNING_KEY}\n")
    assert findings("--diff", "HEAD") == [("ZT205", "compose.yaml", 5)]
    (repo / "compose.yaml").write_text(ENV_COMPOSE.replace("1.0", "1.1"))
    assert findings("--diff", "HEAD") == []


def test_a_baselined_group_is_stable_and_a_new_credential_makes_it_new(repo: Path) -> None:
    (repo / "compose.yaml").write_text(ENV_COMPOSE)
    invoke("baseline", ".")
    first = (repo / ".ztlint-baseline.json").read_bytes()
    assert findings("--baseline", ".ztlint-baseline.json") == []
    invoke("baseline", ".")
    assert (repo / ".ztlint-baseline.json").read_bytes() == first
    # The group's message names its credentials: one more makes it a new finding, and
    # its old entry stale (ZT908), as the rule's docs say.
    (repo / "compose.yaml").write_text(ENV_COMPOSE + "      SIGNING_KEY: ${SIGNING_KEY}\n")
    assert findings("--baseline", ".ztlint-baseline.json") == [("ZT205", "compose.yaml", 5)]
    assert "ZT908" in notes("--baseline", ".ztlint-baseline.json")


def test_diff_unknown_revision_exits_2(repo: Path) -> None:
    result = invoke("scan", ".", "--diff", "no-such-ref")
    assert result.exit_code == 2
    assert "unknown revision 'no-such-ref'" in result.output and "fetch-depth" in result.output


def test_diff_outside_git_exits_2(tmp_path: Path) -> None:
    with contextlib.chdir(tmp_path):
        result = invoke("scan", ".", "--diff", "HEAD")
    assert result.exit_code == 2 and "git work tree" in result.output


# --- --staged -----------------------------------------------------------------------


def test_staged_scans_the_index_not_the_work_tree(repo: Path) -> None:
    # Nothing staged: a clean, complete report.
    assert findings("--staged") == []
    # Staged bad content, then the work tree fixed without staging: still blocked.
    (repo / "svc.go").write_text(BAD_GO)
    git(repo, "add", "svc.go")
    (repo / "svc.go").write_text("package x\n")
    assert findings("--staged") == [("ZT101", "svc.go", 5)]
    # Staged good content with a bad unstaged edit: passes.
    git(repo, "add", "svc.go")
    (repo / "svc.go").write_text(BAD_GO)
    assert findings("--staged") == []


def test_staged_with_paths_and_subfolder(repo: Path) -> None:
    (repo / "a").mkdir()
    (repo / "a" / "one.go").write_text(BAD_GO)
    (repo / "b.go").write_text(BAD_GO)
    git(repo, "add", "-A")
    assert findings("--staged") == [("ZT101", "a/one.go", 5), ("ZT101", "b.go", 5)]
    result = invoke("scan", "a", "--staged", "--format", "json")
    assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["a/one.go"]


# --- init ---------------------------------------------------------------------------


def test_init_writes_a_valid_config_and_snippets(repo: Path) -> None:
    result = invoke("init")
    assert result.exit_code == 0
    assert "id: ztlint" in result.output and "security-events: write" in result.output
    from ruamel.yaml import YAML

    from_mapping(
        YAML(typ="safe").load((repo / ".ztlint.yaml").read_text()), ".ztlint.yaml", str(repo)
    )
    assert invoke("init").exit_code == 2  # never overwrites silently
    assert invoke("init", "--force").exit_code == 0
    assert YAML(typ="safe").load(starter.WORKFLOW)["permissions"]["security-events"] == "write"
    assert invoke("scan", ".").exit_code == 1  # the starter config changes nothing by itself


# --- pre-commit ---------------------------------------------------------------------

COMPOSE = """services:
  relay:
    image: ghcr.io/example/relay:1
    volumes:
      - ./certs:/etc/certs:ro
    security_opt:
      - seccomp:./profiles/open.json
"""
OPEN_PROFILE = '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []}\n'


def test_named_files_read_their_context_but_report_only_themselves(repo: Path) -> None:
    (repo / "deploy" / "profiles").mkdir(parents=True)
    (repo / "deploy" / "docker-compose.yml").write_text(COMPOSE)
    (repo / "deploy" / "profiles" / "open.json").write_text(OPEN_PROFILE)
    result = invoke("scan", "deploy/docker-compose.yml", "--format", "json")
    got = {(f["rule_name"], f["path"]) for f in json.loads(result.stdout)["findings"]}
    # The profile is read (the service that uses it is reported) but not reported on.
    assert ("seccomp-permissive-profile", "deploy/docker-compose.yml") in got
    assert all(p == "deploy/docker-compose.yml" for _, p in got)
    assert any(r == "sensitive-files-not-ignored" for r, _ in got)
    # A .gitignore above the file is context: the mount is covered, no finding.
    (repo / ".gitignore").write_text("deploy/certs/\n")
    result = invoke("scan", "deploy/docker-compose.yml", "--format", "json")
    got = {(f["rule_name"], f["path"]) for f in json.loads(result.stdout)["findings"]}
    assert not any(r == "sensitive-files-not-ignored" for r, _ in got)
    assert json.loads(result.stdout)["summary"]["files_scanned"] == 1


def test_hook_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    # The first hook scans staged files; ztlint-history (pre-push) is tested with history.
    hook = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))[0]
    assert hook["id"] == "ztlint" and hook["language"] == "python"
    assert hook["types"] == ["text"] and hook["pass_filenames"] and hook["require_serial"]


def test_a_go_file_loads_only_the_go_grammar() -> None:
    code = (
        "import sys, os, tempfile\n"
        "from ztlint import engine\nfrom ztlint.config import Config\n"
        f"d = tempfile.mkdtemp(); open(os.path.join(d, 'a.go'), 'w').write({BAD_GO!r})\n"
        "engine.run([os.path.join(d, 'a.go')], Config(), jobs=1)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('tree_sitter_')}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['tree_sitter_go']"


@pytest.mark.skipif(
    shutil.which("pre-commit") is None and not _has_module("pre_commit"),
    reason="pre-commit not installed",
)
def test_real_pre_commit_try_repo(tmp_path: Path) -> None:
    """The real `pre-commit try-repo` against this checkout: it installs ztlint from the
    checkout into its own environment, as users get it."""
    if not (ROOT / ".git").exists():
        pytest.skip("needs this checkout to be a git repository")
    untracked = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "ztlint", "rules", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if untracked.strip():
        pytest.skip("try-repo installs tracked files only; this checkout has new untracked ones")
    repo = tmp_path / "work"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    home = tmp_path / "cache"

    def try_repo(*extra: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env["PRE_COMMIT_HOME"] = str(home)
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "ztlint", *extra],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=900,
        )

    (repo / "ok.go").write_text("package x\n")
    git(repo, "add", "ok.go")
    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout

    (repo / "bad.go").write_text(BAD_GO)
    git(repo, "add", "bad.go")
    bad = try_repo()
    assert bad.returncode == 1
    assert "bad.go:5:21  ZT101 [critical]" in bad.stdout

    # More files than fit on one command line: pre-commit splits them into batches.
    git(repo, "rm", "-q", "--cached", "bad.go")
    many = repo / "many"
    many.mkdir()
    for i in range(2500):
        (many / f"a_file_with_a_name_long_enough_to_fill_a_command_line_{i:05d}.go").write_text(
            "package x\n"
        )
    (many / "zz_bad.go").write_text(BAD_GO)
    git(repo, "add", "many")
    batched = try_repo("--verbose")
    assert batched.returncode == 1
    assert batched.stdout.count("files scanned") >= 2  # really more than one batch
    assert "many/zz_bad.go:5:21  ZT101" in batched.stdout


def test_an_earlier_report_in_the_tree_raises_nothing(repo: Path) -> None:
    # The SARIF quotes ztlint's docs, `ztlint: ignore` included: inside JSON strings that
    # is not a suppression comment. JSONC comments still are.
    invoke("scan", ".", "--format", "sarif", "-o", "old.sarif")
    invoke("scan", ".", "--format", "json", "-o", "old.json")
    assert {p for _, p, _ in findings()} == {"dial.go", "keys/relay.key"}
    (repo / "tsconfig.json").write_text(
        '{\n  // ztlint: ignore[ZT101]\n  "a": "// ztlint: ignore"\n}\n'
    )
    assert [(r, p) for r, p, _ in findings()] == [
        ("ZT101", "dial.go"),
        ("ZT201", "keys/relay.key"),
        ("ZT901", "tsconfig.json"),
    ]


def test_staged_and_named_files_apply_config_exceptions_in_scope(repo: Path) -> None:
    (repo / ".ztlint.yaml").write_text(
        "exceptions:\n"
        "  - rule: tls-verification-disabled\n    path: svc.go\n    reason: loopback probe only\n"
        "  - rule: private-key-committed\n    path: keys/*.key\n    reason: test key, revoked\n"
    )
    (repo / "svc.go").write_text(BAD_GO)
    git(repo, "add", "svc.go", ".ztlint.yaml")
    result = json.loads(invoke("scan", "--staged", "--format", "json").stdout)
    assert [f["path"] for f in result["findings"] if not f.get("suppression")] == []
    # The key exception is out of scope (no key staged), not unused.
    assert [n["code"] for n in result["notifications"]] == []
    result = json.loads(invoke("scan", "svc.go", "--format", "json").stdout)
    assert result["notifications"] == [] and result["summary"]["suppressed"] == 1


def test_a_named_go_file_reads_its_go_mod(repo: Path) -> None:
    src = ROOT / "fixtures" / "ZT513" / "positive_module" / "handshake.go"
    (repo / "svc").mkdir()
    (repo / "svc" / "ids.go").write_text(src.read_text())
    (repo / "go.mod").write_text("module example.com/x\n\ngo 1.24\n")
    result = json.loads(invoke("scan", "svc/ids.go", "--format", "json").stdout)
    assert [f["rule_id"] for f in result["findings"]] == []
    (repo / "go.mod").write_text("module example.com/x\n\ngo 1.22\n")
    result = json.loads(invoke("scan", "svc/ids.go", "--format", "json").stdout)
    assert {f["path"] for f in result["findings"]} == {"svc/ids.go"}
    assert len(result["findings"]) == 5


def test_diff_a_review_marker_the_change_adds_does_not_hide_its_finding(repo: Path) -> None:
    """`#nosec` committed before the change lowers its finding (hidden by default); one
    the change itself writes is no review: the finding is shown at full confidence."""
    marked = 'package x\n\nimport "crypto/tls"\n\n'
    marked += "var c = &tls.Config{InsecureSkipVerify: true} // #nosec G402 -- probe\n"
    (repo / "probe.go").write_text(marked)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "reviewed probe")
    assert ("ZT101", "probe.go", 5) not in findings()
    # The change adds insecure code with its own marker, and touches the old marker's
    # file elsewhere.
    (repo / "probe.go").write_text(marked + "\n// unrelated edit\n")
    (repo / "pr.go").write_text(marked.replace("probe", "pr"))
    assert findings("--diff", "HEAD") == [("ZT101", "pr.go", 5)]


def test_exception_for_a_rule_or_file_that_was_not_checked_is_not_unused(repo: Path) -> None:
    """ZT907 says an exception matched nothing it could have matched: not when its rule
    was deselected, nor when no file in its path was scanned (nothing staged, a named
    file elsewhere); --strict then passes (issue #26 item 4)."""
    (repo / ".ztlint.yaml").write_text(
        "exceptions:\n"
        "  - rule: tls-verification-disabled\n    path: svc.go\n    reason: loopback probe only\n"
        "  - rule: docker-socket-mount\n    path: gone.yml\n    reason: old service\n"
    )
    (repo / "svc.go").write_text(BAD_GO)
    (repo / "ok.go").write_text("package ok\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "config")

    def unused(*args: str) -> list[str]:
        result = invoke("scan", "--format", "json", "--strict", *args)
        doc = json.loads(result.stdout)
        codes = [n["message"] for n in doc["notifications"] if n["code"] == "ZT907"]
        assert result.exit_code == (1 if codes or doc["summary"]["failing"] else 0), result.output
        return codes

    # A whole-tree scan: the compose exception really is unused.
    assert [m.split(" (")[0] for m in unused(".")] == ["config exception for docker-socket-mount"]
    # Its rule deselected: nothing to say about it.
    assert unused(".", "--select", "ZT1") == []
    assert unused(".", "--ignore", "docker-socket-mount") == []
    # The TLS exception's rule deselected: it is not unused either.
    assert len(unused(".", "--select", "ZT3")) == 1
    assert unused(".", "--select", "ZT7") == []
    # Nothing staged, and a named file outside both paths.
    assert unused("--staged") == []
    assert unused("ok.go") == []
