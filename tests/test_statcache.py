"""The cache's stat index (ztlint.statcache): an unchanged file is not read again; a
changed or swapped one always is; nothing in the index holds a secret; the cache
folder is the platform's (issue #26 item 10)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ztlint import cache as cache_mod
from ztlint import engine, statcache
from ztlint.config import Config
from ztlint.discovery import FileEntry
from ztlint.report import Report
from ztlint.scan import file as scan_file
from ztlint.scan import workers

BAD = "package a\nvar c = &tls.Config{InsecureSkipVerify: true}\n"
GOOD = "package a\nvar c = &tls.Config{InsecureSkipVerify: false}\n"
assert len(BAD) == len(GOOD) - 1
GOOD = GOOD.replace("false}", "false")  # the same size as BAD
assert len(BAD) == len(GOOD)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the scan opens, and no racy window: a stat taken after the file was
    written vouches for it at once (the racy rule has its own test)."""
    monkeypatch.setattr(statcache, "RACY_NS", 0)
    opened: list[str] = []
    real = scan_file.read_file

    def spy(path: str, *args: object) -> object:
        opened.append(os.path.basename(path))
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_file, "read_file", spy)
    monkeypatch.setattr(workers, "read_file", spy)
    return opened


def _scan(root: Path, cache: Path, *targets: str) -> Report:
    return engine.run(list(targets) or ["."], Config(), jobs=1, cwd=str(root), cache_dir=cache)


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    root.mkdir()
    (root / "a.go").write_text(BAD)
    (root / "b.go").write_text(BAD.replace("c =", "d ="))
    return root, cache


def _found(report: Report) -> list[tuple[str, int]]:
    return [(f.path, f.span.start_line) for f in report.findings]


def test_unchanged_files_are_not_read(tmp_path: Path, reads: list[str]) -> None:
    root, cache = _tree(tmp_path)
    first = _scan(root, cache)
    assert sorted(reads) == ["a.go", "b.go"]
    reads.clear()
    again = _scan(root, cache)
    assert reads == []
    assert again.findings == first.findings and again.files_scanned == first.files_scanned


def test_a_rewritten_file_with_the_same_size_and_mtime_is_read(
    tmp_path: Path, reads: list[str]
) -> None:
    """A forged mtime cannot hide an edit: the write changed the ctime."""
    root, cache = _tree(tmp_path)
    assert _found(_scan(root, cache)) == [("a.go", 2), ("b.go", 2)]
    path = root / "b.go"
    before = path.stat()
    path.write_text(GOOD)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    reads.clear()
    assert _found(_scan(root, cache)) == [("a.go", 2)]
    assert reads == ["b.go"]


def test_a_file_swapped_in_by_rename_is_read(tmp_path: Path, reads: list[str]) -> None:
    root, cache = _tree(tmp_path)
    _scan(root, cache)
    path = root / "b.go"
    before = path.stat()
    other = root / "swap.tmp"
    other.write_text(GOOD)
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, path)
    assert path.stat().st_ino != before.st_ino
    reads.clear()
    assert _found(_scan(root, cache)) == [("a.go", 2)]
    assert reads == ["b.go"]


def test_a_recently_written_file_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Git's racy-clean rule: a file written within RACY_NS of the stat is read every
    time (its content entry still spares the scan) until it is older than that."""
    root, cache = _tree(tmp_path)
    _scan(root, cache)
    opened: list[str] = []
    real = scan_file.read_file

    def spy(path: str, *args: object) -> object:
        opened.append(os.path.basename(path))
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_file, "read_file", spy)
    monkeypatch.setattr(workers, "read_file", spy)
    _scan(root, cache)
    assert sorted(opened) == ["a.go", "b.go"]  # written just now: not trusted yet
    seen = statcache.stamp(FileEntry("a.go", str(root / "a.go")))
    assert seen is not None
    newest = max(seen[0][1], seen[0][2])
    assert not statcache.trusted(seen, newest + statcache.RACY_NS)
    assert statcache.trusted(seen, newest + statcache.RACY_NS + 1)


def test_a_changed_values_file_reads_its_templates_again(tmp_path: Path, reads: list[str]) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    chart = root / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: relay\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("privileged: false\n")
    (chart / "templates" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: relay\nspec:\n  containers:\n"
        "    - name: relay\n      image: relay:1.0\n      securityContext:\n"
        "        privileged: {{ .Values.privileged }}\n"
    )
    first = _scan(root, cache)
    reads.clear()
    assert _scan(root, cache).findings == first.findings
    assert reads == []
    # A library of named templates edited in place (same size; its folder's stat stays).
    helpers = chart / "templates" / "_helpers.tpl"
    helpers.write_text('{{- define "relay.name" -}}relay{{- end -}}\n')
    _scan(root, cache)
    reads.clear()
    _scan(root, cache)
    assert reads == []
    with open(helpers, "r+") as fh:
        fh.write('{{- define "relay.nime"')
    reads.clear()
    _scan(root, cache)
    assert "pod.yaml" in reads
    (chart / "values.yaml").write_text("privileged: true\n")
    reads.clear()
    changed = _scan(root, cache)
    assert "pod.yaml" in reads
    assert [f.rule_id for f in changed.findings if f.path.endswith("pod.yaml")] == [
        f.rule_id
        for f in engine.run(["."], Config(), jobs=1, cwd=str(root)).findings
        if f.path.endswith("pod.yaml")
    ]


def test_named_files_keep_the_other_rows(tmp_path: Path, reads: list[str]) -> None:
    """A pre-commit run on one file neither drops nor rereads the others' rows; a
    whole-tree scan forgets files that are gone."""
    root, cache = _tree(tmp_path)
    _scan(root, cache)
    (root / "a.go").write_text(GOOD)
    reads.clear()
    assert _found(_scan(root, cache, "a.go")) == []
    assert reads == ["a.go"]
    reads.clear()
    assert _found(_scan(root, cache)) == [("b.go", 2)]
    assert reads == []
    (root / "b.go").unlink()
    assert _found(_scan(root, cache)) == []
    (index,) = cache.rglob("stat/*")
    assert b"b.go" not in index.read_bytes()


def test_no_secret_in_the_index_and_digests_come_back(tmp_path: Path, reads: list[str]) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    root.mkdir()
    password = "Zq8-relay-9vTx-4kLm"
    (root / "settings.py").write_text(f'DB_PASSWORD = "{password}"\n')
    cold = _scan(root, cache)
    assert cold.findings and all(f.secret_digest for f in cold.findings)
    reads.clear()
    warm = _scan(root, cache)
    # The finding's secret digest is computed from the file again: the file is read.
    assert warm.findings == cold.findings and reads == ["settings.py"]
    for path in cache.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert password.encode() not in data, path
            for f in cold.findings:
                assert (f.secret_digest or "-").encode() not in data, path


def test_a_damaged_index_is_empty(tmp_path: Path, reads: list[str]) -> None:
    root, cache = _tree(tmp_path)
    first = _scan(root, cache)
    for index in cache.rglob("stat/*"):
        index.write_bytes(b"\x80not a pickle")
    assert _scan(root, cache).findings == first.findings


def test_the_cache_folder_is_the_platforms(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import platformdirs

    monkeypatch.setenv("ZTLINT_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_mod.default_dir() == tmp_path / "mine"
    monkeypatch.delenv("ZTLINT_CACHE_DIR")
    assert cache_mod.default_dir() == Path(platformdirs.user_cache_dir("ztlint", appauthor=False))
    if os.name == "posix" and os.uname().sysname == "Linux":
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert cache_mod.default_dir() == tmp_path / "xdg" / "ztlint"
