"""Declarative `match:` detectors: conditions on the fields around the match
(`where`/`unless` with `sibling`, `ancestor`, `root`), value tests (`in`, `contains`,
`exists`), and the entity named by a path."""

from __future__ import annotations

from pathlib import Path

import pytest

from ztlint import classify
from ztlint.registry import RuleLoadError, _path_detector, load_rule
from ztlint.rule import FileContext, Hit
from ztlint.source import SourceText

BINDING = """\
apiVersion: v1
kind: List
items:
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata:
      name: ops
    roleRef:
      kind: ClusterRole
      name: cluster-admin
    subjects:
      - kind: ServiceAccount
        name: runner
      - kind: User
        name: alice
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata:
      name: view
    roleRef:
      kind: ClusterRole
      name: cluster-admin
    subjects:
      - kind: ServiceAccount
        name: viewer
"""


def _run(raw: dict[str, object], text: str = BINDING) -> list[Hit]:
    fclass = classify.classify("rbac.yaml", text)
    ctx = FileContext("rbac.yaml", fclass.kinds, fclass.parser, SourceText(text))
    return list(_path_detector(raw)(ctx))


def test_ancestor_and_sibling_conditions_and_the_entity_path() -> None:
    hits = _run(
        {
            "match": "**.subjects[*].kind",
            "equals": "ServiceAccount",
            "where": [
                {"ancestor": "kind", "equals": "ClusterRoleBinding"},
                {"ancestor": "roleRef.name", "in": ["cluster-admin", "admin"]},
            ],
            "entity": "metadata.name",
            "message": "{ancestor:kind} '{entity}' grants {ancestor:roleRef.name} to '{sibling:name}'",
        }
    )
    # Not the nearest `name` ("cluster-admin", "runner"): the object's metadata.name.
    assert [(h.span.start_line, h.entity, h.message) for h in hits] == [
        (12, "ops", "ClusterRoleBinding 'ops' grants cluster-admin to 'runner'")
    ]


def test_without_an_entity_path_the_nearest_name_is_kept() -> None:
    hits = _run({"match": "**.subjects[*].kind", "equals": "User", "message": "{entity}"})
    assert [h.message for h in hits] == ["alice"]


def test_unless_drops_a_match_and_root_reads_the_document() -> None:
    raw: dict[str, object] = {
        "match": "**.subjects[*].kind",
        "equals": "ServiceAccount",
        "unless": [{"sibling": "name", "matches": "^view"}],
        "where": [{"root": "kind", "equals": "List"}],
        "message": "{root:kind} {sibling:name} {root:missing}",
    }
    assert [h.message for h in _run(raw)] == ["List runner ?"]


def test_contains_reports_the_matching_item_and_names_it() -> None:
    text = """\
kind: ClusterRole
metadata:
  name: manager
rules:
  - apiGroups: [""]
    resources:
      - pods
      - secrets
    verbs: ["get", "bind"]
    resourceNames: ["one"]
"""
    hits = _run(
        {
            "match": "rules[*].resources",
            "contains": ["secrets", "configmaps"],
            "where": [{"sibling": "verbs", "contains": "get"}],
            "message": "{value}",
        },
        text,
    )
    assert [(h.span.start_line, h.span.start_col, h.message) for h in hits] == [(8, 9, "secrets")]
    flow = _run({"match": "rules[*].verbs", "contains": "bind", "message": "{value}"}, text)
    assert [(h.span.start_line, h.span.start_col, h.message) for h in flow] == [(9, 5, "bind")]
    assert not _run(
        {
            "match": "rules[*].resources",
            "contains": "secrets",
            "unless": [{"sibling": "resourceNames", "exists": True}],
            "message": "x",
        },
        text,
    )


@pytest.mark.parametrize(
    ("detector", "error"),
    [
        ({"match": "a", "kinds": ["yaml"], "whre": []}, "unknown key 'whre'"),
        ({"match": "a", "kinds": ["yaml"], "where": [{"sibling": "b"}]}, "needs one of"),
        (
            {
                "match": "a",
                "kinds": ["yaml"],
                "where": [{"sibling": "b", "root": "c", "equals": 1}],
            },
            "has one of",
        ),
        ({"match": "a", "kinds": ["yaml"], "in": "x"}, "in takes a list"),
        ({"match": "a", "kinds": ["yaml"], "equals": 1, "contains": "x"}, "one test at a time"),
        ({"match": "a", "kinds": ["yaml"], "entity": "b[", "message": ""}, "must end in a key"),
        ({"match": "a", "kinds": ["yaml"], "where": [{"root": "b", "exists": "yes"}]}, "exists"),
    ],
)
def test_bad_declarations_are_load_errors(
    tmp_path: Path, detector: dict[str, object], error: str
) -> None:
    import json

    folder = tmp_path / "ZT999-some-rule"
    folder.mkdir()
    (folder / "rule.yaml").write_text(
        "id: ZT999\nname: some-rule\ntitle: t\nseverity: low\nconfidence: low\ncwe: 1\n"
        f"message: m\nfix: f\ndetectors:\n  - {json.dumps(detector)}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleLoadError, match=error):
        load_rule(folder)
