"""Builds Rule objects from the rule folders in `rules/`.

Each folder `ZTnnn-name/` holds `rule.yaml` (metadata and the list of detectors),
`docs.md` (the documentation, with fixed headings) and one `.scm` query file per
language. Detectors are queries, or Python detectors named in `ztlint.checks.BUILTINS`.

A detector runs on a file only when one of its `triggers` occurs in the text, or one of
its `any-case-triggers` in any case (written in lowercase). A detector that declares a
vocabulary (`vocabulary: secret`) has its words as any-case triggers, so a code rule's
trigger and its detector mean the same words (ztlint.semantics.vocabulary.TRIGGERS). A query
detector's triggers are derived from its query (the literals its predicates require,
ztlint.querytriggers); `triggers:` in rule.yaml overrides them. A trigger
written `{text: "://", confirm: REGEX}` counts only when the regex also matches, and
`gate: NAME` names a gate in `ztlint.checks.BUILTINS` that looks at the text before
anything is parsed. Both are promises: when they say no, the detector could not have
reported anything (tests/test_gates.py checks them on every fixture and generated text).
The triggers of every detector a kind of file can meet are looked for in one pass over
the text (ztlint.triggers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ztlint import classify
from ztlint.model import Confidence, RuleMeta, RuleOption, Severity
from ztlint.queries import QueryRunner
from ztlint.rule import Detector, Rule

if TYPE_CHECKING:
    from ztlint.paths import Condition, PathDetector, Test

DOC_HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")
_ID = re.compile(r"^ZT[1-9][0-9]{2}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
_RULE_KEYS = {
    "id",
    "name",
    "title",
    "severity",
    "confidence",
    "cwe",
    "message",
    "fix",
    "references",
    "options",
    "detectors",
    "project",
    "history",
}
_OPTION_KINDS = {"bool", "int", "str", "list[str]"}


class RuleLoadError(Exception):
    pass


def rules_dir() -> Path:
    """The rule folders: shipped inside the wheel as ztlint/_rules, or `rules/` beside
    the package in a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_rules", package.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleLoadError(f"no rules directory found next to {package}")


def load_rules(directory: Path | None = None) -> tuple[Rule, ...]:
    base = directory or rules_dir()
    rules = [
        load_rule(folder) for folder in sorted(base.iterdir()) if (folder / "rule.yaml").is_file()
    ]
    seen: dict[str, str] = {}
    for rule in rules:
        for key in (rule.id, rule.name):
            if key in seen:
                raise RuleLoadError(f"{key} is defined twice ({seen[key]} and {rule.id})")
            seen[key] = rule.id
    return tuple(sorted(rules, key=lambda r: r.id))


@cache
def _loader() -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe")  # building one costs more than loading a rule file


def _load_yaml(path: Path) -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        return _loader().load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise RuleLoadError(f"{path}: not valid YAML: {exc}") from None


def load_rule(folder: Path, id_pattern: re.Pattern[str] = _ID) -> Rule:
    """One rule folder; `id_pattern` is the ids allowed (a user's folder has its own
    prefix, ztlint.userrules)."""
    where = folder / "rule.yaml"
    data = _load_yaml(where)
    if not isinstance(data, dict):
        raise RuleLoadError(f"{where}: expected a mapping")
    unknown = sorted(set(data) - _RULE_KEYS)
    if unknown:
        raise RuleLoadError(f"{where}: unknown key {unknown[0]!r}")
    for key in ("id", "name", "title", "severity", "confidence", "cwe", "message", "fix"):
        if key not in data:
            raise RuleLoadError(f"{where}: missing {key!r}")
    rule_id, name = str(data["id"]), str(data["name"])
    if not id_pattern.match(rule_id) or not _NAME.match(name):
        raise RuleLoadError(f"{where}: bad id or name ({rule_id}, {name})")
    if folder.name != f"{rule_id}-{name}":
        raise RuleLoadError(f"{where}: folder must be named {rule_id}-{name}")
    docs_path = folder / "docs.md"
    docs = docs_path.read_text(encoding="utf-8") if docs_path.is_file() else ""
    detectors = tuple(
        _detector(folder, where, i, d) for i, d in enumerate(data.get("detectors") or [])
    )
    triggers = tuple(
        sorted(
            {t for d in detectors for t in (*d.triggers, *(f"{w} (any case)" for w in d.any_case))}
        )
    )
    covers = tuple(
        sorted(
            {k for d in detectors for k in d.kinds if k != classify.TEXT}
            or ({"text"} if detectors else set())
        )
    )
    meta = RuleMeta(
        id=rule_id,
        name=name,
        title=str(data["title"]),
        severity=Severity.parse(str(data["severity"])),
        confidence=Confidence.parse(str(data["confidence"])),
        cwe=int(data["cwe"]),
        message=str(data["message"]),
        fix=" ".join(str(data["fix"]).split()),
        docs=docs,
        triggers=triggers,
        languages=covers,
        options=tuple(_option(where, o) for o in data.get("options") or []),
        references=tuple(str(r) for r in data.get("references") or []),
        history=data.get("history") is True,
    )
    project = None
    if "project" in data:
        from ztlint.checks import BUILTINS

        project = BUILTINS.project(str(data["project"]))
        if project is None:
            raise RuleLoadError(f"{where}: no project check named {data['project']!r}")
        if not covers:
            covers = tuple(sorted(project.kinds - {classify.TEXT}))
            meta = replace(meta, languages=covers)
    return Rule(meta=meta, detectors=detectors, project=project, covers=covers)


