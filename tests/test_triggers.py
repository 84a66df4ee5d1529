"""The trigger index says exactly what `trigger in text` says, for every trigger."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from ztlint.registry import load_rules
from ztlint.triggers import COMMON, RANKING, TriggerIndex, Triggers

# A small alphabet of rare and common characters, so that triggers overlap, share
# pivots, and shadow one another often.
ALPHABET = "ab_-Jx.e K"
triggers_st = st.lists(st.text(ALPHABET, min_size=1, max_size=6), min_size=1, max_size=12)


@settings(max_examples=500, deadline=None)
@given(triggers_st, st.text(ALPHABET, max_size=60))
def test_index_finds_what_in_finds(triggers: list[str], text: str) -> None:
    index = TriggerIndex.build(triggers)
    assert index.present(text) == {t for t in index.indexed if t in text}
    assert index.indexed == {t for t in triggers if any(c not in COMMON for c in t)}


@settings(max_examples=300, deadline=None)
@given(triggers_st, st.text(ALPHABET, max_size=60), st.lists(st.integers(0, 11), max_size=6))
def test_answers_match_in(triggers: list[str], text: str, asked: list[int]) -> None:
    """Questions in any order, through the index or not, get `in`'s answer."""
    index = TriggerIndex.build(triggers)
    answers = Triggers(text, index=lambda: index)
    for i in asked:
        subset = tuple(triggers[i % len(triggers) :])
        assert answers.any(subset) == any(t in text for t in subset)


def test_shadowed_triggers_are_found() -> None:
    # Both pivot on "_" at the same place; the first alternative wins the position.
    index = TriggerIndex.build(["ab_", "_cd", "b_c"])
    assert index.present("xab_cdx") == {"ab_", "_cd", "b_c"}


def test_rule_triggers_on_fixtures() -> None:
    """The shipped triggers, on every fixture file: index and `in` agree."""
    triggers = {t for rule in load_rules() for d in rule.detectors for t in d.triggers}
    index = TriggerIndex.build(triggers)
    assert len(index.indexed) > len(triggers) // 2
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            assert index.present(text) == {t for t in index.indexed if t in text}, path


def test_any_case_words() -> None:
    words = ("frame-options", "helmet")
    for text, expected in (
        ("add_header X-Frame-Options DENY;", True),
        ("app.use(Helmet())", True),
        ("nothing here", False),
        # A dotted capital I lowers to two characters, yet IGNORECASE matches it to "i".
        ("X-FRAME-OPTİONS", True),
    ):
        assert Triggers(text).any_case(words) is expected, text
        assert (re.search("|".join(words), text, re.IGNORECASE) is not None) is expected, text


def test_ranking_is_a_permutation() -> None:
    assert len(set(RANKING)) == len(RANKING)
    assert all(ord(c) < 128 for c in RANKING)
