"""A repository's own configuration is data (issue 22, items 2, 5 and 8).

A config inside the scanned tree may select, ignore, tune and except rules, but never
name a program or a path outside the tree; the lookup never leaves the tree nor follows
a link out of it; every report says which config applied and how many rules ran; and
under --diff a changed config that weakens the scan is itself a failing finding
(config-weakens-scan, ZT911), which that config cannot hide.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import FIXTURES, ROOT
from tests.expectations import parse
from tests.hostile.support import run_ztlint
from ztlint.config import ConfigError, find_config, load_file, scan_tree
from ztlint.gitrun import Git
from ztlint.registry import load_rules

BAD_GO = 'package x\n\nimport "crypto/tls"\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n'
EMPTY_SEMGREP_JSON = '{"results": [], "errors": [], "paths": {"scanned": []}}'
REPORT_SCHEMA = ROOT / "ztlint" / "schemas" / "report-v1.json"
RULES = len(load_rules())


def ztlint(
    cwd: Path, *args: str, path: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`ztlint scan ARGS` in a fresh process, as CI runs it (semgrep is a real child)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "ZTLINT_"))}
    env["PATH"] = path if path is not None else os.environ.get("PATH", os.defpath)
    env["ZTLINT_CACHE_DIR"] = str(cwd.parent / "cache")
    return run_ztlint(cwd, "scan", *args, env=env, timeout=timeout)


def git(repo: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


def program(path: Path, marker: Path, output: str = "") -> Path:
    """An executable shell script that leaves `marker` behind when it runs."""
    path.write_text(f"#!/bin/sh\necho ran > '{marker}'\necho '{output}'\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A scanned repository (its own folder in tmp_path; tmp_path holds the outside)."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "bad.go").write_text(BAD_GO, encoding="utf-8")
    return root


def fake_semgrep(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in semgrep outside the tree: prints an empty result, leaves a marker."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    marker = tmp_path / "semgrep-ran"
    return program(folder / "semgrep", marker, EMPTY_SEMGREP_JSON), marker


# --- 1. an in-tree config never names a program -------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".ztlint.yaml", "semgrep: {configs: [builtin], bin: ./evil.sh}\n"),
        (".ztlint.yml", "semgrep:\n  configs: [builtin]\n  bin: evil.sh\n"),
        ("pyproject.toml", '[tool.ztlint.semgrep]\nconfigs = ["builtin"]\nbin = "./evil.sh"\n'),
        ("pyproject.toml", '[tool.ztlint]\nsemgrep = {configs = ["builtin"], bin = "~/evil.sh"}\n'),
    ],
)
def test_an_in_tree_config_naming_a_program_is_refused(
    tree: Path, tmp_path: Path, name: str, text: str
) -> None:
    marker = tmp_path / "marker"
    program(tree / "evil.sh", marker, EMPTY_SEMGREP_JSON)
    (tree / name).write_text(text, encoding="utf-8")
    proc = ztlint(tree, ".")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert not marker.exists()
    assert name in proc.stderr and "semgrep.bin" in proc.stderr
    assert "come only from the command line, the environment or a --config file" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bin_sh_with_a_file_named_scan_is_refused(tree: Path, tmp_path: Path) -> None:
    # `sh scan --json ...` would run the repository's file `scan`: a name on PATH is no
    # safer than a path.
    marker = tmp_path / "marker"
    program(tree / "scan", marker)
    (tree / ".ztlint.yaml").write_text("semgrep: {configs: [builtin], bin: sh}\n")
    proc = ztlint(tree, ".")
    assert proc.returncode == 2 and "semgrep.bin" in proc.stderr
    assert not marker.exists()


def test_a_semgrep_in_the_working_directory_is_not_found_through_path(
    tree: Path, tmp_path: Path
) -> None:
    # An empty or relative PATH entry means the working directory: the repository's own
    # `semgrep` must not run when an in-tree config asks for the builtin rules.
    marker = tmp_path / "marker"
    program(tree / "semgrep", marker, EMPTY_SEMGREP_JSON)
    (tree / ".ztlint.yaml").write_text("semgrep: {configs: [builtin]}\n")
    for path in (":/usr/bin:/bin", ".:/usr/bin:/bin", "/usr/bin:/bin:"):
        proc = ztlint(tree, ".", path=path)
        assert proc.returncode == 2 and "semgrep is not installed" in proc.stderr, proc.stderr
        assert not marker.exists(), path


@pytest.mark.parametrize("entry", ["../outside", "{outside}", "~/outside", "sub/../../outside"])
def test_semgrep_configs_outside_the_tree_are_refused(
    tree: Path, tmp_path: Path, entry: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "rules.yaml").write_text("rules: []\n")
    (tree / "sub").mkdir()
    entry = entry.format(outside=outside)
    (tree / ".ztlint.yaml").write_text(f"semgrep:\n  configs: [builtin, {json.dumps(entry)}]\n")
    proc = ztlint(tree, ".")
    assert proc.returncode == 2, proc.stdout
    assert "semgrep.configs" in proc.stderr and "outside the scanned tree" in proc.stderr


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("file-timeout: 0\n", "file-timeout: no limit (0)"),
        ("file-timeout: 3600\n", "file-timeout: 3600 s"),
        ("semgrep: {timeout: 100000}\n", "semgrep.timeout: 100000 s"),
    ],
)
def test_an_in_tree_config_may_shorten_time_limits_but_not_lengthen_them(
    tree: Path, tmp_path: Path, text: str, key: str
) -> None:
    (tree / ".ztlint.yaml").write_text(text)
    proc = ztlint(tree, ".")
    assert proc.returncode == 2 and key in proc.stderr and "may set" in proc.stderr
    (tmp_path / "ci.yaml").write_text(text)  # outside the tree: honoured
    assert ztlint(tree, "--config", str(tmp_path / "ci.yaml"), ".").returncode == 1
    (tree / ".ztlint.yaml").write_text("file-timeout: 5\nsemgrep: {timeout: 30}\n")
    assert ztlint(tree, ".").returncode == 1


def test_a_semgrep_config_with_a_nul_is_an_error_not_a_traceback(tree: Path) -> None:
    (tree / ".ztlint.yaml").write_text('semgrep: {configs: ["rules\\0x"]}\n')
    proc = ztlint(tree, ".")
    assert proc.returncode == 2 and "is not a path" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_semgrep_configs_through_links_out_of_the_tree_are_refused(
    tree: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "rules.yaml").write_text("rules: []\n")
    (tree / "linked").symlink_to(outside)
    (tree / ".ztlint.yaml").write_text("semgrep: {configs: [linked]}\n")
    proc = ztlint(tree, ".")
    assert proc.returncode == 2 and "leads outside the scanned tree" in proc.stderr
    # A folder of rules inside the tree that holds a link out.
    (tree / "rules").mkdir()
    (tree / "rules" / "more.yaml").symlink_to(outside / "rules.yaml")
    (tree / ".ztlint.yaml").write_text("semgrep: {configs: [rules]}\n")
    proc = ztlint(tree, ".")
    assert proc.returncode == 2 and "a link out of the tree" in proc.stderr


def test_builtin_and_in_tree_rule_files_are_allowed(tree: Path, tmp_path: Path) -> None:
    semgrep, ran = fake_semgrep(tmp_path)
    (tree / "rules").mkdir()
    (tree / "rules" / "local.yaml").write_text("rules: []\n")
    (tree / ".ztlint.yaml").write_text("semgrep: {configs: [builtin, rules, rules/local.yaml]}\n")
    proc = ztlint(tree, ".", path=f"{semgrep.parent}:/usr/bin:/bin")
    assert proc.returncode == 1, proc.stderr  # bad.go's finding; semgrep found nothing
    assert ran.exists()  # the semgrep from PATH (the environment) ran


# --- 2. where configs come from ---------------------------------------------------


def test_a_config_link_out_of_the_tree_is_not_read(tree: Path, tmp_path: Path) -> None:
    outside = tmp_path / "shared.yaml"
    outside.write_text("ignore: [ALL]\n")
    (tree / ".ztlint.yaml").symlink_to(outside)
    proc = ztlint(tree, ".")
    assert proc.returncode == 2
    assert ".ztlint.yaml" in proc.stderr and "outside the scanned tree; not read" in proc.stderr
    # The same through --config: a file in the tree that leads out is refused too.
    proc = ztlint(tree, "--config", ".ztlint.yaml", ".")
    assert proc.returncode == 2 and "outside the scanned tree; not read" in proc.stderr
    # A link that stays inside the tree is an ordinary config.
    (tree / ".ztlint.yaml").unlink()
    (tree / "ztlint-config.yaml").write_text("ignore: [ZT7]\n")
    (tree / ".ztlint.yaml").symlink_to("ztlint-config.yaml")
    proc = ztlint(tree, ".")
    assert proc.returncode == 1 and "config: .ztlint.yaml (" in proc.stdout


def test_a_config_that_is_not_a_regular_file_is_an_error_not_a_hang(tree: Path) -> None:
    os.mkfifo(tree / ".ztlint.yaml")
    proc = ztlint(tree, ".", timeout=60)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr


def test_an_oversized_in_tree_config_is_not_parsed(tree: Path) -> None:
    (tree / ".ztlint.yaml").write_text("# padding\n" * 30_000)
    proc = ztlint(tree, ".")
    assert proc.returncode == 2 and "not read as a configuration" in proc.stderr


def test_a_deeply_nested_config_is_an_error_not_a_crash(tree: Path) -> None:
    # libyaml's composer recurses without a limit: 30,000 brackets overflowed its stack.
    (tree / ".ztlint.yaml").write_text("ignore: " + "[" * 30_000 + "]" * 30_000 + "\n")
    proc = ztlint(tree, ".")
    assert proc.returncode == 2 and "nested too deeply" in proc.stderr


def test_outside_git_the_lookup_stays_in_the_scanned_root(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    project = shared / "project"
    project.mkdir(parents=True)
    (project / "bad.go").write_text(BAD_GO)
    (shared / ".ztlint.yaml").write_text("ignore: [ALL]\n")  # another user's parent folder
    assert find_config(str(project)) is None
    proc = ztlint(project, ".")
    assert proc.returncode == 1, proc.stdout
    assert "ZT101" in proc.stdout and "config: none (" in proc.stdout
    # Scanning a folder below the working directory: the lookup starts there.
    proc = ztlint(shared, "project")
    assert proc.returncode == 1 and "config: none (" in proc.stdout


def test_inside_git_the_lookup_climbs_to_the_top_of_the_work_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "svc").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "svc" / "bad.go").write_text(BAD_GO)
    (repo / ".ztlint.yaml").write_text("ignore: [ZT101]\n")
    (tmp_path / ".ztlint.yaml").write_text("select: [ZT101]\n")  # above the work tree
    assert find_config(str(repo / "svc")) == str(repo / ".ztlint.yaml")
    assert scan_tree(str(repo / "svc")) == str(repo.resolve())
    proc = ztlint(repo / "svc", ".")
    assert proc.returncode == 0 and "config: ../.ztlint.yaml (" in proc.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a folder to another user")
def test_a_git_folder_planted_in_a_shared_parent_does_not_widen_the_tree(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    project = shared / "project"
    project.mkdir(parents=True)
    (project / "bad.go").write_text(BAD_GO)
    # Another user (nobody) owns the shared folder and plants .git and a config there.
    (shared / ".git").mkdir()
    (shared / ".ztlint.yaml").write_text("ignore: [ALL]\n")
    for path in (shared, shared / ".git", shared / ".ztlint.yaml"):
        os.chown(path, 65534, 65534)
    assert scan_tree(str(project)) == str(project.resolve())
    assert find_config(str(project)) is None
    proc = ztlint(project, ".")
    assert proc.returncode == 1 and "config: none (" in proc.stdout


def test_a_config_outside_the_tree_may_name_a_program(tree: Path, tmp_path: Path) -> None:
    semgrep, ran = fake_semgrep(tmp_path)
    trusted = tmp_path / "ci" / "ztlint.yaml"
    trusted.parent.mkdir()
    trusted.write_text(f"semgrep: {{configs: [builtin], bin: {json.dumps(str(semgrep))}}}\n")
    assert load_file(str(trusted)).semgrep_bin == str(semgrep)
    proc = ztlint(tree, "--config", str(trusted), ".", path="/usr/bin:/bin")
    assert proc.returncode == 1, proc.stderr
    assert ran.exists()
    assert "config: ../ci/ztlint.yaml (" in proc.stdout
    # The same file copied into the tree and named with --config is data only.
    ran.unlink()
    shutil.copy(trusted, tree / "ci.yaml")
    proc = ztlint(tree, "--config", "ci.yaml", ".", path="/usr/bin:/bin")
    assert proc.returncode == 2 and "semgrep.bin" in proc.stderr
    assert not ran.exists()
    # The command line names programs too.
    proc = ztlint(tree, "--semgrep", "builtin", "--semgrep-bin", str(semgrep), ".")
    assert proc.returncode == 1 and ran.exists()


def test_load_file_decides_trust_by_the_tree(tree: Path) -> None:
    (tree / ".ztlint.yaml").write_text("semgrep: {configs: [builtin], bin: ./x}\nignore: [ZT7]\n")
    with pytest.raises(ConfigError, match=r"semgrep\.bin: names a program to run"):
        load_file(str(tree / ".ztlint.yaml"), str(tree.resolve()))
    config = load_file(str(tree / ".ztlint.yaml"))  # a caller's own file: trusted
    assert config.trusted and config.semgrep_bin == os.path.join(tree, "./x")


# --- 3. the report says which config applied ---------------------------------------


def test_every_format_names_the_config_and_the_rules_that_ran(
    tree: Path, sarif_schema: dict[str, Any]
) -> None:
    proc = ztlint(tree, ".")
    assert f"config: none ({RULES} of {RULES} rules)\n" in proc.stdout
    (tree / ".ztlint.yaml").write_text(
        "ignore: [ZT7, ZT601]\n"
        "exceptions:\n"
        "  - {rule: ZT101, path: bad.go, reason: test double}\n"
        "  - {rule: ZT301, path: x.yaml, reason: runner socket}\n"
    )
    proc = ztlint(tree, ".")
    run = RULES - 3
    assert f"config: .ztlint.yaml ({run} of {RULES} rules, 2 exceptions)\n" in proc.stdout
    doc = json.loads(ztlint(tree, "--format", "json", ".").stdout)
    jsonschema.validate(doc, json.loads(REPORT_SCHEMA.read_text()))
    assert doc["config"] == {
        "files": [".ztlint.yaml"],
        "rules_run": run,
        "rules_total": RULES,
        "exceptions": 2,
    }
    log = json.loads(ztlint(tree, "--format", "sarif", ".").stdout)
    jsonschema.validate(log, sarif_schema)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["properties"] == {
        "configFiles": [".ztlint.yaml"],
        "rulesRun": run,
        "rulesTotal": RULES,
        "exceptions": 2,
        "filesByProvenance": {"production": 2},
        "notCheckedFiles": 0,
        "hiddenFindings": 0,
        "minConfidence": "high",
        "belowConfidence": 0,
    }
    (tree / ".ztlint.yaml").unlink()
    (tree / "pyproject.toml").write_text('[tool.ztlint]\nignore = ["ZT7"]\n')
    proc = ztlint(tree, ".")
    assert f"config: pyproject.toml [tool.ztlint] ({RULES - 2} of {RULES} rules)" in proc.stdout


def test_a_config_path_with_a_line_break_cannot_forge_a_command(tmp_path: Path) -> None:
    hostile = tmp_path / "repo\n::error::forged\u2028x"
    hostile.mkdir()
    (hostile / "bad.go").write_text(BAD_GO)
    (hostile / ".ztlint.yaml").write_text('ignore: [ALL]\nexclude: ["*"]\n')
    for fmt in ("text", "json", "sarif", "github"):
        proc = ztlint(tmp_path, "--format", fmt, hostile.name)
        assert proc.returncode == 0, proc.stderr
        commands = [ln for ln in proc.stdout.split("\n") if ln.lstrip().startswith("::")]
        if fmt == "github":  # its own annotations only
            assert commands and all(c.startswith("::notice file=repo\\x0a") for c in commands)
        else:
            assert not commands, fmt
        assert "\u2028" not in proc.stdout
    assert "config: repo\\x0a::error::forged" in ztlint(tmp_path, hostile.name).stdout


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("ignore: [ALL]\n", "no security rule runs"),
        ("select: [ZT901]\n", "no security rule runs"),
        ('exclude: ["*"]\n', "exclude ('*') skips every file"),
        ('exclude: ["**/*"]\n', "exclude ('**/*') skips every file"),
        ('test-paths: ["**"]\n', "test paths ('**') mark every file as test code"),
        ('extend-test-paths: ["*"]\n', "test paths ('*') mark every file as test code"),
    ],
)
def test_a_config_that_switches_the_scan_off_leaves_a_trace(
    tree: Path, text: str, says: str
) -> None:
    (tree / ".ztlint.yaml").write_text(text)
    proc = ztlint(tree, "--format", "json", ".")
    assert proc.returncode == 0, proc.stdout
    doc = json.loads(proc.stdout)
    assert doc["summary"]["findings"] == 0  # what the config did...
    notes = [n for n in doc["notifications"] if n["code"] == "ZT914"]
    assert [(n["path"], n["level"]) for n in notes] == [(".ztlint.yaml", "warning")]
    assert says in notes[0]["message"]  # ...is said
    text_out = ztlint(tree, ".").stdout
    assert "config: .ztlint.yaml (" in text_out and "ZT914 config-disables-scan" in text_out
    assert ztlint(tree, "--strict", ".").returncode == 1


def test_a_narrow_config_gives_no_blind_spot_notice(tree: Path) -> None:
    (tree / ".ztlint.yaml").write_text('ignore: [ZT7]\nexclude: ["docs/"]\ntests: report\n')
    doc = json.loads(ztlint(tree, "--format", "json", ".").stdout)
    assert not [n for n in doc["notifications"] if n["code"] == "ZT914"]


# --- 4. config-weakens-scan under --diff ----------------------------------------------


def _diff_units() -> list[Path]:
    return sorted(p for p in (FIXTURES / "ZT911").iterdir() if p.is_dir())


def _commit_and_change(repo: Path, unit: Path) -> None:
    """The fixture's before/ tree committed, then its after/ tree in the work tree."""
    git(repo, "init", "-q")
    (repo / "README").write_text("a repository\n")
    before = unit / "before"
    if before.is_dir():
        shutil.copytree(before, repo, dirs_exist_ok=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "before")
    for path in before.rglob("*") if before.is_dir() else ():
        (repo / path.relative_to(before)).unlink()
    shutil.copytree(unit / "after", repo, dirs_exist_ok=True)


