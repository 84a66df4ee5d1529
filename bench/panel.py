"""The production panel: ztlint's default findings on real repositories, labelled by hand.

    python bench/panel.py --checkouts DIR                 # tuning set: check and precision
    python bench/panel.py --checkouts DIR --held-out      # the held-out set too
    python bench/panel.py --checkouts DIR --todo FILE     # unlabelled findings as CSV rows
    python bench/panel.py --checkouts DIR --min-confidence pedantic  # every finding
    python bench/panel.py --checkouts DIR --min-confidence pedantic --prune
                                                          # drop rows no finding matches

bench/panel/repositories.csv lists the repositories, each at a pinned commit, and its
set: `tuning` (its findings may be read while rules change) or `held-out` (scanned and
read only at the end, its precision reported apart). The checkouts are never committed:
DIR holds one folder per repository named `owner+name` (fetch the repository and lay
out the commit, e.g. with shared/tools/unpack-snapshot).

bench/panel/verdicts.csv has one row per default finding: `location` (path:line),
`rule` (id and name), `verdict` (`true`: a real problem its maintainers would fix;
`false`: not a problem; `by-design`: accurate, but the repository means it), and why,
judged by reading the code as that repository's maintainer would.

Each repository is scanned with default settings (`ztlint scan . --no-cache`, its own
in-tree config applying) in a fresh, isolated Python (`-I`: a checkout's Python files
are never imported). The exit code is 1 when any finding has no verdict; rows that no
finding matches any more are listed as stale. It prints findings per repository and
precision, true / (true + false), overall and per rule, and the by-design share.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PANEL = HERE / "panel"
VERDICT_KINDS = ("true", "false", "by-design")
# The folder of the panel in use (--panel): its repositories.csv and verdicts.csv.
REPOSITORIES = PANEL / "repositories.csv"
VERDICTS = PANEL / "verdicts.csv"


def use_panel(folder: Path) -> None:
    global REPOSITORIES, VERDICTS
    REPOSITORIES = folder / "repositories.csv"
    VERDICTS = folder / "verdicts.csv"


def repositories(held_out: bool) -> list[dict[str, str]]:
    with REPOSITORIES.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if held_out or not r["set"].startswith("held-out")]


def verdicts() -> dict[tuple[str, str, str], list[dict[str, str]]]:
    """Rows by (repository, location, rule id): a list, since one line can carry the
    same rule's finding more than once (each gets its own row, matched in order)."""
    with VERDICTS.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row["verdict"] not in VERDICT_KINDS:
            sys.exit(f"{VERDICTS}: {row['location']}: verdict must be one of {VERDICT_KINDS}")
        out[(row["repository"], row["location"], row["rule"].split()[0])].append(row)
    return out


def scan(checkout: Path, min_confidence: str = "high") -> dict[str, object]:
    command = [sys.executable, "-I", "-m", "ztlint", "scan", ".", "--no-cache"]
    command += ["--format", "json", "--min-confidence", min_confidence]
    proc = subprocess.run(
        command,
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"ztlint failed on {checkout} ({proc.returncode}): {proc.stderr.strip()}")
    report: dict[str, object] = json.loads(proc.stdout)
    return report


def _prune(
    labels: dict[tuple[str, str, str], list[dict[str, str]]],
    used: Counter[tuple[str, str, str]],
    scanned: set[str],
) -> None:
    """Rewrite the verdicts file keeping, per key, the rows findings matched."""
    kept: list[dict[str, str]] = []
    dropped: Counter[tuple[str, str]] = Counter()
    for key, rows in labels.items():
        n = used[key] if key[0] in scanned else len(rows)
        kept.extend(rows[:n])
        for row in rows[n:]:
            dropped[(row["rule"], row["verdict"])] += 1
    kept.sort(key=lambda r: (r["repository"].lower(), r["location"], r["rule"]))
    with VERDICTS.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(kept[0]))
        writer.writeheader()
        writer.writerows(kept)
    print(f"pruned {sum(dropped.values())} row(s):")
    for (rule, verdict), n in sorted(dropped.items()):
        print(f"  {rule:<40} {verdict:<9} {n}")


