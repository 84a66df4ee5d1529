"""The catalog: ids and names well formed and unique, docs complete, every detector and
guard wired to exactly one rule, generated docs and the README table up to date."""

from __future__ import annotations

import re

from tests.conftest import FIXTURES, ROOT
from ztlint import checks, docs
from ztlint.registry import DOC_HEADINGS, load_rules, rules_dir
from ztlint.rule import Rule

FAMILIES = {"1", "2", "3", "4", "5", "6", "7", "9"}


def test_ids_and_names(rules: tuple[Rule, ...]) -> None:
    ids = [r.id for r in rules]
    names = [r.name for r in rules]
    assert len(set(ids)) == len(ids)
    assert len(set(names)) == len(names)
    for r in rules:
        assert re.fullmatch(r"ZT\d{3}", r.id)
        assert r.id[2] in FAMILIES, f"{r.id}: not in a family range of STYLE.md"
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", r.name)


def test_docs_have_every_heading_in_order(rules: tuple[Rule, ...]) -> None:
    for r in rules:
        found = re.findall(r"^## (.+)$", r.meta.docs, re.M)
        assert found == list(DOC_HEADINGS), f"{r.id}: headings {found}"
        for heading in DOC_HEADINGS:
            assert docs.section(r.meta, heading), f"{r.id}: empty section {heading!r}"


def test_metadata(rules: tuple[Rule, ...]) -> None:
    for r in rules:
        m = r.meta
        assert m.cwe > 0, r.id
        assert m.title and m.fix and m.message, r.id
        assert "\n" not in m.message, f"{r.id}: the message must be one line"
        if r.detectors:
            assert m.triggers, f"{r.id}: a rule with detectors needs trigger strings"
        for d in r.detectors:
            assert d.triggers or d.any_case or d.binary, (
                f"{r.id}/{d.name}: every text detector declares triggers"
            )


def test_every_python_detector_and_guard_is_used_once() -> None:
    used: dict[str, int] = {}
    for folder in sorted(rules_dir().iterdir()):
        rule_yaml = folder / "rule.yaml"
        if not rule_yaml.is_file():
            continue
        text = rule_yaml.read_text(encoding="utf-8")
        for name in re.findall(r"python:\s*([\w-]+)", text):
            used[name] = used.get(name, 0) + 1
        for scm in folder.glob("*.scm"):
            for name in re.findall(r'#set! guard "([\w-]+)"', scm.read_text(encoding="utf-8")):
                used[f"guard:{name}"] = 1
    for name in checks.PYTHON_DETECTORS:
        assert used.get(name) == 1, f"Python detector {name} is used by {used.get(name, 0)} rules"
    for name in checks.GUARDS:
        assert used.get(f"guard:{name}") == 1, f"guard {name} is unused"


def test_fixture_folders_belong_to_rules(rules: tuple[Rule, ...]) -> None:
    ids = {r.id for r in rules}
    for folder in FIXTURES.glob("ZT[0-9][0-9][0-9]"):
        assert folder.name in ids, f"fixtures for unknown rule {folder.name}"


def test_generated_docs_are_current() -> None:
    stale = [
        str(path.relative_to(ROOT))
        for path, content in docs.generated_files(ROOT).items()
        if not path.exists() or path.read_text(encoding="utf-8") != content
    ]
    assert not stale, f"run `python -m ztlint.docs`: stale {stale}"
    pages = {p.name for p in (ROOT / "docs" / "rules").glob("*.md")}
    assert pages == {docs.page_name(r.meta) for r in load_rules()}


def test_readme_has_the_rule_table() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.TABLE_BEGIN in text and docs.TABLE_END in text
    for r in load_rules():
        assert f"`{r.name}`" in text