@pytest.mark.parametrize("unit", _diff_units(), ids=lambda p: p.name)
def test_config_weakens_scan_fixture(tmp_path: Path, unit: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _commit_and_change(repo, unit)
    wanted: Counter[tuple[str, int, str]] = Counter()
    for path in (unit / "after").rglob("*"):
        rel = str(path.relative_to(unit / "after"))
        for (line, rule, _, _), n in parse(path, path.read_text(encoding="utf-8")).items():
            wanted[(rel, line, rule)] += n
    positive = unit.name.startswith("positive")
    assert bool(wanted) == positive, f"{unit.name}: annotations and name disagree"

    proc = ztlint(repo, "--diff", "HEAD", "--format", "json", ".")
    assert proc.returncode == (1 if positive else 0), proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, json.loads(REPORT_SCHEMA.read_text()))
    actual = Counter(
        (f["path"], f["start_line"], f["rule_id"]) for f in doc["findings"] if not f["suppression"]
    )
    assert actual == wanted, (
        f"missing {sorted((wanted - actual).elements())}, "
        f"unexpected {sorted((actual - wanted).elements())}"
    )
    assert all(f["severity"] == "high" for f in doc["findings"])


def _weakened_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".ztlint.yaml").write_text("ignore: [ZT7]\n")
    (repo / "svc.go").write_text("package x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    (repo / ".ztlint.yaml").write_text(
        "ignore: [ZT7]\nfail-on: critical\nexceptions:\n  - {rule: ZT911, reason: mine}\n"
    )
    return repo


