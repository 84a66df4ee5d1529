"""The confidence threshold: `--min-confidence` and the `min-confidence` config key.

The default shows what meets the precision bar (high confidence); gated modes and
guesses are counted on the verdict line and shown with `--min-confidence medium`, or
everything with `pedantic`."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ztlint.cli import main

# One hardcoded switch (high confidence) and one gated by a field (below high).
GO = (
    'package x\n\nimport "crypto/tls"\n\n'
    "var a = &tls.Config{InsecureSkipVerify: true}\n"
    "var b = &tls.Config{InsecureSkipVerify: o.Insecure}\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "client.go").write_text(GO)
    with contextlib.chdir(tmp_path):
        yield tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _lines(result: Result) -> list[int]:
    doc = json.loads(result.stdout)
    return sorted(f["start_line"] for f in doc["findings"])


def test_default_shows_high_confidence_and_counts_the_rest(repo: Path) -> None:
    result = invoke("scan", ".", "--format", "json")
    assert _lines(result) == [5]
    summary = json.loads(result.stdout)["summary"]
    assert summary["min_confidence"] == "high"
    assert summary["below_confidence"] == 1
    text = invoke("scan", ".", "--color", "never").stdout
    assert "1 finding below high confidence not shown (--min-confidence medium)" in text


@pytest.mark.parametrize("level", ["pedantic", "low", "LOW"])
def test_pedantic_shows_everything(repo: Path, level: str) -> None:
    result = invoke("scan", ".", "--format", "json", "--min-confidence", level)
    assert _lines(result) == [5, 6]
    assert json.loads(result.stdout)["summary"]["below_confidence"] == 0


def test_config_key_sets_the_threshold_and_the_option_wins(repo: Path) -> None:
    (repo / ".ztlint.yaml").write_text("min-confidence: pedantic\n")
    assert _lines(invoke("scan", ".", "--format", "json")) == [5, 6]
    assert _lines(invoke("scan", ".", "--format", "json", "--min-confidence", "high")) == [5]


def test_bad_threshold_is_a_usage_error(repo: Path) -> None:
    assert invoke("scan", ".", "--min-confidence", "certain").exit_code == 2
    (repo / ".ztlint.yaml").write_text("min-confidence: certain\n")
    result = invoke("scan", ".")
    assert result.exit_code == 2
    assert "min-confidence" in result.output


def test_hidden_findings_do_not_fail_the_run(repo: Path) -> None:
    (repo / "client.go").write_text(
        'package x\n\nimport "crypto/tls"\n\nvar b = &tls.Config{InsecureSkipVerify: o.Insecure}\n'
    )
    assert invoke("scan", ".").exit_code == 0
    assert invoke("scan", ".", "--min-confidence", "pedantic").exit_code == 1