def precision(counts: Counter[str]) -> str:
    judged = counts["true"] + counts["false"]
    return f"{counts['true'] / judged:.2f}" if judged else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkouts", type=Path, required=True)
    parser.add_argument(
        "--panel",
        type=Path,
        default=PANEL,
        help="the folder holding repositories.csv and verdicts.csv (default: bench/panel; "
        "bench/vulnerable is the recall set)",
    )
    parser.add_argument("--held-out", action="store_true", help="include the held-out set")
    parser.add_argument(
        "--skip-missing",
        action="store_true",
        help="scan only the repositories that have a checkout, naming the others (a session "
        "can fetch fewer repositories than the panel holds); the figures cover those scanned",
    )
    parser.add_argument("--todo", type=Path, help="write unlabelled findings here as CSV")
    parser.add_argument(
        "--findings",
        type=Path,
        help="write every default finding here as CSV, with its verdict and message",
    )
    parser.add_argument(
        "--min-confidence",
        default="high",
        choices=("high", "medium", "low", "pedantic"),
        help="scan at this threshold (default: high, ztlint's default); stale rows are "
        "listed (and --prune drops them) only at pedantic, where every finding shows",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="rewrite the verdicts without the rows no finding matches (after a change that "
        "removed findings), printing what they were",
    )
    parser.add_argument(
        "--json",
        type=Path,
        help="also write the counts per set and per rule here (bench/precision_docs.py "
        "turns them into each rule's measured precision)",
    )
    args = parser.parse_args()
    use_panel(args.panel)

    labels = verdicts()
    used: Counter[tuple[str, str, str]] = Counter()
    todo: list[list[str]] = []
    listed: list[list[str]] = []
    by_set: dict[str, Counter[str]] = defaultdict(Counter)
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    missing: list[str] = []
    print(f"{'repository':<28} {'set':<9} {'files':>6} {'findings':>8}  true false by-design ?")
    for repo in repositories(args.held_out):
        checkout = args.checkouts / repo["repository"].replace("/", "+")
        if not checkout.is_dir():
            if not args.skip_missing:
                sys.exit(f"no checkout of {repo['repository']} at {checkout}")
            missing.append(repo["repository"])
            continue
        report = scan(checkout, args.min_confidence)
        counts: Counter[str] = Counter()
        findings = report["findings"]
        assert isinstance(findings, list)
        for f in findings:
            location = f"{f['path']}:{f['start_line']}"
            key = (repo["repository"], location, f["rule_id"])
            rows = labels.get(key, [])
            row = rows[used[key]] if used[key] < len(rows) else None
            used[key] += 1
            listed.append(
                [
                    repo["repository"],
                    repo["set"],
                    location,
                    f"{f['rule_id']} {f['rule_name']}",
                    row["verdict"] if row else "?",
                    f["severity"],
                    f["message"],
                    row["why"] if row else "",
                ]
            )
            if row is None:
                counts["?"] += 1
                todo.append(
                    [
                        repo["repository"],
                        repo["commit"],
                        location,
                        f"{f['rule_id']} {f['rule_name']}",
                        "?",
                        f["message"],
                    ]
                )
                continue
            counts[row["verdict"]] += 1
            by_set[repo["set"]][row["verdict"]] += 1
            by_rule[f"{f['rule_id']} {f['rule_name']}"][row["verdict"]] += 1
        summary = report["summary"]
        assert isinstance(summary, dict)
        print(
            f"{repo['repository']:<28} {repo['set']:<9} {summary['files_scanned']:>6} "
            f"{len(findings):>8}  {counts['true']:>4} {counts['false']:>5} "
            f"{counts['by-design']:>9} {counts['?']}"
        )
    scanned = {r["repository"] for r in repositories(args.held_out)} - set(missing)
    if missing:
        print(f"skipped {len(missing)} repositories with no checkout; figures cover {len(scanned)}")
    stale = sorted(k for k, rows in labels.items() if k[0] in scanned and used[k] < len(rows))
    lost = sorted(
        (key, row["why"])
        for key, rows in labels.items()
        if key[0] in scanned
        for row in rows[used[key] :]
        if row["verdict"] == "true"
    )
    kept_true = sum(
        r["verdict"] == "true" for k, rows in labels.items() if k[0] in scanned for r in rows
    )
    print(f"true findings kept: {kept_true - len(lost)} of {kept_true}")
    for key, why in lost:
        print(f"  lost true finding: {' '.join(key)}: {why}")
    if args.min_confidence not in ("low", "pedantic"):
        # Rows of findings this threshold hides stay: every level is measured. Only a
        # pedantic scan (every finding) shows which rows match nothing at all.
        stale = []
    for key in stale:
        print(f"stale verdict (no such finding now): {' '.join(key)}")
    if args.prune and stale:
        _prune(labels, used, scanned)
    print("\nprecision (true / (true + false)), by-design share:")
    for name, counts in sorted(by_set.items()):
        total = sum(counts.values())
        share = counts["by-design"] / total if total else 0.0
        print(f"  {name:<9} {precision(counts):>5}  by-design {share:.2f}  ({dict(counts)})")
    print("per rule:")
    for rule, counts in sorted(by_rule.items()):
        print(f"  {rule:<40} {precision(counts):>5}  {dict(counts)}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "repositories": len(scanned),
                    "min_confidence": args.min_confidence,
                    "by_set": {k: dict(v) for k, v in sorted(by_set.items())},
                    "by_rule": {k.split()[0]: dict(v) for k, v in sorted(by_rule.items())},
                },
                indent=1,
                sort_keys=True,
            )
            + "\n"
        )
    if args.findings:
        with args.findings.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(
                ["repository", "set", "location", "rule", "verdict", "severity", "message", "why"]
            )
            writer.writerows(listed)
    if args.todo:
        with args.todo.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["repository", "commit", "location", "rule", "verdict", "why"])
            writer.writerows(todo)
    if todo:
        print(f"\n{len(todo)} finding(s) without a verdict", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