def test_config_weakens_scan_fails_the_run_whatever_the_config_says(tmp_path: Path) -> None:
    repo = _weakened_repo(tmp_path)
    proc = ztlint(repo, "--diff", "HEAD", ".")
    assert proc.returncode == 1, proc.stdout
    assert ".ztlint.yaml:2:1  ZT911 [high]" in proc.stdout and "fail-on raised" in proc.stdout
    assert ".ztlint.yaml:4:3  ZT911 [high]" in proc.stdout
    log = json.loads(ztlint(repo, "--diff", "HEAD", "--format", "sarif", ".").stdout)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"ZT911"} and len(results) == 2
    assert all("suppressions" not in r and r["level"] == "error" for r in results)
    # Without --diff nothing is compared; an unchanged config gives nothing.
    assert ztlint(repo, ".").returncode == 0
    git(repo, "commit", "-q", "-a", "-m", "accept")
    assert ztlint(repo, "--diff", "HEAD", ".").returncode == 0


def test_only_the_command_line_turns_config_weakens_scan_off(tmp_path: Path) -> None:
    repo = _weakened_repo(tmp_path)
    proc = ztlint(repo, "--diff", "HEAD", "--ignore", "config-weakens-scan", ".")
    assert proc.returncode == 0 and "ZT911 [" not in proc.stdout
    proc = ztlint(repo, "--diff", "HEAD", "--select", "ZT1", ".")
    assert proc.returncode == 0 and "ZT911 [" not in proc.stdout
    proc = ztlint(repo, "--diff", "HEAD", "--fail-on", "critical", ".")
    assert proc.returncode == 0 and "ZT911 [high]" in proc.stdout  # shown, not failing


