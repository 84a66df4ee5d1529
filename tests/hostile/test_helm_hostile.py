"""A hostile chart (issue #25): a Helm chart's templates read the chart's own
values.yaml and nothing else. A values.yaml or Chart.yaml that is a link, a file a
template names, an alias bomb in the values and a template built to be slow are all
refused or bounded."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from tests.test_template import _POD, _chart
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence
from ztlint.parsers.template import TemplateError, neutralise


def _rules(root: Path) -> list[str]:
    report = run(["."], Config(min_confidence=Confidence.LOW), jobs=1, cwd=str(root))
    return [f.rule_id for f in report.findings]


def test_values_through_a_link_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("privileged: true\n")
    repo = tmp_path / "repo"
    chart = _chart(repo, {"pod.yaml": _POD})
    (chart / "values.yaml").unlink()
    os.symlink(outside, chart / "values.yaml")
    assert _rules(repo) == []


def test_names_in_a_template_are_never_read(tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text("privileged: true\n")
    _chart(
        tmp_path,
        {
            "pod.yaml": _POD.replace(
                "{{ .Values.privileged }}", '{{ .Files.Get "../secret.yaml" | fromYaml }}'
            )
        },
    )
    assert _rules(tmp_path) == []


def test_values_alias_bomb_stays_small(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=False)
    )
    _chart(tmp_path, {"pod.yaml": _POD}, bomb + "privileged: true\n")
    started = time.perf_counter()
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    assert time.perf_counter() - started < 10
    assert [f.rule_id for f in report.findings] == ["ZT302"]


def test_chart_yaml_through_a_link_makes_no_chart(tmp_path: Path) -> None:
    outside = tmp_path / "Chart.yaml"
    outside.write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    repo = tmp_path / "repo"
    chart = _chart(repo, {"pod.yaml": _POD}, "privileged: true\n")
    (chart / "Chart.yaml").unlink()
    os.symlink(outside, chart / "Chart.yaml")
    # Not a chart: the template is read as templated YAML without values (neutral).
    assert _rules(repo) == []


def test_a_template_built_to_be_slow_is_linear_or_refused() -> None:
    for text in (
        "a: " + "{{ " * 50_000,  # unterminated, many openers
        "{{ if .Values.a }}" * 50_000,  # nesting beyond the limit
        'a: {{ "' + "\\" * 100_000 + '" }}\n',  # escapes in a string
        "a: " + "{{ (" * 20_000 + "x" + ") }}" * 20_000,  # parentheses
    ):
        started = time.perf_counter()
        with contextlib.suppress(TemplateError):
            neutralise(text)
        assert time.perf_counter() - started < 5
