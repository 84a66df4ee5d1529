"""A scanned repository that brings its own rules or plugins: a rule folder is data
and can never run code or read outside the tree; a plugin comes only from an installed
distribution, never from the scanned tree (nor the working folder `python -m` puts on
sys.path); a pathological query or regular expression cannot hang the run."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.hostile.support import run_ztlint
from tests.userrule_support import RULE_YAML, SERVICES, install_example, rule_folder

MARKER_CODE = "import pathlib; pathlib.Path({marker!r}).write_text('ran')\n"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, "CI": "1", **extra}


def _repo(tmp_path: Path, rule_yaml: str = RULE_YAML, query: str | None = None) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "services.yaml").write_text(SERVICES)
    (repo / ".ztlint.yaml").write_text("rules-dirs: [.rules]\n")
    if query is None:
        rule_folder(repo / ".rules", rule_yaml)
    else:
        rule_folder(repo / ".rules", rule_yaml, query)
    return repo


@pytest.mark.parametrize(
    ("change", "query", "message"),
    [
        (
            (
                "  - query: python.scm",
                "  - python: secret_entropy\n    kinds: [text]\n  - query: python.scm",
            ),
            None,
            "Python detector",
        ),
        (
            ("    triggers: [debug]", "    triggers: [debug]\n    gate: compose_services"),
            None,
            "Python gate",
        ),
        (("detectors:", "project: compose_socket\ndetectors:"), None, "Python check"),
        (
            ("", ""),
            '((identifier) @finding (#set! guard "go-tls-verified-elsewhere"))',
            "Python guard",
        ),
    ],
)
def test_rule_folder_in_the_tree_that_names_python_is_refused(
    tmp_path: Path, change: tuple[str, str], query: str | None, message: str
) -> None:
    repo = _repo(tmp_path, RULE_YAML.replace(*change) if change[0] else RULE_YAML, query)
    result = run_ztlint(repo, "scan", ".", env=_env(), isolated=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_plugin_files_in_the_scanned_tree_never_run(tmp_path: Path) -> None:
    """A `.pth`, a `.dist-info` registering a `ztlint.plugins` entry point and the module
    it names, planted in the repository; ztlint started there with `python -m` (which
    puts the working folder first on sys.path), as a developer would."""
    repo = tmp_path / "repo"
    repo.mkdir()
    marker = tmp_path / "ran"
    (repo / "evil.pth").write_text(MARKER_CODE.format(marker=str(marker)))
    (repo / "evil_rules.py").write_text(MARKER_CODE.format(marker=str(marker)))
    dist = repo / "evil_rules-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-rules\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[ztlint.plugins]\nevil = evil_rules:PLUGIN\n")
    (repo / "app.py").write_text("x = 1\n")
    for isolated in (False, True):
        result = run_ztlint(repo, "scan", ".", env=_env(), isolated=isolated)
        assert result.returncode == 0, result.stdout + result.stderr
        assert not marker.exists()
        rules = run_ztlint(repo, "rules", env=_env(), isolated=isolated)
        assert rules.returncode == 0 and "evil" not in rules.stdout
        assert not marker.exists()


def test_a_module_in_the_working_folder_cannot_shadow_an_installed_plugin(tmp_path: Path) -> None:
    site = install_example(tmp_path / "site")
    repo = tmp_path / "repo"
    repo.mkdir()
    marker = tmp_path / "ran"
    (repo / "ztlint_example_plugin.py").write_text(MARKER_CODE.format(marker=str(marker)))
    (repo / "app.py").write_text("x = 1\n")
    result = run_ztlint(repo, "scan", ".", env=_env(PYTHONPATH=str(site)))
    # `python -m ztlint` drops the working folder from sys.path before importing anything
    # (ztlint/__main__.py), so the installed plugin is the one imported; were the folder
    # still there, ztlint.plugins would refuse the run instead (exit 2).
    assert result.returncode in (0, 2), result.stdout + result.stderr
    assert result.returncode == 0 or "would be imported from the working folder" in result.stderr
    assert not marker.exists()
    # Started elsewhere, the installed plugin runs (and the planted module does not).
    elsewhere = run_ztlint(tmp_path, "scan", "repo", env=_env(PYTHONPATH=str(site)))
    assert elsewhere.returncode == 0, elsewhere.stdout + elsewhere.stderr
    assert not marker.exists()


def test_a_broken_plugin_is_a_clear_error(tmp_path: Path) -> None:
    site = install_example(tmp_path / "site")
    (site / "ztlint_example_plugin" / "__init__.py").write_text("raise RuntimeError('boom')\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    result = run_ztlint(tmp_path, "scan", "app.py", env=_env(PYTHONPATH=str(site)))
    assert result.returncode == 2
    assert "plugin ztlint-example-plugin 0.1.0" in result.stderr and "boom" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("what", ["folder", "rule.yaml", "query", "rules-dir"])
def test_links_out_of_a_rule_folder_are_refused(tmp_path: Path, what: str) -> None:
    outside = tmp_path / "outside"
    rule_folder(outside)
    (outside / "secret.txt").write_text("canary-7f3a\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "services.yaml").write_text(SERVICES)
    (repo / ".ztlint.yaml").write_text("rules-dirs: [.rules]\n")
    if what == "rules-dir":
        (repo / ".rules").symlink_to(outside)
    elif what == "folder":
        (repo / ".rules").mkdir()
        (repo / ".rules" / "ACME001-debug-flag-on").symlink_to(outside / "ACME001-debug-flag-on")
    else:
        rule_folder(repo / ".rules")
        folder = repo / ".rules" / "ACME001-debug-flag-on"
        name = "rule.yaml" if what == "rule.yaml" else "python.scm"
        (folder / name).unlink()
        (folder / name).symlink_to(outside / "ACME001-debug-flag-on" / name)
    result = run_ztlint(repo, "scan", ".", env=_env(), isolated=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "outside the scanned tree" in result.stderr or "may not hold links" in result.stderr
    assert "canary-7f3a" not in result.stdout + result.stderr


def test_rules_dirs_leaving_the_tree_are_refused(tmp_path: Path) -> None:
    rule_folder(tmp_path / "outside")
    repo = tmp_path / "repo"
    repo.mkdir()
    for entry in ("../outside", str(tmp_path / "outside"), "~/rules"):
        (repo / ".ztlint.yaml").write_text(f"rules-dirs: [{entry!r}]\n")
        result = run_ztlint(repo, "scan", ".", env=_env(), isolated=True)
        assert result.returncode == 2 and "leads outside the scanned tree" in result.stderr


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("((identifier) @finding)\n" * 2000, "larger than 16 KiB"),
        ("((_ (_)* @a (_)* @b (_)* @c) @finding)\n", "quantifiers"),
        ('((string) @finding (#match? @finding "(a+)+$"))\n', "repeats a quantifier"),
        ("((identifier) @finding)\n" * 40, "40 patterns"),
        ("((identifier @finding)\n", "not a valid python query"),
    ],
)
def test_pathological_queries_are_refused(tmp_path: Path, query: str, message: str) -> None:
    repo = _repo(tmp_path, query=query)
    result = run_ztlint(repo, "scan", ".", env=_env(), isolated=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_an_alias_bomb_in_rule_yaml_is_refused(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    repo = _repo(tmp_path, RULE_YAML.replace("message: debug mode is on", "message: *i") + bomb)
    result = run_ztlint(repo, "scan", ".", env=_env(), isolated=True, timeout=60)
    assert result.returncode == 2 and "aliases" in result.stderr


def test_a_query_that_matches_everything_is_bounded(tmp_path: Path) -> None:
    """Two quantified wildcards over large files, reporting every match: the match limit
    and the cap on one detector's findings per file (userrules.MAX_HITS) end the work, so
    the run stays short and its report small, whatever the files hold."""
    from ztlint.userrules import MAX_HITS

    query = '((_ (_)* @a (_)* @b) @finding (#set! message "x"))\n'
    repo = _repo(tmp_path, query=query)
    big = (
        "DEBUG = True\nx = f("
        + "a," * 30000
        + ")\n"
        + "".join(f"v{i} = g({i}, [{i}])\n" for i in range(5000))
    )
    for i in range(4):
        (repo / f"big{i}.py").write_text(big)
    started = time.monotonic()
    result = run_ztlint(
        repo, "scan", ".", "--no-cache", "-v", env=_env(), isolated=True, timeout=300
    )
    assert time.monotonic() - started < 120
    assert result.returncode in (0, 1), result.stdout + result.stderr
    for i in range(4):
        assert result.stdout.count(f"big{i}.py:") <= MAX_HITS


def test_a_rule_folder_cannot_quote_a_secret_into_the_report(tmp_path: Path) -> None:
    """A folder the repository's own config names may not quote values or choose its
    entity; one the user names may, and `{value}` and the entity go through the masking
    snippets get: the file's secrets (as the secret rules found them) and anything of a
    secret's shape."""
    rule = (
        "id: ACME005\nname: quote-password\ntitle: t\nseverity: low\nconfidence: high\n"
        "cwe: 1\nmessage: m\nfix: f\ndetectors:\n  - match: '**.password'\n    kinds: [yaml]\n"
        "    entity: password\n    message: 'value is {value} / {sibling:token}'\n"
    )
    repo = tmp_path / "repo"
    (repo / ".rules" / "ACME005-quote-password").mkdir(parents=True)
    (repo / ".rules" / "ACME005-quote-password" / "rule.yaml").write_text(rule)
    (repo / ".ztlint.yaml").write_text("rules-dirs: [.rules]\n")
    token = "ghp_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
    (repo / "config.yaml").write_text(
        f'db:\n  name: main\n  password: "Zq8vT3pL9xW2mK7c"\n  token: {token}\n'
    )
    # Named by the repository's own config (which could also `select` only it): refused.
    refused = run_ztlint(repo, "scan", ".", env=_env(), isolated=True)
    assert refused.returncode == 2 and "entity:" in refused.stderr
    (repo / ".rules" / "ACME005-quote-password" / "rule.yaml").write_text(
        rule.replace("    entity: password\n", "")
    )
    refused = run_ztlint(repo, "scan", ".", env=_env(), isolated=True)
    assert refused.returncode == 2 and "may not quote values" in refused.stderr
    assert "Zq8vT3pL9xW2mK7c" not in refused.stdout + refused.stderr
    # Inside the tree and named with --rules: the repository's all the same.
    (repo / ".ztlint.yaml").unlink()
    (repo / ".rules" / "ACME005-quote-password" / "rule.yaml").write_text(rule)
    refused = run_ztlint(repo, "scan", ".", "--rules", ".rules", env=_env(), isolated=True)
    assert refused.returncode == 2 and "entity:" in refused.stderr
    # Outside the tree, the user's: it may quote, and what it quotes is masked.
    (repo / ".rules").rename(tmp_path / "mine")
    for fmt in ("text", "json", "sarif"):
        result = run_ztlint(
            repo,
            "scan",
            ".",
            "--rules",
            str(tmp_path / "mine"),
            "--format",
            fmt,
            env=_env(),
            isolated=True,
        )
        assert "ACME005" in result.stdout, result.stdout + result.stderr
        assert "Zq8vT3pL9xW2mK7c" not in result.stdout + result.stderr
        assert token not in result.stdout + result.stderr


