"""Precision of the ZT5xx rules on hand-labelled findings from real services.

bench/auth/verdicts.csv holds one row per finding ztlint reported on the repositories
and commits it names (fetched separately, never committed): `true`, `false`, or
`false-fixed` (a false positive found while labelling and fixed since; it no longer
fires and does not count). Prints precision per rule and labelled findings per language.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

LANGUAGES = {
    ".go": "Go",
    ".py": "Python",
    ".ts": "TypeScript/JavaScript",
    ".js": "TypeScript/JavaScript",
    ".tsx": "TypeScript/JavaScript",
    ".jsx": "TypeScript/JavaScript",
    ".mjs": "TypeScript/JavaScript",
    ".rs": "Rust",
    ".swift": "Swift",
    ".sh": "shell",
}


def summarize(rows: list[dict[str, str]]) -> dict[str, tuple[int, int]]:
    """Print precision per rule and labelled findings per language; return
    {rule: (true, false)} for the rows still live (`true` or `false`)."""
    live = [r for r in rows if r["verdict"] in ("true", "false")]
    per_rule: dict[str, Counter[str]] = {}
    languages: Counter[str] = Counter()
    for r in live:
        per_rule.setdefault(r["rule"], Counter())[r["verdict"]] += 1
        suffix = Path(r["location"].rsplit(":", 1)[0]).suffix
        languages[LANGUAGES.get(suffix, suffix or "shell")] += 1
    print(f"{'rule':32} {'true':>5} {'false':>5} precision")
    for rule, c in sorted(per_rule.items()):
        total = c["true"] + c["false"]
        print(f"{rule:32} {c['true']:5} {c['false']:5} {c['true'] / total:.3f}")
    print("labelled findings per language:", dict(sorted(languages.items())))
    print(
        "false positives fixed while labelling:", sum(r["verdict"] == "false-fixed" for r in rows)
    )
    return {rule: (c["true"], c["false"]) for rule, c in per_rule.items()}


def main() -> int:
    summarize(list(csv.DictReader((Path(__file__).parent / "auth" / "verdicts.csv").open())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
