"""The catalog: ids and names well formed and unique, docs complete, every registry name
(detector, guard, gate, project check) derived from where its code lives and wired to its
rule, each rule's module named after it in its family, no rule module importing another's,
generated docs and the README table up to date."""

from __future__ import annotations

import re

from tests.conftest import FIXTURES, ROOT
from ztlint import checks, docs
from ztlint.registry import DOC_HEADINGS, load_rules, rules_dir
from ztlint.rule import ProjectCheck, Rule

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


def _uses() -> dict[str, list[str]]:
    """Registry name -> the rules (by name) that use it, one entry per use."""
    used: dict[str, list[str]] = {}
    for folder in sorted(rules_dir().iterdir()):
        rule_yaml = folder / "rule.yaml"
        if not rule_yaml.is_file():
            continue
        rule = folder.name.split("-", 1)[1]
        text = rule_yaml.read_text(encoding="utf-8")
        for name in re.findall(r"(?:python|gate|project):\s*([\w/-]+)", text):
            used.setdefault(name, []).append(rule)
        for scm in folder.glob("*.scm"):
            guards = re.findall(r'#set! guard "([\w/-]+)"', scm.read_text(encoding="utf-8"))
            for name in sorted(set(guards)):
                if rule not in used.get(name, []):
                    used.setdefault(name, []).append(rule)
    return used


def test_every_registry_name_is_used_and_every_use_exists() -> None:
    used = _uses()
    registered = {e.name: e for e in checks.BUILTINS.entries()}
    for name, entry in registered.items():
        users = used.get(name, [])
        if entry.role in ("detector", "project"):
            assert len(users) == 1, f"{entry.role} {name} is used by {len(users)} rules"
        else:
            assert users, f"{entry.role} {name} is unused"
        owner = name.split("/")[0]
        if entry.role != "gate" or owner in users:
            # A rule's own code serves that rule only; shared gates are named after
            # their module and serve several.
            assert set(users) == {owner}, f"{name} is used by {users}, not by rule {owner}"
    unknown = sorted(set(used) - set(registered))
    assert not unknown, f"rules use names the registry does not have: {unknown}"


_FAMILY_FOLDERS = {
    "1": "transport",
    "2": "secrets",
    "3": "containers",
    "4": "proxy",
    "5": "auth",
    "6": "memory",
    "7": "hygiene",
}


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _derived(entry: checks.Entry) -> str:
    """The name an entry must have, from where its code lives (ztlint.checks)."""
    if isinstance(entry.target, ProjectCheck):
        module = entry.target.collect.__module__.split(".")
        return f"{_kebab(module[3])}/project"
    fn = entry.target
    module = fn.__module__.split(".")
    in_rule = (
        module[:2] == ["ztlint", "checks"] and len(module) > 3 and not module[3].startswith("_")
    )
    prefix = _kebab(module[3]) if in_rule else _kebab(module[-1])
    kind = fn.__name__.removeprefix("detect_")
    if kind == "detect":
        assert in_rule and len(module) == 5, f"{fn.__module__}.detect: name the kind"
        kind = module[4]
    return f"{prefix}/{_kebab(kind)}"


def test_registry_names_are_derived_not_invented() -> None:
    for entry in checks.BUILTINS.entries():
        assert entry.name == _derived(entry), f"{entry.name} should be {_derived(entry)}"


def test_each_rule_module_sits_in_its_family_named_after_its_rule(
    rules: tuple[Rule, ...],
) -> None:
    where = {
        f"{_FAMILY_FOLDERS[r.id[2]]}/{r.name.replace('-', '_')}"
        for r in rules
        if r.id[2] in _FAMILY_FOLDERS
    }
    base = ROOT / "ztlint" / "checks"
    for family in _FAMILY_FOLDERS.values():
        for path in sorted((base / family).iterdir()):
            if path.name.startswith(("_", ".")) or path.suffix not in (".py", ""):
                continue  # __init__.py, _common: what the family's rules share
            module = f"{family}/{path.name.removesuffix('.py')}"
            assert module in where, f"checks/{module} is not named after a rule of {family}"


def test_no_rule_module_imports_another_rules_module() -> None:
    base = ROOT / "ztlint" / "checks"
    families = "|".join(_FAMILY_FOLDERS.values())
    rule_of = re.compile(rf"ztlint\.checks\.({families})\.([a-z][a-z0-9_]*)")
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(base).with_suffix("").parts
        if path.name == "__init__.py" and parts[:-1] == ():
            continue  # the registry imports every rule
        mine = f"{parts[0]}.{parts[1]}" if len(parts) > 1 and not parts[1].startswith("_") else None
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"\s*from (ztlint\.checks[\w.]*) import (.*)", line)
            if m is None:
                continue
            target = m.group(1)
            names = [n.strip().split(" as ")[0] for n in m.group(2).strip("()").split(",")]
            for full in (target, *(f"{target}.{n}" for n in names if n)):
                found = rule_of.fullmatch(full) or rule_of.match(full + ".")
                if found and f"{found.group(1)}.{found.group(2)}" != mine:
                    module = base / found.group(1) / found.group(2)
                    if module.is_dir() or module.with_suffix(".py").is_file():
                        raise AssertionError(f"{path.relative_to(ROOT)} imports {full}")


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
