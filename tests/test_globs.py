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
