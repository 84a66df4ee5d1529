"""Property tests: no parser front raises anything but ParseFailure, and the engine
turns whatever a file holds into findings or notifications."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ztlint.config import Config
from ztlint.engine import run
from ztlint.parsers import structured, yaml
from ztlint.parsers.data import ParseFailure
from ztlint.source import SourceText, decode

TOKENS = st.sampled_from(
    [
        "services:",
        "\n",
        "  ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ":",
        ",",
        '"',
        "'",
        "&a ",
        "*a",
        "<<: ",
        "image: x",
        "volumes:",
        "/var/run/docker.sock",
        "#",
        "\t",
        "\\u",
        "\ud83d",
        "é",
        "1",
        "true",
        "null",
        "=",
        "[[t]]",
        "[t]",
    ]
)
TEXT = st.one_of(st.text(max_size=300), st.lists(TOKENS, max_size=80).map("".join))


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_yaml_front(text: str) -> None:
    with contextlib.suppress(ParseFailure):
        yaml.parse_yaml(text)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_json_and_toml_fronts(text: str) -> None:
    src = SourceText(text)
    for parse in (structured.parse_json, structured.parse_toml):
        with contextlib.suppress(ParseFailure):
            parse(src)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.binary(max_size=400),
    st.sampled_from(["a.yaml", "b.json", "c.toml", "d.go", "e.rs", "f.key", "docker-compose.yml"]),
)
def test_engine_never_raises(tmp_path: Path, data: bytes, name: str) -> None:
    (tmp_path / name).write_bytes(data)
    try:
        report = run([name], Config(), jobs=1, cwd=str(tmp_path))
        assert report.files_scanned <= 1
    finally:
        (tmp_path / name).unlink()
    decode(data)


# Mutated fixtures through the worker pool, so a native crash in a parser becomes a
# ZT906 notification instead of killing the run. ZTLINT_FUZZ_BATCHES and
# ZTLINT_FUZZ_PER_BATCH scale it up: 400 batches of 250 files is the 100,000-input run.
_FIXTURES = sorted(
    p
    for p in (Path(__file__).resolve().parent.parent / "fixtures").rglob("*")
    if p.is_file() and p.stat().st_size < 20_000 and not p.name.endswith(".expect")
)
_BATCHES = int(os.environ.get("ZTLINT_FUZZ_BATCHES", "6"))
_PER_BATCH = int(os.environ.get("ZTLINT_FUZZ_PER_BATCH", "50"))


@st.composite
def _mutant(draw: st.DrawFn) -> tuple[str, bytes]:
    source = draw(st.sampled_from(_FIXTURES))
    data = bytearray(source.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "dup", "insert", "flip"]))
        size = draw(st.integers(1, 64))
        if kind == "cut":
            del data[at : at + size]
        elif kind == "dup":
            data[at:at] = data[at : at + size] * draw(st.integers(2, 50))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=size))
        elif data:
            i = min(at, len(data) - 1)
            data[i] ^= draw(st.integers(1, 255))
    return source.name, bytes(data)


@settings(
    max_examples=_BATCHES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(_mutant(), min_size=_PER_BATCH, max_size=_PER_BATCH))
def test_mutated_fixtures_through_workers(tmp_path_factory: Any, files: list[Any]) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    for i, (name, data) in enumerate(files):
        folder = root / f"{i:04d}"
        folder.mkdir()
        (folder / name).write_bytes(data)
    report = run(["."], Config(tests="report"), jobs=2, cwd=str(root))
    assert report.files_scanned + len(report.notifications) >= 1
    failed = [n.message for n in report.notifications if n.code == "ZT905"]
    assert not failed, failed[:3]
