"""Benchmark ztlint: `python bench/run.py [PATH...] [--semgrep-rules SEMGREP_RULES]`.

Scans a generated corpus of realistic files at 1x, 4x and 16x (so it needs no
download) and any trees given on the command line, each several times in a fresh
process and cold (`--no-cache`), then warm (the same tree again with a private result
cache, as a developer re-runs it), and prints wall time, CPU time, peak memory (the
process and its workers summed, sampled from /proc), files and bytes per second, and
the number of findings (speed must never come from finding less). On the given trees
it also runs, when installed, ripgrep over ztlint's trigger strings and semgrep with
the semgrep-rules rules aimed at the same problems as ztlint's shipped rules
(bench/semgrep_equivalents.py; pass the semgrep-rules checkout), and prints the
ratios. With `--history GIT_DIR` (and `--scales ""` to skip the rest) it times
`scan --history` on a repository's whole history against `git cat-file
--batch-all-objects --batch | rg -a -F -c`, and the secret rules on `--history-worktree`.
Never run as a test.
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
import threading
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
        if ".git" in p.relative_to(path).parts:
            continue  # history is not scanned
        if p.is_file() and not p.is_symlink():
            files += 1
            size += p.stat().st_size
    return files, size


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(x.split()[1]) for x in fh if x.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def timed(
    cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[dict[str, float], str]:
    """Wall, CPU (children), summed peak RSS of the process tree; and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 1024, "rc": proc.returncode}, out


def one_run(path: Path, jobs: int | None, *extra: str) -> dict[str, float]:
    cmd = [sys.executable, "-m", "ztlint", "scan", str(path), "--format", "json", "--no-cache"]
    cmd += extra
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    result, out = timed(cmd)
    if result["rc"] not in (0, 1):
        raise SystemExit(f"ztlint failed on {path}")
    summary = json.loads(out)["summary"]
    result["findings"] = summary["findings"] + summary["suppressed"]
    return result