def test_an_in_tree_query_may_not_quote_captures(tmp_path: Path) -> None:
    query = '((string) @finding (#set! message "found {finding}"))\n'
    repo = _repo(tmp_path, query=query)
    result = run_ztlint(repo, "scan", ".", env=_env(), isolated=True)
    assert result.returncode == 2 and "may not quote captures" in result.stderr


def test_a_detector_over_its_cpu_budget_is_stopped_and_its_folder_skipped() -> None:
    """The per-file CPU budget of a user detector (ITIMER_VIRTUAL): a detector that spins
    is stopped, and every detector of the same load is skipped on the files after."""
    from collections.abc import Iterator

    from ztlint.userrules import Budgeted, RuleOverTime

    def spin(ctx: object) -> Iterator[object]:
        while True:
            pass
        yield  # pragma: no cover

    budgeted = Budgeted(spin, token="test-spin-token", seconds=0.2)  # type: ignore[arg-type]
    with pytest.raises(RuleOverTime):
        list(budgeted(None))  # type: ignore[arg-type]
    with pytest.raises(RuleOverTime, match="skipped"):
        list(Budgeted(lambda ctx: iter(()), token="test-spin-token")(None))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule_change", "query", "message"),
    [
        # a regex or a substring on a value: read a value one finding at a time
        (("    equals: true\n", '    matches: "^a"\n'), None, "whole values only"),
        (
            ("{sibling: env, equals: production}", "{sibling: env, contains: prod}"),
            None,
            "whole values only",
        ),
        (
            None,
            '((string) @finding (#match? @finding "^Z") (#set! message "0=Z"))\n',
            "test text only whole",
        ),
        # a capture quoted however the #set! is written
        (None, '((string) @v @finding (#set! "message" "{v}"))\n', "may not quote captures"),
        (None, '((string) @v @finding (#set! ; x\n message "{v}"))\n', "may not quote captures"),
        (None, '((string) @v @finding (#set! message "\\"{v}"))\n', "may not quote captures"),
        # a query tree-sitter would take hours to compile, or nested past any use
        (None, "(module " + "(_)? " * 400 + ") @finding\n", "optional nodes"),
        (None, "(" + "(_ " * 1500 + ")" * 1500 + " @finding)\n", "nested"),
    ],
)
def test_a_folder_of_the_scanned_tree_cannot_read_values_or_stall(
    tmp_path: Path, rule_change: tuple[str, str] | None, query: str | None, message: str
) -> None:
    """What a rule folder the scanned repository controls could use to read a value it
    may not quote (a secret CI wrote into the workspace), a finding per character, or to
    stall the run before any budget applies, is refused with exit 2."""
    rule = RULE_YAML if rule_change is None else RULE_YAML.replace(*rule_change)
    assert rule_change is None or rule != RULE_YAML
    repo = _repo(tmp_path, rule, query)
    started = time.monotonic()
    result = run_ztlint(repo, "scan", ".", "--no-cache", env=_env(), isolated=True, timeout=120)
    assert time.monotonic() - started < 60
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_deeply_nested_rule_yaml_is_an_error_not_a_crash(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "id: ACME001\nname: nest-y\nx: " + "[" * 20000 + "]" * 20000 + "\n")
    result = run_ztlint(repo, "scan", ".", "--no-cache", env=_env(), isolated=True, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_named_many_times_is_loaded_once(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / ".ztlint.yaml").write_text("rules-dirs: [" + ", ".join([".rules"] * 3000) + "]\n")
    started = time.monotonic()
    result = run_ztlint(repo, "scan", ".", "--no-cache", env=_env(), isolated=True, timeout=120)
    assert time.monotonic() - started < 60
    assert result.returncode == 1 and "ACME001" in result.stdout, result.stdout + result.stderr


def test_python_m_ztlint_from_the_scanned_tree_imports_nothing_from_it(tmp_path: Path) -> None:
    """`python -m ztlint` run inside the repository: a `click.py` there is never imported
    in place of the real one."""
    repo = _repo(tmp_path)
    (repo / "click.py").write_text('raise SystemExit("tree code ran")\n')
    result = run_ztlint(repo, "--version", env=_env(), isolated=False, timeout=60)
    assert result.returncode == 0 and "tree code ran" not in result.stdout + result.stderr


def test_new_rule_writes_nothing_through_a_link(tmp_path: Path) -> None:
    """`ztlint new-rule` run in a repository whose `fixtures` is a link elsewhere."""
    repo = tmp_path / "repo"
    outside = tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (repo / "fixtures").symlink_to(outside)
    result = run_ztlint(repo, "new-rule", "ACME009", "my-rule", "--kind", "python", env=_env())
    assert result.returncode == 2 and "is a link" in result.stderr
    assert not any(outside.iterdir()) and not (repo / "rules").exists()


def test_explain_shows_a_user_rule_s_text_inert(tmp_path: Path) -> None:
    """A repository's rule folder writes terminal escapes and a workflow command into its
    title and docs: `ztlint explain` prints them as text."""
    rule = RULE_YAML.replace(
        "title: Debug mode is on in a production service",
        'title: "\\e[31mred\\e]8;;https://example.com\\aclick\\n::error::forged"',
    )
    repo = _repo(tmp_path, rule)
    docs = repo / ".rules" / "ACME001-debug-flag-on" / "docs.md"
    docs.write_text(docs.read_text() + "\n::warning file=x::forged\n\x1b]0;title\x07\n")
    result = run_ztlint(repo, "explain", "ACME001", env=_env(), isolated=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert not any(line.startswith(("::", "##[")) for line in result.stdout.splitlines())


def test_a_folder_of_the_scanned_tree_shows_no_source_line(tmp_path: Path) -> None:
    """A repository's own rule folder aims a finding at the line holding a password, with
    its config turning the secret rules (which mask it) off: the report shows no source
    line for that finding, in text or JSON."""
    repo = _repo(tmp_path)
    (repo / ".ztlint.yaml").write_text("rules-dirs: [.rules]\nselect: [ACME001]\n")
    (repo / "services.yaml").write_text(
        "services:\n  api:\n    env: production\n    debug: true  # hunter2-Sup3rS3cret\n"
    )
    for fmt in ("text", "json"):
        result = run_ztlint(
            repo, "scan", ".", "--no-cache", "--format", fmt, env=_env(), isolated=True
        )
        assert result.returncode == 1 and "ACME001" in result.stdout, result.stderr
        assert "hunter2" not in result.stdout


def test_a_trusted_config_naming_a_folder_of_the_tree_gets_the_in_tree_limits(
    tmp_path: Path,
) -> None:
    """A --config outside the tree names a rule folder inside it: its content is the
    repository's (a pull request can change it), so it may not test part of a value."""
    rule = RULE_YAML.replace("    equals: true\n", '    matches: "^a"\n')
    repo = _repo(tmp_path, rule)
    (repo / ".ztlint.yaml").unlink()
    outside = tmp_path / "ztlint.yaml"
    outside.write_text(f"rules-dirs: [{repo / '.rules'}]\n")
    result = run_ztlint(
        repo, "scan", ".", "--no-cache", "--config", str(outside), env=_env(), isolated=True
    )
    assert result.returncode == 2 and "whole values only" in result.stderr, result.stderr
