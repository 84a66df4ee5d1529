"""Where each finding sits: its file's provenance (production, test, example, docs,
vendored, generated), as other files' evidence places it, and Rust test items inside
production files."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ztlint import policy
from ztlint import provenance as provenance_mod
from ztlint.model import Finding
from ztlint.plan import Plan
from ztlint.report import FileResult


def origins(results: Sequence[FileResult], plan: Plan) -> Callable[[str, int | None], str]:
    """A finding's provenance by path and line: its file's, except Rust test items and
    test modules (`#[cfg(test)]`), which are test code in a production file. A file
    the scan did not read (a project finding's) is judged by its path."""
    origins = {r.path: r.provenance for r in results}
    ranges = {r.path: r.test_ranges for r in results}
    declared = tuple(sorted({p for r in results for p in r.test_paths}))

    def origin_of(path: str, line: int | None) -> str:
        origin = origins.get(path)
        if origin is None:
            origin = provenance_mod.classify(
                provenance_mod.relative_to_roots(path, plan.roots), None, plan.provenance
            )
        if origin != provenance_mod.PRODUCTION:
            return origin
        if any(path == d or (d.endswith("/") and path.startswith(d)) for d in declared) or (
            line is not None and any(lo <= line <= hi for lo, hi in ranges.get(path, ()))
        ):
            return provenance_mod.TEST
        return origin

    return origin_of


def place(
    findings: Sequence[Finding], origin_of: Callable[[str, int | None], str], show: bool
) -> tuple[list[Finding], int]:
    """Provenance (CATALOG.md, ztlint.policy.place): findings outside production code
    are counted and dropped by default, reported at level note on request (`show`); an
    unmistakable secret is reported wherever it sits. Returns the findings kept and how
    many of those dropped sat in test, example or docs code."""
    kept = []
    hidden = 0
    for f in findings:
        origin = origin_of(f.path, f.span.start_line)
        placed = policy.place(f, origin, show)
        if placed is None:
            hidden += origin in provenance_mod.NOT_SHOWN
            continue
        kept.append(placed)
    return kept, hidden
