"""Files that must never break a scan: each becomes a notification or is read safely."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import pieced
from ztlint.config import Config
from ztlint.discovery import SKIPPED
from ztlint.engine import run
from ztlint.notices import NOT_PARSED
from ztlint.parsers.data import ParseFailure
from ztlint.parsers.yaml import deeper_than, parse_yaml
from ztlint.source import SourceText

BAD_GO = "package x\nvar c = &tls.Config{InsecureSkipVerify: true}\n"


def _scan(
    root: Path, **kw: object
) -> tuple[list[tuple[str, int, str]], list[tuple[str | None, str]]]:
    report = run(["."], Config(**kw), jobs=1, cwd=str(root))  # type: ignore[arg-type]
    return (
        [(f.path, f.span.start_line, f.rule_id) for f in report.findings],
        [(n.path, n.code) for n in report.notifications],
    )


def test_links_out_of_the_root_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.go").write_text(BAD_GO)
    root = tmp_path / "root"
    root.mkdir()
    (root / "etc").symlink_to("/etc")
    (root / "escape.go").symlink_to(outside / "secret.go")
    (root / "loop").symlink_to(root / "loop")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root)
    (root / "real.go").write_text(BAD_GO)
    (root / "alias.go").symlink_to(root / "real.go")
    findings, notes = _scan(root)
    assert findings == [("real.go", 2, "ZT101")]
    assert ("escape.go", SKIPPED) in notes and ("etc", SKIPPED) in notes


def test_fifo_named_like_compose_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "docker-compose.yml")
    (tmp_path / "a.go").write_text(BAD_GO)
    findings, notes = _scan(tmp_path)
    assert findings == [("a.go", 2, "ZT101")]
    assert notes == [("docker-compose.yml", SKIPPED)]


def test_binary_and_oversized_files(tmp_path: Path) -> None:
    (tmp_path / "blob.yaml").write_bytes(b"services:\x00\x01\x02" * 50)
    (tmp_path / "big.go").write_text(BAD_GO + "// " + "x" * 5000 + "\n")
    findings, notes = _scan(tmp_path, max_file_size=1024)
    assert findings == []
    assert notes == [("big.go", SKIPPED)]


def test_utf16_and_bom_and_crlf(tmp_path: Path) -> None:
    (tmp_path / "a.go").write_bytes(b"\xff\xfe" + BAD_GO.encode("utf-16-le"))
    (tmp_path / "b.go").write_bytes(b"\xef\xbb\xbf" + BAD_GO.replace("\n", "\r\n").encode())
    (tmp_path / "c.go").write_bytes(BAD_GO.encode() + b"\n// \xff\xfe invalid utf-8\n")
    findings, notes = _scan(tmp_path)
    assert findings == [("a.go", 2, "ZT101"), ("b.go", 2, "ZT101"), ("c.go", 2, "ZT101")]
    assert notes == []


def test_alias_bomb_stays_small() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    docs = parse_yaml("\n".join(lines) + "\n")
    top = docs[0].get("a11")
    assert top is not None and len(top.items) == 10  # type: ignore[attr-defined]
    assert top.items[0] is top.items[9]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "- " * 50_000 + "x",
        "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 3000)),
    ],
)
def test_deep_yaml_is_refused_not_crashed(text: str) -> None:
    with pytest.raises(ParseFailure):
        parse_yaml(text)


def _reference_depth(text: str) -> int:
    depth = worst = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            worst = max(worst, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
    for line in text.splitlines():
        worst = max(worst, len(line) - len(line.lstrip(" -?:")))
    return worst


@settings(max_examples=500, deadline=None)
@given(
    pieced(["[", "]", "{", "}", " ", "-", "?", ":", "a", "\n", "\r", "\x85", "\u2028"], 60),
    st.integers(min_value=0, max_value=8),
)
def test_depth_check_agrees_with_a_plain_walk(text: str, limit: int) -> None:
    assert deeper_than(text, limit) == (_reference_depth(text) > limit)


def test_deep_json_and_duplicate_keys_through_the_engine(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text(
        '{"static_resources": ' + "[" * 100_000 + "]" * 100_000 + ', "x": "UpstreamTlsContext"}'
    )
    (tmp_path / "dup.yaml").write_text(
        "services:\n  a:\n    image: x\n    volumes: ['/var/run/docker.sock:/s']\n  a:\n    image: y\n"
    )
    (tmp_path / "keys.yaml").write_text(
        "? [complex, key]\n: value\n1: 2\nservices:\n  s:\n    image: z\n    volumes: ['/run/docker.sock:/s']\n"
    )
    findings, notes = _scan(tmp_path)
    assert ("deep.json", NOT_PARSED) in notes
    assert ("dup.yaml", 4, "ZT301") in findings and ("keys.yaml", 7, "ZT301") in findings


def test_pathological_code_nesting(tmp_path: Path) -> None:
    (tmp_path / "deep.go").write_text(
        "package x\nvar v = "
        + "(" * 20_000
        + "1"
        + ")" * 20_000
        + "\nvar c = &tls.Config{InsecureSkipVerify: true}\n"
    )
    findings, _ = _scan(tmp_path)
    assert findings == [("deep.go", 3, "ZT101")]


def test_source_positions() -> None:
    src = SourceText("a\r\nbé\rc\n")
    assert src.lines == ["a", "bé", "c", ""]
    assert src.position(3) == (2, 1) and src.position(6) == (3, 1)
    assert src.point_column(1, 3) == 3  # byte 3 of "bé" is after the é


def test_unreadable_and_vanishing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, so a permission error is simulated; a file deleted between
    discovery and reading is real."""
    from ztlint import engine, source

    (tmp_path / "locked.go").write_text(BAD_GO)
    (tmp_path / "gone.go").write_text(BAD_GO)
    (tmp_path / "a.go").write_text(BAD_GO)
    real_open = os.open

    def guarded(path, flags, *args):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked.go"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(source.os, "open", guarded)
    real_discover = engine.discover

    def discover_then_delete(*args, **kw):  # type: ignore[no-untyped-def]
        found = real_discover(*args, **kw)
        (tmp_path / "gone.go").unlink()
        return found

    monkeypatch.setattr(engine, "discover", discover_then_delete)
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert [f.path for f in report.findings] == ["a.go"]
    messages = {n.path: n.message for n in report.notifications}
    assert "could not be opened" in messages["locked.go"]
    assert "disappeared" in messages["gone.go"]


def test_invalid_utf8_and_non_string_keys(tmp_path: Path) -> None:
    (tmp_path / "garbage.yaml").write_bytes(b"services:\n  a:\n    image: \xff\xfe\xc3(\n")
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  web:\n    image: nginx\n    ? [1, 2]\n    : x\n    1: 2\n"
        "    ? {a: b}\n    : c\n    privileged: true\n"
    )
    (tmp_path / "k.json").write_text('{"a": 1, "a": 2, "1": {"1": [[[[]]]]}}')
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert not [n for n in report.notifications if n.code in ("ZT905", "ZT906")]
    assert any(f.path == "docker-compose.yml" for f in report.findings)


def test_fifty_thousand_empty_files(tmp_path: Path) -> None:
    for d in range(50):
        folder = tmp_path / f"d{d:02d}"
        folder.mkdir()
        for i in range(1000):
            (folder / f"f{i}.yaml").touch()
    (tmp_path / "a.go").write_text(BAD_GO)
    report = run(["."], Config(), jobs=2, cwd=str(tmp_path))
    assert [f.path for f in report.findings] == ["a.go"]
    assert report.files_scanned == 50_001
