"""Hostile repository: planted canary secrets never reach an output or the cache.

Each canary is a made-up secret in a recognised format (a GitHub token with a valid
checksum, an AWS key pair, a password in a compose file) planted where ztlint used to
print it: next to line breaks that `str.splitlines()` knows and the spans do not (form
feed, `\\v`, `\\x1c`-`\\x1e`, `\\x85`, U+2028, U+2029), on a malformed-suppression line,
beside a finding of another rule on the same line. Every output format, a `--staged`
scan and a cached run are searched for each canary (raw bytes, and for the cache also
the canary's unsalted SHA-256).
"""

from __future__ import annotations

import binascii
import codecs
import hashlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ztlint import engine
from ztlint.config import Config
from ztlint.model import Confidence
from ztlint.notices import DECODED
from ztlint.parsers.data import Mapping
from ztlint.report import Report
from ztlint.semantics.tokens import BASE62
from ztlint.source import SourceText

# Every finding, whatever its confidence: a secret must not leak from any of them.
EVERYTHING = Config(min_confidence=Confidence.LOW)

ROOT = Path(__file__).resolve().parents[2]


def github_token(tag: str) -> str:
    """A made-up GitHub token whose checksum is right, so the token rule reports it."""
    body = (tag + "Zq7Wx3Ky9Vb2Nm5Lp8Rt4Hs6Jd1Fg0")[:30]
    value = binascii.crc32(body.encode("ascii"))
    check = ""
    for _ in range(6):
        value, digit = divmod(value, 62)
        check = BASE62[digit] + check
    return f"ghp_{body}{check}"


@dataclass(frozen=True)
class Canary:
    name: str
    secret: str  # the text that must never appear


def _aws_id(tag: str) -> str:
    return ("AKIA" + tag.upper() + "QZ7WX3KY5VB2NM6LP")[:20]


AWS_SECRET = "wJ8rXq2Lz9Kp4Vn7Bt3Hs6Md1Fg5Yc0Ue8Ia2Ro4"


GO_TLS = "var c = &tls.Config{InsecureSkipVerify: true}"
PY_TLS = "requests.get(URL, verify=False)"
SPLITLINES_ONLY = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]

# (canary tag, file, text with @T@ for the token, encoding, byte-order mark)
TOKEN_FILES: list[tuple[str, str, str, str, bytes]] = [
    # A finding on the line after a secret, after a character splitlines() breaks on.
    *(
        (
            f"Brk{i}",
            f"breaks{i}.py",
            f"import requests\n# a{brk}b\nTOKEN = '@T@'\n{PY_TLS}\n",
            "utf-8",
            b"",
        )
        for i, brk in enumerate(SPLITLINES_ONLY)
    ),
    # The same in Go (tree-sitter), and with a lone carriage return (tree-sitter's rows
    # are not our lines).
    (
        "GoFf",
        "main.go",
        f'package main\n\nimport "crypto/tls"\n\n// a\x0cb\nvar token = "@T@"\n{GO_TLS}\n',
        "utf-8",
        b"",
    ),
    (
        "LoneCr",
        "cr.go",
        f'package main\r\rimport "crypto/tls"\r\rvar token = "@T@"\r{GO_TLS}\r',
        "utf-8",
        b"",
    ),
    # A secret on a malformed-suppression line (ZT901 used to print the raw line).
    ("Zt901a", "settings.py", 'API_TOKEN = "@T@"  # ztlint: ignore\n', "utf-8", b""),
    ("Zt901b", "more.py", 'API_TOKEN = "@T@"  # ztlint: ignore[ZT202]\n', "utf-8", b""),
    # Another rule's finding on the secret's own line.
    (
        "Same",
        "same.py",
        'import requests\nrequests.get(URL, verify=False, headers={"Authorization": "token @T@"})\n',
        "utf-8",
        b"",
    ),
    # A YAML file with a U+0085 line break (one for libyaml, not for our line table).
    (
        "YamlNel",
        "k8s.yaml",
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    note: "a\x85b"\n'
        "    token: @T@\nspec:\n  containers:\n  - name: c\n    image: x\n"
        "    securityContext:\n      privileged: true\n",
        "utf-8",
        b"",
    ),
    # Wide encodings: decoded and checked, so masked like any other file.
    ("U16", "wide16.py", f"import requests\n# a\fb\nTOKEN = '@T@'\n{PY_TLS}\n", "utf-16-le", b""),
    (
        "U32",
        "wide32.py",
        f"import requests\nTOKEN = '@T@'; {PY_TLS}\n",
        "utf-32-le",
        codecs.BOM_UTF32_LE,
    ),
    # JavaScript with U+2028 inside a comment, then a secret and a TLS finding.
    (
        "Js2028",
        "app.js",
        'const https = require("https");\n// a\u2028b\nconst token = "@T@";\n'
        'https.request({ host: "x", rejectUnauthorized: false });\n',
        "utf-8",
        b"",
    ),
    # A shell script with a form feed.
    ("ShFf", "deploy.sh", "#!/bin/sh\n# a\fb\nTOKEN=@T@\ncurl -k https://x/\n", "utf-8", b""),
]


