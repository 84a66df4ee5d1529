"""The engine as stages: engine.run returns the report a user sees (baseline and
--diff included), the Plan is frozen data, and each process's Dispatch owns the caches
built from it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ztlint import engine
from ztlint.config import Config
from ztlint.plan import choose, plan_for
from ztlint.post import baseline as baseline_mod
from ztlint.post.diff import Diff
from ztlint.registry import load_rules
from ztlint.report import Report
from ztlint.scan.dispatch import Dispatch

BAD = "package a\nvar c = &tls.Config{InsecureSkipVerify: true}\n"


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "a.go").write_text(BAD)
    (tmp_path / "b.go").write_text(BAD)
    return tmp_path


def _scan(root: Path, **kw: object) -> Report:
    return engine.run(["."], Config(), jobs=1, cwd=str(root), **kw)  # type: ignore[arg-type]


def test_run_applies_the_baseline(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    today = _scan(root)
    assert {f.path for f in today.findings} == {"a.go", "b.go"}
    assert today.baseline_kept is None
    recorded = baseline_mod.create(today, salt="s")
    later = _scan(root, baseline=baseline_mod.Use(recorded))
    assert later.findings == () and later.baselined == len(today.findings)
    assert later.baseline_kept == recorded  # every entry still matches


def test_run_applies_the_diff(tmp_path: Path) -> None:
    root = _tree(tmp_path)

    class OnlyA:
        def touches(self, path: str, start: int, end: int) -> bool:
            return path.endswith("a.go") and start <= 2 <= end

    seen: list[int] = []

    def weakenings(report: Report) -> Report:
        seen.append(len(report.findings))  # after the filter
        return report

    report = _scan(root, diff=Diff(OnlyA(), str(root), weakenings))  # type: ignore[arg-type]
    assert {f.path for f in report.findings} == {"a.go"}
    assert seen == [len(report.findings)]


def test_the_plan_holds_no_cache_and_dispatch_keeps_its_own() -> None:
    chosen = choose(load_rules(), Config())
    plan = plan_for(Config(), chosen.enabled, chosen.known)
    for field in dataclasses.fields(plan):
        assert not isinstance(getattr(plan, field.name), (dict, list, set)), field.name
    first, second = Dispatch(plan), Dispatch(plan)
    kinds = frozenset({"go"})
    found = first.applicable(kinds, False, "all")
    assert found and first.applicable(kinds, False, "all") is found
    assert second.applicable(kinds, False, "all") is not found  # not shared through the plan
    assert first.trigger_index(kinds, "all") is first.trigger_index(kinds, "all")