def warm_runs(path: Path, jobs: int | None, runs: int) -> list[dict[str, float]]:
    """Re-scans of an unchanged tree with the result cache on (a private cache folder,
    filled first; files written within ztlint.statcache.RACY_NS of a scan are read
    again, so the fill waits that long and runs twice)."""
    cmd = [sys.executable, "-m", "ztlint", "scan", str(path), "--format", "json", "--cache"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    with tempfile.TemporaryDirectory(prefix="ztlint-bench-cache-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env["ZTLINT_CACHE_DIR"] = folder
        for _ in range(2):
            timed(cmd, env=env)
            time.sleep(2.1)
        results = []
        for _ in range(runs):
            result, out = timed(cmd, env=env)
            summary = json.loads(out)["summary"]
            result["findings"] = summary["findings"] + summary["suppressed"]
            results.append(result)
    return results


HOOK_FILES = 10
_CODE = (".go", ".rs", ".py", ".ts", ".js", ".swift", ".sh", ".yaml", ".yml", ".json", ".toml")


def hook_files(path: Path) -> list[str]:
    """Ten files spread over the tree, as a commit might stage them."""
    files = sorted(
        str(p.relative_to(path))
        for p in path.rglob("*")
        if p.suffix in _CODE and p.is_file() and ".git" not in p.parts
    )
    step = max(1, len(files) // HOOK_FILES)
    return files[::step][:HOOK_FILES]


def hook_run(path: Path, files: list[str]) -> dict[str, float]:
    """A cold process scanning the named files, as the pre-commit hook runs."""
    cmd = [sys.executable, "-m", "ztlint", "scan", "--format", "json", "--no-cache", *files]
    result, out = timed(cmd, cwd=path)
    summary = json.loads(out)["summary"]
    result["findings"] = summary["findings"] + summary["suppressed"]
    return result


def triggers() -> list[str]:
    """ztlint's trigger strings, for ripgrep's fixed-string search. An any-case trigger
    is given in its lower, Capitalised and UPPER spellings: ripgrep's case-insensitive
    search is several times slower than its literal one, and the baseline should not
    be slowed down by the comparison."""
    from ztlint.registry import load_rules

    found: set[str] = set()
    for rule in load_rules():
        checks = [*rule.detectors, *([rule.project] if rule.project is not None else [])]
        for det in checks:
            found.update(det.triggers)
            found.update(f for w in det.any_case for f in (w, w.capitalize(), w.upper()))
    return sorted(found)


def ripgrep_run(path: Path) -> dict[str, float] | None:
    rg = shutil.which("rg")
    if rg is None:
        return None
    cmd = [rg, "--no-config", "-F", "-c", "--hidden", "-uu", "--no-messages"]
    for t in triggers():
        cmd += ["-e", t]
    result, out = timed([*cmd, str(path)])
    result["findings"] = sum(1 for line in out.splitlines() if line)  # files with a trigger
    return result


def semgrep_rules(checkout: Path, which: str) -> list[Path]:
    sys.path.insert(0, str(Path(__file__).parent))
    from semgrep_equivalents import equivalent_rules, rule_files

    if which == "full":
        return equivalent_rules(checkout)
    from semgrep_recall import SUITES

    names = set()
    for suite in SUITES.values():
        for test_file, *_ in suite:
            stem = Path(test_file).with_suffix("")
            stem = stem.with_suffix("") if stem.suffix == ".test" else stem
            yml = stem.with_suffix(".yml")
            names.add(str(yml if (checkout / yml).exists() else stem.with_suffix(".yaml")))
    return rule_files(checkout, sorted(names))


def semgrep_run(path: Path, rules: list[Path], binary: str | None) -> dict[str, float] | None:
    semgrep = binary or shutil.which("semgrep")
    if semgrep is None or not rules:
        return None
    cmd = [semgrep, "scan", "--metrics=off", "--disable-version-check", "--json", "--quiet"]
    for rule in rules:
        cmd += ["--config", str(rule)]
    result, out = timed([*cmd, str(path)])
    try:
        result["findings"] = len(json.loads(out)["results"])
    except (ValueError, KeyError):
        result["findings"] = -1
    return result


def row(label: str, files: int, size: int, results: list[dict[str, float]]) -> float:
    wall = statistics.median(r["wall"] for r in results)
    cpu = statistics.median(r["cpu"] for r in results)
    peak = max(r["peak_mb"] for r in results)
    findings = {int(r["findings"]) for r in results}
    print(
        f"{label:<34} {files:>7} {size / 1e6:>8.1f} {wall:>8.2f} {cpu:>8.2f} {peak:>8.0f} "
        f"{files / wall:>9.0f} {size / 1e6 / wall:>7.1f} {','.join(map(str, sorted(findings))):>9}"
    )
    return wall


def measure(label: str, path: Path, runs: int, jobs: int | None, peers: dict[str, object]) -> None:
    files, size = tree_size(path)
    ours = row(label, files, size, [one_run(path, jobs) for _ in range(runs)])
    row("  warm re-scan (cache)", files, size, warm_runs(path, jobs, runs))
    if not peers:
        return
    # Test files are not checked by default (their findings would be dropped); this row
    # checks them too, as semgrep and ripgrep do.
    row("  with --include-tests", files, size,
        [one_run(path, jobs, "--include-tests") for _ in range(runs)])  # fmt: skip
    staged = hook_files(path)
    hook_size = sum((path / f).stat().st_size for f in staged)
    row(f"  pre-commit, {len(staged)} files", len(staged), hook_size,
        [hook_run(path, staged) for _ in range(runs)])  # fmt: skip
    for name, run in (
        ("ripgrep (triggers)", lambda: ripgrep_run(path)),
        (
            "semgrep (equivalent rules)",
            lambda: semgrep_run(path, peers["rules"], peers["semgrep"]),  # type: ignore[arg-type]
        ),
    ):
        results = [r for r in (run() for _ in range(runs)) if r is not None]
        if results:
            theirs = row(f"  {name}", files, size, results)
            if ours <= theirs:
                print(f"  {name} takes {theirs / ours:.1f}x ztlint's wall time")
            else:
                print(f"  ztlint takes {ours / theirs:.1f}x {name}'s wall time")


# --- history (`scan --history`) ------------------------------------------------------

HISTORY_LITERALS = ("PRIVATE KEY-----", "AKIA", "ghp_", "xoxb-", "password")


def history_repo(source: Path, dest: Path) -> Path:
    """A repository to scan: `source` itself when it has a work tree (`.git`), else
    (a bare mirror) an empty repository borrowing its objects (alternates) with a copy
    of its refs, so that nothing is written into the mirror."""
    if (source / ".git").exists():
        return source
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    (dest / ".git" / "objects" / "info" / "alternates").write_text(
        str((source / "objects").resolve()) + "\n"
    )
    if (source / "packed-refs").is_file():
        shutil.copy(source / "packed-refs", dest / ".git" / "packed-refs")
    if (source / "refs").is_dir():
        shutil.copytree(source / "refs", dest / ".git" / "refs", dirs_exist_ok=True)
    head = (source / "HEAD").read_text().strip()
    if head.startswith("ref: "):
        subprocess.run(["git", "symbolic-ref", "HEAD", head[5:]], cwd=dest, check=True)
    return dest


def _count(cmd: list[str], cwd: Path) -> str:
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False).stdout
    return out.strip()


def _max_rss_mb(cmd: list[str], cwd: Path) -> tuple[dict[str, float], str]:
    """timed(), plus the largest single process's peak (/usr/bin/time -v) when there."""
    if not Path("/usr/bin/time").exists():
        return timed(cmd, cwd)
    with tempfile.NamedTemporaryFile(prefix="ztlint-time-", suffix=".txt") as log:
        result, out = timed(["/usr/bin/time", "-v", "-o", log.name, *cmd], cwd)
        text = Path(log.name).read_text()
    for line in text.splitlines():
        if "Maximum resident set size" in line:
            result["max_rss_mb"] = int(line.rsplit(":", 1)[1]) / 1024
    return result, out


def history_bench(source: Path, worktree: Path | None) -> None:
    """Time `scan --history` over every ref and over the default branch, cold, against
    `git cat-file --batch-all-objects --batch | rg -a -F -c LITERALS` in the same run,
    and the secret rules on a working tree."""
    with tempfile.TemporaryDirectory(prefix="ztlint-history-") as tmp:
        repo = history_repo(source, Path(tmp) / "repo")
        print(f"\nhistory of {source}")
        print(
            f"  refs {_count(['git', 'for-each-ref', '--format=x'], repo).count('x')}, "
            f"commits (all refs) {_count(['git', 'rev-list', '--all', '--count'], repo)}, "
            f"commits (HEAD) {_count(['git', 'rev-list', 'HEAD', '--count'], repo)}"
        )
        grep = shutil.which("rg")
        literals = " ".join(f"-e '{lit}'" for lit in HISTORY_LITERALS)
        search = f"{grep} -a -F -c {literals}" if grep else f"grep -a -F -c {literals}"
        reference = f"git cat-file --batch-all-objects --batch | {search}"
        result, out = _max_rss_mb(["bash", "-c", reference], repo)
        print(f"  reference `{reference}`")
        print(
            f"    wall {result['wall']:.1f} s, cpu {result['cpu']:.1f} s, "
            f"peak {result['peak_mb']:.0f} MB, matching lines {out.strip()}"
        )
        for label, flag in (("all refs", "--history"), ("HEAD only", "--history=HEAD")):
            cmd = [sys.executable, "-m", "ztlint", "scan", flag, "--no-cache", "--format", "json"]
            result, out = _max_rss_mb(cmd, repo)
            doc = json.loads(out)
            h = doc["summary"]["history"]
            print(
                f"  ztlint {flag}: wall {result['wall']:.1f} s, cpu {result['cpu']:.1f} s, "
                f"peak (tree) {result['peak_mb']:.0f} MB, largest process "
                f"{result.get('max_rss_mb', 0):.0f} MB; {h['commits']} commits, {h['blobs']} "
                f"blobs ({h['blobs_scanned']} parsed, {h['blobs_unchanged']} with no new "
                f"trigger); {doc['summary']['findings']} findings, "
                f"{len(doc['notifications'])} notifications ({label})"
            )
    if worktree is not None:
        select = "ZT201,ZT202,ZT203,ZT204,ZT205"
        cmd = [sys.executable, "-m", "ztlint", "scan", str(worktree), "--no-cache"]
        cmd += ["--format", "json", "--select", select]
        result, out = timed(cmd)
        print(
            f"  secret rules on the working tree {worktree}: wall {result['wall']:.1f} s, "
            f"cpu {result['cpu']:.1f} s, {json.loads(out)['summary']['findings']} findings"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--scales", default="1,4,16")
    parser.add_argument("--semgrep-rules", type=Path, help="a semgrep-rules checkout")
    parser.add_argument("--semgrep", help="the semgrep executable (default: on PATH)")
    parser.add_argument(
        "--semgrep-set",
        choices=("full", "recall"),
        default="full",
        help="semgrep rules: those aimed at the problems of every shipped ztlint rule "
        "(bench/semgrep_equivalents.py) or only the recall-checked ones",
    )
    parser.add_argument(
        "--history",
        type=Path,
        help="also time `scan --history` on this repository (a work tree, or a bare "
        "mirror's git folder, which is only read)",
    )
    parser.add_argument(
        "--history-worktree", type=Path, help="a checkout to time the secret rules on"
    )
    args = parser.parse_args()
    if args.history is not None:
        history_bench(args.history, args.history_worktree)
        if not args.paths and not args.scales:
            return 0
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
    print(
        f"{'tree':<34} {'files':>7} {'MB':>8} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'files/s':>9} {'MB/s':>7} {'findings':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="ztlint-bench-") as tmp:
        for scale in (int(s) for s in args.scales.split(",") if s):
            corpus = make_corpus(Path(tmp) / f"x{scale}", scale)
            measure(f"generated x{scale}", corpus, args.runs, args.jobs, {})
    peers = {
        "rules": semgrep_rules(args.semgrep_rules, args.semgrep_set) if args.semgrep_rules else [],
        "semgrep": args.semgrep,
    }
    for path in args.paths:
        measure(str(path)[-34:], path, args.runs, args.jobs, peers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
