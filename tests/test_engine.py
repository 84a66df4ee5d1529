"""The engine: determinism, isolation of failures, the project-level pass, the
test-code policy and precedence."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, ROOT
from ztlint import classify
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence, RuleMeta, Severity, Span
from ztlint.notices import NOT_PARSED, RULE_FAILED, TIMED_OUT, WORKER_CRASHED
from ztlint.post.precedence import apply_precedence
from ztlint.registry import load_rules
from ztlint.rule import Detector, FileContext, Hit, ProjectCheck, Rule


def _corpus(tmp_path: Path, copies: int = 12) -> Path:
    """A tree of a few hundred files built from the fixtures and the demo."""
    root = tmp_path / "corpus"
    for i in range(copies):
        shutil.copytree(FIXTURES, root / f"copy{i:02d}", ignore=shutil.ignore_patterns("*.expect"))
    return root


def _scan_bytes(root: Path, *args: str) -> bytes:
    proc = subprocess.run(
        [sys.executable, "-m", "ztlint", "scan", ".", "--format", "sarif", *args],
        cwd=root,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_output_is_byte_identical_whatever_the_jobs(tmp_path: Path) -> None:
    root = _corpus(tmp_path)
    files = sum(1 for _ in root.rglob("*") if _.is_file())
    assert files > 300
    one = _scan_bytes(root, "-j", "1")
    two = _scan_bytes(root, "-j", "2")
    default = _scan_bytes(root)
    assert one == two == default
    assert one.count(b'"ruleId"') > 100


def test_small_scans_find_what_indexed_scans_find(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan of few files asks about triggers one by one instead of through an index:
    the same findings and notifications, on every fixture."""
    from ztlint.scan import workers

    def report(small: int) -> tuple[list[object], list[object]]:
        monkeypatch.setattr(workers, "SMALL_SCAN", small)
        rep = run([str(FIXTURES)], Config(), jobs=1)
        return list(rep.findings), list(rep.notifications)

    indexed = report(1)
    assert indexed == report(10**9)
    assert len(indexed[0]) > 100


def test_copied_tree_gives_identical_report(tmp_path: Path) -> None:
    a = tmp_path / "a" / "demo"
    b = tmp_path / "elsewhere" / "deeper" / "demo"
    shutil.copytree(ROOT / "fixtures" / "demo", a)
    shutil.copytree(ROOT / "fixtures" / "demo", b)
    assert _scan_bytes(a) == _scan_bytes(b)


def _meta(rule_id: str, name: str) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        name=name,
        title=name,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=1,
        message="m",
        fix="f",
        docs="",
    )


def _crash_on_marker(ctx: FileContext) -> Iterator[Hit]:
    if "KILL-THE-WORKER" in ctx.text:
        os._exit(3)  # a native crash, as far as the pool can tell
    return iter(())


def _raise_on_marker(ctx: FileContext) -> Iterator[Hit]:
    if "RAISE-IN-RULE" in ctx.text:
        raise ValueError("boom")
    yield Hit(Span(1, 1, 1, 2), "found")


def test_a_dead_worker_becomes_a_notification(tmp_path: Path) -> None:
    root = _corpus(tmp_path, copies=3)
    (root / "copy01" / "victim.txt").write_text("KILL-THE-WORKER\n")
    crasher = Rule(
        _meta("ZT998", "test-crasher"),
        (Detector("crash", frozenset({classify.TEXT}), ("KILL-THE-WORKER",), _crash_on_marker),),
    )
    rules = (*load_rules(), crasher)
    report = run(["."], Config(), rules=rules, jobs=2, cwd=str(root))
    crashed = [n for n in report.notifications if n.code == WORKER_CRASHED]
    assert [n.path for n in crashed] == ["copy01/victim.txt"]
    baseline = run(["."], Config(), rules=load_rules(), jobs=2, cwd=str(root))
    assert report.findings == baseline.findings


def _stall_on_marker(ctx: FileContext) -> Iterator[Hit]:
    if "STALL-HERE" in ctx.text:
        # Catastrophic backtracking: hours in sre's C loop, unless interrupted.
        re.match(r"(a+)+$", "a" * 64 + "b")
    return iter(())


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_over_its_time_is_a_notification(tmp_path: Path, jobs: int) -> None:
    root = _corpus(tmp_path, copies=1)
    (root / "copy00" / "slow.txt").write_text("STALL-HERE\n")
    staller = Rule(
        _meta("ZT996", "test-staller"),
        (Detector("stall", frozenset({classify.TEXT}), ("STALL-HERE",), _stall_on_marker),),
    )
    config = replace(Config(), file_timeout=0.5)
    report = run(["."], config, rules=(*load_rules(), staller), jobs=jobs, cwd=str(root))
    timed = [n for n in report.notifications if n.code == TIMED_OUT]
    assert [(n.path, n.level.value) for n in timed] == [("copy00/slow.txt", "warning")]
    baseline = run(["."], Config(), rules=load_rules(), jobs=jobs, cwd=str(root))
    assert report.findings == baseline.findings


