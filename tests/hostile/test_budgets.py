"""Budgets a hostile repository cannot dodge (issue #22, items 10, 14, 15).

Glob and .gitignore matching take linear time and an invalid pattern matches nothing;
the compose finding-to-line lookup is linear; a file too large to parse within the
memory budget is reported; and every file that a budget left unchecked fails the run
unless --allow-unchecked. Budget tests assert complexity (doubling the input costs at
most 2.5 times as much), each in a subprocess with a loose cap against hangs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hostile.support import run_ztlint
from ztlint.globs import GlobList, compile_glob, match_any

HANG_CAP = 60.0  # seconds: a hang, not a slow machine


# --- the old matcher, as the oracle --------------------------------------------------


def _old_translate(body: str) -> str:
    """The regex translation globs.py used before (it backtracks without end on
    hostile patterns), with one fix the new matcher makes on purpose: a bracket class
    never matches `/`, as in git."""
    out: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c == "*":
            if body.startswith("**", i):
                before_ok = i == 0 or body[i - 1] == "/"
                after = body[i + 2 : i + 3]
                if before_ok and after == "/":
                    out.append("(?:[^/]*/)*")
                    i += 3
                    continue
                if before_ok and after == "":
                    out.append(".*")
                    i += 2
                    continue
                out.append("[^/]*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = body.find("]", i + 2 if body[i + 1 : i + 2] in ("!", "^") else i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                inner = body[i + 1 : j]
                if inner[:1] in ("!", "^"):
                    inner = "^" + inner[1:]
                out.append("(?!/)[" + inner.replace("\\", "\\\\") + "]")
                i = j + 1
                continue
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(body[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _old_regex(pattern: str) -> tuple[re.Pattern[str], bool]:
    p = pattern.strip()
    dir_only = p.endswith("/")
    p = p.rstrip("/")
    anchored = "/" in p
    p = p.lstrip("/")
    if p.startswith("./"):
        p = p[2:]
    body = _old_translate(p)
    regex = body if anchored else "(?:[^/]*/)*" + body
    return re.compile(regex, re.DOTALL), dir_only


def _old_match(pattern: str, path: str, is_dir: bool) -> bool:
    regex, dir_only = _old_regex(pattern)
    parts = path.split("/")
    for k in range(1, len(parts) + 1):
        prefix_is_dir = k < len(parts) or is_dir
        if dir_only and not prefix_is_dir:
            continue
        if regex.fullmatch("/".join(parts[:k])):
            return True
    return False


def _old_direct(pattern: str, rel: str, is_dir: bool) -> bool:
    regex, dir_only = _old_regex(pattern)
    if regex.fullmatch(rel):
        return is_dir or not dir_only
    parts = rel.split("/")
    return any(regex.fullmatch("/".join(parts[:k])) for k in range(1, len(parts)))


def _comparable(pattern: str) -> bool:
    """Patterns the old translation compiles and gives the meaning git gives: the
    new matcher rejects unclosed and empty classes and reversed ranges on purpose."""
    if compile_glob(pattern).invalid is not None:
        return False
    try:
        _old_regex(pattern)
    except re.error:
        return False
    return True


_CHARS = st.sampled_from(list("ab/.-_x"))
_PIECES = st.sampled_from(
    [
        *("*", "**", "?", "[ab]", "[!a]", "[^b]", "[a-c]", "[-a]", "[a-]", "\\*", "\\["),
        *("/", "./", "**/", "/**", "//", "\\/", "[/]", "[!/]", "[a\\]"),
    ]
)
_PATTERN = st.lists(st.one_of(_CHARS, _PIECES), min_size=1, max_size=8).map("".join)
_NAME = st.text(alphabet="ab.-_x*[", min_size=0, max_size=5)
_PATH = st.lists(_NAME, min_size=1, max_size=5).map("/".join)


@settings(max_examples=3000, deadline=None)
@given(_PATTERN, _PATH, st.booleans())
def test_new_matcher_agrees_with_old_regex(pattern: str, path: str, is_dir: bool) -> None:
    if not _comparable(pattern):
        return
    glob = compile_glob(pattern)
    assert glob.match(path, is_dir) is _old_match(pattern, path, is_dir)
    assert glob.match_direct(path, is_dir) is _old_direct(pattern, path, is_dir)
    assert glob.fullmatch(path) is (_old_regex(pattern)[0].fullmatch(path) is not None)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PATTERN, max_size=5), _PATH, st.booleans())
def test_glob_list_agrees_with_each_pattern(patterns: list[str], path: str, is_dir: bool) -> None:
    patterns = [p for p in patterns if _comparable(p)]
    expected_any = any(_old_match(p, path, False) for p in patterns)
    assert match_any(tuple(patterns), path) is expected_any
    last = max((i for i, p in enumerate(patterns) if _old_direct(p, path, is_dir)), default=-1)
    assert GlobList(patterns).last(path, is_dir) == last


def test_invalid_patterns_never_match() -> None:
    for pattern in ("[z-a]", "a[", "[]", "[!]", "x/[b-a]/*"):
        glob = compile_glob(pattern)
        assert glob.invalid is not None
        assert not glob.match("z") and not glob.match("x/b/c") and not glob.match("a[")
    assert not match_any(("[z-a]",), "a")


# --- complexity: doubling the input --------------------------------------------------


def _timed(code: str) -> float:
    """Seconds `code` takes in a fresh interpreter (it prints them), capped."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=HANG_CAP,
        check=True,
    )
    return float(proc.stdout.strip().splitlines()[-1])


