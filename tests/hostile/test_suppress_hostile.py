"""Hostile repository: a suppression counts only in a real comment.

`ztlint: ignore[...]` written inside a string literal, a YAML quoted scalar or block
scalar, a heredoc or a Dockerfile instruction used to silence the finding on its line
(or the line below). Each case here plants one and asserts the finding is reported,
active; the same directive in a real comment still suppresses it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ztlint.config import Config
from ztlint.engine import run
from ztlint.parsers.comments import yaml_comment_starts
from ztlint.report import Report
from ztlint.source import split_lines

GO_HEAD = 'package main\n\nimport (\n\t"crypto/tls"\n\t"log"\n)\n\nfunc f() {\n'
RUST_CALL = "reqwest::Client::builder().danger_accept_invalid_certs(true).build();"

# name -> (file name, text, rule): a directive in a string on the finding's line or
# the line above it.
IN_STRINGS: dict[str, tuple[str, str, str]] = {
    "go-printf": (
        "a.go",
        GO_HEAD + '\tlog.Printf("%d ztlint: ignore[ZT101] looks safe", 1); '
        "_ = &tls.Config{InsecureSkipVerify: true}\n}\n",
        "ZT101",
    ),
    "go-raw-string-above": (
        "b.go",
        GO_HEAD + "\tlog.Print(`\n// ztlint: ignore[ZT101] looks safe\n`)\n"
        "\t_ = &tls.Config{InsecureSkipVerify: true}\n}\n",
        "ZT101",
    ),
    "compose-quoted-above": (
        "docker-compose.yml",
        'services:\n  web:\n    image: "x;ztlint: ignore[ZT302] fine"\n    privileged: true\n',
        "ZT302",
    ),
    "compose-hash-in-quotes": (
        "compose.yaml",
        "services:\n  web:\n    image: 'x # ztlint: ignore[ZT302] fine'\n    privileged: true\n",
        "ZT302",
    ),
    "compose-block-scalar": (
        "docker-compose.override.yml",
        "services:\n  web:\n    image: x\n    labels:\n      note: |\n"
        "        # ztlint: ignore[ZT302] fine\n    privileged: true\n",
        "ZT302",
    ),
    "compose-multiline-quote": (
        "compose.override.yaml",
        'services:\n  web:\n    image: "x\n      # ztlint: ignore[ZT302] fine"\n    privileged: true\n',
        "ZT302",
    ),
    "python-string": (
        "a.py",
        "import requests\n"
        'requests.get(URL, verify=False, headers={"x": "# ztlint: ignore[ZT101] fine"})\n',
        "ZT101",
    ),
    "python-docstring-above": (
        "b.py",
        'import requests\nX = """\n# ztlint: ignore[ZT101] fine\n"""\n'
        "requests.get(URL, verify=False)\n",
        "ZT101",
    ),
    "javascript-string": (
        "a.js",
        'const https = require("https");\n'
        'const s = "// ztlint: ignore[ZT101] fine"; '
        'https.request({ host: "x", rejectUnauthorized: false });\n',
        "ZT101",
    ),
    "javascript-template": (
        "b.js",
        'const https = require("https");\n'
        "const s = `/* ztlint: ignore[ZT101] fine */`; "
        'https.request({ host: "x", rejectUnauthorized: false });\n',
        "ZT101",
    ),
    "rust-string": (
        "a.rs",
        'fn main() {\n    let s = "// ztlint: ignore[ZT101] fine"; let c = ' + RUST_CALL + "\n}\n",
        "ZT101",
    ),
    "rust-raw-string": (
        "b.rs",
        'fn main() {\n    let s = r#"/* ztlint: ignore[ZT101] fine */"#; let c = '
        + RUST_CALL
        + "\n}\n",
        "ZT101",
    ),
    "toml-string-above": (
        "config.toml",
        'note = "# ztlint: ignore[ZT204] fine"\npassword = "Xk9vQ2mZ7pL4wRt5"\n',
        "ZT204",
    ),
    "shell-string": (
        "a.sh",
        '#!/bin/sh\necho "# ztlint: ignore[ZT101] fine"; curl -k https://example.com/\n',
        "ZT101",
    ),
    "shell-heredoc-above": (
        "b.sh",
        "#!/bin/sh\ncat <<EOF\n# ztlint: ignore[ZT101] fine\nEOF\ncurl -k https://example.com/\n",
        "ZT101",
    ),
    "shell-heredoc-compose-last-line": (
        "c.sh",
        "#!/bin/sh\ncat <<EOF > compose.yml\nservices:\n  web:\n    image: x\n"
        "# ztlint: ignore[ZT101] fine\nEOF\ncurl -k https://example.com/\n",
        "ZT101",
    ),
    "kustomize-patch-last-line": (
        "kustomization.yaml",
        "patches:\n  - patch: |-\n      - op: add\n        path: /spec/template/spec/hostPID\n"
        "        value: false\n      # ztlint: ignore[ZT204] fine\n"
        "    password: Xk9vQ2mZ7pL4wRt5\n",
        "ZT204",
    ),
    "dotenv-quoted-above": (
        ".env",
        'NOTE="x # ztlint: ignore[ZT204] fine"\nDB_PASSWORD=Xk9vQ2mZ7pL4wRt5\n',
        "ZT204",
    ),
    "dockerfile-trailing-hash": (
        "Dockerfile",
        "FROM alpine\nRUN curl -k https://example.com/ # ztlint: ignore[ZT101] fine\n",
        "ZT101",
    ),
}