def _pause_on_marker(ctx: FileContext) -> Iterator[Hit]:
    if "PAUSE-HERE" in ctx.text:
        time.sleep(1.0)
    return iter(())


def test_a_timed_out_file_is_not_cached(tmp_path: Path) -> None:
    (tmp_path / "slow.txt").write_text("PAUSE-HERE\n")
    pauser = Rule(
        _meta("ZT995", "test-pauser"),
        (Detector("pause", frozenset({classify.TEXT}), ("PAUSE-HERE",), _pause_on_marker),),
    )
    rules = (*load_rules(), pauser)
    cache_dir = tmp_path.parent / f"{tmp_path.name}-cache"

    def timed_out(limit: float) -> list[str]:
        config = replace(Config(), file_timeout=limit)
        report = run(["."], config, rules=rules, jobs=1, cwd=str(tmp_path), cache_dir=cache_dir)
        return [n.path for n in report.notifications if n.code == TIMED_OUT]

    assert timed_out(0.2) == ["slow.txt"]
    assert timed_out(10) == []  # scanned again, not answered from the cache


def test_the_alarm_of_a_program_using_the_engine_is_left_alone(tmp_path: Path) -> None:
    import signal

    (tmp_path / "slow.txt").write_text("PAUSE-HERE\n")
    pauser = Rule(
        _meta("ZT995", "test-pauser"),
        (Detector("pause", frozenset({classify.TEXT}), ("PAUSE-HERE",), _pause_on_marker),),
    )

    def theirs(signum: int, frame: object) -> None:
        pass

    signal.signal(signal.SIGALRM, theirs)
    try:
        config = replace(Config(), file_timeout=0.2)
        report = run(["."], config, rules=(*load_rules(), pauser), jobs=1, cwd=str(tmp_path))
        assert not [n for n in report.notifications if n.code == TIMED_OUT]
        assert signal.getsignal(signal.SIGALRM) is theirs
    finally:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def test_a_failing_rule_is_reported_and_others_still_run(tmp_path: Path) -> None:
    (tmp_path / "a.go").write_text(
        "package a\n// RAISE-IN-RULE\nvar c = &tls.Config{InsecureSkipVerify: true}\n"
    )
    raiser = Rule(
        _meta("ZT997", "test-raiser"),
        (Detector("raise", frozenset({"go"}), ("RAISE",), _raise_on_marker),),
    )
    report = run(["."], Config(), rules=(*load_rules(), raiser), jobs=1, cwd=str(tmp_path))
    (note,) = [n for n in report.notifications if n.code == RULE_FAILED]
    assert note.rule_id == "ZT997" and note.path == "a.go" and "ValueError" in note.message
    assert [f.rule_id for f in report.findings] == ["ZT101"]


def _collect(ctx: FileContext) -> Iterator[tuple[str, int]]:
    for i, line in enumerate(ctx.text.splitlines(), 1):
        if line.startswith("uses:"):
            yield (line.split(":", 1)[1].strip(), i)


def _check(facts: Mapping[str, tuple[Any, ...]]) -> Iterator[Hit]:
    defined = {p for p in facts}
    for path, items in facts.items():
        for target, line in items:
            if target not in defined:
                yield Hit(Span(line, 1, line, 5), f"{target} is missing", path=path)


def test_project_level_rules_see_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.cfg").write_text("uses: b.cfg\nuses: c.cfg\n")
    (tmp_path / "b.cfg").write_text("uses: a.cfg\n")
    project = Rule(
        _meta("ZT996", "test-project"),
        project=ProjectCheck(frozenset({classify.TEXT}), ("uses:",), _collect, _check),
    )
    for jobs in (1, 2):
        report = run(["."], Config(), rules=(project,), jobs=jobs, cwd=str(tmp_path))
        assert [(f.path, f.span.start_line, f.message, f.snippet) for f in report.findings] == [
            ("a.cfg", 2, "c.cfg is missing", "uses: c.cfg")
        ]