def plant(repo: Path) -> list[Canary]:
    """Write the hostile files; return the canaries planted."""
    canaries: list[Canary] = []
    for tag, name, text, codec, bom in TOKEN_FILES:
        secret = github_token(tag)
        canaries.append(Canary(tag, secret))
        (repo / name).write_bytes(bom + text.replace("@T@", secret).encode(codec))
    # An AWS key pair next to a U+2028 line and a TLS finding.
    key_id = _aws_id("x7")
    canaries += [Canary("aws-id", key_id), Canary("aws-secret", AWS_SECRET)]
    (repo / "aws.py").write_text(
        "import requests\n# note\u2028more\n"
        f'aws_access_key_id = "{key_id}"\n'
        f'aws_secret_access_key = "{AWS_SECRET}"\n'
        f"{PY_TLS}\n{PY_TLS}\n",
        encoding="utf-8",
    )
    # A password in a compose file, with a privileged service next to it and a
    # malformed suppression on its line.
    password = "Xk9#vQ2!mZ7pL4wR"
    canaries.append(Canary("compose-password", password))
    (repo / "docker-compose.yml").write_text(
        "services:\n  db:\n    image: postgres:16\n    privileged: true\n"
        "    environment:\n"
        f'      POSTGRES_PASSWORD: "{password}"  # ztlint: ignore\n'
        "    cap_add: [SYS_ADMIN]\n"
    )
    return canaries