# The same findings, suppressed by real comments: on the line and on the line above.
IN_COMMENTS: dict[str, tuple[str, str, str]] = {
    "go-line": (
        "a.go",
        GO_HEAD + "\t_ = &tls.Config{InsecureSkipVerify: true} // ztlint: ignore[ZT101] test\n}\n",
        "ZT101",
    ),
    "go-block-above": (
        "b.go",
        GO_HEAD + "\t/* ztlint: ignore[ZT101] test */\n"
        "\t_ = &tls.Config{InsecureSkipVerify: true}\n}\n",
        "ZT101",
    ),
    "compose-line": (
        "docker-compose.yml",
        "services:\n  web:\n    image: x\n    privileged: true  # ztlint: ignore[ZT302] test\n",
        "ZT302",
    ),
    "compose-above": (
        "compose.yaml",
        'services:\n  web:\n    image: "x # y"  # ztlint: ignore[ZT302] test\n'
        "    privileged: true\n",
        "ZT302",
    ),
    "compose-after-block-scalar": (
        "docker-compose.override.yml",
        "services:\n  web:\n    command: |\n      run it\n"
        "    # ztlint: ignore[ZT302] test\n    privileged: true\n",
        "ZT302",
    ),
    "python-line": (
        "a.py",
        "import requests\nrequests.get(URL, verify=False)  # ztlint: ignore[ZT101] test\n",
        "ZT101",
    ),
    "javascript-above": (
        "a.js",
        'const https = require("https");\n// ztlint: ignore[ZT101] test\n'
        'https.request({ host: "x", rejectUnauthorized: false });\n',
        "ZT101",
    ),
    "rust-line": (
        "a.rs",
        "fn main() {\n    let c = " + RUST_CALL + " // ztlint: ignore[ZT101] test\n}\n",
        "ZT101",
    ),
    "toml-line": (
        "config.toml",
        'password = "Xk9vQ2mZ7pL4wRt5"  # ztlint: ignore[ZT204] test\n',
        "ZT204",
    ),
    "shell-above": (
        "a.sh",
        "#!/bin/sh\n# ztlint: ignore[ZT101] test\ncurl -k https://example.com/\n",
        "ZT101",
    ),
    "dotenv-line": (
        "prod.env",
        "DB_PASSWORD=Xk9vQ2mZ7pL4wRt5 # ztlint: ignore[ZT204] test\n",
        "ZT204",
    ),
    "shell-heredoc-compose-above": (
        "d.sh",
        "#!/bin/sh\ncat <<EOF > compose.yml\nservices:\n  web:\n    image: x\n"
        "    # ztlint: ignore[ZT302] test\n    privileged: true\nEOF\n",
        "ZT302",
    ),
    "kustomize-inline-patch-line": (
        "kustomization.yaml",
        "patches:\n  - patch: |-\n      - op: add\n        path: /spec/template/spec/hostPID\n"
        "        value: true  # ztlint: ignore[ZT307] test\n      - op: test\n"
        "        path: /spec\n",
        "ZT307",
    ),
    "dockerfile-above": (
        "Dockerfile",
        "FROM alpine\n# ztlint: ignore[ZT101] test\nRUN curl -k https://example.com/\n",
        "ZT101",
    ),
}