def test_test_code_policy(tmp_path: Path) -> None:
    bad = "package a\nvar c = &tls.Config{InsecureSkipVerify: true}\n"
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "a.go").write_text(bad)
    (tmp_path / "a_test.go").write_text(bad)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.go").write_text(bad)
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert [f.path for f in report.findings] == ["pkg/a.go"]
    report = run(["."], Config(tests="report"), jobs=1, cwd=str(tmp_path))
    assert [(f.path, f.in_test_code) for f in report.findings] == [
        ("a_test.go", True),
        ("pkg/a.go", False),
        ("tests/a.go", True),
    ]
    assert len(report.failing()) == 1
    assert len(run(["."], Config(tests="fail"), jobs=1, cwd=str(tmp_path)).failing()) == 3


def test_test_files_are_not_checked_but_still_feed_project_rules(tmp_path: Path) -> None:
    """Under the default policy a test file's findings would be dropped, so its
    detectors never run (nothing parsed, no parse notes, no unused suppressions); its
    project-level facts still count."""
    bad_yaml = "key: [unclosed\n"
    (tmp_path / "testdata").mkdir()
    (tmp_path / "testdata" / "broken.yaml").write_text(bad_yaml)
    shutil.copy(
        FIXTURES / "ZT306" / "positive_sandbox" / "profiles" / "permissive.json",
        tmp_path / "testdata" / "seccomp.json",
    )
    (tmp_path / "a_test.go").write_text(
        "package a\n// ztlint: ignore[tls-verification-disabled] reason: test server\n"
        "var c = &tls.Config{InsecureSkipVerify: true}\n"
    )
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  app:\n    image: app\n    security_opt:\n"
        "      - seccomp:./testdata/seccomp.json\n"
    )
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert [(f.path, f.rule_name) for f in report.findings] == [
        ("docker-compose.yml", "seccomp-permissive-profile")
    ]
    assert [(n.path, n.code) for n in report.notifications] == []
    report = run(["."], Config(tests="report"), jobs=1, cwd=str(tmp_path))
    assert ("testdata/broken.yaml", NOT_PARSED) in [(n.path, n.code) for n in report.notifications]
    assert [f.path for f in report.findings if not f.active] == ["a_test.go"]


@pytest.mark.parametrize(
    ("path", "is_test"),
    [
        ("Tests/NIOCoreTests/ByteBufferTest.swift", True),  # SwiftPM
        ("ios/AppUITests/Pages/LoginPage.swift", True),  # an Xcode UI test target
        ("ios/App/Networking/ClientTests.swift", True),
        ("ios/App/Contests/Entry.swift", False),
        ("Sources/App/Latest.swift", False),
    ],
)
def test_swift_test_layouts_are_test_code(path: str, is_test: bool) -> None:
    from ztlint.policy import is_test_path

    assert is_test_path(path, Config().test_paths) is is_test


def test_precedence_keeps_the_more_specific_rule() -> None:
    from ztlint.model import Finding

    def f(rule: str, name: str, line: int) -> Finding:
        return Finding(
            rule, name, "k.yaml", Span(line, 1, line, 9), "m", Severity.HIGH, Confidence.HIGH
        )

    kept = apply_precedence(
        [
            f("ZT201", "private-key-committed", 3),
            f("ZT203", "kubernetes-secret-committed", 3),
            f("ZT203", "kubernetes-secret-committed", 9),
            f("ZT301", "docker-socket-mount", 5),
            f("ZT301", "docker-socket-mount", 5),
        ]
    )
    assert [(x.rule_id, x.span.start_line) for x in kept] == [
        ("ZT201", 3),
        ("ZT203", 9),
        ("ZT301", 5),
    ]


def test_yaml_uses_the_c_parser() -> None:
    import _ruamel_yaml  # type: ignore[import-not-found]  # ruamel.yaml.clib's extension
    from ruamel.yaml import YAML

    assert YAML(typ="safe").Parser is _ruamel_yaml.CParser


def test_yaml_loader_keeps_nothing_of_a_parsed_file() -> None:
    """ruamel's per-stream loader refers to itself; the parser frees it and the text at
    once instead of leaving them to the cycle collector (workers collect rarely)."""
    import gc

    from ztlint.parsers import yaml

    def loaders() -> set[int]:
        return {id(o) for o in gc.get_objects() if type(o).__name__ == "XLoader"}

    gc.collect()
    gc.disable()
    try:
        before = loaders()  # other YAML objects (rule and config loading) keep their last
        yaml.parse_yaml("a: &x [1, 2]\nb: *x\n")
        loader = yaml._loader()
        assert loader._scanner is None and loader._stream is None
        assert loaders() <= before
    finally:
        gc.enable()