def _run(repo: Path, env: dict[str, str], *args: str) -> bytes:
    proc = subprocess.run(
        [sys.executable, "-m", "ztlint", "scan", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
    return proc.stdout + proc.stderr


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _cache_bytes(folder: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield str(path), path.read_bytes()
        yield str(path), os.fsencode(path.name)


def leaks(repo: Path, cache_dir: Path) -> tuple[list[Canary], list[str]]:
    """Plant the canaries, run every output, and return them with what leaked where."""
    canaries = plant(repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "ZTLINT_CACHE_DIR")}
    env["ZTLINT_CACHE_DIR"] = str(cache_dir)
    env["PYTHONPATH"] = os.environ.get("ZTLINT_UNDER_TEST", str(ROOT))
    outputs = {}
    for fmt in ("text", "json", "sarif", "github"):
        outputs[fmt] = _run(repo, env, "--no-cache", "--format", fmt, "--color", "never")
    outputs["staged"] = _run(repo, env, "--staged", "--no-cache", "--format", "json")
    outputs["cache-cold"] = _run(repo, env, "--cache", "--format", "json")
    outputs["cache-warm"] = _run(repo, env, "--cache", "--format", "text")
    outputs["cache-sarif"] = _run(repo, env, "--cache", "--format", "sarif")
    found = []
    for c in canaries:
        needle = c.secret.encode()
        digest = hashlib.sha256(needle).hexdigest().encode()
        for where, out in outputs.items():
            if needle in out:
                found.append(f"{c.name} in {where}")
        for where, data in _cache_bytes(cache_dir):
            if needle in data or digest in data:
                found.append(f"{c.name} in cache {where}")
    return canaries, found


def test_no_canary_leaks(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    canaries, found = leaks(repo, tmp_path / "cache")
    assert len(canaries) >= 20
    assert found == []


def test_canaries_are_found(tmp_path: Path) -> None:
    """The canaries are real findings (else "no leak" would prove nothing): each file
    with a token has a secret finding."""
    repo = tmp_path / "repo"
    repo.mkdir()
    plant(repo)
    report = engine.run(["."], EVERYTHING, cwd=str(repo))
    secret_files = {f.path for f in report.findings if f.secret_spans}
    expected = {p.name for p in repo.iterdir() if p.suffix in (".py", ".go", ".sh", ".yaml", ".js")}
    expected |= {"docker-compose.yml"}
    assert expected <= secret_files, expected - secret_files


def _scan(root: Path, cache: Path | None) -> Report:
    return engine.run(["."], EVERYTHING, jobs=1, cwd=str(root), cache_dir=cache)


def _secret_repo(tmp_path: Path) -> tuple[Path, Path, str]:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    root.mkdir()
    password = "Xk9vQ2mZ7pL4wRt5"
    (root / "config.toml").write_text(f'[db]\npassword = "{password}"\n')
    return root, cache, password


def test_malformed_suppression_in_unchecked_test_code_shows_no_line(tmp_path: Path) -> None:
    """Test code is checked by the secret rules only by default, so not every secret
    span is known there: the ZT901 result of a malformed suppression in it carries no
    snippet at all. (A checksummed token is unmistakable: reported in test code too,
    masked.)"""
    token = github_token("InTest")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(f'API_TOKEN = "{token}"  # ztlint: ignore\n')
    report = _scan(tmp_path, None)
    assert [(f.rule_id, f.provenance) for f in report.findings] == [
        ("ZT202", "test"),
        ("ZT901", "production"),
    ]
    assert report.findings[1].snippet == ""
    assert token[4:] not in report.findings[0].snippet


def test_cache_key_is_private_and_made_once(tmp_path: Path) -> None:
    root, cache, _ = _secret_repo(tmp_path)
    _scan(root, cache)
    key = cache / "key"
    st = key.lstat()
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
    assert st.st_size == 32
    first = key.read_bytes()
    _scan(root, cache)
    assert key.read_bytes() == first
    assert not [p for p in cache.iterdir() if p.name.startswith(".key-")]


def test_cache_hit_keeps_the_baseline_digest_but_stores_none(tmp_path: Path) -> None:
    """Cached results hold no digest of a secret; a hit computes it again, so a
    baseline sees the same finding whether the cache answered or not."""
    root, cache, password = _secret_repo(tmp_path)
    cold = _scan(root, cache)
    warm = _scan(root, cache)
    fresh = _scan(root, None)
    digests = [f.secret_digest for f in fresh.findings]
    assert digests and all(digests)
    assert [f.secret_digest for f in cold.findings] == digests
    assert [f.secret_digest for f in warm.findings] == digests
    unsalted = hashlib.sha256(password.encode()).hexdigest().encode()
    for name, data in _cache_bytes(cache):
        assert password.encode() not in data and unsalted not in data, name
        for d in digests:
            assert d is not None and d.encode() not in data, name


@pytest.mark.parametrize("plant", ["link", "open-mode", "short"])
def test_an_unusable_key_turns_the_cache_off(tmp_path: Path, plant: str) -> None:
    root, cache, _ = _secret_repo(tmp_path)
    cache.mkdir(mode=0o700)
    key = cache / "key"
    if plant == "link":
        target = tmp_path / "known-key"
        target.write_bytes(b"k" * 32)
        target.chmod(0o600)
        key.symlink_to(target)
    elif plant == "open-mode":
        key.write_bytes(b"k" * 32)
        key.chmod(0o644)
    else:
        key.write_bytes(b"k" * 8)
        key.chmod(0o600)
    report = _scan(root, cache)
    assert [f.rule_id for f in report.findings] == ["ZT204"]
    assert sorted(p.name for p in cache.iterdir()) == ["key"]  # nothing written


def test_a_folder_others_can_write_is_no_cache(tmp_path: Path) -> None:
    """Entries are pickles: a run folder another user made first (in a world-writable
    cache folder, or group-writable under ours) is never used."""
    root, cache, _ = _secret_repo(tmp_path)
    cache.mkdir()
    cache.chmod(0o777)
    _scan(root, cache)
    assert list(cache.iterdir()) == []
    cache.chmod(0o700)
    _scan(root, cache)
    (run_folder,) = [p for p in cache.iterdir() if p.is_dir()]
    shutil.rmtree(run_folder)
    run_folder.mkdir(mode=0o700)
    run_folder.chmod(0o770)
    report = _scan(root, cache)
    assert [f.rule_id for f in report.findings] == ["ZT204"]
    assert list(run_folder.iterdir()) == []  # nothing written there


def test_snippets_follow_the_line_table() -> None:
    """Form feed, \\v, \\x1c-\\x1e, U+0085, U+2028 and U+2029 are characters inside a
    line; \\n, \\r\\n and \\r end lines."""
    text = "a\fb\vc\x1cd\x85e\u2028f\u2029g\nh\r\ni\rj"
    src = SourceText(text)
    assert src.lines == ["a\fb\vc\x1cd\x85e\u2028f\u2029g", "h", "i", "j"]
    assert src.position(text.index("j")) == (4, 1)
    for word in "hij":
        line, col = src.position(text.index(word))
        assert src.line(line)[col - 1] == word


def test_tree_sitter_points_with_a_lone_carriage_return() -> None:
    from ztlint.parsers import code

    src = SourceText('a = 1\rb = "x\u00e9"\r\nc = 2\fd = 3\n')
    tree = code.parse("python", src)
    strings = code.nodes_of_kinds("python", tree, ("string",))
    (string,) = strings
    span = code.node_span(src, string)
    assert (span.start_line, span.start_col, span.end_col) == (2, 5, 9)
    assert src.line(2)[span.start_col - 1 : span.end_col - 1] == '"x\u00e9"'


def test_lone_carriage_returns_hide_no_finding(tmp_path: Path) -> None:
    """With \\r line breaks the whole file is one tree-sitter row: rules that report
    one finding per line kept only the first, at a wrong place."""
    body = "def {0}(password):\r    return hashlib.md5(password.encode()).hexdigest()\r"
    (tmp_path / "h.py").write_bytes(
        ("import hashlib\r" + body.format("a") + body.format("b")).encode()
    )
    report = _scan(tmp_path, None)
    assert [(f.rule_id, f.span.start_line) for f in report.findings] == [
        ("ZT502", 3),
        ("ZT502", 5),
    ]


def test_yaml_marks_follow_the_line_table() -> None:
    """libyaml breaks lines at U+0085, U+2028 and U+2029 too; spans do not."""
    from ztlint.parsers.yaml import parse_yaml

    text = 'k: "a\x85b"\nx: "\u00e9\u2028"\nz: 1\n'
    src = SourceText(text)
    (doc,) = parse_yaml(text)
    assert isinstance(doc, Mapping)
    for key, _ in doc.entries:
        span = key.span
        assert src.line(span.start_line)[span.start_col - 1] == key.value


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-16-le", b""),
        ("utf-16-be", b""),
        ("utf-32-le", b""),
        ("utf-32-be", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
    ],
)
def test_wide_encodings_are_checked(tmp_path: Path, codec: str, bom: bytes) -> None:
    (tmp_path / "a.go").write_bytes(
        bom + "package a\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n".encode(codec)
    )
    report = _scan(tmp_path, None)
    assert [f.rule_id for f in report.findings] == ["ZT101"]
    notes = [n for n in report.notifications if n.code == DECODED]
    assert len(notes) == (0 if bom else 1)


def test_wide_text_too_unlike_ascii_is_a_warning(tmp_path: Path) -> None:
    """UTF-16 without a BOM and mostly not ASCII cannot be told from binary data with
    confidence: not checked, and a warning says so (never silent)."""
    text = "# \u4e2d\u6587\u6ce8\u91ca\u4e2d\u6587\u6ce8\u91ca\nx = 1\n" * 20
    (tmp_path / "a.py").write_bytes(text.encode("utf-16-le"))
    report = _scan(tmp_path, None)
    (note,) = [n for n in report.notifications if n.code == DECODED]
    assert note.level.value == "warning" and "not checked" in note.message


def test_binary_stays_binary(tmp_path: Path) -> None:
    (tmp_path / "store.jks").write_bytes(bytes.fromhex("feedfeed00000002") + bytes(range(256)) * 4)
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 8)
    report = _scan(tmp_path, None)
    assert [(f.rule_id, f.path) for f in report.findings] == [("ZT201", "store.jks")]
    assert not [n for n in report.notifications if n.code == DECODED]


if __name__ == "__main__":  # pragma: no cover - a count for the issue's closing note
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        planted, leaked = leaks(repo, Path(tmp) / "cache")
        print(f"canaries planted {len(planted)}, leaked {len({x.split()[0] for x in leaked})}")
        for line in leaked:
            print(" ", line)
