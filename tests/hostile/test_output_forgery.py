"""Issue #22, items 6 and 16: a scanned repository cannot forge output.

File names, YAML keys and source lines are chosen by whoever opened the pull request.
Read with the GitHub runner's rules (a line is a workflow command when, after leading
white space is trimmed, it starts with `::`; `##[` acts anywhere in a line), no report
may carry a command the repository wrote, a raw control character or a byte that is not
UTF-8, and a file name that is not UTF-8 must be carried, not crash the reporter.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from ztlint.cli import main
from ztlint.model import Confidence, Finding, NoticeLevel, Notification, Related, Severity, Span
from ztlint.post import baseline
from ztlint.registry import load_rules
from ztlint.report import Report
from ztlint.reporters import github, safe_text, sarif, text
from ztlint.reporters import json as json_reporter

# A Go line ZT101 reports, its comment carrying CSI, workflow commands and `##[`.
SOURCE = (
    b'package main\n\nimport "crypto/tls"\n\n'
    b"var c = &tls.Config{InsecureSkipVerify: true} // \x1b[31m ::error::snip ##[error]x\n"
)
# Relative paths (bytes, as the file system has them) of the files holding a finding.
HOSTILE_NAMES = [
    b"::stop-commands::abc/x.go",
    b"a\n::error file=x::forged.go",
    b"##[error]x.go",
    b"\x1b]8;;http://evil\x07x.go",  # OSC 8 hyperlink; the `//` makes a folder
    b"\x1b[2Jx.go",  # CSI: clear the screen
    "x\u2028::warning::y.go".encode(),
    "z\u0085c1\x7f.go".encode(),  # C1 NEXT LINE and DEL
    b"\xff\xfe.go",  # not UTF-8
]
SERVICE = "a\n::error::forged\u2028\x1b[2J"
COMPOSE = (
    'services:\n  "a\\n::error::forged\\u2028\\e[2J":\n    image: nginx\n    privileged: true\n'
)
# Symbolic links out of the root: each is a notification naming the link.
LINKS = [b"\n::warning::link\x1b[2J.go", b"\t::notice::lead.go"]
FORMATS = ["text", "json", "sarif", "github"]

# What the runner reads as one line (.NET's ReadLine) and what it trims before `::`.
_RUNNER_LINES = re.compile("\r\n|\r|\n")
_TRIMMED = re.compile("^[\\s\u200b\u180e\ufeff]*")
# Raw characters no output may hold (TAB and the LF between records are the format's).
_SGR = re.compile("\x1b\\[[0-9;]*m")
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def commands(output: str) -> list[str]:
    """The lines of `output` the runner would act on."""
    return [
        line
        for line in _RUNNER_LINES.split(output)
        if _TRIMMED.sub("", line).startswith("::") or "##[" in line
    ]


def _unescape(value: str, is_property: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    pairs += [("%3A", ":"), ("%2C", ",")] if is_property else []
    for escaped, raw in [*pairs, ("%25", "%")]:  # the runner's order
        value = value.replace(escaped, raw)
    return value


def annotation(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command parsed as the runner does: name, properties, message."""
    body = _TRIMMED.sub("", line)[2:]
    head, _, data = body.partition("::")
    name, _, props = head.partition(" ")
    fields = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return name, {k: _unescape(v, True) for k, v in fields.items()}, _unescape(data, False)


