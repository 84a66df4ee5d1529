"""Benchmark ztlint: `python bench/run.py [PATH...]`.

Scans a generated corpus of realistic files at 1x, 4x and 16x (so it needs no
download) and any trees given on the command line, each several times in a fresh
process, and prints wall time, CPU time, peak memory (the process and its workers),
files and bytes per second, and the number of findings (speed must never come from
finding less). Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "fixtures" / "demo", *sorted((ROOT / "fixtures").glob("ZT[0-9][0-9][0-9]"))]


def make_corpus(dest: Path, scale: int) -> Path:
    """`scale` copies of the fixtures and the demo, plus filler code and config that
    carries no finding (most files in a real repository)."""
    filler_go = (
        'package svc\n\nimport "fmt"\n\nfunc Handle%d(x int) string {\n\treturn fmt.Sprint(x * %d)\n}\n'
        * 8
    )
    filler_yaml = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-%d\ndata:\n  key: value-%d\n"
    )
    for i in range(scale):
        base = dest / f"part{i:03d}"
        for src in SOURCES:
            shutil.copytree(src, base / src.name, ignore=shutil.ignore_patterns("*.expect"))
        filler = base / "filler"
        filler.mkdir(parents=True)
        for j in range(40):
            (filler / f"svc{j}.go").write_text(filler_go.replace("%d", str(j)))
            (filler / f"cfg{j}.yaml").write_text(filler_yaml.replace("%d", str(j)))
            (filler / f"notes{j}.md").write_text(f"Zero trust notes, line {j}.\n" * 50)
    return dest


def tree_size(path: Path) -> tuple[int, int]:
    files = size = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            files += 1
            size += p.stat().st_size
    return files, size


def one_run(path: Path, jobs: int | None) -> dict[str, float]:
    cmd = [sys.executable, "-m", "ztlint", "scan", str(path), "--format", "json"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ztlint failed on {path}: {proc.stderr}")
    summary = json.loads(proc.stdout)["summary"]
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        # ru_maxrss of children is the largest single child; workers are children of
        # the ztlint process, so this is the peak of the biggest process.
        "peak_mb": after.ru_maxrss / 1024,
        "findings": summary["findings"] + summary["suppressed"],
    }


def measure(label: str, path: Path, runs: int, jobs: int | None) -> None:
    files, size = tree_size(path)
    results = [one_run(path, jobs) for _ in range(runs)]
    wall = statistics.median(r["wall"] for r in results)
    cpu = statistics.median(r["cpu"] for r in results)
    peak = max(r["peak_mb"] for r in results)
    findings = {int(r["findings"]) for r in results}
    print(
        f"{label:<28} {files:>7} {size / 1e6:>8.1f} {wall:>8.2f} {cpu:>8.2f} {peak:>8.0f} "
        f"{files / wall:>9.0f} {size / 1e6 / wall:>7.1f} {','.join(map(str, sorted(findings))):>9}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--scales", default="1,4,16")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
    print(
        f"{'tree':<28} {'files':>7} {'MB':>8} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'files/s':>9} {'MB/s':>7} {'findings':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="ztlint-bench-") as tmp:
        for scale in (int(s) for s in args.scales.split(",") if s):
            corpus = make_corpus(Path(tmp) / f"x{scale}", scale)
            measure(f"generated x{scale}", corpus, args.runs, args.jobs)
    for path in args.paths:
        measure(str(path)[-28:], path, args.runs, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
