"""Precision of ztlint's proxy rules on public Envoy and Istio configurations, from the
hand-labelled table bench/proxy/verdicts.csv.

    python bench/proxy_verdicts.py
    python bench/proxy_verdicts.py --check envoyproxy/examples=PATH istio/istio=PATH

The table has one row per finding of the proxy-related rules (ZT101, ZT102, ZT205,
ZT4xx, ZT511, ZT512) in the YAML and JSON files of each repository, test data included.
With --check, ztlint runs again on the checkouts: every such finding must have a row, and
every row a finding.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "proxy" / "verdicts.csv"
RULES = {"ZT101", "ZT102", "ZT205", "ZT401", "ZT402", "ZT403", "ZT511", "ZT512"}


def load() -> list[dict[str, str]]:
    with TABLE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def current(path: Path) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "ztlint", "scan", ".", "--include-tests", "--format", "json"],
        cwd=path,
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        f"{f['path']}:{f['start_line']} {f['rule_id']}"
        for f in json.loads(proc.stdout)["findings"]
        if f["rule_id"] in RULES and f["path"].rsplit(".", 1)[-1] in ("yaml", "yml", "json")
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", nargs="*", default=[], metavar="REPO=PATH")
    args = parser.parse_args()
    rows = load()
    for item in args.check:
        repo, path = item.split("=", 1)
        labelled = {
            f"{r['path:line']} {r['rule'].split()[0]}" for r in rows if r["repository"] == repo
        }
        found = current(Path(path))
        missing = sorted(found - labelled)
        if missing:
            print(f"{repo}: findings without a verdict:\n  " + "\n  ".join(missing))
            return 1
        stale = sorted(labelled - found)
        if stale:
            print(f"{repo}: verdicts for findings ztlint no longer makes:\n  " + "\n  ".join(stale))
            return 1
    by_rule: Counter[tuple[str, str]] = Counter((r["rule"], r["verdict"]) for r in rows)
    for rule in sorted({r["rule"] for r in rows}):
        t, f = by_rule[(rule, "true")], by_rule[(rule, "false")]
        print(f"{rule:<40} true {t:>3}  false {f:>3}  precision {t / (t + f):.3f}")
    t = sum(1 for r in rows if r["verdict"] == "true")
    print(
        f"{'all':<40} true {t:>3}  false {len(rows) - t:>3}  precision {t / len(rows):.3f}  ({len(rows)} labelled)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
