"""The seed reviews' code problems (../shared/seeds), caught on a repository laid out
like the one each review describes, shown by default at the fixture's annotated lines;
the fixed version (or the review's near-miss) comes out clean.

Each case takes its code from the rule's fixtures (written fresh, in the idiom of the
reviewed project) and puts it where such a project keeps it, so that the repository's
own evidence (where a file sits, what else the tree holds) is the production one."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.expectations import parse
from ztlint.config import Config
from ztlint.engine import run
from ztlint.registry import load_rules

# (seed and finding, problem fixture, fixed/near-miss fixture, where a project keeps it)
CASES = [
    ("003 R1.1 mTLS interceptor returns a fixed identity",
     "ZT518/positive_interceptor.go", "ZT518/negative_interceptor.go", "auth/auth_mtls.go"),
    ("003 R1.2 token compared with == after a map lookup",
     "ZT501/positive_handshake.go", "ZT501/negative_handshake.go", "handshake.go"),
    ("003 R1.5 h2c ListenAndServe without TLS",
     "ZT102/positive_h2c_server.go", "ZT102/negative_h2c_server.go", "server.go"),
    ("003 R2.5 error text returned by http.Error",
     "ZT515/positive_interpolated.go", "ZT515/negative_interpolated.go", "router.go"),
    ("000 L1 blocking connect from the poll loop's callees",
     "ZT606/positive_poll_callees.rs", "ZT606/negative_poll_callees.rs",
     "app-connector/src/main.rs"),
    ("002 #5 credentials a production compose file takes from the environment",
     "ZT205/positive_compose.yml", "ZT205/negative_compose.yml",
     "control_plane/docker-compose.yml"),
    ("002 #16 client IP from X-Forwarded-For decides access",
     "ZT512/positive_acl.py", "ZT512/negative_acl.py",
     "control_plane/services/backend/control_plane/auth.py"),
    ("002 #16 a helper returning X-Forwarded-For, used by the caller",
     "ZT512/positive_helper.py", "ZT512/negative_helper.py",
     "control_plane/services/backend/control_plane/ip.py"),
]  # fmt: skip


@cache
def _rules():  # type: ignore[no-untyped-def]
    return load_rules()


def _shown(tmp_path: Path, source: str, dest: str) -> tuple[set[tuple[int, str]], str]:
    text = (FIXTURES / source).read_text(encoding="utf-8")
    target = tmp_path / dest
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    config = Config()
    report = run(["."], config, rules=_rules(), jobs=1, cwd=str(tmp_path))
    shown = {
        (f.span.start_line, f.rule_id)
        for f in report.findings
        if f.confidence >= config.min_confidence and f.path == dest
    }
    return shown, text


@pytest.mark.parametrize(("case", "problem", "fixed", "dest"), CASES, ids=[c[0] for c in CASES])
def test_seed_problem_is_caught_and_its_fix_is_clean(
    tmp_path: Path, case: str, problem: str, fixed: str, dest: str
) -> None:
    shown, text = _shown(tmp_path / "problem", problem, dest)
    wanted = {
        (line, rule)
        for (line, rule, _sev, conf) in parse(FIXTURES / problem, text)
        if conf is None  # shown by default
    }
    assert wanted, f"{case}: the fixture marks no default finding"
    assert wanted <= shown, f"{case}: missing {sorted(wanted - shown)}"
    clean, _ = _shown(tmp_path / "fixed", fixed, dest)
    assert not clean, f"{case}: the fixed version reports {sorted(clean)}"


def test_startup_listening_log_proxy_values_and_dns_before_the_loop_are_quiet(
    tmp_path: Path,
) -> None:
    """The review's near-misses: a server's own `listening on` line (even with the
    topology option, 000 I1), an `HTTP_PROXY` value (not a plaintext endpoint) and DNS
    resolution in `main` before the event loop starts (000 L1)."""
    for source, dest in (
        ("ZT607/negative_topology_relay.rs", "intermediate-server/src/main.rs"),
        ("ZT102/negative_proxy_settings.py", "control_plane/settings.py"),
        ("ZT606/negative_connector.rs", "app-connector/src/connector.rs"),
    ):
        shown, _ = _shown(tmp_path / dest.split("/")[0], source, dest)
        assert not shown, f"{source}: {sorted(shown)}"
