"""ZT6xx behaviour beyond the fixtures: the opt-in topology check of sensitive-data-logged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
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


@pytest.mark.parametrize("name", ["negative_topology_relay.rs", "negative_topology_relay.go"])
def test_topology_by_type_role_and_origin(tmp_path: Path, name: str) -> None:
    """Peer addresses by declared type, by role and by where they come from (a peer
    address call, the sender of a datagram), in multi-line macro calls; the server's own
    listening address is not topology. The fixture is a negative (nothing by default);
    with the option, exactly its lines marked `with topology` are reported."""
    source = FIXTURES / "ZT607" / name
    text = source.read_text()
    (tmp_path / name).write_text(text)
    wanted = [i for i, line in enumerate(text.splitlines(), 1) if "// with topology" in line]
    options = (("sensitive-data-logged", (("topology", True),)),)
    report = run(["."], Config(rule_options=options), rules=load_rules(), jobs=1, cwd=str(tmp_path))
    found = sorted(f.span.start_line for f in report.findings if f.rule_id == "ZT607")
    assert found == wanted
