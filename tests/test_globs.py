"""Glob matching: the combined regex `match_any` uses agrees with matching each
pattern against each parent directory."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ztlint.config import DEFAULT_TEST_PATHS
from ztlint.globs import compile_glob, match_any

_NAMES = st.sampled_from(["a", "b", "tests", "testdata", "x_test.go", "Tests", "AppTests", "c.py"])
_PATHS = st.lists(_NAMES, min_size=1, max_size=5).map("/".join)
_PATTERN_PARTS = st.sampled_from(["a", "b", "*", "**", "?", "tests", "*_test.go", "[ab]", "[!a]"])
_PATTERNS = st.builds(
    lambda lead, parts, trail: lead + "/".join(parts) + trail,
    st.sampled_from(["", "/", "./"]),
    st.lists(_PATTERN_PARTS, min_size=1, max_size=3),
    st.sampled_from(["", "/"]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_PATTERNS, max_size=4).map(tuple), _PATHS)
def test_match_any_agrees_with_each_pattern(patterns: tuple[str, ...], path: str) -> None:
    expected = any(compile_glob(p).match(path) for p in patterns)
    assert match_any(patterns, path) is expected


@settings(max_examples=300, deadline=None)
@given(_PATHS)
def test_default_test_paths(path: str) -> None:
    expected = any(compile_glob(p).match(path) for p in DEFAULT_TEST_PATHS)
    assert match_any(DEFAULT_TEST_PATHS, path) is expected


def test_examples() -> None:
    assert match_any(DEFAULT_TEST_PATHS, "pkg/a_test.go")
    assert match_any(DEFAULT_TEST_PATHS, "pkg/testdata/x/y.yaml")
    assert match_any(DEFAULT_TEST_PATHS, "ios/AppUITests/Login.swift")
    assert not match_any(DEFAULT_TEST_PATHS, "pkg/contest/a.go")
    assert not match_any(DEFAULT_TEST_PATHS, "tests")  # a file named like the folder
    assert not match_any((), "a")


def test_literal_paths_match_like_the_general_matcher() -> None:
    """An anchored pattern of literal names is matched by comparing strings; the answer
    is the general matcher's, for the path itself, below it, and beside it."""
    from ztlint.globs import GlobList, compile_glob

    patterns = ["deploy/keys/live/config", "bin/relayctl/", "/docs", "a\\*b/c", "x/*/y"]
    paths = [
        "deploy/keys/live/config",
        "deploy/keys/live/config/x.go",
        "deploy/keys/live/configs",
        "deploy/keys/live",
        "bin/relayctl",
        "bin/relayctl/run",
        "docs",
        "docs/a.md",
        "src/docs",
        "a*b/c",
        "a*b/c/d",
        "axb/c",
        "x/q/y",
    ]
    assert compile_glob("deploy/keys/live/config").literal_path == "deploy/keys/live/config"
    assert compile_glob("a\\*b/c").literal_path == "a*b/c"
    assert compile_glob("x/*/y").literal_path is None
    assert compile_glob("config").literal_path is None  # unanchored
    for pattern in patterns:
        one = GlobList([pattern])
        for path in paths:
            for is_dir in (False, True):
                expected = 0 if compile_glob(pattern).match_direct(path, is_dir) else -1
                assert one.last(path, is_dir) == expected, (pattern, path, is_dir)
