"""ztlint against detect-secrets on public trees, from the hand-labelled verdict table.

    python bench/secrets_compare.py                       # figures from bench/secrets/verdicts.csv
    python bench/secrets_compare.py --check REPO=PATH ... --detect-secrets BIN

The table has one row per finding of either tool: repository, commit, path:line, tool,
true or false, and why. A line counts once per tool. Recall is measured against the
union of true lines found by either tool; precision over each tool's own rows.

With --check, both tools are run again on the given checkouts (each scanned at the
folder the table's paths start from) and every finding must have a row in the table, so
the labels cannot go stale silently. ztlint runs its committed-secret rules only
(ZT201-ZT204), with test code included, as detect-secrets has no notion of test code.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "secrets" / "verdicts.csv"
SCAN_ROOTS = {
    "Yelp/detect-secrets": "test_data",
    "gitleaks/gitleaks": "testdata",
    "open-telemetry/opentelemetry-demo": ".",
}


def load() -> list[dict[str, str]]:
    with TABLE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def figures(rows: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    truth: dict[tuple[str, str], bool] = {}
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        key = (row["repository"], row["path:line"])
        truth[key] = row["verdict"] == "true"
        found[row["tool"]].add(key)
    union = {k for k, v in truth.items() if v}
    out = {}
    for tool, keys in sorted(found.items()):
        true_found = {k for k in keys if truth[k]}
        out[tool] = {
            "findings": len(keys),
            "true": len(true_found),
            "false": len(keys) - len(true_found),
            "precision": len(true_found) / len(keys) if keys else 1.0,
            "recall": len(true_found) / len(union) if union else 1.0,
        }
    out["union"] = {"true": len(union)}
    return out


def _ztlint(path: Path, root: str) -> set[str]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ztlint",
            "scan",
            root,
            "--include-tests",
            "--select",
            "ZT201,ZT202,ZT203,ZT204",
            "--format",
            "json",
        ],
        cwd=path,
        capture_output=True,
        text=True,
        check=False,
    )
    return {f"{f['path']}:{f['start_line']}" for f in json.loads(proc.stdout)["findings"]}


def _detect_secrets(binary: str, path: Path, root: str) -> set[str]:
    proc = subprocess.run(
        [binary, "scan", "--all-files", root], cwd=path, capture_output=True, text=True, check=False
    )
    results = json.loads(proc.stdout)["results"]
    return {f"{name}:{item['line_number']}" for name, items in results.items() for item in items}


def check(rows: list[dict[str, str]], checkouts: dict[str, Path], binary: str | None) -> list[str]:
    labelled = {(r["repository"], r["tool"], r["path:line"]) for r in rows}
    missing = []
    for repo, path in checkouts.items():
        root = SCAN_ROOTS[repo]
        for where in sorted(_ztlint(path, root)):
            if (repo, "ztlint", where) not in labelled:
                missing.append(f"{repo} ztlint {where}")
        if binary:
            for where in sorted(_detect_secrets(binary, path, root)):
                if (repo, "detect-secrets", where) not in labelled:
                    missing.append(f"{repo} detect-secrets {where}")
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", nargs="*", default=[], metavar="REPO=PATH")
    parser.add_argument("--detect-secrets", dest="binary")
    args = parser.parse_args()
    rows = load()
    if args.check:
        checkouts = {item.split("=", 1)[0]: Path(item.split("=", 1)[1]) for item in args.check}
        missing = check(rows, checkouts, args.binary)
        if missing:
            print("findings without a verdict:\n  " + "\n  ".join(missing))
            return 1
    result = figures(rows)
    print(f"true findings in the union: {result['union']['true']}")
    for tool in ("detect-secrets", "ztlint"):
        r = result[tool]
        print(
            f"{tool:<15} findings {r['findings']:>3}  true {r['true']:>3}  false {r['false']:>3}  "
            f"precision {r['precision']:.3f}  recall {r['recall']:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