def test_rust_test_modules_across_files(tmp_path: Path) -> None:
    bad = "fn f(c: &mut quiche::Config) { c.verify_peer(false); }\n"
    files = {
        "src/lib.rs": '#[cfg(test)]\nmod tests;\n#[cfg(any(test, feature = "x"))]\npub mod helpers;\npub mod net;\n',
        "src/tests.rs": bad,
        "src/helpers.rs": bad,
        "src/net/mod.rs": "#[cfg(test)]\n#[path_hint]\npub(crate) mod tests;\nmod conn;\n",
        "src/net/tests.rs": bad,
        "src/net/conn.rs": "#[cfg(all(test, unix))]\nmod tests;\n" + bad,
        "src/net/conn/tests.rs": bad,
        "src/net/conn/tests/deep.rs": bad,
    }
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert [f.path for f in report.findings] == ["src/helpers.rs", "src/net/conn.rs"]


def test_crates_of_test_tooling_are_test_code(tmp_path: Path) -> None:
    """A crate whose Cargo.toml `[package]` name or description calls it test, benchmark
    or fuzzing tooling is test code, all its folder; a crate that only has a test-ish
    word elsewhere (a dependency, a feature) is not."""
    bad = "fn f(c: &mut quiche::Config) { c.verify_peer(false); }\n"
    files = {
        "tools/load/Cargo.toml": '[package]\nname = "load"\ndescription = "Load testing for the API"\n',
        "tools/load/src/main.rs": bad,
        "kit/Cargo.toml": '[package]\nname = "server_testkit"\n[dependencies]\nserde = "1"\n',
        "kit/src/lib.rs": bad,
        "cli/Cargo.toml": '[package]\nname = "cli"\ndescription = "Client tools"\n'
        '[dev-dependencies]\ntest-case = "3"\n[features]\ntest = []\n',
        "cli/src/main.rs": bad,
        "Cargo.toml": '[workspace]\nmembers = ["tools/load", "kit", "cli"]\n# test\n',
    }
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert [f.path for f in report.findings] == ["cli/src/main.rs"]


def test_credentials_printed_by_command_crates_are_medium(tmp_path: Path) -> None:
    """A credential printed to standard output in a crate that depends on a command-line
    parser is the command's output (medium); a logger there, a print in a crate without
    one, or a parser only among dev-dependencies, is reported."""
    printed = 'pub fn show(secret: &str) {\n    println!("{secret}");\n}\n'
    logged = 'pub fn show(secret: &str) {\n    log::info!("{secret}");\n}\n'
    files = {
        "cli/Cargo.toml": '[package]\nname = "tool"\n[dependencies]\nclap = { version = "4" }\n',
        "cli/src/show.rs": printed,
        "cli/src/logs.rs": logged,
        "srv/Cargo.toml": '[package]\nname = "srv"\n[dev-dependencies]\nclap = "4"\n',
        "srv/src/show.rs": printed,
    }
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    shown = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert [f.path for f in shown.findings] == ["cli/src/logs.rs", "srv/src/show.rs"]
    every = run(["."], Config(min_confidence=Confidence.MEDIUM), jobs=1, cwd=str(tmp_path))
    medium = [f for f in every.findings if f.path == "cli/src/show.rs"]
    assert [f.confidence for f in medium] == [Confidence.MEDIUM]
    assert "command-line program" in medium[0].message


def test_a_command_crate_at_the_root_holds_every_file(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "tool"\n[dependencies]\nclap = "4"\n')
    (tmp_path / "src" / "main.rs").write_text(
        'pub fn show(secret: &str) {\n    println!("{secret}");\n}\n'
    )
    assert run(["."], Config(), jobs=1, cwd=str(tmp_path)).findings == ()


def test_swiftui_previews_are_test_code(tmp_path: Path) -> None:
    """`#Preview { .. }` and `PreviewProvider` types build views for Xcode's canvas: their
    lines are test code in a production file; the app's own views, and text that only
    names a preview (a string), are not."""
    (tmp_path / "App.swift").write_text(
        "import SwiftUI\n"
        "struct A: View {\n"
        '    var body: some View { Link("a", destination: URL(string: "http://a.ztna.io")!) }\n'
        "}\n"
        'let note = "#Preview { }"\n'
        "#Preview {\n"
        '    Link("b", destination: URL(string: "http://b.ztna.io")!)\n'
        "}\n"
        "struct A_Previews: PreviewProvider {\n"
        "    static var previews: some View {\n"
        '        Link("c", destination: URL(string: "http://c.ztna.io")!)\n'
        "    }\n"
        "}\n"
    )
    shown = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert [(f.path, f.span.start_line) for f in shown.findings] == [("App.swift", 3)]
    every = run(["."], Config(tests="report"), jobs=1, cwd=str(tmp_path))
    assert [(f.span.start_line, f.provenance) for f in every.findings] == [
        (3, "production"),
        (7, "test"),
        (11, "test"),
    ]
