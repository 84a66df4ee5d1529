"""Every rule runs on every fixture; each fixture's findings must be exactly the
multiset of (line, rule, severity) its annotations declare: nothing missing, nothing
extra, no double reports.

Beside the annotations, each positive fixture has a reviewed snapshot in
`tests/snapshots/<rule>/<fixture>.txt`, one finding a line as
`line:col rule[severity/confidence] entity message` (`-` when the finding names no
entity; a folder fixture prefixes the file's path), so a wrong message or column fails
too. `ZTLINT_UPDATE_SNAPSHOTS=1 pytest tests/test_fixtures.py` rewrites them (and
deletes stray ones); review the diff before committing. A snapshot never holds a
secret: messages are redacted, and the test checks it.

`ztlint-todo: ZT101` marks a known gap (a line that should be reported and is not
yet): the test asserts it is still not reported, so a fix makes the test ask for the
todo to become a `ztlint-expect`.
"""

from __future__ import annotations

import difflib
import os
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.expectations import parse, parse_todo
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence, Finding
from ztlint.notices import NOT_PARSED, RULE_FAILED, WORKER_CRASHED
from ztlint.registry import load_rules

# Rules that compare the tree with a git revision: their fixtures hold a before/ and an
# after/ tree and run under --diff in tests/hostile/test_config_trust.py.
DIFF_RULES = ("ZT911",)
# How an expectation without a confidence reads: shown at the default threshold.
SHOWN = "shown"
SNAPSHOTS = ROOT / "tests" / "snapshots"
UPDATE = os.environ.get("ZTLINT_UPDATE_SNAPSHOTS") == "1"


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
    todo: set[tuple[str, int, str]] = set()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = str(path.relative_to(rule_dir))
        for (line, rule, sev, conf), n in parse(path, text).items():
            wanted[(rel, line, rule, sev or defaults[rule], conf or SHOWN)] += n
        todo |= {(rel, line, rule) for line, rule, _, _ in parse_todo(text)}
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
    closed = sorted(
        todo & {(f.path, f.span.start_line, f.rule_id) for f in report.findings if f.active}
    )
    assert not closed, (
        f"{unit.name}: known gaps now reported {closed}; turn their ztlint-todo into ztlint-expect"
    )
    if kind == "positive":
        _check_snapshot(rule_dir, unit, [f for f in report.findings if f.active])
    broken = [n for n in report.notifications if n.code in (RULE_FAILED, WORKER_CRASHED)]
    assert not broken, broken
    # A fixture that does not parse tests nothing; name it *unparsable* when that is the point.
    unparsed = [n for n in report.notifications if n.code == NOT_PARSED and n.level.value != "note"]
    assert not unparsed or "unparsable" in unit.name, unparsed


def _shown(confidence: Confidence) -> str:
    return SHOWN if confidence >= Config().min_confidence else confidence.label


def _snapshot_path(rule_dir: Path, unit: Path) -> Path:
    return SNAPSHOTS / rule_dir.name / f"{unit.name}.txt"


def snapshot_text(rule_dir: Path, unit: Path, findings: list[Finding]) -> str:
    """The snapshot of one fixture: a header, then one finding a line in report order."""
    out = [
        f"# fixtures/{rule_dir.name}/{unit.name}: line:col rule[severity/confidence] entity"
        " message; ZTLINT_UPDATE_SNAPSHOTS=1 regenerates"
    ]
    for f in findings:
        where = f"{f.span.start_line}:{f.span.start_col}"
        if unit.is_dir():
            where = f"{Path(f.path).relative_to(unit.name).as_posix()}:{where}"
        grade = f"{f.severity.label}/{f.confidence.label}"
        line = f"{where} {f.rule_id}[{grade}] {f.entity or '-'} {f.message}"
        out.append(line.replace("\r", "\\r").replace("\n", "\\n"))
    return "\n".join(out) + "\n"


def _secrets(rule_dir: Path, finding: Finding) -> list[str]:
    """The secret texts a finding masks, as lines of at least 6 characters."""
    if not finding.secret_spans:
        return []
    lines = (rule_dir / finding.path).read_text(encoding="utf-8", errors="replace").splitlines()
    out = []
    for span in finding.secret_spans:
        for number in range(span.start_line, min(span.end_line, len(lines)) + 1):
            text = lines[number - 1]
            lo = span.start_col - 1 if number == span.start_line else 0
            hi = span.end_col - 1 if number == span.end_line else len(text)
            piece = text[lo:hi].strip()
            if len(piece) >= 6:
                out.append(piece)
    return out


def _check_snapshot(rule_dir: Path, unit: Path, findings: list[Finding]) -> None:
    actual = snapshot_text(rule_dir, unit, findings)
    leaked = [s for f in findings for s in _secrets(rule_dir, f) if s in actual]
    assert not leaked, f"{unit.name}: a snapshot would hold a secret value"
    path = _snapshot_path(rule_dir, unit)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != actual:
            path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), (
        f"{unit.name}: no snapshot {path.relative_to(ROOT)}; run with ZTLINT_UPDATE_SNAPSHOTS=1"
        " and review it"
    )
    stored = path.read_text(encoding="utf-8")
    if stored != actual:
        diff = "".join(
            difflib.unified_diff(
                stored.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                "snapshot",
                "now",
            )
        )
        pytest.fail(
            f"{unit.name}: findings differ from {path.relative_to(ROOT)} (rerun with"
            f" ZTLINT_UPDATE_SNAPSHOTS=1 if the change is right):\n{diff}"
        )


def test_no_stray_snapshots() -> None:
    """Every snapshot belongs to a positive fixture; a renamed or deleted fixture, or
    one that became negative, leaves none behind."""
    wanted = {
        _snapshot_path(rule_dir, unit)
        for rule_dir, unit in UNITS
        if unit.name.startswith("positive_")
    }
    stray = sorted(p for p in SNAPSHOTS.rglob("*") if p.is_file() and p not in wanted)
    if UPDATE:
        for p in stray:
            p.unlink()
        return
    assert not stray, (
        f"snapshots without a positive fixture: {[str(p.relative_to(ROOT)) for p in stray]}"
    )


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
