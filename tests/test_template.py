"""Templated YAML read without rendering (ztlint.parsers.template, ztlint.helm): what
neutralising keeps (every line and column), which branch it keeps, which values it
puts in, and how a chart's unreadable templates are reported."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest

from tests.hostile.support import run_ztlint
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence
from ztlint.notices import TEMPLATE_NOT_READ
from ztlint.parsers.data import Mapping, Node, Scalar
from ztlint.parsers.template import (
    GO,
    JINJA,
    TemplateError,
    apply_values,
    graft_blocks,
    neutralise,
)
from ztlint.parsers.yaml import parse_yaml
from ztlint.source import split_lines


def _values(text: str) -> Mapping:
    doc = parse_yaml(textwrap.dedent(text))[0]
    assert isinstance(doc, Mapping)
    return doc


def _read(template: str, values: str | None = None, dialect: str = GO) -> list[Node]:
    text = textwrap.dedent(template)
    neutral = neutralise(text, dialect, _values(values) if values else None)
    docs = parse_yaml(neutral.text)
    apply_values(docs, neutral, neutral.text)
    graft_blocks(docs, neutral)
    return docs


def _at(doc: Node, *path: str | int) -> Node:
    node = doc
    for step in path:
        if isinstance(step, int):
            node = node.items[step]  # type: ignore[attr-defined]
        else:
            assert isinstance(node, Mapping)
            found = node.get(step)
            assert found is not None, step
            node = found
    return node


def test_lines_and_columns_are_the_templates_own() -> None:
    text = textwrap.dedent(
        """\
        metadata:
          name: {{ include "app.name" . }}-web
          labels:
            {{- include "app.labels" . | nindent 4 }}
        spec:
          {{- /* a comment
                 over two lines */}}
          hostNetwork: true
        """
    )
    neutral = neutralise(text)
    assert len(split_lines(neutral.text)) == len(split_lines(text))
    assert split_lines(neutral.text)[7] == split_lines(text)[7]
    doc = parse_yaml(neutral.text)[0]
    assert isinstance(doc, Mapping)
    key = _at(doc, "spec").key_node("hostNetwork")  # type: ignore[attr-defined]
    assert (key.span.start_line, key.span.start_col) == (8, 3)
    assert _at(doc, "metadata", "labels").kind == "null"  # type: ignore[attr-defined]


def test_if_branch_kept_else_blanked_when_undecided() -> None:
    neutral = neutralise(
        textwrap.dedent(
            """\
            spec:
            {{- if .Capabilities.APIVersions.Has "v1/Foo" }}
              hostNetwork: true
            {{- else }}
              hostNetwork: false
            {{- end }}
            """
        )
    )
    doc = parse_yaml(neutral.text)[0]
    assert _at(doc, "spec", "hostNetwork").value == "true"  # type: ignore[attr-defined]
    assert neutral.undecided == [(2, 3)]


@pytest.mark.parametrize(
    ("values", "kept"),
    [
        ("hostNetwork: true", "true"),
        ("hostNetwork: false", "false"),
    ],
)
def test_condition_decided_from_values(values: str, kept: str) -> None:
    doc = _read(
        """\
        spec:
        {{- if .Values.hostNetwork }}
          hostNetwork: true
        {{- else if .Values.other }}
          hostNetwork: other
        {{- else }}
          hostNetwork: false
        {{- end }}
        """,
        values + "\nother: 0\n",
    )[0]
    assert _at(doc, "spec", "hostNetwork").value == kept  # type: ignore[attr-defined]


def test_values_printed_as_scalars() -> None:
    doc = _read(
        """\
        a: {{ .Values.sc.privileged }}
        b: {{ .Values.sc.privileged | quote }}
        c: {{ .Values.missing | default true }}
        d: {{ .Values.missing }}
        e: "{{ .Values.repo }}:{{ .Values.tag | default "1.0" }}"
        f: {{ default "x" .Values.repo }}
        g: {{ index .Values "sc" "privileged" }}
        h: {{ .Values.off | default true }}
        """,
        """\
        sc:
          privileged: true
        repo: ghcr.io/example/app
        off: false
        """,
    )[0]
    got = {k.value: (v.value, v.kind) for k, v in doc.entries}  # type: ignore[attr-defined]
    assert got["a"] == ("true", "bool")
    assert got["b"] == ("true", "str")
    assert got["c"] == ("true", "bool")
    assert got["d"] == ("{{ .Values.missing }}", "str")  # neutral: no value known
    assert got["e"] == ("ghcr.io/example/app:1.0", "str")
    assert got["f"] == ("ghcr.io/example/app", "str")
    assert got["g"] == ("true", "bool")
    assert got["h"] == ("true", "bool")  # helm's `default` takes false for empty


def test_with_and_range_rebind_the_dot() -> None:
    doc = _read(
        """\
        {{- with .Values.sc }}
        a: {{ .Values.sc.privileged }}
        b: {{ $.Values.sc.privileged }}
        {{- end }}
        """,
        "sc:\n  privileged: true\n",
    )[0]
    assert _at(doc, "a").kind == "str"  # type: ignore[attr-defined]
    assert _at(doc, "b").kind == "bool"  # type: ignore[attr-defined]


def test_define_bodies_and_jinja_blocks() -> None:
    doc = _read(
        """\
        {% macro port(n) %}bogus: [{% endmacro %}
        {# a comment #}
        kind: Pod
        {% if a %}
        x: 1
        {% elif b %}
        x: 2
        {% else %}
        x: 3
        {% endif %}
        {% raw %}
        {% endraw %}
        """,
        dialect=JINJA,
    )[0]
    assert _at(doc, "x").value == "1"  # type: ignore[attr-defined]


def test_lines_led_by_a_control_action_move_left() -> None:
    doc = _read(
        """\
        spec:
          containers:
          - name: a
            {{with .Values.policy }}imagePullPolicy: "{{.}}"{{end}}
            image: app
        """,
        "policy: Always\n",
    )[0]
    container = _at(doc, "spec", "containers", 0)
    assert isinstance(container, Mapping)
    assert container.get_str("image") == "app"
    key = container.key_node("imagePullPolicy")
    assert key is not None and key.span.start_line == 4


@pytest.mark.parametrize(
    "text",
    [
        "a: {{ .Values.x\n",
        "{{ if .Values.x }}\na: 1\n",
        "{{ end }}\n",
        "{{/* never closed\n",
        "{{ if 1 }}" * 200 + "{{ end }}" * 200,
    ],
)
def test_unreadable_actions(text: str) -> None:
    with pytest.raises(TemplateError):
        neutralise(text)


def test_linear_time_on_many_actions() -> None:
    def cost(n: int) -> float:
        text = "a:\n" + "".join(
            f"  k{i}: {{{{ .Values.v{i} | default {i} }}}}\n"
            "  {{- if .Values.x }}\n  y: 1\n  {{- end }}\n"
            for i in range(n)
        )
        started = time.perf_counter()
        parse_yaml(neutralise(text, GO, _values("v1: 2\n")).text)
        return time.perf_counter() - started

    cost(200)
    assert cost(8000) < 40 * cost(2000) + 0.5


# --- charts through the engine ------------------------------------------------------


def _chart(root: Path, templates: dict[str, str], values: str = "") -> Path:
    chart = root / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text(values)
    for name, body in templates.items():
        (chart / "templates" / name).write_text(textwrap.dedent(body))
    return chart


_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}
spec:
  containers:
    - name: app
      image: app
      securityContext:
        privileged: {{ .Values.privileged }}
"""


def test_one_note_per_chart_and_strict_passes(tmp_path: Path) -> None:
    _chart(
        tmp_path,
        {
            "pod.yaml": _POD,
            "broken.yaml": "apiVersion: v1\nkind: Pod\n{{ if .Values.x }}\n  privileged: [\n{{ end }}\n",
            "broken2.yaml": "apiVersion: v1\nkind: Pod\nspec:\n  privileged: {{ .Values.y\n",
            "_helpers.tpl": '{{- define "x" }}\n  : [ not yaml\n{{- end }}\n',
            "NOTES.txt": "Thanks for installing {{ .Chart.Name }}.\n",
        },
        "privileged: false\nx: true\n",
    )
    report = run(["."], Config(min_confidence=Confidence.LOW), jobs=1, cwd=str(tmp_path))
    assert report.findings == ()
    notes = [n for n in report.notifications if n.code == TEMPLATE_NOT_READ]
    assert len(notes) == 1, report.notifications
    assert notes[0].path == "chart/Chart.yaml"
    assert "2 of 3 templates" in notes[0].message
    assert "chart/templates/broken.yaml:4" in notes[0].message
    assert "chart/templates/broken2.yaml:4" in notes[0].message
    assert not [n for n in report.notifications if n.code != TEMPLATE_NOT_READ]
    assert report.exit_code(strict=True) == 0


def test_finding_has_values_line_as_related(tmp_path: Path) -> None:
    _chart(tmp_path, {"pod.yaml": _POD}, "# on\nprivileged: true\n")
    result = run_ztlint(tmp_path, "scan", ".", "--no-cache", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule_id"], f["path"], f["start_line"]) for f in findings] == [
        ("ZT302", "chart/templates/pod.yaml", 10)
    ]
    related = findings[0]["related"]
    assert [(r["path"], r["start_line"]) for r in related] == [("chart/values.yaml", 2)]


def test_scalar_values_keep_their_type() -> None:
    node = _at(_read("a: {{ .Values.n }}\n", "n: '8080'\n")[0], "a")
    assert isinstance(node, Scalar) and (node.value, node.kind) == ("8080", "int")


def test_a_values_edit_is_never_served_from_the_cache(tmp_path: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    chart = _chart(root, {"pod.yaml": _POD}, "privileged: false\n")

    def scan() -> list[str]:
        report = run(["."], Config(), jobs=1, cwd=str(root), cache_dir=cache)
        return [f.rule_id for f in report.findings]

    assert scan() == []
    (chart / "values.yaml").write_text("privileged: true\n")
    assert scan() == ["ZT302"]
    (chart / "values.yaml").write_text("privileged: false\n")
    assert scan() == []


def test_values_that_lead_to_fail_leave_the_choice_open() -> None:
    text = textwrap.dedent(
        """\
        env:
          - name: TOKEN
            {{- if .Values.tokenSecret }}
            valueFrom: {secretKeyRef: {name: "{{ .Values.tokenSecret }}", key: token}}
            {{- else if .Values.insecureToken }}
            value: {{ .Values.insecureToken | quote }}
            {{- else }}
            {{- fail "set tokenSecret or insecureToken" }}
            {{- end }}
        """
    )
    neutral = neutralise(text, GO, _values('tokenSecret: ""\ninsecureToken: ""\n'))
    doc = parse_yaml(neutral.text)[0]
    assert _at(doc, "env", 0, "valueFrom") is not None
    assert neutral.undecided == [(3, 5)]


_BLOCKS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  template:
    spec:
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: app
          image: app
          securityContext: {{ toYaml .Values.securityContext | nindent 12 }}
        - name: sidecar
          image: sidecar
          {{- with .Values.sidecar.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
"""


def test_values_blocks_printed_with_to_yaml_are_checked(tmp_path: Path) -> None:
    values = """\
podSecurityContext:
  runAsNonRoot: true
securityContext:
  privileged: true
  capabilities:
    add: [SYS_ADMIN]
sidecar:
  securityContext:
    privileged: true
"""
    _chart(tmp_path, {"deploy.yaml": _BLOCKS}, values)
    result = run_ztlint(tmp_path, "scan", ".", "--no-cache", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    got = sorted((f["rule_id"], f["start_line"], f["start_column"]) for f in findings)
    assert got == [("ZT302", 13, 28), ("ZT302", 18, 13), ("ZT304", 13, 28)]
    related = {
        (f["rule_id"], f["start_line"]): [(r["path"], r["start_line"]) for r in f["related"]]
        for f in findings
    }
    assert related[("ZT302", 13)] == [("chart/values.yaml", 4)]
    assert related[("ZT302", 18)] == [("chart/values.yaml", 9)]


def test_safe_values_blocks_stay_clean(tmp_path: Path) -> None:
    values = """\
podSecurityContext:
  runAsNonRoot: true
securityContext:
  privileged: false
  capabilities:
    drop: [ALL]
sidecar:
  securityContext: {}
"""
    _chart(tmp_path, {"deploy.yaml": _BLOCKS}, values)
    report = run(["."], Config(min_confidence=Confidence.LOW), jobs=1, cwd=str(tmp_path))
    assert report.findings == ()


def test_grafted_blocks_are_bounded() -> None:
    # Aliases make a small values file a huge tree: the copy gives up, nothing breaks.
    values = "\n".join(
        ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 7)]
        + ["sc:", "  privileged: true", "  more: *l6"]
    )
    docs = _read("spec:\n  securityContext: {{ toYaml .Values.sc | nindent 4 }}\n", values)
    grafted = _at(docs[0], "spec", "securityContext")
    assert isinstance(grafted, Scalar)  # past the budget: left as the template reads


_INCLUDING = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  template:
    spec:
      {{- include "app.podSecurity" . | nindent 6 }}
      containers:
        - name: app
          image: app
          securityContext:
            {{- include "app.containerSecurity" . | nindent 12 }}
"""

_HELPERS = """\
{{- define "app.fullname" -}}
{{ .Release.Name }}-app
{{- end }}

{{- define "app.podSecurity" -}}
hostPID: {{ .Values.hostPID }}
{{- end }}

{{- define "app.containerSecurity" }}
{{- if .Values.strict }}
privileged: false
{{- else }}
privileged: true
{{- end }}
{{- end }}
"""


def _scan_ids(root: Path, cache: Path | None = None) -> list[tuple[str, int]]:
    report = run(["."], Config(), jobs=1, cwd=str(root), cache_dir=cache)
    return sorted((f.rule_id, f.span.start_line) for f in report.findings)


def test_named_templates_included_with_the_root_context_are_read(tmp_path: Path) -> None:
    chart = _chart(tmp_path, {"deploy.yaml": _INCLUDING}, "hostPID: true\nstrict: false\n")
    (chart / "templates" / "_helpers.tpl").write_text(_HELPERS)
    # Under a key (the container's securityContext) and among a mapping's own keys
    # (the pod spec's), at the include's line.
    assert _scan_ids(tmp_path) == [("ZT302", 13), ("ZT307", 8)]


def test_included_templates_follow_the_values_and_stay_clean(tmp_path: Path) -> None:
    chart = _chart(tmp_path, {"deploy.yaml": _INCLUDING}, "hostPID: false\nstrict: true\n")
    (chart / "templates" / "_helpers.tpl").write_text(_HELPERS)
    assert _scan_ids(tmp_path) == []


def test_a_library_edit_is_never_served_from_the_cache(tmp_path: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    chart = _chart(root, {"deploy.yaml": _INCLUDING}, "hostPID: false\nstrict: true\n")
    helpers = chart / "templates" / "_helpers.tpl"
    helpers.write_text(_HELPERS)
    assert _scan_ids(root, cache) == []
    helpers.write_text(_HELPERS.replace("privileged: false", "privileged: true"))
    assert _scan_ids(root, cache) == [("ZT302", 13)]


def test_a_library_through_a_link_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.tpl"
    outside.write_text(_HELPERS)
    repo = tmp_path / "repo"
    chart = _chart(repo, {"deploy.yaml": _INCLUDING}, "hostPID: true\nstrict: false\n")
    (chart / "templates" / "_helpers.tpl").symlink_to(outside)
    assert _scan_ids(repo) == []


def test_self_including_and_huge_libraries_stay_bounded(tmp_path: Path) -> None:
    loop = '{{- define "app.containerSecurity" }}\n{{ include "app.containerSecurity" . }}\n{{- end }}\n'
    chart = _chart(tmp_path, {"deploy.yaml": _INCLUDING}, "hostPID: true\n")
    many = "".join(
        f'{{{{- define "d{i}" }}}}\nk{i}: {{{{ include "d{i}" . }}}}\n{{{{- end }}}}\n'
        for i in range(2000)
    )
    (chart / "templates" / "_a.tpl").write_text(loop)
    (chart / "templates" / "_b.tpl").write_text(many)
    started = time.perf_counter()
    assert _scan_ids(tmp_path) == []
    assert time.perf_counter() - started < 30