def _option(where: Path, raw: Any) -> RuleOption:
    if not isinstance(raw, dict) or raw.get("kind") not in _OPTION_KINDS or "name" not in raw:
        raise RuleLoadError(f"{where}: bad option {raw!r}")
    return RuleOption(
        name=str(raw["name"]),
        kind=str(raw["kind"]),
        default=raw.get("default"),
        help=str(raw.get("help", "")),
    )


def _triggers(
    where: Path, index: int, raw: Any
) -> tuple[tuple[str, ...], tuple[tuple[str, re.Pattern[str]], ...]]:
    """Trigger strings, and the confirming regexes of those written as
    `{text: "://", confirm: "://[^@/\\s]+@"}`."""
    if not isinstance(raw, list):
        raise RuleLoadError(f"{where}: detectors[{index}]: triggers must be a list")
    texts: list[str] = []
    confirm: list[tuple[str, re.Pattern[str]]] = []
    for item in raw:
        if isinstance(item, dict):
            if set(item) != {"text", "confirm"}:
                raise RuleLoadError(
                    f"{where}: detectors[{index}]: a trigger mapping has exactly 'text' and 'confirm'"
                )
            text = str(item["text"])
            try:
                pattern = re.compile(str(item["confirm"]))
            except re.error as exc:
                raise RuleLoadError(
                    f"{where}: detectors[{index}]: bad confirm regex: {exc}"
                ) from None
            texts.append(text)
            confirm.append((text, pattern))
        else:
            texts.append(str(item))
    return tuple(texts), tuple(confirm)


def _vocabulary_triggers(where: Path, index: int, raw: Any) -> list[str]:
    """The any-case triggers of the vocabularies a detector declares (`vocabulary:
    secret`): the shared vocabulary's words for that set (the words every code rule
    means by "secret"), so a rule's triggers cannot drift from what its detector looks
    for, and case is the prefilter's business, not hand-cut word fragments'."""
    from ztlint.semantics.vocabulary import TRIGGERS

    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise RuleLoadError(f"{where}: detectors[{index}]: vocabulary is a name or a list of names")
    out: list[str] = []
    for name in names:
        found = TRIGGERS.get(name)
        if found is None:
            raise RuleLoadError(
                f"{where}: detectors[{index}]: no vocabulary named {name!r} "
                f"(known: {', '.join(sorted(TRIGGERS))})"
            )
        out.extend(w for w in found if w not in out)
    return out


