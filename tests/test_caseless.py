"""`Caseless` finds what the `(?i)` pattern finds, where it finds it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ztlint.caseless import Caseless

PATTERN = r"authoriz|bearer|api[_-]?key|\bhelmet\b|talisman\("
_PIECES = st.sampled_from(
    [
        "Authoriz",
        "BEARER",
        "api-KEY",
        "ApiKey",
        "helmet",
        "xhelmet",
        "Talisman(",
        "\u017f",
        "\u212a",
        "\u0131",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_same_matches_as_ignorecase(text: str) -> None:
    folded = re.compile(PATTERN, re.IGNORECASE)
    caseless = Caseless(PATTERN)
    expected = [m.span() for m in folded.finditer(text)]
    assert [m.span() for m in caseless.finditer(text)] == expected
    assert (caseless.search(text) is None) == (not expected)
    assert (caseless.search(text, text.lower()) is None) == (not expected)


def test_unicode_case_rules_kept() -> None:
    # U+017F (long s) matches `s` under (?i) but does not lowercase to it.
    assert Caseless("secret").search("\u017fecret") is not None
    assert Caseless("secret").search("SECRET") is not None


def test_pattern_must_be_lowercase() -> None:
    with pytest.raises(ValueError):
        Caseless(r"\S+token")


def test_folds_to_ascii_is_complete() -> None:
    """Every non-ASCII letter `re.IGNORECASE` matches to an ASCII letter either is in
    FOLDS_TO_ASCII or lowercases to that letter."""
    from ztlint.caseless import FOLDS_TO_ASCII

    letter = re.compile("[a-z]", re.IGNORECASE)
    for cp in range(0x80, 0x110000):
        c = chr(cp)
        if letter.fullmatch(c) and not (c.lower().isascii() and len(c.lower()) == 1):
            assert c in FOLDS_TO_ASCII, hex(cp)
