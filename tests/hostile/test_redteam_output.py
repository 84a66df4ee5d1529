"""Hostile repository, red team: attacks tried after the #22 hardening.

Each test plants what a fork's pull request could plant and asserts the safe outcome:
the finding is reported and active, no output line is a workflow command or carries
an escape sequence, no canary secret is printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Finding
from ztlint.report import Report

QUICHE_OFF = "pub fn build(config: &mut quiche::Config) {\n    config.verify_peer(false);\n}\n"


def _tree(root: Path, files: dict[str, str | bytes]) -> None:
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8", newline="")


def _scan(root: Path, files: dict[str, str | bytes]) -> Report:
    _tree(root, files)
    return run(["."], Config(), jobs=1, cwd=str(root))


def _active(report: Report, rule: str, path: str) -> list[Finding]:
    return [f for f in report.findings if f.rule_id == rule and f.path == path and f.active]


# Rust test code comes from the tree, not from text that looks like an attribute.
RUST_NOT_TEST: dict[str, dict[str, str | bytes]] = {
    "declaration-in-a-comment": {
        "src/lib.rs": "// compiled in production. #[cfg(test)] mod handlers;\nmod handlers;\n",
        "src/handlers.rs": QUICHE_OFF,
    },
    "declaration-in-a-string": {
        "src/lib.rs": 'const S: &str = "#[cfg(test)] mod handlers;";\nmod handlers;\n',
        "src/handlers.rs": QUICHE_OFF,
    },
    "declaration-in-an-inline-module": {
        "src/lib.rs": "mod inner {\n    #[cfg(test)]\n    mod handlers;\n}\nmod handlers;\n",
        "src/handlers.rs": QUICHE_OFF,
    },
    "test-attribute-in-a-doc-string": {
        "src/handlers.rs": '#[doc = "#[test]"]\n' + QUICHE_OFF,
    },
    "cfg-test-in-a-doc-string": {
        "src/handlers.rs": '#[doc = "see #[cfg(test)]"]\n' + QUICHE_OFF,
    },
}


@pytest.mark.parametrize("case", sorted(RUST_NOT_TEST))
def test_rust_text_that_looks_like_a_test_attribute_hides_nothing(
    tmp_path: Path, case: str
) -> None:
    report = _scan(tmp_path, RUST_NOT_TEST[case])
    assert _active(report, "ZT101", "src/handlers.rs"), case


def test_rust_real_test_declarations_still_count(tmp_path: Path) -> None:
    report = _scan(
        tmp_path,
        {
            "src/lib.rs": "#[cfg(test)]\nmod handlers;\n",
            "src/handlers.rs": QUICHE_OFF,
            "src/other.rs": "#[test]\n" + QUICHE_OFF.replace("build", "t"),
        },
    )
    assert not [f for f in report.findings if f.rule_id == "ZT101"]


TOKEN = "ghp_" + "Brk0Zq7Wx3Ky9Vb2Nm5Lp8Rt4Hs6Jd3und3s"

# A directive that is no comment of the file's own syntax: a Markdown heading, a
# Dockerfile heredoc body (a script or a file's content), an HTML comment in fenced code.
NOT_COMMENTS: dict[str, tuple[str, str]] = {
    "markdown-heading": ("README.md", f"# Setup\n\n# ztlint: ignore[ZT202] docs\ntoken: {TOKEN}\n"),
    "markdown-list": ("a.md", f"* ztlint: ignore[ZT202] docs\ntoken: {TOKEN}\n"),
    "markdown-fenced-html": (
        "b.md",
        f"```\n<!-- ztlint: ignore[ZT202] docs -->\ntoken: {TOKEN}\n```\n",
    ),
    "dockerfile-copy-heredoc": (
        "Dockerfile",
        f"FROM alpine\nCOPY <<EOF /etc/x\n# ztlint: ignore[ZT202] fine\nt={TOKEN}\nEOF\n",
    ),
    "dockerfile-run-heredoc-dash-quoted": (
        "run.Dockerfile",
        'FROM alpine\nRUN <<-"EOT" bash\n\t# ztlint: ignore[ZT202] fine\n\techo '
        + TOKEN
        + "\n\tEOT\n",
    ),
    "dockerfile-second-heredoc": (
        "two.Dockerfile",
        f"FROM alpine\nCOPY <<A <<B /x/\na\nA\n# ztlint: ignore[ZT202] fine\nt={TOKEN}\nB\n",
    ),
}


@pytest.mark.parametrize("case", sorted(NOT_COMMENTS))
def test_directive_outside_a_real_comment_does_not_suppress(tmp_path: Path, case: str) -> None:
    name, text = NOT_COMMENTS[case]
    report = _scan(tmp_path, {name: text})
    assert _active(report, "ZT202", name), case


def test_markdown_and_dockerfile_comments_still_suppress(tmp_path: Path) -> None:
    report = _scan(
        tmp_path,
        {
            "ok.md": f"# T\n\n<!-- ztlint: ignore[ZT202] docs example -->\ntoken: {TOKEN}\n",
            "Dockerfile": "FROM alpine\nCOPY <<EOF /etc/x\nEOF\n"
            f"# ztlint: ignore[ZT202] fine\nRUN echo {TOKEN}\n",
        },
    )
    found = [f for f in report.findings if f.rule_id == "ZT202"]
    assert len(found) == 2 and not any(f.active for f in found)


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"])
def test_bidi_marks_are_escaped_in_every_format(tmp_path: Path, mark: str) -> None:
    """Every Bidi_Control character, the marks too, is escaped: a file name and a line
    holding one are not shown reordered."""
    name = f"a{mark}b.py"
    body = f"import requests\nrequests.get(URL, verify=False)  # {mark}x\n"
    report = _scan(tmp_path, {name: body})
    assert _active(report, "ZT101", name)
    for fmt, text in _rendered(report).items():
        assert mark not in text, fmt
        assert fmt == "sarif" or f"\\u{ord(mark):04x}" in text, fmt  # SARIF: %-encoded URI


def _rendered(report: Report) -> dict[str, str]:
    from ztlint.reporters import github, sarif, text
    from ztlint.reporters import json as json_reporter

    return {
        "text": text.render(report),
        "json": json_reporter.render(report),
        "sarif": sarif.render(report),
        "github": github.render(report),
    }


JS_OFF = (
    'const https = require("https");\nhttps.request({ host: "x", rejectUnauthorized: false });\n'
)

# A NUL byte (which Node, rustc and Lua accept in a comment) used to make a source file
# binary, unchecked and silent; a first kilobyte that mimics UTF-16 without a BOM made
# the UTF-8 code after it decode as UTF-16 garbage.
NUL_TRICKS: dict[str, tuple[str, bytes, str]] = {
    "js-nul-in-comment": ("a.js", b"// \x00\n" + JS_OFF.encode(), "ZT101"),
    "rust-nul-in-comment": (
        "a.rs",
        b"// \x00\n" + QUICHE_OFF.encode(),
        "ZT101",
    ),
    "lua-nul-in-comment": ("a.lua", b'local ip = "52.14.201.9" -- \x00\n', "ZT701"),
    "shebang-nul-line-2": (
        "deploy",
        b"#!/bin/sh\n# \x00\ncurl -k https://example.com/\n",
        "ZT101",
    ),
    "utf16-mimic-first-kb": ("w.js", b"// " + b"a\x00" * 600 + b"\n" + JS_OFF.encode(), "ZT101"),
    "utf16-mimic-trailing-nul": (
        "w2.js",
        b"// " + b"a\x00" * 600 + b"\n" + JS_OFF.encode() + b"\x00",
        "ZT101",
    ),
    "utf32-mimic-first-kb": (
        "w3.js",
        b"//" + "a".encode("utf-32-le") * 300 + b"\n" + JS_OFF.encode(),
        "ZT101",
    ),
}


@pytest.mark.parametrize("case", sorted(NUL_TRICKS))
def test_nul_bytes_do_not_hide_a_source_file(tmp_path: Path, case: str) -> None:
    name, data, rule = NUL_TRICKS[case]
    report = _scan(tmp_path, {name: data})
    assert _active(report, rule, name), case
    assert report.exit_code() == 1


def _scan_seconds(root: Path, files: dict[str, str | bytes]) -> float:
    """Best of three in-process scans (no cache), in seconds of this process's CPU time
    (what the scan costs, not what other processes on the machine take from it)."""
    import time
    from dataclasses import replace

    _tree(root, files)
    best = 60.0
    for _ in range(3):
        start = time.process_time()
        run(["."], replace(Config(), file_timeout=60), jobs=1, cwd=str(root))
        best = min(best, time.process_time() - start)
    return best


def _assert_linear(tmp_path: Path, make: dict[str, object], n: int) -> None:
    """Doubling the input costs at most 2.5 times the work (a floor absorbs noise)."""
    name = str(make["name"])
    unit = str(make["unit"])
    small = _scan_seconds(tmp_path / "small", {name: unit * n})
    large = _scan_seconds(tmp_path / "large", {name: unit * (2 * n)})
    assert large <= 2.5 * max(small, 0.05), (small, large)


# Walks up with Node.parent (which searches from the root) per place in a hostile
# file: the secret mentions of a deep ERROR tree (cubic), the unwraps of a wide one.
DEEP_TREES = {
    "go-nested-raw-strings": {
        "name": "k.go",
        "unit": "const signingKey = `-----BEGIN PRIVATE KEY----- ",
    },
    # Thousands of failable unwraps at the top level: a walk up to the scope for each.
    "swift-top-level-unwraps": {
        "name": "client.swift",
        "unit": "    var parts = URLComponents(url: base, resolvingAgainstBaseURL: false)! ",
    },
}


@pytest.mark.parametrize("case", sorted(DEEP_TREES))
def test_deep_error_trees_cost_linear_time(tmp_path: Path, case: str) -> None:
    _assert_linear(tmp_path, DEEP_TREES[case], 400)


def _url_list(n: int) -> str:
    urls = ", ".join(f'"http://u:Zq7Wx3Ky9Vb2Nm{i}p@h.example.com/"' for i in range(n))
    return f"X = [{urls}]\n"


def test_many_secrets_on_one_line_cost_linear_time(tmp_path: Path) -> None:
    """Each finding masked its line with every secret span on it, and each finding lost
    to a more specific one was judged against every finding of its file: 4,000 URLs
    with a password on one line (180 KB) took 60 s."""
    small = _scan_seconds(tmp_path / "small", {"a.py": _url_list(400)})
    large = _scan_seconds(tmp_path / "large", {"a.py": _url_list(800)})
    assert large <= 2.5 * max(small, 0.05), (small, large)


def test_a_cut_snippet_is_masked_as_before(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"a.py": _url_list(300)})
    found = [f for f in report.findings if f.rule_id == "ZT204"]
    assert len(found) == 300
    assert all(f.snippet.endswith("…") and "Zq7Wx3" not in f.snippet for f in found)
    assert found[0].snippet == found[-1].snippet


def test_many_aws_key_ids_on_one_line_cost_linear_time(tmp_path: Path) -> None:
    """Each key id looked for its secret from five lines above: on one long line, from
    the start of the file (160 KB took 5 s)."""
    unit = "aws_access_key_id = AKIAVTGLTMQAZX6TUB6I "
    _assert_linear(tmp_path, {"name": "aws_credentials", "unit": unit}, 1500)


@pytest.mark.xfail(
    reason="not fixed: rules walk up with Node.parent (a search from the root, linear in "
    "the width of a hostile file's flat ERROR node) per string literal; 320 KB took 57 s. "
    "Contained by --file-timeout, and a file left unchecked fails the run."
)
def test_flat_error_tree_costs_linear_time(tmp_path: Path) -> None:
    unit = '\tw.Header().Set("Access-Control-Allow-Credentials", "true") '
    _assert_linear(tmp_path, {"name": "cors.go", "unit": unit}, 1000)


NPM = "npm_" + "xdKbiGpW5B9G0xQLOry7eJZXwoR4Ju1mkcKF"
URL_PASSWORD = "Zq7Wx3Ky9Vb2Nm5Lp8Rty"


def test_an_ignored_token_rule_does_not_unmask_another_finding(tmp_path: Path) -> None:
    """An in-tree config may ignore secret-token-committed; a token on the line of
    another rule's finding is still masked in its snippet, in every format."""
    from dataclasses import replace

    _tree(
        tmp_path,
        {
            "a.py": "import requests\n"
            f'requests.get("https://x", verify=False, headers={{"a": "{NPM}"}})\n',
        },
    )
    config = replace(Config(), ignore=("ZT202", "ZT204"))
    report = run(["."], config, jobs=1, cwd=str(tmp_path))
    assert _active(report, "ZT101", "a.py")
    for fmt, text in _rendered(report).items():
        assert NPM[4:] not in text, fmt