def test_a_new_config_replacing_a_pyproject_table_is_compared_with_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "pyproject.toml").write_text('[tool.ztlint]\nignore = ["ZT7"]\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    (repo / ".ztlint.yaml").write_text("ignore: [ZT7]\n")  # the same: not a weakening
    assert ztlint(repo, "--diff", "HEAD", ".").returncode == 0
    (repo / ".ztlint.yaml").write_text("ignore: [ZT7, ZT3]\n")
    proc = ztlint(repo, "--diff", "HEAD", ".")
    assert proc.returncode == 1 and ".ztlint.yaml:1:1  ZT911" in proc.stdout
    container_rules = sum(r.id.startswith("ZT3") for r in load_rules())
    assert f"ignore turns off {container_rules} rules that ran before" in proc.stdout


def test_the_old_config_is_read_through_the_hardened_git_runner(tmp_path: Path) -> None:
    from ztlint import configdiff

    repo = _weakened_repo(tmp_path)
    top = str(repo.resolve())
    config = [os.path.join(top, ".ztlint.yaml")]
    assert configdiff._old_config(Git(top), top, "HEAD", config) == (
        ".ztlint.yaml",
        b"ignore: [ZT7]\n",
    )
    marker = tmp_path / "textconv-ran"
    program(tmp_path / "conv.sh", marker)
    (repo / ".gitattributes").write_text(".ztlint.yaml diff=evil\n")
    git(repo, "config", "diff.evil.textconv", str(tmp_path / "conv.sh"))
    with pytest.raises(ConfigError, match="textconv"):  # the repository's config is vetted
        configdiff._old_config(Git(top), top, "HEAD", config)
    proc = ztlint(repo, "--diff", "HEAD", ".")
    assert proc.returncode == 2 and "textconv" in proc.stderr
    assert not marker.exists()


def test_config_weakens_scan_is_listed_and_explained(tmp_path: Path) -> None:
    def cli(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "ztlint", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    (row,) = [line for line in cli("rules").splitlines() if line.startswith("ZT911")]
    assert row.split()[:3] == ["ZT911", "config-weakens-scan", "high"]
    page = cli("explain", "config-weakens-scan")
    assert "## What it does" in page and "--diff" in page and "cannot hide it" in page


def test_config_weakens_scan_snippet_never_shows_a_secret(tmp_path: Path) -> None:
    # The changed config turns the secret rules off and carries a token on the very line
    # that does it: the ZT911 snippet is masked all the same.
    from tests.hostile.test_leaks import github_token

    canary = github_token("zt911")  # made up, with a valid checksum
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".ztlint.yaml").write_text("ignore: [ZT7]\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    (repo / ".ztlint.yaml").write_text(f"ignore: [ZT7, ZT2]  # token: {canary}\n")
    for fmt in ("text", "json", "sarif", "github"):
        proc = ztlint(repo, "--diff", "HEAD", "--format", fmt, ".")
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "ZT911" in proc.stdout
        assert canary not in proc.stdout + proc.stderr
        assert canary[:12] not in proc.stdout + proc.stderr
