"""Hostile inputs against ztlint's budgets (issue #22): `python bench/hostile_budgets.py
[--cap SECONDS] [--src DIR]`.

Times a fresh `ztlint scan` (no cache, one job) of:
- a compose file with N services, each privileged (a finding per service), for
  N = 2,000 / 8,000 / 20,000 / 30,000 (30,000 services make 0.9 MB);
- a folder outside git whose .gitignore holds `*a*a*a*a*a*a*a*a*a*a*a*a*b` and
  `**/` repeated 30 times, beside files with long names;
- a Python file with one call of a million arguments (wall time and peak memory).

Each run is capped (default 120 s): a capped run prints `>CAP`. With --src, the ztlint
in DIR is timed instead of the installed one (to compare before and after). Prints
measurements only; never run as a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def compose(services: int) -> str:
    return "services:\n" + "".join(f"  s{i}:\n    privileged: true\n" for i in range(services))


def hostile_gitignore(folder: Path) -> None:
    (folder / ".gitignore").write_text("*a" * 12 + "*b\n" + "**/" * 30 + "x\n")
    for i in range(20):
        (folder / f"{i}{'a' * 200}.txt").write_text("x\n")


def million_arguments() -> str:
    return 'import requests\nrequests.get("https://x", verify=False, ' + "1," * 1_000_000 + ")\n"


def timed_scan(target: Path, cap: float, src: str | None) -> tuple[str, float]:
    """(wall seconds or '>cap', peak MiB of the child)."""
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    start = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, "-m", "ztlint", "scan", ".", "--no-cache", "-j", "1"],
            cwd=target,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            timeout=cap,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f">{cap:g}", 0.0
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"{wall:.2f}", peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=float, default=120.0)
    parser.add_argument("--src", help="a ztlint source tree to time instead")
    parser.add_argument("--only", choices=["compose", "gitignore", "python"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ztlint-bench-") as tmp:
        root = Path(tmp)
        if args.only in (None, "compose"):
            for n in (2_000, 8_000, 20_000, 30_000):
                folder = root / f"compose{n}"
                folder.mkdir()
                (folder / "docker-compose.yml").write_text(compose(n))
                size = (folder / "docker-compose.yml").stat().st_size
                wall, _ = timed_scan(folder, args.cap, args.src)
                print(f"compose {n:>6} services ({size / 1e6:.1f} MB): {wall} s", flush=True)
        if args.only in (None, "gitignore"):
            folder = root / "gitignore"
            folder.mkdir()
            hostile_gitignore(folder)
            wall, _ = timed_scan(folder, args.cap, args.src)
            print(f"hostile .gitignore beside 20 long names: {wall} s", flush=True)
        if args.only in (None, "python"):
            folder = root / "python"
            folder.mkdir()
            (folder / "call.py").write_text(million_arguments())
            size = (folder / "call.py").stat().st_size
            wall, peak = timed_scan(folder, args.cap, args.src)
            print(
                f"python call with 1,000,000 arguments ({size / 1e6:.1f} MB): {wall} s, "
                f"peak {peak:.0f} MiB",
                flush=True,
            )


if __name__ == "__main__":
    main()
