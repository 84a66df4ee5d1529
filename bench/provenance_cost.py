"""What the files outside production code cost: `python bench/provenance_cost.py TREE`.

Every file ztlint would scan in TREE is classified as the engine does (default
settings: ztlint.provenance), then the production files and the other files are each
scanned as named files (as pre-commit passes them), cold, in a fresh process, three
times; the median wall time of each is printed beside that of the whole tree. Test,
example and docs files go through the secret rules only by default and vendored and
generated files likewise (for unmistakable secrets): this is that cost, reported apart
from the production scan it rides along. Never run as a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from ztlint import provenance
from ztlint.discovery import discover
from ztlint.source import read_file

MAX_SIZE = 2 * 1024 * 1024


def _classes(tree: Path) -> dict[str, list[str]]:
    found = discover(["."], (), str(tree))
    settings = provenance.Settings()
    out: dict[str, list[str]] = {}
    for entry in found.files:
        try:
            raw = read_file(entry.abs, MAX_SIZE)
            text = None if raw.binary else raw.data.decode("utf-8", "replace")
        except OSError:  # unreadable here: the scan will say so; count it as production
            text = ""
        out.setdefault(provenance.classify(entry.rel, text, settings), []).append(entry.rel)
    return out


def _time(tree: Path, targets: list[str], runs: int) -> float:
    command = [sys.executable, "-I", "-m", "ztlint", "scan", "--no-cache", "-j", "2"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*command, *targets], cwd=tree, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    classes = _classes(args.tree)
    production = classes.get(provenance.PRODUCTION, [])
    others = sorted(p for c, paths in classes.items() if c != provenance.PRODUCTION for p in paths)
    print("files:", dict(Counter({c: len(p) for c, p in sorted(classes.items())})))
    whole = _time(args.tree, ["."], args.runs)
    prod = _time(args.tree, production, args.runs)
    rest = _time(args.tree, others, args.runs)
    print(f"whole tree          {whole:6.2f} s")
    print(f"production files    {prod:6.2f} s  ({len(production)} files)")
    print(f"other files         {rest:6.2f} s  ({len(others)} files: secret rules only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