def assert_clean(raw: bytes) -> str:
    """`raw` is UTF-8 with no raw control character; returns it decoded."""
    decoded = raw.decode("utf-8")  # strict: raises on a byte that is not UTF-8
    assert not _RAW.findall(decoded)
    assert "\x1b" not in decoded and "\r" not in decoded
    return decoded


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name in HOSTILE_NAMES:
        path = os.path.join(bytes(root), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(SOURCE)
    (root / "docker-compose.yml").write_text(COMPOSE)
    for link in LINKS:
        os.symlink(b"/etc/hostname", os.path.join(bytes(root), link))
    return root


def _rel(name: bytes) -> str:
    """The report path of a planted name: `/` separated, `//` collapsed."""
    return os.fsdecode(os.path.normpath(name))


def _scan(tree: Path, fmt: str, out: Path | None) -> bytes:
    args = ["scan", "--no-cache", "--format", fmt, str(tree)]
    result = CliRunner().invoke(main, [*args, "-o", str(out)] if out else args)
    assert result.exit_code == 1, result.output  # findings, not a crash
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return out.read_bytes() if out else result.stdout_bytes


Outputs = Callable[[str], tuple[str, str]]


@pytest.fixture(scope="module")
def outputs(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    """A format's report on stdout and through -o (the same bytes), each decoded after
    `assert_clean`; scanned once per format, on first use."""
    folder = tmp_path_factory.mktemp("out")
    found: dict[str, tuple[str, str]] = {}

    def get(fmt: str) -> tuple[str, str]:
        if fmt not in found:
            stdout = _scan(tree, fmt, None)
            written = _scan(tree, fmt, folder / f"report.{fmt}")
            assert stdout == written
            found[fmt] = (assert_clean(stdout), assert_clean(written))
        return found[fmt]

    return get


def test_planted_tree_is_found_in_full(outputs: Outputs) -> None:
    doc = json.loads(outputs("json")[0])
    assert sorted(f["rule_id"] for f in doc["findings"]) == ["ZT101"] * len(HOSTILE_NAMES) + [
        "ZT302"
    ]
    assert [n["code"] for n in doc["notifications"]] == ["ZT904"] * len(LINKS)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_command_in_text_json_sarif(outputs: Outputs, fmt: str) -> None:
    for out in outputs(fmt):
        assert commands(out) == []


def test_text_report_lines_start_with_ztlint_text(outputs: Outputs) -> None:
    for out in outputs("text"):
        lines = out.split("\n")
        heads = {line.split(":5:21  ZT101", 1)[0] for line in lines if ":5:21  ZT101" in line}
        assert heads == {safe_text.line_head(safe_text.path(_rel(n))) for n in HOSTILE_NAMES}
        assert {
            "./::stop-commands::abc/x.go",
            "a\\x0a::error file=x::forged.go",
            "##\\[error]x.go",
            "\\x1b]8;;http:/evil\\x07x.go",
            "\\x1b[2Jx.go",
            "x\\u2028::warning::y.go",
            "z\\u0085c1\\x7f.go",
            "\\xff\\xfe.go",
        } == heads
        assert "service 'a\\x0a::error::forged\\u2028\\x1b[2J' runs privileged" in out
        assert "  ./\t::notice::lead.go  ZT904" in out
        assert "  \\x0a::warning::link\\x1b[2J.go  ZT904" in out
        assert "// \\x1b[31m ::error::snip ##\\[error]x" in out


def test_github_writes_one_annotation_per_finding(outputs: Outputs) -> None:
    for out in outputs("github"):
        lines = out.rstrip("\n").split("\n")
        assert lines[-1] == f"ztlint: {len(HOSTILE_NAMES) + 1} findings"
        found = commands(out)
        assert found == lines[:-1]  # every other line is an annotation ztlint wrote
        parsed = [annotation(line) for line in found]
        assert [name for name, _, _ in parsed] == ["error"] * (len(HOSTILE_NAMES) + 1) + [
            "notice"
        ] * len(LINKS)
        files = [props["file"] for _, props, _ in parsed]
        expected = [safe_text.path(_rel(n)) for n in [*HOSTILE_NAMES, *LINKS]]
        assert sorted(files) == sorted([*expected, "docker-compose.yml"])
        for name, props, message in parsed:
            assert not _RAW.findall(props["file"] + message) and "\n" not in message
            if name == "error":
                assert props["title"] in (
                    "ZT101 tls-verification-disabled",
                    "ZT302 privileged-container",
                )
        assert "service 'a\\x0a::error::forged\\u2028\\x1b[2J' runs privileged" in {
            m for _, _, m in parsed
        }


def test_json_keeps_the_escaped_names(outputs: Outputs) -> None:
    schema = json.loads((ROOT / "ztlint" / "schemas" / "report-v1.json").read_text())
    for out in outputs("json"):
        doc = json.loads(out)
        jsonschema.validate(doc, schema)
        paths = {f["path"] for f in doc["findings"]}
        assert "\\xff\\xfe.go" in paths and "a\\x0a::error file=x::forged.go" in paths
        (compose,) = [f for f in doc["findings"] if f["rule_id"] == "ZT302"]
        assert compose["entity"] == safe_text.shown(SERVICE)
        for value in _strings(doc):
            assert not _RAW.findall(value) and "\n" not in value and "##[" not in value


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_sarif_is_valid_and_keeps_the_bytes(outputs: Outputs, sarif_schema: dict[str, Any]) -> None:
    for out in outputs("sarif"):
        log = json.loads(out)
        jsonschema.validate(log, sarif_schema)
        (run,) = log["runs"]
        uris = [
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
        ]
        assert "%FF%FE.go" in uris
        assert sorted(unquote_to_bytes(u) for u in uris) == sorted(
            [os.path.normpath(n) for n in HOSTILE_NAMES] + [b"docker-compose.yml"]
        )
        notes = run["invocations"][0]["toolExecutionNotifications"]
        note_uris = [
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes
        ]
        assert sorted(unquote_to_bytes(u) for u in note_uris) == sorted(LINKS)
        for result in run["results"]:
            text_ = result["message"]["text"]
            assert not _RAW.findall(text_) and "\n" not in text_
        for value in _strings(run["results"]):
            assert not _RAW.findall(value) and "##[" not in value


def test_stdout_is_utf8_whatever_the_locale(tree: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "LC_ALL": "C"}
    (tmp_path / "é.go").write_bytes(SOURCE)
    for fmt in FORMATS:
        for target in (tree, tmp_path):
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "ztlint",
                    "scan",
                    "--no-cache",
                    "--format",
                    fmt,
                    str(target),
                ],
                capture_output=True,
                env=env,
                cwd=tmp_path,
                timeout=120,
                check=False,
            )
            assert done.returncode == 1, done.stderr
            assert b"Traceback" not in done.stderr
            out = assert_clean(done.stdout)
            assert commands(out) == [] or fmt == "github"
        assert "é.go" in out or "%C3%A9.go" in out


