"""The on-disk result cache: hits for unchanged files, never stale, never in the tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ztlint import engine
from ztlint.cli import main
from ztlint.config import Config
from ztlint.report import Report
from ztlint.scan import file as scan_file

BAD = "package a\nvar c = &tls.Config{InsecureSkipVerify: true}\n"
GOOD = "package a\nvar c = &tls.Config{MinVersion: tls.VersionTLS13}\n"


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    scanned: list[str] = []
    real = scan_file._scan_raw

    def spy(entry, plan, raw, *rest):  # type: ignore[no-untyped-def]
        scanned.append(entry.rel)
        return real(entry, plan, raw, *rest)

    monkeypatch.setattr(scan_file, "_scan_raw", spy)
    return scanned


def _repo(tmp_path: Path) -> tuple[Path, Path]:
    """A tree with one bad Go file, and a cache folder beside it."""
    root, cache = tmp_path / "repo", tmp_path / "cache"
    root.mkdir()
    (root / "a.go").write_text(BAD)
    return root, cache


def _scan(root: Path, cache: Path | None) -> Report:
    return engine.run(["."], Config(), jobs=1, cwd=str(root), cache_dir=cache)


def test_unchanged_files_come_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _repo(tmp_path)
    (root / "b.go").write_text(BAD.replace("c =", "d ="))
    scanned = _counting(monkeypatch)
    first = _scan(root, cache)
    assert sorted(scanned) == ["a.go", "b.go"]
    scanned.clear()
    again = _scan(root, cache)
    assert scanned == [] and again.findings == first.findings
    (root / "b.go").write_text(GOOD)  # an edit is never served from the cache
    edited = _scan(root, cache)
    assert scanned == ["b.go"]
    assert [f.path for f in edited.findings] == ["a.go"]


def test_a_changed_rule_set_or_option_is_a_new_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _repo(tmp_path)
    _scan(root, cache)
    scanned = _counting(monkeypatch)
    engine.run(["."], Config(select=("ZT1",)), jobs=1, cwd=str(root), cache_dir=cache)
    assert scanned == ["a.go"]


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    root, cache = _repo(tmp_path)
    first = _scan(root, cache)
    for entry in cache.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"\x80not a pickle")
    assert _scan(root, cache).findings == first.findings


def test_a_cache_inside_the_scanned_tree_is_never_used(tmp_path: Path) -> None:
    """A repository cannot ship entries that mark its files clean."""
    root = tmp_path / "repo"
    (root / ".cache").mkdir(parents=True)
    (root / "a.go").write_text(BAD)
    report = _scan(root, root / ".cache")
    assert len(report.findings) == 1
    assert list((root / ".cache").iterdir()) == []


def test_ci_and_no_cache_turn_it_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = _repo(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setenv("ZTLINT_CACHE_DIR", str(cache))
    runner = CliRunner()
    monkeypatch.setenv("CI", "true")
    assert runner.invoke(main, ["scan", "."]).exit_code == 1
    assert not cache.exists() or not any(cache.rglob("*"))
    monkeypatch.delenv("CI")
    assert runner.invoke(main, ["scan", ".", "--no-cache"]).exit_code == 1
    assert not cache.exists() or not any(cache.rglob("*"))
    plain = runner.invoke(main, ["scan", ".", "--format", "sarif"])
    assert any(p.is_file() for p in cache.rglob("*"))
    cached = runner.invoke(main, ["scan", ".", "--format", "sarif"])
    assert plain.output == cached.output  # byte-identical from the cache
    assert (os.stat(cache).st_mode & 0o077) == 0


def test_rule_folders_beside_the_package_key_the_cache(tmp_path, monkeypatch) -> None:
    """A source checkout keeps `rules/` beside the package: editing a rule.yaml there
    changes what a scan finds, so it must change the installation's key."""
    import os

    from ztlint import cache, registry

    rules = tmp_path / "rules" / "ZT999-example"
    rules.mkdir(parents=True)
    yaml = rules / "rule.yaml"
    yaml.write_text("id: ZT999\n")
    monkeypatch.setattr(registry, "rules_dir", lambda: tmp_path / "rules")
    cache._installation.cache_clear()
    try:
        before = cache._installation()
        yaml.write_text("id: ZT999\ntriggers: [x]\n")
        os.utime(yaml, ns=(1, 10**18))
        cache._installation.cache_clear()
        assert cache._installation() != before
    finally:
        cache._installation.cache_clear()