def _assert_linear(code: str, n: int, epsilon: float = 0.05) -> None:
    """`code` formatted with n and 2n: the larger costs at most 2.5 times as much."""
    small = min(_timed(code.format(n=n)) for _ in range(3))
    large = min(_timed(code.format(n=2 * n)) for _ in range(3))
    assert large <= 2.5 * small + epsilon, (small, large)


def test_star_pattern_against_long_names_is_linear() -> None:
    _assert_linear(
        """
        import time
        from ztlint.globs import compile_glob
        glob = compile_glob("*a" * 12 + "*b")
        name = "a" * {n}
        t = time.process_time()
        for _ in range(20):
            assert not glob.match(name)
        print(time.process_time() - t)
        """,
        20_000,
    )


def test_repeated_double_star_is_linear() -> None:
    _assert_linear(
        """
        import time
        from ztlint.globs import compile_glob
        glob = compile_glob("**/" * 30 + "x/y")
        path = "a/" * {n} + "z"
        t = time.process_time()
        for _ in range(5):
            assert not glob.match(path)
        print(time.process_time() - t)
        """,
        4_000,
    )


def test_many_gitignore_patterns_against_many_files_is_linear() -> None:
    _assert_linear(
        """
        import time
        from ztlint.globs import GlobList
        rules = GlobList(["*a*a*a*a*b", "src/**/gen_*", "!keep*"] * 20)
        t = time.process_time()
        for i in range({n}):
            rules.last(f"src/d{{i % 50}}/f{{i}}_" + "a" * 40, False)
        print(time.process_time() - t)
        """,
        3_000,
    )


# Rules' text patterns that read a whole file or a whole literal, against the inputs that
# made earlier versions backtrack: adjacent optional whitespace, `^\s*` in multi-line mode.
_PATTERN_INPUTS = [
    ("ztlint.checks.auth.token_in_url.evidence", "_CAS_URL", "'service' + ' ' * {n} + 'x'"),
    ("ztlint.checks.auth.weak_secret_hash", "_SIGNED_TOKENS", "'\\n' * {n} + 'x'"),
    ("ztlint.semantics.runtime", "_UI_IMPORT", "'import x from' + '\\n' * {n} + 'x'"),
    ("ztlint.checks.auth.forwarded_header_trust.code", "_LOCAL_ASSIGN", "' ' * {n} + 'x'"),
    ("ztlint.checks.transport._common.gating", "_PRESENCE", "'a' * {n} + ' != x'"),
    ("ztlint.explain", "_ANNOTATION", "' ' * {n} + 'x'"),
    ("ztlint.scan.rusttest", "_CFG", "'#[cfg(' + ')' * {n} + 'x'"),
    ("ztlint.checks.auth.weak_secret_hash", "_COMPARED_CLAIM", "'== ' + 'a' * {n}"),
    ("ztlint.checks.auth.hardcoded_auth_identity", "_MESSAGES", "'\"' + ' ' * {n} + 'x'"),
    ("ztlint.scan.gotest", "_IMPORT", "'\\n' * {n} + 'x \"testin\"'"),
    ("ztlint.checks.transport.tls_verification_disabled.go", "_LISTEN_CALL", "'a' * {n} + 'x'"),
    ("ztlint.checks.hygiene.hardcoded_public_ip", "_ZONE_RECORD", "'IN ' + ' ' * {n} + 'x'"),
    ("ztlint.checks.hygiene.hardcoded_public_ip", "_ZONE_RECORD", "'IN 1' * {n} + 'x'"),
    ("ztlint.checks.transport.tls_verification_disabled.guards", "_REFUSES", "'emit( ' * {n}"),
    ("ztlint.checks.memory.sensitive_data_logged", "_HTTP_COOKIES", "'Cookie' * {n} + 'x'"),
    (
        "ztlint.checks.secrets.secret_token_committed",
        "_LOOPBACK_REDIRECT",
        "'http://localhost' * {n}",
    ),
    ("ztlint.checks.auth.forwarded_header_trust.envoy", "_ADDRESS_DECISION", "'remote_' * {n}"),
    ("ztlint.checks.memory.unsafe_shell_path", "_ASSIGNMENT", "'export ' * {n} + 'x'"),
    ("ztlint.checks.memory.unsafe_shell_path", "_ASSIGNMENT", "'\\n ' * {n} + 'x'"),
    ("ztlint.checks.memory.unsafe_shell_path", "_LITERAL_WORD", "'\"a' * {n}"),
    ("ztlint.checks.memory.unsafe_shell_path", "_ENV_PAIR", "'A=\"' * {n}"),
    ("ztlint.checks.memory.unsafe_shell_path", "_SOURCE", "'. ' * {n}"),
    ("ztlint.checks.memory.unsafe_shell_path", "_COPY", "'COPY ' * {n}"),
    ("ztlint.provenance", "_TESTS_ONLY", "'# ' + 'for the ' * {n}"),
    ("ztlint.provenance", "_DEVELOPMENT_ONLY", "'# ' + 'this file is ' * {n}"),
]


