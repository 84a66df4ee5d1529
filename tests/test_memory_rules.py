"""ZT6xx behaviour beyond the fixtures: the opt-in topology check of sensitive-data-logged."""

from __future__ import annotations

from pathlib import Path

from ztlint.config import Config
from ztlint.engine import run
from ztlint.registry import load_rules


def _scan(
    tmp_path: Path, options: tuple[tuple[str, tuple[tuple[str, object], ...]], ...]
) -> list[tuple[int, str]]:
    (tmp_path / "gateway.py").write_text(
        "import logging\nlog = logging.getLogger(__name__)\n\n\n"
        "def accepted(peer_addr, routes):\n"
        "    log.info('peer %s connected', peer_addr)\n"
        "    log.debug('routes %s', routes)\n"
    )
    report = run(["."], Config(rule_options=options), rules=load_rules(), jobs=1, cwd=str(tmp_path))
    return [(f.span.start_line, f.severity.label) for f in report.findings if f.rule_id == "ZT607"]


def test_topology_logging_is_off_by_default(tmp_path: Path) -> None:
    assert _scan(tmp_path, ()) == []


def test_topology_logging_reported_when_selected(tmp_path: Path) -> None:
    found = _scan(tmp_path, (("sensitive-data-logged", (("topology", True),)),))
    assert found == [(6, "low")]  # info level only; debug stays quiet