def test_a_url_password_no_rule_reports_is_masked(tmp_path: Path) -> None:
    report = _scan(
        tmp_path,
        {
            "docker-compose.yml": "services:\n  web:\n    image: x\n"
            f"    command: curl -k https://u:{URL_PASSWORD}@example.com/\n",
        },
    )
    assert _active(report, "ZT101", "docker-compose.yml")
    for fmt, text in _rendered(report).items():
        assert URL_PASSWORD not in text, fmt


def test_a_number_too_long_for_int_hides_no_seccomp_finding(tmp_path: Path) -> None:
    """int() of more than 4,300 digits raises: a minKernel of 5,000 digits made the
    seccomp rule fail on the profile, its findings dropped, exit code 0."""
    import json

    profile = {
        "defaultAction": "SCMP_ACT_ERRNO",
        "syscalls": [
            {
                "names": ["ptrace"],
                "action": "SCMP_ACT_ALLOW",
                "includes": {"minKernel": "4" + "0" * 5000 + ".1"},
            },
            {"names": ["bpf"], "action": "SCMP_ACT_ALLOW"},
        ],
    }
    report = _scan(tmp_path, {"seccomp.json": json.dumps(profile)})
    found = {
        f.message.split(" allows ")[1].split()[0] for f in _active(report, "ZT306", "seccomp.json")
    }
    assert found == {"ptrace", "bpf"}
    assert not [n for n in report.notifications if n.code == "ZT905"]


def test_a_rule_that_fails_on_a_file_fails_the_run(tmp_path: Path) -> None:
    """Whatever else makes a rule raise, the file is unchecked: exit 1 unless
    --allow-unchecked, like a timeout."""
    from dataclasses import replace

    from ztlint.notices import RULE_FAILED, UNCHECKED_CODES
    from ztlint.report import Report

    assert RULE_FAILED in UNCHECKED_CODES
    report = Report(findings=(), notifications=(), rules=(), files_scanned=1)
    from ztlint.model import NoticeLevel, Notification

    note = Notification(code=RULE_FAILED, message="m", level=NoticeLevel.WARNING, path="a")
    assert replace(report, notifications=(note,)).exit_code() == 1
    assert replace(report, notifications=(note,), allow_unchecked=True).exit_code() == 0