def test_baseline_round_trips_a_name_that_is_not_utf8(tree: Path, tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    result = CliRunner().invoke(main, ["baseline", "--no-cache", "-o", str(path), str(tree)])
    assert result.exit_code == 0, result.output
    path.read_bytes().decode("utf-8")
    loaded = baseline.load(str(path))
    assert "\udcff\udcfe.go" in {e.path for e in loaded.entries}
    again = CliRunner().invoke(main, ["scan", "--no-cache", "--baseline", str(path), str(tree)])
    verdict = again.stdout.splitlines()[-1]  # the text report ends with its verdict
    assert again.exit_code == 0 and verdict.startswith("0 findings"), again.output


# --- the scheme and the reporters on arbitrary text -------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text: a::b, 100% [x]", "plain text: a::b, 100% [x]"),
        ("\x1b[2J\x07\x00\x7f", "\\x1b[2J\\x07\\x00\\x7f"),
        ("a\nb\rc\td", "a\\x0ab\\x0dc\td"),
        ("\x85\x9b\u2028\u2029", "\\u0085\\u009b\\u2028\\u2029"),
        ("\udcff\udc80", "\\xff\\x80"),
        ("\ud800", "\\ud800"),
        ("a\u202eog.exe\u2066b\u2069", "a\\u202eog.exe\\u2066b\\u2069"),
        ("##[error] ###[x] #[y] ## [z]", "##\\[error] ###\\[x] #[y] ## [z]"),
    ],
)
def test_one_fixed_scheme(raw: str, shown: str) -> None:
    assert safe_text.shown(raw) == shown


def test_paths_are_lossless() -> None:
    assert safe_text.path("\x1b.go") == "\\x1b.go"
    assert safe_text.path("\\x1b.go") == "\\\\x1b.go"
    assert safe_text.shown("a\nb", keep_newlines=True) == "a\nb"
    assert safe_text.line_head(":x") == "./:x"
    assert safe_text.line_head(" \u00a0\u200b::x") == "./ \u00a0\u200b::x"
    assert safe_text.line_head("a::x") == "a::x"
    assert safe_text.raw_bytes("\udcff.go") == b"\xff.go"


