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
from ztlint.engine import RULE_FAILED, WORKER_CRASHED, run
from ztlint.registry import load_rules


def _fixture_files() -> list[tuple[Path, Path]]:
    out = []
    for rule_dir in sorted(FIXTURES.glob("ZT[0-9][0-9][0-9]")):
        for path in sorted(rule_dir.rglob("*")):
            if path.is_file() and path.suffix != ".expect":
                out.append((rule_dir, path))
    return out


FILES = _fixture_files()


@pytest.mark.parametrize(
    ("rule_dir", "path"), FILES, ids=[str(p.relative_to(FIXTURES)) for _, p in FILES]
)
def test_fixture(rule_dir: Path, path: Path) -> None:
    rel = path.relative_to(rule_dir)
    kind = rel.parts[0].split("_", 1)[0]
    assert kind in ("positive", "negative"), f"{rel}: name must start with positive_ or negative_"
    text = path.read_text(encoding="utf-8", errors="replace")
    expected = parse(path, text)
    if kind == "positive":
        assert expected, f"{rel}: a positive fixture needs ztlint-expect annotations"
    else:
        assert not expected, f"{rel}: a negative fixture must not expect findings"

    rules = load_rules()
    defaults = {r.id: r.meta.severity.label for r in rules}
    report = run([str(rel)], Config(), rules=rules, jobs=1, cwd=str(rule_dir))
    actual = Counter(
        (f.span.start_line, f.rule_id, f.severity.label) for f in report.findings if f.active
    )
    wanted = Counter(
        {(line, rule, sev or defaults[rule]): n for (line, rule, sev), n in expected.items()}
    )
    assert actual == wanted, (
        f"{rel}: missing {sorted((wanted - actual).elements())}, unexpected {sorted((actual - wanted).elements())}"
    )
    broken = [n for n in report.notifications if n.code in (RULE_FAILED, WORKER_CRASHED)]
    assert not broken, broken


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