def _detector(folder: Path, where: Path, index: int, raw: Any) -> Detector:
    from ztlint.checks import BUILTINS

    if not isinstance(raw, dict):
        raise RuleLoadError(f"{where}: detectors[{index}] must be a mapping")
    triggers, confirm = _triggers(where, index, raw.get("triggers") or [])
    any_case = raw.get("any-case-triggers") or []
    if not isinstance(any_case, list) or any(
        not isinstance(w, str) or not w or w != w.lower() for w in any_case
    ):
        raise RuleLoadError(
            f"{where}: detectors[{index}]: any-case-triggers must be a list of lowercase strings"
        )
    if "vocabulary" in raw:
        words = _vocabulary_triggers(where, index, raw["vocabulary"])
        any_case = [*any_case, *(w for w in words if w not in any_case)]
    gate = None
    if "gate" in raw:
        gate = BUILTINS.gate(str(raw["gate"]))
        if gate is None:
            raise RuleLoadError(f"{where}: detectors[{index}]: no gate named {raw['gate']!r}")
    made = partial(
        Detector, triggers=triggers, confirm=confirm, gate=gate, any_case=tuple(any_case)
    )
    if "query" in raw:
        language = str(raw.get("language", ""))
        if language not in classify.LANGUAGES:
            raise RuleLoadError(f"{where}: detectors[{index}]: unknown language {language!r}")
        query_file = folder / str(raw["query"])
        source = query_file.read_text(encoding="utf-8")
        kinds = frozenset(raw.get("kinds") or [language])
        runner = QueryRunner(language=language, source=source, origin=str(query_file))
        if "triggers" not in raw:
            # The literals the query's own predicates require (ztlint.querytriggers);
            # a query they do not fix runs on every file of its kinds.
            from ztlint.querytriggers import query_triggers

            made = partial(made, triggers=query_triggers(source) or ())
        return made(name=f"{folder.name}/{raw['query']}", kinds=kinds, run=runner)
    if "python" in raw:
        fn_name = str(raw["python"])
        run = BUILTINS.detector(fn_name)
        if run is None:
            raise RuleLoadError(
                f"{where}: detectors[{index}]: no Python detector named {fn_name!r}"
            )
        kinds = frozenset(raw.get("kinds") or [classify.TEXT])
        return made(
            name=fn_name,
            kinds=kinds,
            run=run,
            binary=bool(raw.get("binary", False)),
        )
    if "match" in raw:
        from ztlint.paths import PathSyntaxError

        unknown = sorted(set(raw) - _MATCH_KEYS)
        if unknown:
            raise RuleLoadError(f"{where}: detectors[{index}]: unknown key {unknown[0]!r}")
        try:
            detector = _path_detector(raw)
        except (PathSyntaxError, ValueError, re.error) as exc:
            raise RuleLoadError(f"{where}: detectors[{index}]: {exc}") from None
        kinds = frozenset(raw.get("kinds") or [])
        if not kinds:
            raise RuleLoadError(f"{where}: detectors[{index}]: a match detector needs kinds")
        return made(name=f"{folder.name}/match:{detector.path}", kinds=kinds, run=detector)
    raise RuleLoadError(f"{where}: detectors[{index}] needs 'query', 'python' or 'match'")


_MATCH_KEYS = {
    "match",
    "equals",
    "matches",
    "in",
    "contains",
    "where",
    "unless",
    "entity",
    "message",
    "severity",
    "confidence",
    "kinds",
    "triggers",
    "any-case-triggers",
    "vocabulary",
    "gate",
}


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _test(raw: Mapping[str, Any], allowed: tuple[str, ...]) -> Test | None:
    """The one test among `allowed` a mapping holds (a paths.Test), or None."""
    from ztlint.paths import Test

    present = [op for op in allowed if op in raw]
    if len(present) > 1:
        raise ValueError(f"one test at a time, not {' and '.join(present)}")
    if not present:
        return None
    op, arg = present[0], raw[present[0]]
    if op == "exists":
        if not isinstance(arg, bool):
            raise ValueError("exists takes true or false")
        return Test(op, arg)
    if op in ("in", "contains") and isinstance(arg, list):
        return Test(op, tuple(_text(a) for a in arg))
    if op == "in":
        raise ValueError("in takes a list")
    if op == "matches":
        re.compile(str(arg))
    return Test(op, _text(arg))


def _conditions(raw: Any, key: str) -> tuple[Condition, ...]:
    from ztlint.paths import ANCHORS, TESTS, Condition, parse_path

    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError(f"{key} must be a list of conditions")
    out = []
    for item in raw:
        anchors = [a for a in ANCHORS if isinstance(item, dict) and a in item]
        if len(anchors) != 1 or set(item) - {*ANCHORS, *TESTS}:
            raise ValueError(
                f"a {key} condition has one of {', '.join(ANCHORS)} and one of {', '.join(TESTS)}"
            )
        path = str(item[anchors[0]])
        parse_path(path)
        test = _test(item, TESTS)
        if test is None:
            raise ValueError(f"a {key} condition needs one of {', '.join(TESTS)}")
        out.append(Condition(anchors[0], path, test))
    return tuple(out)


def _path_detector(raw: Mapping[str, Any]) -> PathDetector:
    from ztlint.paths import PathDetector, parse_path

    path = str(raw["match"])
    parse_path(path)
    entity = raw.get("entity")
    if entity is not None:
        parse_path(str(entity))
    equals = raw.get("equals")
    value_test = _test(raw, ("in", "contains"))
    if value_test is not None and ("equals" in raw or "matches" in raw):
        raise ValueError("one test at a time on the matched value")
    if "matches" in raw:
        re.compile(str(raw["matches"]))
    return PathDetector(
        path=path,
        message=str(raw.get("message") or ""),
        equals=None if equals is None else _text(equals),
        matches=str(raw["matches"]) if "matches" in raw else None,
        severity=Severity.parse(str(raw["severity"])) if "severity" in raw else None,
        confidence=Confidence.parse(str(raw["confidence"])) if "confidence" in raw else None,
        value_test=value_test,
        where=_conditions(raw.get("where"), "where"),
        unless=_conditions(raw.get("unless"), "unless"),
        entity=None if entity is None else str(entity),
    )
