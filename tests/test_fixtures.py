"""Every rule runs on every fixture; each fixture's findings must be exactly the
multiset of (line, rule, severity) its annotations declare: nothing missing, nothing
extra, no double reports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.expectations import parse
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence
from ztlint.notices import NOT_PARSED, RULE_FAILED, WORKER_CRASHED
from ztlint.registry import load_rules

# Rules that compare the tree with a git revision: their fixtures hold a before/ and an
# after/ tree and run under --diff in tests/hostile/test_config_trust.py.
DIFF_RULES = ("ZT911",)
# How an expectation without a confidence reads: shown at the default threshold.
SHOWN = "shown"


def _fixture_units() -> list[tuple[Path, Path]]:
    """A fixture is a file, or a folder scanned as one tree (for project-level rules
    and paths that carry meaning, such as testdata/ or .github/workflows/)."""
    out = []
    for rule_dir in sorted(FIXTURES.glob("ZT[0-9][0-9][0-9]")):
        if rule_dir.name in DIFF_RULES:
            continue
        for entry in sorted(rule_dir.iterdir()):
            if entry.is_dir() or entry.suffix != ".expect":
                out.append((rule_dir, entry))
    return out


UNITS = _fixture_units()


@pytest.mark.parametrize(
    ("rule_dir", "unit"), UNITS, ids=[str(p.relative_to(FIXTURES)) for _, p in UNITS]
)
def test_fixture(rule_dir: Path, unit: Path) -> None:
    kind = unit.name.split("_", 1)[0]
    assert kind in ("positive", "negative"), (
        f"{unit.name}: name must start with positive_ or negative_"
    )
    files = (
        sorted(p for p in unit.rglob("*") if p.is_file() and p.suffix != ".expect")
        if unit.is_dir()
        else [unit]
    )
    rules = load_rules()
    defaults = {r.id: r.meta.severity.label for r in rules}
    wanted: Counter[tuple[str, int, str, str]] = Counter()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = str(path.relative_to(rule_dir))
        for (line, rule, sev, conf), n in parse(path, text).items():
            wanted[(rel, line, rule, sev or defaults[rule], conf or SHOWN)] += n
    if kind == "positive":
        assert wanted, f"{unit.name}: a positive fixture needs ztlint-expect annotations"
    else:
        assert not wanted, f"{unit.name}: a negative fixture must not expect findings"

    # Every finding, whatever its confidence; one the default shows is expected plain,
    # one it hides with its confidence (`ZT101[medium/medium]`).
    everything = Config(min_confidence=Confidence.LOW)
    report = run([unit.name], everything, rules=rules, jobs=1, cwd=str(rule_dir))
    actual = Counter(
        (f.path, f.span.start_line, f.rule_id, f.severity.label, _shown(f.confidence))
        for f in report.findings
        if f.active
    )
    assert actual == wanted, (
        f"{unit.name}: missing {sorted((wanted - actual).elements())}, unexpected {sorted((actual - wanted).elements())}"
    )
    broken = [n for n in report.notifications if n.code in (RULE_FAILED, WORKER_CRASHED)]
    assert not broken, broken
    # A fixture that does not parse tests nothing; name it *unparsable* when that is the point.
    unparsed = [n for n in report.notifications if n.code == NOT_PARSED and n.level.value != "note"]
    assert not unparsed or "unparsable" in unit.name, unparsed


def _shown(confidence: Confidence) -> str:
    return SHOWN if confidence >= Config().min_confidence else confidence.label


def test_every_rule_has_fixtures() -> None:
    for rule in load_rules():
        folder = FIXTURES / rule.id
        names = (
            [p.relative_to(folder).parts[0] for p in folder.rglob("*") if p.is_file()]
            if folder.is_dir()
            else []
        )
        assert any(n.startswith("positive") for n in names), f"{rule.id} has no positive fixture"
        assert any(n.startswith("negative") for n in names), f"{rule.id} has no negative fixture"


_CODE_SUFFIXES = {
    "go": (".go",),
    "python": (".py",),
    "rust": (".rs",),
    "swift": (".swift",),
    "typescript": (".ts", ".tsx"),
    # One detector serves both; the TypeScript grammar is a superset of JavaScript's.
    "javascript": (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx"),
    "lua": (".lua",),
}


def test_every_claimed_language_has_fixtures() -> None:
    """A rule that claims a programming language shows it on a fixture of that language."""
    missing = []
    for rule in load_rules():
        claimed = set(rule.covers) & set(_CODE_SUFFIXES)
        folder = FIXTURES / rule.id
        suffixes = (
            {p.suffix for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()
        )
        missing += [
            f"{rule.id}:{kind}"
            for kind in sorted(claimed)
            if not suffixes & set(_CODE_SUFFIXES[kind])
        ]
    assert not missing, missing