def test_marker_stays_under_the_span_after_escapes() -> None:
    f = _finding("x.go", "m", "\x1b[1m key: true", Span(1, 11, 1, 15))
    out = text.render(_report([f], [])).split("\n")
    snippet, marker = out[1][len("    | ") :], out[2][len("    | ") :]
    assert snippet == "\\x1b[1m key: true"
    assert snippet[marker.index("^") : len(marker)] == "true"


def test_github_spans_over_several_lines_have_no_columns() -> None:
    one = _finding("a.go", "m", "x", Span(3, 2, 3, 9))
    many = _finding("b.go", "m", "x", Span(3, 2, 5, 9))
    lines = github.render(_report([one, many], [])).split("\n")
    assert annotation(lines[0])[1].keys() >= {"col", "endColumn"}
    props = annotation(lines[1])[1]
    assert props["line"] == "3" and props["endLine"] == "5"
    assert "col" not in props and "endColumn" not in props


def _finding(path: str, message: str, snippet: str, span: Span, **kw: Any) -> Finding:
    return Finding(
        rule_id="ZT101",
        rule_name="tls-verification-disabled",
        path=path,
        span=span,
        message=message,
        severity=Severity.CRITICAL,
        confidence=Confidence.HIGH,
        snippet=snippet,
        **kw,
    )


_ZT101 = tuple(r.meta for r in load_rules() if r.id == "ZT101")


def _report(findings: list[Finding], notes: list[Notification]) -> Report:
    return Report(
        findings=tuple(findings),
        notifications=tuple(notes),
        rules=_ZT101,
        files_scanned=len(findings),
    )


PIECES = [
    "::",
    ":",
    "##[",
    "#",
    "[",
    "\n",
    "\r",
    "\r\n",
    "\t",
    " ",
    "\x1b",
    "\x1b[2J",
    "\x1b]8;;",
    "\x07",
    "\x00",
    "\x7f",
    "\x85",
    "\x9b",
    "\u2028",
    "\u2029",
    "\udcff",
    "\udc80",
    "\ud800",
    "\u00a0",
    "\u200b",
    "\ufeff",
    "%",
    "%25",
    ",",
    "\\",
    "/",
    "./",
    "error",
    "stop-commands",
    "é",
    "x.go",
]
hostile = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=10).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(
    path=hostile.filter(bool),
    message=hostile,
    snippet=hostile,
    entity=hostile,
    col=st.integers(min_value=1, max_value=12),
    width=st.integers(min_value=0, max_value=12),
    lines=st.integers(min_value=0, max_value=2),
    note_path=hostile,
)
def test_reporters_never_forge_on_any_text(
    path: str,
    message: str,
    snippet: str,
    entity: str,
    col: int,
    width: int,
    lines: int,
    note_path: str,
) -> None:
    span = Span(3, col, 3 + lines, col + width)
    related = (Related(path, Span(1, 1, 1, 2), message),)
    f = _finding(path, message, snippet, span, entity=entity, related=related)
    note = Notification("ZT904", message, NoticeLevel.NOTE, path=note_path or None, line=2)
    report = _report([f], [note])
    for out in (text.render(report), text.render(report, color=True)):
        assert commands(out) == []
        assert_clean(_SGR.sub("", out).encode())  # colour codes are ztlint's own
    for out in (json_reporter.render(report), sarif.render(report)):
        assert commands(out) == []
        assert_clean(out.encode())
        json.loads(out)
    out = github.render(report)
    assert_clean(out.encode())
    found = commands(out)
    assert found == out.rstrip("\n").split("\n")[:-1] and len(found) == 2
    (name, props, data), (note_name, note_props, note_data) = map(annotation, found)
    assert (name, note_name) == ("error", "notice")
    assert props["file"] == safe_text.path(path) and data == safe_text.shown(message)
    assert note_props.get("file") == (safe_text.path(note_path) if note_path else None)
    assert note_data == safe_text.shown(message)


def test_an_error_quoting_the_repository_config_is_shown_safe(tmp_path: Path) -> None:
    (tmp_path / ".ztlint.yaml").write_text('"a\\n::error::forged\\e[2J ##[error]": 1\n')
    result = CliRunner().invoke(main, ["scan", "--no-cache", str(tmp_path)])
    assert result.exit_code == 2
    err = assert_clean(result.stderr_bytes or b"")
    assert "a\\x0a::error::forged\\x1b[2J ##\\[error]" in err
    assert commands(err) == []
