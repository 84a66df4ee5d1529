"""Hostile repository: configuration embedded in other files (ztlint.embedded).

A kustomization names paths outside the tree, absolute paths, URLs and a symlink out
of the tree: none is opened. A heredoc holds command substitutions: none is run, the
text is checked as written. Thousands of heredocs, an unterminated one, an alias bomb
in a patch string and nesting past the parser's limit cost bounded work and raise
nothing.
"""

from __future__ import annotations

import builtins
import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.support import run_ztlint
from ztlint import embedded
from ztlint.config import Config
from ztlint.engine import run
from ztlint.notices import RULE_FAILED, WORKER_CRASHED

CANARY = "ztlint-canary-outside-7f3a"
PRIVILEGED_PATCH = f"""# {CANARY}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: api
          securityContext:
            privileged: true
"""


def _no_failures(report: Any) -> None:
    assert not [n for n in report.notifications if n.code in (RULE_FAILED, WORKER_CRASHED)]


def test_kustomization_paths_outside_the_tree_are_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "patch.yaml").write_text(PRIVILEGED_PATCH, encoding="utf-8")
    (outside / "kustomization.yaml").write_text("resources: [patch.yaml]\n", encoding="utf-8")
    tree = tmp_path / "repo" / "overlays" / "prod"
    tree.mkdir(parents=True)
    (tree / "kustomization.yaml").write_text(
        "resources:\n"
        "  - ../../../outside\n"
        f"  - {outside}\n"
        "  - https://github.com/example/config//base?ref=v1\n"
        "components:\n"
        f"  - {outside / 'kustomization.yaml'}\n"
        "patches:\n"
        "  - path: ../../../outside/patch.yaml\n"
        f"  - path: {outside / 'patch.yaml'}\n"
        "  - path: linked.yaml\n"
        "patchesStrategicMerge:\n"
        "  - ../../../outside/patch.yaml\n"
        "patchesJson6902:\n"
        "  - target: {kind: Deployment, name: api}\n"
        "    path: file:///etc/passwd\n"
        "bases:\n"
        "  - github.com/example/config/base\n",
        encoding="utf-8",
    )
    (tree / "linked.yaml").symlink_to(outside / "patch.yaml")

    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.fspath(file) if isinstance(file, str | os.PathLike) else "")
        return real_open(file, *args, **kwargs)

    def spy_os_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.fspath(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path / "repo"))
    monkeypatch.undo()

    assert not [p for p in opened if str(outside) in os.path.realpath(p or ".")]
    assert not [f for f in report.findings if "outside" in f.path or f.path.endswith("linked.yaml")]
    assert all(CANARY not in f.snippet and CANARY not in f.message for f in report.findings)
    _no_failures(report)


def test_heredoc_command_substitutions_are_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    script = (
        "#!/bin/sh\n"
        "cat <<EOF > docker-compose.yml\n"
        "services:\n"
        "  web:\n"
        f"    image: $(touch {marker})\n"
        f'    command: "`touch {marker}`"\n'
        "    privileged: ${PRIV:-$(touch " + str(marker) + ")}\n"
        "    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n"
        "EOF\n"
    )
    (tmp_path / "install.sh").write_text(script, encoding="utf-8")
    proc = run_ztlint(tmp_path, "scan", ".", "--no-cache", "--format", "json", isolated=True)
    assert proc.returncode == 1, proc.stderr
    assert '"ZT301"' in proc.stdout
    assert not marker.exists()


def _timed_scan(tmp_path: Path, name: str, text: str) -> tuple[Any, float]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    start = time.perf_counter()
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    return report, time.perf_counter() - start


def test_thousands_of_heredocs_are_bounded(tmp_path: Path) -> None:
    one = "cat <<EOF > c.yml\nservices:\n  w:\n    image: x\n    privileged: true\nEOF\n"
    report, took = _timed_scan(tmp_path, "many.sh", "#!/bin/sh\n" + one * 5000)
    found = [f for f in report.findings if f.rule_id == "ZT302"]
    assert 0 < len(found) <= embedded.MAX_DOCUMENTS
    assert took < 30
    _no_failures(report)


def test_unterminated_heredoc_and_bad_bodies_raise_nothing(tmp_path: Path) -> None:
    script = (
        "#!/bin/sh\n"
        "cat <<'A' <<B\nservices: [\nA\nservices:\n  x:\n    image: y\n    privileged: true\nB\n"
        "cat <<-EOF\n\tservices:\n\t  web:\n\t    image: x\n\t    privileged: true\n"
        "services: " + "[" * 5000 + "\n"
    )
    report, _ = _timed_scan(tmp_path, "broken.sh", script)
    _no_failures(report)
    assert [f.span.start_line for f in report.findings if f.rule_id == "ZT302"] == [8]


def test_patch_string_bombs_are_bounded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [privileged, privileged]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 40)]
    bomb = "\n".join("        " + line for line in lines)
    text = (
        "patches:\n"
        "  - patch: |-\n" + bomb + "\n"
        "        spec: {template: {spec: {hostPID: true}}}\n"
        "  - patch: |-\n"
        + "".join(f"        - op: add\n          path: /spec/a{i}\n" for i in range(20000))
    )
    report, took = _timed_scan(tmp_path, "kustomization.yaml", text)
    assert took < 30
    _no_failures(report)
    assert [f.rule_id for f in report.findings if f.rule_id.startswith("ZT3")] == ["ZT307"]
