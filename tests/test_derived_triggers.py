"""Triggers derived from what a detector says it looks for (ztlint.querytriggers,
ztlint.registry): a query's literal predicates, a declared vocabulary. A derived
trigger set is a promise like a gate: it never says no to a file the detector reports
on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from ztlint import classify
from ztlint.parsers import code
from ztlint.parsers.data import ParseFailure
from ztlint.queries import QueryRunner
from ztlint.querytriggers import pattern_literals, query_triggers, regex_literals
from ztlint.rule import Detector, FileContext, Rule
from ztlint.source import SourceText, decode
from ztlint.triggers import Triggers


def _queries(rules: tuple[Rule, ...]) -> list[tuple[Rule, Detector, QueryRunner]]:
    return [
        (rule, det, det.run)
        for rule in rules
        for det in rule.detectors
        if isinstance(det.run, QueryRunner)
    ]


def test_every_query_has_derived_triggers_holding_each_literal_it_requires(
    rules: tuple[Rule, ...],
) -> None:
    queries = _queries(rules)
    assert len(queries) >= 15
    for rule, det, runner in queries:
        derived = query_triggers(runner.source)
        assert derived, f"{rule.id} {det.name}: no literal derived"
        per_pattern = pattern_literals(runner.source)
        assert len(per_pattern) == code.compile_query(runner.language, runner.source).pattern_count
        for literals in per_pattern:
            assert literals is not None
            # Each literal a pattern requires holds a derived trigger, so the trigger
            # search admits every text the pattern can match in.
            for literal in literals:
                assert any(t in literal for t in derived), (det.name, literal)


def test_query_detectors_use_the_derived_triggers_unless_overridden(
    rules: tuple[Rule, ...],
) -> None:
    overridden = set()
    for _rule, det, runner in _queries(rules):
        if det.triggers != query_triggers(runner.source):
            overridden.add(det.name)
    # Written by hand only where the rule knows more than its query: ZT101's Python
    # guards need a false `verify`, which the client names alone do not show.
    assert overridden == {"ZT101-tls-verification-disabled/python.scm"}


def test_derived_and_written_triggers_admit_every_fixture_a_query_reports_on(
    rules: tuple[Rule, ...],
) -> None:
    reported = 0
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or b"\0" in path.read_bytes()[:4096]:
            continue
        rel = str(path.relative_to(FIXTURES))
        text = decode(path.read_bytes())
        fclass = classify.classify(rel, text)
        for _rule, det, runner in _queries(rules):
            if fclass.parser != runner.language:
                continue
            ctx = FileContext(rel, fclass.kinds, fclass.parser, SourceText(text))
            try:
                if not list(runner(ctx)):
                    continue
            except ParseFailure:
                continue
            reported += 1
            derived = query_triggers(runner.source)
            assert derived is not None
            assert Triggers(text).any(derived), (det.name, rel)
            assert Triggers(text).any(det.triggers), (det.name, rel)
    assert reported >= 20


def test_captures_a_match_may_lack_fix_nothing() -> None:
    optional = '((call function: (identifier) @fn (argument_list (string) @s)?) (#eq? @s "x"))'
    assert pattern_literals(optional) == [None]
    one_branch = '((call function: [(identifier) @fn (attribute)]) (#eq? @fn "open"))'
    assert pattern_literals(one_branch) == [None]
    every_branch = (
        "((pair key: [(property_identifier) @key (string (string_fragment) @key)]) @finding "
        '(#eq? @key "rejectUnauthorized"))'
    )
    assert pattern_literals(every_branch) == [frozenset({"rejectUnauthorized"})]
    negated = '((identifier) @id (#not-eq? @id "safe") (#any-of? @id "a_b" "c_d"))'
    assert pattern_literals(negated) == [frozenset({"a_b", "c_d"})]
    assert query_triggers('((identifier) @id (#not-eq? @id "x"))') is None
    # A capture written after a pattern's outer parenthesis is the pattern's own.
    assert pattern_literals('((identifier) (#eq? @f "main")) @f') == [frozenset({"main"})]
    assert pattern_literals('((identifier) (#eq? @f "main"))? @f') == [None]


def test_the_most_selective_predicate_of_a_pattern_is_kept() -> None:
    source = (
        "((attribute object: (identifier) @a attribute: (identifier) @b)\n"
        ' (#eq? @a "ssl") (#eq? @b "minimum_version"))\n'
        '; a comment (#eq? @a "ignored")\n'
        '((identifier) @c (#any-of? @c "PROTOCOL_TLSv1" "PROTOCOL_TLSv1_1"))\n'
    )
    assert pattern_literals(source) == [
        frozenset({"minimum_version"}),
        frozenset({"PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1"}),
    ]
    # PROTOCOL_TLSv1 already admits every text holding PROTOCOL_TLSv1_1.
    assert query_triggers(source) == ("PROTOCOL_TLSv1", "minimum_version")


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        ("SslVersion$", {"SslVersion"}),
        ("Value:\\s*true", {"Value:"}),
        ("^(TLSv1|SSLv3)(_client|_server)?_method$", {"_method"}),
        ("^(ab|cd)x?$", {"ab", "cd"}),
        ("ab+c", {"ab"}),
        ("a{0,3}bc", {"bc"}),
        ("\\.verify", {".verify"}),
        ("x|.*", None),
        ("(?i)token", None),
        ("(?=ab)", None),
        ("\\x41", None),
        ("[a-z]+", None),
        ("", None),
    ],
)
def test_regex_literals(pattern: str, literals: set[str] | None) -> None:
    assert regex_literals(pattern) == (None if literals is None else frozenset(literals))


_REGEXES = sorted(
    {
        re.sub(r"\\(.)", r"\1", m.group(1))
        for scm in Path(__file__).resolve().parent.parent.glob("rules/*/*.scm")
        for m in re.finditer(r'#match\? @\w+ "((?:[^"\\]|\\.)*)"', scm.read_text())
    }
    | {"^(undefined|null)(\\.x)+[a-c]{2}_end$", "Value:\\s*(true|1)\\b"}
)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_every_text_a_regex_matches_holds_one_of_its_literals(data: st.DataObject) -> None:
    pattern = data.draw(st.sampled_from(_REGEXES))
    literals = regex_literals(pattern)
    if literals is None:
        return
    text = data.draw(st.from_regex(pattern))
    assert re.search(pattern, text)
    assert any(literal in text for literal in literals), (pattern, text)