def _scan(tmp_path: Path, name: str, text: str) -> Report:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return run(["."], Config(), jobs=1, cwd=str(tmp_path))


@pytest.mark.parametrize("case", sorted(IN_STRINGS))
def test_directive_in_a_string_does_not_suppress(tmp_path: Path, case: str) -> None:
    name, text, rule = IN_STRINGS[case]
    report = _scan(tmp_path, name, text)
    found = [f for f in report.findings if f.rule_id == rule and f.path == name]
    assert found, f"{case}: no {rule} finding at all"
    assert all(f.active for f in found), f"{case}: suppressed by a string"


@pytest.mark.parametrize("case", sorted(IN_COMMENTS))
def test_directive_in_a_comment_suppresses(tmp_path: Path, case: str) -> None:
    name, text, rule = IN_COMMENTS[case]
    report = _scan(tmp_path, name, text)
    found = [f for f in report.findings if f.rule_id == rule and f.path == name]
    assert found and not any(f.active for f in found), case
    assert not [n for n in report.notifications if n.code == "ZT902"], case


def test_unparsable_yaml_honours_no_suppression(tmp_path: Path) -> None:
    """A YAML file that does not parse has no trusted comments: a hostile file could be
    broken on purpose to make a quoted value look like a comment to a line scanner.
    Its text-level findings (a token) stay active."""
    token = "ghp_" + "Brk0Zq7Wx3Ky9Vb2Nm5Lp8Rt4Hs6Jd3und3s"
    text = f"a: [\ntoken: {token}  # ztlint: ignore[ZT202] test\n"
    report = _scan(tmp_path, "broken.yaml", text)
    found = [f for f in report.findings if f.rule_id == "ZT202"]
    assert found and all(f.active for f in found)


def test_syntax_error_around_a_string_does_not_make_it_a_comment(tmp_path: Path) -> None:
    """A Go file broken so that tree-sitter cannot place the string: a comment inside
    an ERROR node is not trusted."""
    text = (
        GO_HEAD + '\tlog.Printf("x", ) ) ) "// ztlint: ignore[ZT101] fine"\n'
        "\t_ = &tls.Config{InsecureSkipVerify: true}\n}\n"
    )
    report = _scan(tmp_path, "c.go", text)
    found = [f for f in report.findings if f.rule_id == "ZT101"]
    assert found and all(f.active for f in found)


def test_malformed_directive_in_a_string_is_not_a_result(tmp_path: Path) -> None:
    """A string mentioning `ztlint: ignore` is not a malformed suppression (ZT901)."""
    report = _scan(tmp_path, "m.py", 'HELP = "write # ztlint: ignore to silence"\n')
    assert not [f for f in report.findings if f.rule_id == "ZT901"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("a: 1 # c\nb: \"x # y\"\nc: 'it''s # z'\nd: it's # w\n", {1: 6, 4: 9}),
        ("k: |\n  x # no\n  y\nj: 2 # yes\n", {4: 6}),
        ("- a: |\n   t # x\n  b: 1 # y\n", {3: 8}),
        ("a:\n  |\n  text # x\nb: 1 # c\n", {4: 6}),
        ("--- |\ntext # x\n---\nq: 1 # c\n", {4: 6}),
        ('k: "multi\n  line # no\n  end" # yes\n', {3: 8}),
        ('{"a":"b # c"}\n', {}),
        ('k: !!str "x # y"\n', {}),
        ("k: &a 'x # y' # real\n", {1: 15}),
        ("k: x\u2028# c\n", {}),  # libyaml's line breaks are not ours: no comments
    ],
)
def test_yaml_comment_scanner(text: str, want: dict[int, int]) -> None:
    assert yaml_comment_starts(split_lines(text)) == want


def test_a_trailing_toml_comment_does_not_hide_the_value(tmp_path: Path) -> None:
    """tree-sitter-toml makes a trailing comment the pair's last child; it was taken
    for the value, so `password = "..."  # note` had no finding."""
    report = _scan(tmp_path, "config.toml", 'x = 1\npassword = "Xk9vQ2mZ7pL4wRt5"  # note\n')
    assert [f.rule_id for f in report.findings if f.active] == ["ZT204"]
