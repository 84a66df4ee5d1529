"""Precision of the ZT6xx rules on hand-labelled findings from real network projects.

    python bench/memory_verdicts.py
    python bench/memory_verdicts.py --check cloudflare/quiche=PATH mullvad/mullvadvpn-app=PATH

bench/memory/repositories.csv lists the projects and commits scanned (QUIC, VPN, proxy
and Swift networking code; fetched separately, never committed), findings or not.
bench/memory/verdicts.csv has one row per ZT6xx finding ztlint reported on them with
default settings: `true`, `false`, or `false-fixed` (a false positive found while
labelling and fixed since). The `set` column says whether a repository was used to
tune the rules or held out (scanned once the rules were settled): held-out precision
is also printed as first reported, fixed false positives counted as false. With --check, ztlint runs again on the checkouts: every
live row must still be reported, every finding must have a live row, and no
false-fixed row may come back. The exit code is 1 when a rule that fired is below
0.8 precision or a check fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

from auth_verdicts import summarize

HERE = Path(__file__).resolve().parent
TABLE = HERE / "memory" / "verdicts.csv"
NAMES = {
    "ZT601": "unbounded-queue",
    "ZT602": "ffi-unchecked-buffer",
    "ZT603": "lossy-identifier-decoding",
    "ZT604": "force-unwrap-untrusted",
    "ZT605": "unsafe-shell-path",
    "ZT606": "blocking-call-in-event-loop",
    "ZT607": "sensitive-data-logged",
}


def findings(path: Path) -> set[tuple[str, str]]:
    proc = subprocess.run(
        [sys.executable, "-m", "ztlint", "scan", ".", "--select", "ZT6", "--format", "json"],
        cwd=path,
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        (f"{f['path']}:{f['start_line']}", NAMES[f["rule_id"]])
        for f in json.loads(proc.stdout)["findings"]
    }


def check(rows: list[dict[str, str]], repo: str, path: Path) -> list[str]:
    mine = [r for r in rows if r["repository"] == repo]
    live = {(r["location"], r["rule"]) for r in mine if r["verdict"] in ("true", "false")}
    fixed = {(r["location"], r["rule"]) for r in mine if r["verdict"] == "false-fixed"}
    found = findings(path)
    problems = [f"{repo}: unlabelled finding {loc} {rule}" for loc, rule in sorted(found - live)]
    problems += [
        f"{repo}: labelled finding gone {loc} {rule}" for loc, rule in sorted(live - found)
    ]
    problems += [
        f"{repo}: fixed false positive back {loc} {rule}" for loc, rule in sorted(found & fixed)
    ]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", nargs="*", default=[], metavar="REPO=PATH")
    args = parser.parse_args()
    with TABLE.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (HERE / "memory" / "repositories.csv").open(newline="", encoding="utf-8") as fh:
        repositories = list(csv.DictReader(fh))
    print(f"{len(repositories)} repositories scanned, {len(rows)} rows")
    precision = summarize(rows)
    held = [r for r in rows if r["set"] == "held-out"]
    true = sum(r["verdict"] == "true" for r in held)
    print(f"held out, as first reported: {true}/{len(held)} true")
    for rule in sorted({r["rule"] for r in held}):
        mine = [r for r in held if r["rule"] == rule]
        good = sum(r["verdict"] == "true" for r in mine)
        print(f"  {rule:30} {good}/{len(mine)} = {good / len(mine):.3f}")
    failed = [rule for rule, (t, f) in precision.items() if t / (t + f) < 0.8]
    problems = []
    for item in args.check:
        repo, _, path = item.partition("=")
        problems += check(rows, repo, Path(path))
    for problem in problems:
        print(problem)
    if failed:
        print("below 0.8:", ", ".join(failed))
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
