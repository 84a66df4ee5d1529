"""`scan --history`: secrets in git history, on repositories built here."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT
from ztlint.cli import main
from ztlint.config import Config, ConfigError
from ztlint.history import scan

# Fake but well-formed: Mailgun keys have no checksum; the second is another such key.
TOKEN = "key-b444780fff5673d8438871d4c6613af9"
OTHER = "key-c019406b48904240464f4316432a6b4a"
KEY = (ROOT / "fixtures" / "demo" / "certs" / "relay.key").read_text()
KEY_BODY = KEY.splitlines()[1]


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    base.update(
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
        GIT_AUTHOR_DATE="2024-01-02T03:04:05Z",
        GIT_COMMITTER_DATE="2024-01-02T03:04:05Z",
    )
    base.update(env or {})
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=base
    ).stdout


def commit(repo: Path, message: str, files: dict[str, str | None]) -> str:
    for name, text in files.items():
        path = repo / name
        if text is None:
            git(repo, "rm", "-q", "--", name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        git(repo, "add", "--", name)
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def settings(token: str, extra: str = "") -> str:
    return f'{extra}MAILGUN_API_KEY = "{token}"\n'


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    commit(work, "init", {"app.py": "print('hello')\n"})
    with contextlib.chdir(work):
        yield work


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZTLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CI", raising=False)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def history(repo: Path, revisions: str | None = None, **kw: object) -> scan.Report:
    report, _ = scan.run(str(repo), Config(), revisions, **kw)  # type: ignore[arg-type]
    return report


def test_key_added_then_removed_is_reported_with_its_commit(repo: Path) -> None:
    added = commit(repo, "add settings", {"conf/settings.py": settings(TOKEN)})
    commit(repo, "remove settings", {"conf/settings.py": None})
    report = history(repo)
    [f] = report.findings
    assert (f.rule_id, f.path, f.span.start_line) == ("ZT202", "conf/settings.py", 1)
    assert f.commit is not None and f.commit.sha == added and not f.commit.at_head
    assert f.commit.date.startswith("2024-01-02T03:04:05")
    # The working tree alone is clean: the key lives only in history.
    assert json.loads(invoke("scan", "--no-cache", "--format", "json").stdout)["findings"] == []


def test_still_at_head(repo: Path) -> None:
    commit(repo, "add", {"settings.py": settings(TOKEN)})
    commit(repo, "edit", {"settings.py": settings(TOKEN, "DEBUG = False\n")})
    [f] = history(repo).findings
    assert f.commit is not None and f.commit.at_head


def test_one_finding_per_secret_and_first_commit(repo: Path) -> None:
    first = commit(repo, "add", {"a/settings.py": settings(TOKEN)})
    # The same blob under a second path, and twenty commits that carry it on.
    commit(repo, "copy", {"b/settings.py": settings(TOKEN)})
    for i in range(20):
        commit(repo, f"other {i}", {"notes.txt": f"{i}\n"})
    # The same secret in an edited file is still the same secret.
    commit(repo, "edit", {"a/settings.py": settings(TOKEN, "X = 1\n")})
    report = history(repo)
    assert [(f.path, f.commit.sha) for f in report.findings if f.commit] == [
        ("a/settings.py", first)
    ]
    # A different secret in the same file is a finding of its own.
    second = commit(repo, "rotate", {"a/settings.py": settings(OTHER)})
    shas = sorted(f.commit.sha for f in history(repo).findings if f.commit)
    assert shas == sorted([first, second])


def test_second_run_scans_no_blob_twice(repo: Path, tmp_path: Path) -> None:
    commit(repo, "add", {"settings.py": settings(TOKEN)})
    commit(repo, "rm", {"settings.py": None})
    cache = tmp_path / "cache"
    first, s1 = scan.run(str(repo), Config(), None, cache_dir=cache)
    second, s2 = scan.run(str(repo), Config(), None, cache_dir=cache)
    assert s1.scanned == s1.blobs == 2
    assert (s2.scanned, s2.cached) == (0, 2)
    assert [f.commit for f in second.findings] == [f.commit for f in first.findings]
    assert [f.snippet for f in second.findings] == [f.snippet for f in first.findings]
    # One new commit: only its blob is read.
    commit(repo, "more", {"more.py": "print(2)\n"})
    _, s3 = scan.run(str(repo), Config(), None, cache_dir=cache)
    assert (s3.scanned, s3.cached) == (1, 2)
    # Nothing in the cache holds the secret or a blob id.
    blob = git(repo, "rev-parse", "HEAD~2:settings.py").strip()
    for path in cache.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert TOKEN.encode() not in data and TOKEN[4:].encode() not in data
            assert blob.encode() not in data and bytes.fromhex(blob) not in data


def test_baseline_silences_a_history_finding(repo: Path) -> None:
    commit(repo, "add", {"settings.py": settings(TOKEN)})
    commit(repo, "rm", {"settings.py": None})
    assert invoke("scan", "--history", "--no-cache").exit_code == 1
    made = invoke("baseline", "--history", "--no-cache", "-o", "../base.json")
    assert made.exit_code == 0, made.output
    assert TOKEN[4:] not in (repo.parent / "base.json").read_text()
    quiet = invoke("scan", "--history", "--no-cache", "--baseline", "../base.json")
    assert quiet.exit_code == 0, quiet.output
    assert "0 findings" in quiet.stdout
    # A new secret is still reported.
    commit(repo, "again", {"other.py": settings(OTHER)})
    again = invoke("scan", "--history", "--no-cache", "--baseline", "../base.json")
    assert again.exit_code == 1 and "other.py" in again.stdout


def test_pull_request_range_reports_only_its_commits(repo: Path) -> None:
    commit(repo, "old leak", {"old.py": settings(TOKEN)})
    git(repo, "checkout", "-q", "-b", "feature")
    added = commit(repo, "pr adds", {"new.py": settings(OTHER)})
    commit(repo, "pr removes", {"new.py": None})
    report = history(repo, "main..feature")
    assert [(f.path, f.commit.sha) for f in report.findings if f.commit] == [("new.py", added)]
    assert report.history.commits == 2
    out = invoke("scan", "--history=main..HEAD", "--no-cache", "--format", "json")
    assert [f["path"] for f in json.loads(out.stdout)["findings"]] == ["new.py"]


def test_since(repo: Path) -> None:
    commit(repo, "old", {"old.py": settings(TOKEN)})
    late = {"GIT_AUTHOR_DATE": "2025-06-01T00:00:00Z", "GIT_COMMITTER_DATE": "2025-06-01T00:00:00Z"}
    (repo / "new.py").write_text(settings(OTHER))
    git(repo, "add", "new.py")
    git(repo, "commit", "-qm", "new", env=late)
    report, _ = scan.run(str(repo), Config(), None, since="2025-01-01")
    assert [f.path for f in report.findings] == ["new.py"]


def test_no_secret_value_in_any_output(repo: Path) -> None:
    commit(repo, "add", {"settings.py": settings(TOKEN), "keys/relay.key": KEY})
    commit(repo, "rm", {"settings.py": None, "keys/relay.key": None})
    for fmt in ("text", "json", "sarif", "github"):
        result = invoke("scan", "--history", "--format", fmt)
        assert result.exit_code == 1, result.output
        assert "relay.key" in result.stdout and "settings.py" in result.stdout
        assert TOKEN[4:] not in result.stdout and KEY_BODY not in result.stdout


def test_json_and_sarif_carry_the_commit(repo: Path) -> None:
    added = commit(repo, "add", {"settings.py": settings(TOKEN)})
    git(repo, "remote", "add", "origin", "https://user:hunter2@example.com/o/r.git")
    doc = json.loads(invoke("scan", "--history", "--no-cache", "--format", "json").stdout)
    [f] = doc["findings"]
    assert f["commit"] == {"sha": added, "date": "2024-01-02T03:04:05+00:00", "at_head": True}
    assert doc["summary"]["history"]["commits"] == 2
    sarif = json.loads(invoke("scan", "--history", "--no-cache", "--format", "sarif").stdout)
    run = sarif["runs"][0]
    assert run["versionControlProvenance"] == [
        {"repositoryUri": "https://example.com/o/r.git", "revisionId": added}
    ]
    [result] = run["results"]
    assert result["locations"][0]["properties"]["commit"] == added
    text = invoke("scan", "--history", "--no-cache").stdout
    assert f"added in commit {added[:12]}" in text and "still at HEAD" in text


def test_suppression_exception_and_exclude_by_path(repo: Path) -> None:
    commit(
        repo,
        "add",
        {
            "a.py": settings(TOKEN).rstrip("\n") + "  # ztlint: ignore[ZT202] rotated\n",
            "lib/b.py": settings(OTHER),
        },
    )
    commit(repo, "rm", {"a.py": None, "lib/b.py": None})
    doc = json.loads(invoke("scan", "--history", "--no-cache", "--format", "json").stdout)
    states = {f["path"]: f["suppression"] is not None for f in doc["findings"]}
    assert states == {"a.py": True, "lib/b.py": False}
    (repo.parent / "ex.yaml").write_text(
        "exceptions:\n  - rule: ZT202\n    path: work/lib/**\n    reason: rotated 2024\n"
    )
    doc = json.loads(
        invoke(
            "scan", "--history", "--no-cache", "--format", "json", "--config", "../ex.yaml"
        ).stdout
    )
    assert all(f["suppression"] is not None for f in doc["findings"])
    result = invoke("scan", "--history", "--no-cache", "--exclude", "lib/**")
    assert "lib/b.py" not in result.stdout


def test_hostile_config_runs_nothing(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    commit(repo, "add", {"settings.py": settings(TOKEN)})
    git(repo, "config", "core.fsmonitor", f"touch {marker}")
    with pytest.raises(ConfigError, match=r"core\.fsmonitor"):
        history(repo)
    git(repo, "config", "--unset", "core.fsmonitor")
    git(repo, "config", "diff.external", f"touch {marker}")
    (repo / ".gitattributes").write_text("* diff=x\n")
    git(repo, "config", "diff.x.textconv", f"touch {marker}")
    result = invoke("scan", "--history", "--no-cache")
    assert result.exit_code == 2
    assert not marker.exists()


def test_options_never_taken_from_a_range(repo: Path) -> None:
    for bad in ("-p", "--output=/tmp/x", "a\nb"):
        with pytest.raises(ConfigError, match="not a revision range"):
            history(repo, bad)
    assert invoke("scan", "--history", "--since", "--all", "--no-cache").exit_code == 2


def test_odd_file_names(repo: Path) -> None:
    name = "line\nbreak é\udcff.py"
    raw = os.fsencode(name)
    path = repo.joinpath(os.fsdecode(raw))
    path.write_text(settings(TOKEN))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "odd")
    [f] = history(repo).findings
    assert f.path == name
    out = invoke("scan", "--history", "--no-cache").stdout
    assert "line\\x0abreak" in out and "\nbreak" not in out


def test_shallow_clone_says_how_far_back(repo: Path, tmp_path: Path) -> None:
    for i in range(3):
        commit(repo, f"c{i}", {"n.txt": f"{i}\n"})
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo}", str(clone))
    report = history(clone)
    [note] = [n for n in report.notifications if n.code == "ZT920"]
    assert "shallow clone" in note.message and "2 commits" in note.message
    assert report.history.commits == 2


def test_missing_objects_are_a_notification(repo: Path) -> None:
    commit(repo, "add", {"settings.py": settings(TOKEN), "b.py": "x = 1\n"})
    blob = git(repo, "rev-parse", "HEAD:settings.py").strip()
    os.remove(repo / ".git" / "objects" / blob[:2] / blob[2:])
    report = history(repo)
    [note] = [n for n in report.notifications if n.code == "ZT920"]
    assert "1 blob missing" in note.message and note.path == "settings.py"
    assert report.findings == ()


def test_huge_and_binary_blobs(repo: Path) -> None:
    commit(repo, "big", {"big.txt": "a" * 5000 + "\n" + settings(TOKEN)})
    (repo / "blob.bin").write_bytes(b"\x00\x01\x02" * 100 + TOKEN.encode())
    git(repo, "add", "blob.bin")
    git(repo, "commit", "-qm", "bin")
    report, _ = scan.run(str(repo), Config(max_file_size=1000), None)
    [note] = [n for n in report.notifications if n.path == "big.txt"]
    assert note.code == "ZT904" and "over the 1000-byte limit" in note.message


def test_pre_push_scans_the_pushed_commits(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    commit(repo, "leak", {"settings.py": settings(TOKEN)})
    tip = commit(repo, "unleak", {"settings.py": None})
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", tip)
    result = invoke("scan", "--pushed", "--no-cache")
    assert result.exit_code == 1 and "settings.py" in result.stdout
    # A new branch: everything no remote-tracking branch has (here: every commit).
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "0" * 40)
    assert invoke("scan", "--pushed", "--no-cache").exit_code == 1
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", tip)
    assert invoke("scan", "--pushed", "--no-cache").exit_code == 0


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_action_scans_the_pull_requests_commits(
    repo: Path, tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    from tests.test_action import run_scan_step

    commit(repo, "old leak", {"old.py": settings(TOKEN)})
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    added = commit(repo, "pr adds", {"new.py": settings(OTHER)})
    head = commit(repo, "pr removes", {"new.py": None})
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "pull_request": {
                    "base": {"sha": base},
                    "head": {"sha": head, "repo": {"full_name": "acme/relay"}},
                }
            }
        )
    )
    proc, out = run_scan_step(
        repo,
        tmp_path,
        {"history": "pull-request"},
        {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert out["exit-code"] == "1" and out["findings"] == "1", proc.stdout
    doc = json.loads((repo / "ztlint.sarif").read_text())
    jsonschema.validate(doc, sarif_schema)
    [result] = doc["runs"][0]["results"]
    assert result["locations"][0]["properties"]["commit"] == added
    assert TOKEN[4:] not in proc.stdout and OTHER[4:] not in proc.stdout


def test_versions_that_add_no_trigger_are_not_parsed(repo: Path) -> None:
    commit(repo, "add", {"settings.py": settings(TOKEN)})
    for i in range(3):
        commit(repo, f"edit {i}", {"settings.py": settings(TOKEN, f"X{i} = {i}\n")})
    _, summary = scan.run(str(repo), Config(), "HEAD~3..HEAD~1")
    assert summary.blobs == 2 and (summary.scanned, summary.unchanged) == (1, 1)
    # A version that adds a secret is parsed, and the new secret reported there.
    later = commit(repo, "leak again", {"settings.py": settings(TOKEN) + settings(OTHER)})
    commit(repo, "tidy", {"settings.py": settings(OTHER, "Y = 2\n")})
    found = {f.commit.sha for f in history(repo).findings if f.commit}
    assert later in found and len(found) == 2


def test_pre_push_hook_and_readme_recipes_validate(tmp_path: Path) -> None:
    import re

    from pre_commit.clientlib import load_config, load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert hooks["ztlint-history"]["stages"] == ["pre-push"]
    assert hooks["ztlint-history"]["entry"] == "ztlint scan --pushed"
    text = (ROOT / "README.md").read_text().split("## Secrets in history", 1)[1]
    blocks = re.findall(r"```yaml\n(.*?)```", text.split("\n## ", 1)[0], flags=re.S)
    workflow, pre_commit = blocks
    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(pre_commit)
    assert load_config(str(path))["repos"][0]["hooks"][0]["id"] == "ztlint-history"
    (tmp_path / "wf.yml").write_text(workflow)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(tmp_path / "wf.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout


def test_partial_clone_is_never_fetched_from(repo: Path, tmp_path: Path) -> None:
    commit(repo, "add", {"settings.py": settings(TOKEN)})
    git(repo, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "partial"
    git(
        tmp_path, "clone", "-q", "--filter=blob:none", "--no-checkout", f"file://{repo}", str(clone)
    )
    report, summary = scan.run(str(clone), Config(), None)
    [note] = [n for n in report.notifications if n.code == "ZT920"]
    assert "2 blobs missing" in note.message and summary.scanned == 0
    still = git(clone, "rev-list", "--all", "--objects", "--missing=print")
    assert still.count("\n?") + still.startswith("?") == 2  # nothing was fetched


def test_same_output_whatever_the_jobs(repo: Path) -> None:
    for i in range(6):
        commit(repo, f"c{i}", {f"s{i % 3}.py": settings(TOKEN if i % 2 else OTHER, f"A{i} = 1\n")})
    outputs = {
        jobs: invoke("scan", "--history", "--no-cache", "--format", "json", "-j", jobs).stdout
        for jobs in ("1", "2")
    }
    assert outputs["1"] == outputs["2"] and '"ZT202"' in outputs["1"]


def test_code_versions_adding_a_literal_are_parsed(repo: Path) -> None:
    go = 'package db\n\nfunc open() {\n\tconnect("localhost")\n}\n'
    commit(repo, "code", {"db/db.go": go})
    commit(repo, "comment", {"db/db.go": go + "\n// the key is read at start-up\n"})
    leak = go + '\nvar dbPassword = "Hx7#kQ2!vLp9zR"\n'
    added = commit(repo, "leak", {"db/db.go": leak})
    commit(repo, "unleak", {"db/db.go": go})
    report, summary = scan.run(str(repo), Config(), None)
    assert summary.unchanged >= 1  # the comment adds a credential word but no literal
    assert [(f.rule_id, f.commit.sha) for f in report.findings if f.commit] == [("ZT204", added)]


def test_workers_never_hold_gits_pipes(repo: Path) -> None:
    # More blob ids than a pipe holds: cat-file still reads its input when the first
    # blob goes to a worker; a worker forked then kept git waiting for the end of input.
    for i in range(1800):
        (repo / f"f{i:04d}.py").write_text(f"X{i} = {i}\n")
    (repo / "zz.py").write_text(settings(TOKEN))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "many")
    proc = subprocess.run(
        [sys.executable, "-m", "ztlint", "scan", "--history", "--no-cache", "-j", "2"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1 and "zz.py" in proc.stdout, proc.stderr
