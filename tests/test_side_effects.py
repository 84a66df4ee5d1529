"""A scan has no side effects: no network socket in the main process or any worker,
nothing executed from the scanned tree, nothing written outside `-o` and the cache."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import FIXTURES

# Runs in a fresh interpreter: an audit hook cannot be removed once installed.
_SCRIPT = textwrap.dedent(
    """
    import socket, sys
    from ztlint import engine
    from ztlint.scan import workers
    from ztlint.config import Config

    def no_network(event, args):
        if event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6):
            raise RuntimeError("network socket opened during a scan")
        if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname"):
            raise RuntimeError(f"network use during a scan: {event}")
        if event in ("subprocess.Popen", "os.exec", "os.posix_spawn", "os.system"):
            if any("/scanned/" in str(a) for a in args):
                raise RuntimeError(f"executed from the scanned tree: {args}")

    sys.addaudithook(no_network)
    real_init = workers._init_worker

    def init(plan):
        sys.addaudithook(no_network)  # spawn-started workers do not inherit hooks
        real_init(plan)

    workers._init_worker = init
    report = engine.run(["."], Config(tests="report"), jobs=2, cwd=sys.argv[1])
    broken = [n for n in report.notifications if n.code in ("ZT905", "ZT906")]
    print(len(report.findings), len(broken))
    for n in broken:
        print(n.message)
    """
)


def test_a_scan_opens_no_socket_and_runs_nothing(tmp_path: Path) -> None:
    import shutil

    tree = tmp_path / "scanned"
    shutil.copytree(FIXTURES, tree, ignore=shutil.ignore_patterns("*.expect"))
    hook = tree / "demo" / "hooks"
    hook.mkdir(parents=True, exist_ok=True)
    (hook / "run.sh").write_text("#!/bin/sh\ntouch /tmp/ztlint-executed\n")
    os.chmod(hook / "run.sh", 0o755)
    before = sorted(p.relative_to(tree) for p in tree.rglob("*"))
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tree)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CI": "true"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    findings, broken = proc.stdout.split("\n")[0].split()
    assert int(findings) > 100 and broken == "0", proc.stdout
    assert sorted(p.relative_to(tree) for p in tree.rglob("*")) == before  # nothing written
    assert not Path("/tmp/ztlint-executed").exists()


def test_the_hook_would_catch_a_socket() -> None:
    """The audit hook really stops a network socket (the guard above is not vacuous)."""
    script = _SCRIPT.replace(
        "report = engine.run(",
        "import socket as s\ntry:\n    s.socket(s.AF_INET)\n    print('not caught')\n"
        "except RuntimeError:\n    print('caught')\nraise SystemExit(0)\nreport = engine.run(",
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, "."], capture_output=True, text=True, check=False
    )
    assert proc.stdout.strip() == "caught", proc.stderr[-2000:]