@pytest.mark.parametrize(("module", "name", "text"), _PATTERN_INPUTS)
def test_rule_text_patterns_are_linear(module: str, name: str, text: str) -> None:
    _assert_linear(
        f"""
        import time
        from {module} import {name} as pattern
        text = {text}
        t = time.process_time()
        for _ in range(3):
            pattern.search(text)
        print(time.process_time() - t)
        """,
        20_000,
    )


# --- the scan: hostile trees ---------------------------------------------------------


def _ztlint(*args: str, cwd: Path, timeout: float = HANG_CAP) -> subprocess.CompletedProcess[str]:
    return run_ztlint(cwd, *args, timeout=timeout)


def _notifications(out: str) -> list[dict[str, object]]:
    report = json.loads(out)
    notes: list[dict[str, object]] = report["notifications"]
    return notes


def test_hostile_gitignore_does_not_hang_discovery(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*a" * 12 + "*b\n" + "**/" * 30 + "x\n[z-a]\n")
    long_name = "a" * 200
    (tmp_path / f"{long_name}.py").write_text("x = 1\n")
    (tmp_path / "app.py").write_text('requests.get("https://x", verify=False)\n')
    result = _ztlint("scan", ".", "--no-cache", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert [f["rule_id"] for f in report["findings"]] == ["ZT101"]
    assert report["summary"]["files_scanned"] == 3  # the .gitignore, the long name, app.py
    notes = _notifications(result.stdout)
    invalid = [n for n in notes if "[z-a]" in str(n["message"])]
    assert len(invalid) == 1 and invalid[0]["path"] == ".gitignore" and invalid[0]["line"] == 3


def test_invalid_gitignore_pattern_matches_nothing(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("[z-a]\n*.log\n")
    (tmp_path / "z").write_text("")
    (tmp_path / "b.log").write_text("")
    from ztlint.discovery import discover

    found = discover(["."], (), str(tmp_path))
    assert sorted(f.rel for f in found.files) == [".gitignore", "z"]


@pytest.mark.parametrize("where", ["cli", "config"])
def test_invalid_exclude_glob_is_a_config_error(tmp_path: Path, where: str) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    if where == "cli":
        result = _ztlint("scan", ".", "--no-cache", "--exclude", "[z-a]", cwd=tmp_path)
    else:
        (tmp_path / ".ztlint.yaml").write_text('exclude: ["[z-a]"]\n')
        result = _ztlint("scan", ".", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "[z-a]" in lines[0] and "reversed" in lines[0]


def test_gitignore_matching_out_of_budget_ignores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ztlint import globs
    from ztlint.discovery import OVER_BUDGET, discover

    # Wildcard patterns that end like the names (`g`), so each name is tried against all.
    (tmp_path / ".gitignore").write_text("*.log\n" + "".join(f"*{i}*zg\n" for i in range(50)))
    for i in range(30):
        (tmp_path / f"{i}.log").write_text("")
    assert [f.rel for f in discover(["."], (), str(tmp_path)).files] == [".gitignore"]
    monkeypatch.setattr(globs, "MATCH_BUDGET", 200)
    found = discover(["."], (), str(tmp_path))
    # Decisions made within the budget stand; after it, every .log file is scanned.
    assert 20 < len(found.files) <= 31
    assert [n.code for n in found.notifications] == [OVER_BUDGET]


# --- the compose finding-to-line lookup ----------------------------------------------


def _old_entity_lines(documents: list[Any], span: Any, entity: str) -> tuple[int, int] | None:
    """entity_lines before it was indexed (a walk from the top per finding)."""
    from ztlint.parsers.data import MAX_DEPTH, Mapping, Scalar, Sequence

    def holds(outer: Any, inner: Any) -> bool:
        return bool(outer.start_line <= inner.start_line and inner.end_line <= outer.end_line)

    for doc in documents:
        if not holds(doc.span, span):
            continue
        found: tuple[int, int] = (doc.span.start_line, doc.span.end_line)
        node = doc
        depth = 0
        while node is not None and depth < MAX_DEPTH:
            depth += 1
            nxt = None
            if isinstance(node, Mapping):
                named = node.get("name")
                if isinstance(named, Scalar) and named.value == entity:
                    found = (node.span.start_line, node.span.end_line)
                for key, value in node.entries:
                    if holds(value.span, span):
                        if key.value == entity:
                            found = (key.span.start_line, value.span.end_line)
                        nxt = value
                        break
            elif isinstance(node, Sequence):
                nxt = next((item for item in node.items if holds(item.span, span)), None)
            node = nxt
        return found
    return None


_ALIASED = """\
x-base: &base {privileged: true, name: web}
services:
  web: *base
  api:
    <<: *base
    name: api
    volumes: [a, b]
  db: {image: postgres, name: db,
       cap_add: [ALL]}
---
services: {a: {privileged: true}, b: *base}
"""


def test_entity_index_agrees_with_the_walk_from_the_top() -> None:
    from ztlint.parsers.data import EntityIndex, walk
    from ztlint.parsers.yaml import parse_yaml

    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    texts = [_ALIASED] + [p.read_text() for p in sorted(fixtures.rglob("*.y*ml"))]
    compared = 0
    for text in texts:
        try:
            documents = parse_yaml(text)
        except Exception:
            continue
        index = EntityIndex(documents)
        for doc in documents:
            for node, _ in walk(doc):
                for entity in ("web", "api", "db", "a", "b", "name", "nope"):
                    got = index.lines(node.span, entity)
                    assert got == _old_entity_lines(documents, node.span, entity)
                    compared += 1
    assert compared > 1000


_COMPOSE_SCAN = """
    import os, tempfile, time
    from ztlint.config import Config
    from ztlint.engine import run
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, ".gitignore"), "w") as fh:
        fh.write("*.log\\nbuild/\\n/dist\\n*a*a*a*b\\n")
    with open(os.path.join(folder, "docker-compose.yml"), "w") as fh:
        fh.write("services:\\n" + "".join(
            f"  s{{i}}:\\n    privileged: true\\n    volumes:\\n      - ./s{{i}}/certs:/c\\n"
            for i in range({n})))
    t = time.process_time()
    report = run(["."], Config(file_timeout=0), jobs=1, cwd=folder)
    elapsed = time.process_time() - t
    rules = [f.rule_id for f in report.findings]
    # Each service: privileged (a detector), a key folder git does not ignore (ZT702,
    # a project check: one .gitignore read, one re-read of the file for all hits).
    assert rules.count("ZT302") == {n} and rules.count("ZT702") == {n}, set(rules)
    print(elapsed)
"""


def test_compose_with_many_services_is_linear() -> None:
    _assert_linear(_COMPOSE_SCAN, 2_000, epsilon=0.2)


def test_seccomp_profiles_by_suffix_is_linear() -> None:
    _assert_linear(
        """
        import time
        from ztlint.checks.containers import seccomp_permissive_profile as seccomp
        from ztlint.model import Span
        span = Span(1, 1, 1, 2)
        facts = {{
            f"p/{{i}}/prof.json": (seccomp.Profile(f"p/{{i}}/prof.json", (), span),)
            for i in range({n})
        }}
        facts["k.yaml"] = tuple(
            seccomp.Reference(f"{{i}}/prof.json", True, span, "pod", None)
            for i in range({n})
        )
        t = time.process_time()
        list(seccomp.check(facts))
        print(time.process_time() - t)
        """,
        3_000,
    )


# --- memory per file -----------------------------------------------------------------


def test_long_call_parse_is_linear_below_the_budget() -> None:
    _assert_linear(
        """
        import time
        from ztlint.rule import FileContext
        from ztlint.source import SourceText
        text = "import requests\\nrequests.get(u, verify=False, " + "1," * {n} + ")\\n"
        t = time.process_time()
        FileContext("a.py", frozenset(), "python", SourceText(text)).tree()
        print(time.process_time() - t)
        """,
        50_000,
    )


def _million_arguments() -> str:
    return 'import requests\nrequests.get("https://x", verify=False, ' + "1," * 1_000_000 + ")\n"


def test_file_over_the_parse_budget_fails_the_run_unless_allowed(tmp_path: Path) -> None:
    (tmp_path / "call.py").write_text(_million_arguments())
    result = _ztlint("scan", ".", "--no-cache", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["failing"] == 0
    (note,) = _notifications(result.stdout)
    assert note["code"] == "ZT912" and note["path"] == "call.py" and note["level"] == "warning"
    assert "parse budget" in str(note["message"])
    allowed = _ztlint("scan", ".", "--no-cache", "--allow-unchecked", cwd=tmp_path)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_over_budget_yaml_is_reported_not_skipped(tmp_path: Path) -> None:
    text = "services:\n  web:\n    privileged: true\nx: [" + "1," * 400_000 + "1]\n"
    (tmp_path / "docker-compose.yml").write_text(text)
    result = _ztlint("scan", ".", "--no-cache", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert [n["code"] for n in _notifications(result.stdout)] == ["ZT912"]


def test_timed_out_file_fails_the_run_unless_allowed(tmp_path: Path) -> None:
    text = "services:\n" + "".join(f"  s{i}:\n    image: x\n" for i in range(20_000))
    (tmp_path / "docker-compose.yml").write_text(text)
    args = ("scan", ".", "--no-cache", "--format", "json", "--file-timeout", "0.001")
    result = _ztlint(*args, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (note,) = _notifications(result.stdout)
    assert note["code"] == "ZT910" and "--allow-unchecked" in str(note["message"])
    assert _ztlint(*args, "--allow-unchecked", cwd=tmp_path).returncode == 0


def test_exit_code_of_unchecked_files() -> None:
    from ztlint.model import NoticeLevel, Notification
    from ztlint.notices import OVER_BUDGET, TIMED_OUT, WORKER_CRASHED
    from ztlint.report import Report

    for code in (TIMED_OUT, OVER_BUDGET, WORKER_CRASHED):
        note = Notification(code=code, message="m", level=NoticeLevel.WARNING, path="a")
        report = Report(findings=(), notifications=(note,), rules=(), files_scanned=1)
        assert report.exit_code() == 1
        assert (
            Report(
                findings=(), notifications=(note,), rules=(), files_scanned=1, allow_unchecked=True
            ).exit_code()
            == 0
        )
    other = Notification(code="ZT903", message="m", level=NoticeLevel.NOTE, path="a")
    assert Report(findings=(), notifications=(other,), rules=(), files_scanned=1).exit_code() == 0


def test_in_tree_config_cannot_allow_unchecked(tmp_path: Path) -> None:
    (tmp_path / ".ztlint.yaml").write_text("allow-unchecked: true\n")
    (tmp_path / "call.py").write_text(_million_arguments())
    result = _ztlint("scan", ".", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2  # a repository may not let its own files pass unchecked
    assert "allow-unchecked" in result.stderr and "Traceback" not in result.stderr


def test_config_outside_the_tree_may_allow_unchecked(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "call.py").write_text(_million_arguments())
    outside = tmp_path / "ztlint.yaml"
    outside.write_text("allow-unchecked: true\n")
    result = _ztlint("scan", ".", "--no-cache", "--config", str(outside), cwd=tree)
    assert result.returncode == 0, result.stdout + result.stderr
    outside.write_text("allow-unchecked: yes please\n")
    result = _ztlint("scan", ".", "--no-cache", "--config", str(outside), cwd=tree)
    assert result.returncode == 2 and "expected true or false" in result.stderr


def test_exclude_matching_out_of_budget_excludes_nothing_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ztlint import globs
    from ztlint.discovery import OVER_BUDGET, discover

    for i in range(30):
        (tmp_path / f"{i}.log").write_text("")
    exclude = ("*.log", *(f"*{i}*zg" for i in range(50)))  # end like the names: all tried
    assert discover(["."], exclude, str(tmp_path)).files == ()
    monkeypatch.setattr(globs, "MATCH_BUDGET", 200)
    found = discover(["."], exclude, str(tmp_path))
    assert 20 < len(found.files) <= 30
    assert [n.code for n in found.notifications] == [OVER_BUDGET]
