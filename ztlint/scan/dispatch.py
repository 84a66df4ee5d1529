"""Which detectors and project checks run on a file: by its kinds, its check mode
(ztlint.policy) and the triggers its text holds (ztlint.triggers). A Dispatch belongs
to one process's scan of one plan and owns what it builds as files are met: the
trigger indexes and the applicable rules of each kind of file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ztlint import policy
from ztlint.plan import Plan
from ztlint.rule import Detector, ProjectCheck, Rule
from ztlint.triggers import TriggerIndex, Triggers


def collects(check: ProjectCheck, kinds: frozenset[str], triggered: Triggers) -> bool:
    if check.triggers_apply(kinds):
        return triggered.admits(check.triggers, (), check.any_case)
    return bool(check.any_case) and triggered.any_case(check.any_case)


class Applicable(NamedTuple):
    """A rule's detectors and project check that apply to a kind of file, and its
    options."""

    rule: Rule
    detectors: tuple[Detector, ...]
    check: ProjectCheck | None
    options: Mapping[str, Any]


class Dispatch:
    """The plan of a scan, with what this process builds from it as files are met. A
    worker makes one when it starts; a scan in process, one per call."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        # Trigger indexes by kinds of file and check mode (ztlint.triggers).
        self._indexes: dict[tuple[frozenset[str], str], TriggerIndex] = {}
        # The rules that apply to each kind of file, binary or not, in a check mode.
        self._applicable: dict[tuple[frozenset[str], bool, str], tuple[Applicable, ...]] = {}

    def trigger_index(self, kinds: frozenset[str], mode: str) -> TriggerIndex:
        """The index of the triggers every detector (that the file's check mode runs)
        and project check may ask about in a file of these kinds; built once per
        kind of file."""
        key = (kinds, mode)
        index = self._indexes.get(key)
        if index is None:
            plan = self.plan
            detectors = [
                d
                for r in plan.rules
                if policy.runs(r.id, mode)
                for d in r.detectors
                if d.kinds & kinds
            ]
            projects = [r.project for r in plan.rules if r.project and r.project.kinds & kinds]
            index = self._indexes[key] = TriggerIndex.of(
                frozenset([t for d in detectors for t in d.triggers])
                | {t for p in projects if p.triggers_apply(kinds) for t in p.triggers}
            )
        return index

    def applicable(self, kinds: frozenset[str], binary: bool, mode: str) -> tuple[Applicable, ...]:
        """The rules with something to run on a file of these kinds in a check mode
        (ztlint.policy.check_mode), in rule order; built once per kind of file."""
        key = (kinds, binary, mode)
        found = self._applicable.get(key)
        if found is None:
            out = []
            for rule in self.plan.rules:
                detectors = tuple(
                    d
                    for d in (rule.detectors if policy.runs(rule.id, mode) else ())
                    if d.kinds & kinds and (d.binary or not binary)
                )
                check = rule.project if rule.project and rule.project.kinds & kinds else None
                if detectors or check is not None:
                    out.append(Applicable(rule, detectors, check, self.plan.options_for(rule.id)))
            found = self._applicable[key] = tuple(out)
        return found
