"""Property tests: no parser front raises anything but ParseFailure, and the engine
turns whatever a file holds into findings or notifications."""

from __future__ import annotations

import contextlib
from pathlib import Path

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
